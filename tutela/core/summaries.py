"""Summary tables: numbers derived from many records, kept by the worker instead of computed per request.

An app that keeps one says, in its ``AppConfig.ready()``, which record types it rolls up and the
function that marks it stale (``watch``). Every write is audited, so ``tutela.core.audit`` calls
``touched(model)`` for each entry it makes: after the transaction commits, the summaries watching
that model are marked stale, and each queues its own refresh, coalesced by the app (one queued
refresh at a time: marking a summary that is already stale is one UPDATE that changes no row). A write that is rolled back marks nothing.

This is the only hook: a service does not need to remember the summaries above it (an app may
not import an app above it, docs/architecture.md), and a new write path is covered as soon as it
is audited.
"""

from collections.abc import Callable, Iterable

from django.db import models, transaction

_watchers: dict[str, list[Callable[[], None]]] = {}


def watch(labels: Iterable[str], stale: Callable[[], None]) -> None:
    """Call ``stale()`` after the commit of any transaction that audits a write to one of ``labels``
    (``"app_label.modelname"``)."""
    for label in labels:
        if stale not in _watchers.setdefault(label, []):
            _watchers[label].append(stale)


def touched(model: type[models.Model] | models.Model | None) -> None:
    """A record of ``model`` was written in the current transaction (or just now, in autocommit)."""
    if model is None:
        return
    callbacks = _watchers.get(model._meta.label_lower)
    if not callbacks:
        return
    for stale in callbacks:
        transaction.on_commit(stale)
