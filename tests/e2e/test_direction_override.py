"""Real Chromium: a name holding an unpaired RIGHT-TO-LEFT OVERRIDE (U+202E), stored without a form
(as an import would), does not turn the interface sentence around it backwards."""

import pytest

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The x of each character of `words` inside the element, in reading order: increasing when the
# words run left to right.
POSITIONS = """([selector, words]) => {
  const element = document.querySelector(selector);
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(words);
    if (at < 0) continue;
    const xs = [];
    for (let i = at; i < at + words.length; i++) {
      if (node.data[i] === ' ') continue;
      const range = document.createRange();
      range.setStart(node, i); range.setEnd(node, i + 1);
      xs.push(range.getBoundingClientRect().left);
    }
    return xs;
  }
  return null;
}"""


def test_an_override_in_a_name_leaves_the_sentence_after_it_in_order(page, live_server, org_a, output_path):
    from tutela.accounts.services import user_create

    user = user_create(actor=None, email="mallory@example.org", password=PASSWORD, role="focal_point",
                       organisation=org_a, full_name="Mallory\u202e Evil")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/workspace/")
    page.screenshot(path=output_path("workspace-override.png"))
    xs = page.evaluate(POSITIONS, ["main .lede", "You are signed in as"])
    assert xs and xs == sorted(xs), f"the sentence after the name runs backwards: {xs}"
    xs = page.evaluate(POSITIONS, ["main .lede", "Your organisation"])
    assert xs and xs == sorted(xs)
    badge, name = page.locator(".role-badge").bounding_box(), page.locator(".who bdi").bounding_box()
    assert badge["x"] > name["x"], "the role badge moved before the name"
