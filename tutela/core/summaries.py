"""Summary tables: numbers derived from many records, kept by the worker instead of computed per request.

An app that keeps one says, in its ``AppConfig.ready()``, which record types it rolls up and the
function that marks it stale (``watch``). Every write is audited, so ``tutela.core.audit`` calls
``touched(model)`` for each entry it makes: after the transaction commits, the summaries watching
that model are marked stale, and each queues its own refresh, coalesced by the app (one queued
refresh at a time: marking a summary that is already stale is one UPDATE that changes no row). A write that is rolled back marks nothing.
A transaction marks each summary once, however many writes it makes (``_Mark``).

This is the only hook: a service does not need to remember the summaries above it (an app may
not import an app above it, docs/architecture.md), and a new write path is covered as soon as it
is audited.
"""

import threading
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
        transaction.on_commit(_Mark(stale))


class _Calls(threading.local):
    def __init__(self) -> None:
        self.count = 0  # marks made and summaries marked stale in this thread, in order
        self.last: dict[Callable[[], None], int] = {}  # when each was last called


_calls = _Calls()


class _Mark:
    """``stale``, to be called at this transaction's commit unless it was already called after this
    mark was made. A thread runs one transaction at a time and calls its commit's callbacks right
    after the commit, so such a call came from this same commit (it saw this write): a transaction
    of many writes marks each summary once (the demo load is one transaction; with tasks run inline,
    each mark would run the refresh). Marks of a rolled-back savepoint are dropped by Django."""

    def __init__(self, stale: Callable[[], None]) -> None:
        _calls.count += 1
        self.stale, self.made = stale, _calls.count

    def __call__(self) -> None:
        if _calls.last.get(self.stale, 0) > self.made:
            return
        _calls.count += 1
        _calls.last[self.stale] = _calls.count
        self.stale()
