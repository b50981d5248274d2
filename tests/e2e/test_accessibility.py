"""axe-core over every page type, as each persona, in English and Arabic: no WCAG 2.2 A/AA violation.

The pages are the page catalogue's (tests/e2e/page_catalogue.py: one URL per pattern each persona opens),
the rules axe-core's WCAG 2.0/2.1/2.2 A and AA ones (tests/e2e/axe.py). What this does not check, and the
checks made by hand, are in docs/accessibility.md.
"""

import time

import pytest

from tests.e2e import axe
from tests.e2e.page_catalogue import PERSONAS

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_passes_axe(catalogue_site, browser, persona, language):
    problems: list[str] = []
    started = time.monotonic()
    urls = catalogue_site.urls(persona, language)
    with catalogue_site.context(browser, persona) as context:
        page = context.new_page()
        axe.install(page)
        for url in urls:
            response = page.goto(catalogue_site.url + url)
            assert response is not None and response.status == 200, f"{url} as {persona}: {response and response.status}"
            problems += axe.check(page, f"{persona} {url}")
    print(f"axe: {persona} in {language}: {len(urls)} pages in {time.monotonic() - started:.1f}s, "
          f"{len(problems)} violation(s)")
    assert not problems, f"{len(problems)} axe violation(s):\n" + "\n".join(problems)


# The focused element's ring and the colour it sits on: its outline, and the first opaque background from its
# parent up (a ring drawn outside the element is surrounded by the parent's background), or from the element
# itself for a ring drawn inside it (a negative outline-offset, as on the skip link).
RING = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  let node = parseFloat(style.outlineOffset) < 0 ? el : el.parentElement, background = "rgb(255, 255, 255)";
  while (node) {
    const bg = getComputedStyle(node).backgroundColor;
    if (bg && bg !== "transparent" && !bg.startsWith("rgba(0, 0, 0, 0")) { background = bg; break; }
    node = node.parentElement;
  }
  const box = el.getBoundingClientRect();
  return {tag: el.tagName.toLowerCase(), text: (el.innerText || el.value || el.name || "").trim().slice(0, 40),
          style: style.outlineStyle, width: parseFloat(style.outlineWidth), color: style.outlineColor, background,
          box: [box.x, box.y, box.width, box.height]};
}"""


def _rgb(css: str) -> tuple[int, int, int]:
    return tuple(int(float(part)) for part in css[css.index("(") + 1:css.index(")")].split(",")[:3])


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two CSS rgb() colours."""
    def luminance(rgb):
        c = [v / 255 for v in rgb]
        c = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    high, low = sorted([luminance(_rgb(a)), luminance(_rgb(b))], reverse=True)
    return (high + 0.05) / (low + 0.05)


def _tab_through(page, limit=80) -> list[dict]:
    """Press Tab from the top of the page until focus leaves it; each focused element's ring."""
    rings = []
    page.locator("body").focus()
    for _ in range(limit):
        page.keyboard.press("Tab")
        ring = page.evaluate(RING)
        if ring is None or (rings and ring == rings[0]):
            break
        rings.append(ring)
    return rings


@pytest.mark.parametrize("path", ["/", "/partners/new/", "/ar/partners/new/"])
def test_keyboard_focus_is_visible_everywhere_with_3_to_1_contrast(catalogue_site, browser, path, output_path):
    """Tab through a page as the secretariat (the header holds the most controls): every focused element
    shows a solid ring at least 2px wide whose colour reaches 3:1 against what surrounds it (WCAG 1.4.11, 2.4.7)."""
    with catalogue_site.context(browser, "secretariat") as context:
        page = context.new_page()
        page.goto(catalogue_site.url + path)
        rings = _tab_through(page)
    assert len(rings) > 10, rings
    weak = [r for r in rings if r["style"] == "none" or r["width"] < 2 or contrast(r["color"], r["background"]) < 3]
    lowest = min(contrast(r["color"], r["background"]) for r in rings)
    print(f"focus ring on {path}: {len(rings)} stops, lowest contrast {lowest:.2f}:1")
    assert not weak, "focus rings under 3:1 or missing:\n" + "\n".join(map(str, weak))


def test_focus_ring_screenshots_on_a_link_a_button_and_a_field(catalogue_site, browser, output_path):
    """Screenshots of the ring on a header link, the header's sign-out button, a field and the primary button
    (test-results/<this test>/; the figures in docs/accessibility.md were measured on them)."""
    with catalogue_site.context(browser, "secretariat") as context:
        page = context.new_page()
        page.goto(catalogue_site.url + "/partners/new/")
        shots = {
            "link-header": page.locator(".site-header nav a").first,
            "button-header": page.get_by_role("button", name="Sign out"),
            "link-page": page.locator("main p.meta a").first,
            "field": page.locator("#id_name"),
            "button-primary": page.get_by_role("button", name="Save"),
        }
        for name, target in shots.items():
            target.focus()
            page.keyboard.press("Shift+Tab")  # come back by keyboard, so :focus-visible holds as when tabbing
            page.keyboard.press("Tab")
            ring = page.evaluate(RING)
            assert contrast(ring["color"], ring["background"]) >= 3, (name, ring)
            x, y, width, height = ring["box"]
            page.screenshot(path=output_path(f"focus-{name}.png"),
                            clip={"x": max(0, x - 12), "y": max(0, y - 12), "width": width + 24, "height": height + 24})
