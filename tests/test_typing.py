"""Users and actors are typed: ``core.access.Actor`` (a user or the anonymous public) or
``core.access.User``, never ``Any``. mypy (``make typecheck``) checks the rest."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNTYPED_ACTOR = re.compile(r"\b(actor|user)\s*:\s*(typing\.)?Any\b")


def test_no_user_or_actor_is_typed_any():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "tutela").rglob("*.py")) + sorted((ROOT / "config").rglob("*.py"))
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if UNTYPED_ACTOR.search(line)
    ]
    assert found == [], "type users and actors with core.access.Actor or User:\n" + "\n".join(found)


def test_the_check_would_catch_one():
    assert UNTYPED_ACTOR.search("def f(*, actor: Any, x: int) -> None:")
    assert UNTYPED_ACTOR.search("def readable(user: Any, qs):")
    assert not UNTYPED_ACTOR.search("def f(*, actor: Actor | None) -> None:")
