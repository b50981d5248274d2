"""A record's lifecycle as one table of allowed transitions.

Each lifecycle (a project's stages, an agreement's, a consultation's) is one ``Lifecycle``: the
states in order, the moves allowed from each, and which moves cannot be undone. The app's service
asks ``lifecycle.refusal(current, target)`` (or ``check``) before it writes, so the API, the pages
and the tasks get the same answer; the pages draw their buttons from ``moves(current)`` and ask
for confirmation before an ``irreversible`` one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Move:
    """One allowed transition, as a page shows it: the button's verb, and whether it is final."""

    target: str
    verb: str
    irreversible: bool


@dataclass(frozen=True)
class Lifecycle:
    """``labels``: state → label, in order; ``transitions``: state → {target: verb};
    ``irreversible``: the targets that cannot be left again (closed, cancelled, expired…)."""

    name: StrOrPromise
    labels: Mapping[str, StrOrPromise]
    transitions: Mapping[str, Mapping[str, StrOrPromise]]
    irreversible: frozenset[str] = field(default_factory=frozenset)
    field_name: str = "stage"

    def label(self, state: str) -> str:
        return str(self.labels.get(state, state))

    def allowed(self, current: str) -> list[str]:
        return list(self.transitions.get(current, {}))

    def moves(self, current: str) -> list[Move]:
        return [Move(target, str(verb), target in self.irreversible)
                for target, verb in self.transitions.get(current, {}).items()]

    def is_irreversible(self, target: str) -> bool:
        return target in self.irreversible

    def refusal(self, current: str, target: str) -> str | None:
        """Why ``current → target`` is not allowed (a sentence for the user), or None when it is."""
        if target not in self.labels:
            return _("“%(target)s” is not a stage of this %(name)s; use one of %(states)s.") % {
                "target": target, "name": str(self.name), "states": ", ".join(self.labels)}
        if target == current:
            return None
        if target in self.transitions.get(current, {}):
            return None
        values = {"name": str(self.name), "current": self.label(current), "target": self.label(target)}
        allowed = self.allowed(current)
        if not allowed:
            return _("This %(name)s is %(current)s, which is final: it cannot become %(target)s.") % values
        values["allowed"] = _(" or ").join(self.label(s) for s in allowed)
        return _("This %(name)s is %(current)s: it cannot become %(target)s directly; from %(current)s it can only "
                 "become %(allowed)s.") % values

    def check(self, current: str, target: str, *, field_name: str | None = None) -> None:
        """Raise a ValidationError on the state's field when the move is not allowed."""
        reason = self.refusal(current, target)
        if reason:
            raise ValidationError({field_name or self.field_name: reason})

    def path(self) -> Iterable[tuple[str, str]]:
        return [(state, str(label)) for state, label in self.labels.items()]
