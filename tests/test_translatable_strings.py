"""Every message marked for translation can be extracted into the catalogues.

``makemessages`` runs GNU xgettext, which (0.21, Debian 12) does not look inside f-strings: a
``_("and remote")`` written in ``f"{text} ({_('and remote')})"`` is never extracted, so it never reaches
a catalogue and every language shows it in English, while ``tutela/core/tests/test_catalogues.py``
(which compares the catalogues with what xgettext extracts) cannot notice. The test reads every Python
file of the apps and config and fails, with file:line, on a gettext call inside an f-string.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy", "npgettext",
           "npgettext_lazy", "_lazy"}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def gettext_in_fstrings(source: str) -> list[int]:
    """The lines of gettext calls inside f-strings."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            found += [inner.lineno for inner in ast.walk(node)
                      if isinstance(inner, ast.Call) and _name(inner.func) in GETTEXT]
    return found


def test_the_check_sees_a_message_inside_an_fstring():
    assert gettext_in_fstrings("x = f\"{text} ({_('and remote')})\"") == [1]
    assert gettext_in_fstrings("x = f'{escape(gettext(\"Title\"))}'") == [1]
    assert gettext_in_fstrings("label = _('and remote')\nx = f'{text} ({label})'") == []


def test_no_message_marked_for_translation_is_written_inside_an_fstring():
    files = [p for top in ("tutela", "config") for p in (ROOT / top).rglob("*.py")
             if "tests" not in p.relative_to(ROOT).parts and "migrations" not in p.parts]
    found = [f"{p.relative_to(ROOT)}:{line}" for p in files for line in gettext_in_fstrings(p.read_text())]
    assert not found, "gettext inside an f-string is never extracted (take the message out of the f-string):\n" + "\n".join(found)
