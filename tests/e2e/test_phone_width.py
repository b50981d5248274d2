"""Real Chromium on a 360 px phone: no page of the catalogue scrolls sideways, for any persona, in
English and in Arabic (right to left), each shows the header's Menu legibly, and no table cuts the words of its links. A failure names the page and the
elements that stick out."""

import time

import pytest

from tests.e2e.page_catalogue import PERSONAS

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PHONE = {"width": 360, "height": 740}

# The page is wider than the phone when the root's scroll width exceeds its client width. (With a
# phone's emulation Chromium widens innerWidth to the content, which would hide the fault.)
# The innermost elements past either edge of the phone (a scrolling box clips its content, so
# what is inside one is not counted), to name what to fix.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const out = [];
  const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  const walk = (element) => {
    let found = false;
    for (const child of element.children) {
      if (!child.checkVisibility()) continue;  // hidden, or folded in a closed <details>
      const style = getComputedStyle(child);
      const clips = ['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX);
      const inner = clips ? false : walk(child);
      const box = child.getBoundingClientRect();
      if (!inner && (box.width > width + 0.5 || box.right > width + 0.5 || box.left < -0.5) && box.width && style.visibility !== 'hidden') {
        out.push(`${name(element)} > ${name(child)} [${Math.round(box.left)}..${Math.round(box.right)}]`);
      }
      found = found || inner || (box.width > 0 && (box.right > width + 0.5 || box.left < -0.5));
    }
    return found;
  };
  walk(document.body);
  return {scrollWidth: document.documentElement.scrollWidth, elements: out.slice(0, 6)};
}"""


# The header's Menu (the only way to the links, the languages and the account on a phone) against the header's
# background: its contrast, and its height. An app's stylesheet once coloured every <summary> with the brand's blue,
# the header's own colour, so the Menu vanished on the activities' pages.
MENU = """() => {
  const summary = document.querySelector('header .site-menu > summary');
  if (!summary || !summary.checkVisibility()) return 'no Menu';
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  let back = summary;
  while (back && rgb(getComputedStyle(back).backgroundColor)[3] === 0) back = back.parentElement;
  const [a, b] = [lum(rgb(getComputedStyle(summary).color)), lum(rgb(getComputedStyle(back).backgroundColor))];
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  const height = document.querySelector('header').getBoundingClientRect().height;
  return ratio < 4.5 ? `Menu contrast ${ratio.toFixed(2)}:1` : height > 64 ? `header ${Math.round(height)} px high` : null;
}"""

# Words of a link in a table cell cut across lines (a run of letters or digits drawn on two lines): the table had
# squeezed a column to a letter or two a line. Chinese may break between any two characters and is skipped.
SPLIT_WORDS = """() => {
  const out = [];
  for (const a of document.querySelectorAll('main td a, main th a')) {
    if (!a.checkVisibility()) continue;
    const walker = document.createTreeWalker(a, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node && out.length < 3; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/[\\p{L}\\p{N}]{2,}/gu)) {
        if (/\\p{Script=Han}/u.test(m[0])) continue;
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) { out.push(m[0]); break; }
      }
    }
    if (out.length >= 3) break;
  }
  return out;
}"""


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_scrolls_sideways_on_a_phone(catalogue_site, browser, persona, language):
    started = time.monotonic()
    problems = []
    urls = catalogue_site.urls(persona, language)
    with catalogue_site.context(browser, persona, viewport=PHONE, is_mobile=True, has_touch=True) as context:
        page = context.new_page()
        for url in urls:
            page.goto(catalogue_site.url + url)
            overflow = page.evaluate(OVERFLOW)
            if overflow:
                problems.append(f"{url}: {overflow['scrollWidth']} px wide; {', '.join(overflow['elements'])}")
            menu = page.evaluate(MENU)
            if menu:
                problems.append(f"{url}: {menu}")
            split = page.evaluate(SPLIT_WORDS)
            if split:
                problems.append(f"{url}: words of a table's links cut across lines: {', '.join(split)}")
    print(f"{persona} {language}: {len(urls)} pages at 360 px in {time.monotonic() - started:.1f} s")
    assert not problems, f"{len(problems)} of {len(urls)} pages scroll sideways at 360 px:\n" + "\n".join(problems)
