"""Real Chromium: a name holding an unpaired RIGHT-TO-LEFT OVERRIDE (U+202E), stored without a form
(as an import would), does not turn the interface sentence around it backwards: on the workspace, and in the
consultation moderation log ("date · moderator · receipt → action")."""

from datetime import timedelta

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


def test_an_override_in_a_moderator_name_leaves_the_moderation_log_in_order(page, live_server, secretariat_org,
                                                                         output_path):
    from django.utils import timezone

    from tutela.accounts.services import user_create
    from tutela.consultations import services

    moderator = user_create(actor=None, email="mallory.moderator@example.org", password=PASSWORD, role="secretariat",
                            organisation=secretariat_org, full_name="Mallory\u202e Evil")
    document = services.document_create(actor=moderator, title="Guidelines for Industry", audience="industry",
                                        edition="2014", owner_organisation=secretariat_org)
    version = services.version_import(actor=moderator, document=document, label="Draft 1", publish=True,
                                      source="# Child rights\n\nCompanies name a person responsible.\n")
    now = timezone.now()
    consultation = services.consultation_create(
        actor=moderator, version=version, title="Consultation on the draft", code="IG14",
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30), time_zone="Europe/Zurich")
    comment = services.comment_submit(consultation=consultation, actor=moderator, text="Please name a deputy.",
                                      details={"stakeholder_type": "government"}, submission_key="a", notify=False)
    services.comment_moderate(actor=moderator, comment=comment, action="published")

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(moderator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/workspace/")
    page.goto(f"{live_server.url}/consultations/{consultation.pk}/moderate/")
    page.screenshot(path=output_path("moderation-override.png"), full_page=True)
    assert page.locator(".log li bdi").first.inner_text() == "Mallory\u202e Evil\u202c"  # its override closed
    for words in (comment.receipt, "Published"):  # after the name: the receipt, then what was done
        xs = page.evaluate(POSITIONS, [".log li", words])
        assert xs and xs == sorted(xs), f"“{words}” after the name runs backwards: {xs}"
    name, receipt = page.locator(".log li bdi").nth(0).bounding_box(), page.locator(".log li bdi").nth(1).bounding_box()
    assert receipt["x"] > name["x"] + name["width"] - 1, "the receipt moved before the name"
