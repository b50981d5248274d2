"""axe-core in the browser tests: inject the vendored copy into a Playwright page, run the WCAG A and AA rules.

axe is vendored for the tests only (tests/e2e/vendor/axe-core/, see its README) and never served to users.
It enters the page as an init script, which the page's Content-Security-Policy does not govern, so the page
under test is the page users get. See docs/accessibility.md for what is checked and how.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE_SOURCE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

# WCAG 2.0, 2.1 and 2.2, levels A and AA (axe's tags; 2.2 level A has no rule of its own yet).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

# Rules switched off, each for one reason written here and in docs/accessibility.md. None today.
DISABLED_RULES: dict[str, str] = {}


def install(page) -> None:
    """Make axe available on every document the page opens from now on (call before page.goto)."""
    page.add_init_script(path=str(AXE_SOURCE))


def violations(page, *, context: Any = None) -> list[dict]:
    """Run axe on the page's current document; the violations, as axe reports them."""
    options = {
        "runOnly": {"type": "tag", "values": WCAG_TAGS},
        "resultTypes": ["violations"],
        "rules": {rule: {"enabled": False} for rule in DISABLED_RULES},
    }
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # The document was opened before install(): put axe in now (evaluate is not governed by the CSP either).
        page.evaluate(AXE_SOURCE.read_text())
    return page.evaluate("([context, options]) => axe.run(context || document, options).then(r => r.violations)",
                         [context, options])


def describe(found: list[dict], where: str) -> list[str]:
    """One line per violating node: page, rule id, impact, target selector, and axe's summary of the failure."""
    lines = []
    for violation in found:
        for node in violation["nodes"]:
            target = " ".join(">".join(part) if isinstance(part, list) else part for part in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"{where}: {violation['id']} ({violation['impact']}) at {target} — {summary}")
    return lines


def check(page, where: str | None = None) -> list[str]:
    """The violations on the page's current document, described; empty when it passes."""
    return describe(violations(page), where or page.url)


def assert_no_violations(page, where: str | None = None) -> None:
    problems = check(page, where)
    assert not problems, f"{len(problems)} axe violation(s):\n" + "\n".join(problems)
