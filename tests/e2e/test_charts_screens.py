"""Real Chromium: the SVG charts with their tables (issue 15 item 11) at phone (360 px) and desktop (1280 px)
widths, and in Arabic (right to left). Screenshots under tests/e2e/test-results/<test>/ to look at."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _records(org_a, secretariat, secretariat_org):
    from tutela.activities.services import activity_create
    from tutela.bulletins.services import commitment_delivery_add
    from tutela.coordination import services as coordination
    from tutela.coordination.models import Body
    from tutela.initiatives.models import Pillar
    from tutela.outreach import services as outreach
    from tutela.partners.models import Commitment
    from tutela.partners.services import agreement_create, commitment_add

    today = timezone.localdate()
    programme = outreach.programme_create(actor=None, name="Addis Ababa safety-ambassador pilot", organisers=[org_a],
                                          country="ET", city="Addis Ababa", starts_on=date(2013, 1, 1),
                                          ends_on=date(2014, 12, 31), reach_min_age=7, reach_max_age=17)
    cohort = outreach.cohort_create(actor=None, programme=programme, name="Cohort 1")
    ambassador = outreach.trainee_register(actor=None, cohort=cohort, sector="educator", label="Ambassador A",
                                           status="completed", completed_on=date(2013, 2, 1))
    schools = [outreach.institution_create(actor=None, name=f"School {i}", country="ET", city="Addis Ababa")
               for i in range(3)]
    for held_on, lo, hi, n, school in [(date(2013, 2, 10), 10, 14, 120, 0), (date(2013, 5, 3), 10, 14, 180, 1),
                                       (date(2013, 8, 1), 7, 9, 3, 0),  # alone in its quarter: withheld publicly
                                       (date(2013, 11, 5), 15, 17, 240, 2), (date(2014, 3, 1), 10, 14, 310, 0),
                                       (date(2014, 6, 2), 7, 9, 90, 1), (date(2014, 9, 9), 10, 14, 260, 2)]:
        outreach.session_record(actor=None, programme=programme, ambassador=ambassador, institution=schools[school],
                                held_on=held_on, min_age=lo, max_age=hi, count=n)
    for key, values in (("ambassadors", (10, 12, 14)), ("sessions_per_ambassador", (2, 3, 4)),
                        ("mean_class_size", (30, 40, 50)), ("share_delivering", ("0.5", "0.6", "0.7"))):
        outreach.parameter_set(actor=None, programme=programme, key=key, low=values[0], central=values[1],
                               high=values[2], is_assumption=True)

    agreement = agreement_create(actor=secretariat, title="Memorandum of Understanding on awareness",
                                 parties=[secretariat_org, org_a])
    quarterly = commitment_add(actor=secretariat, agreement=agreement, text="Run an awareness workshop every quarter",
                               cadence=Commitment.Cadence.QUARTERLY)
    monthly = commitment_add(actor=secretariat, agreement=agreement, text="Publish a monthly safety tip",
                             cadence=Commitment.Cadence.MONTHLY)
    pillar = Pillar.objects.order_by("number").first()
    for i, (commitment, on) in enumerate([(quarterly, date(today.year, 1, 20)), (quarterly, date(today.year, 5, 2)),
                                          (quarterly, date(today.year, 8, 14)), (monthly, date(today.year, 1, 5)),
                                          (monthly, date(today.year, 2, 5)), (monthly, date(today.year, 4, 5))]):
        activity = activity_create(actor=None, title=f"Workshop {i + 1}", kind="workshop", starts_on=on.isoformat(),
                                   pillars=[pillar], partners=[(org_a, "organiser")], country="KE")
        commitment_delivery_add(actor=secretariat, commitment=commitment, activity=activity)

    sg17 = coordination.body_create(actor=None, short_name="SG17", name="ITU-T Study Group 17",
                                    kind=Body.Kind.STUDY_GROUP, contact_email="sg17@example.org")
    jca = coordination.body_create(actor=None, short_name="JCA-COP", name="Joint Coordination Activity on COP",
                                   kind=Body.Kind.JOINT_COORDINATION_ACTIVITY, parent=sg17,
                                   contact_email="jca@example.org")
    for months_ago in (20, 14, 9, 5, 2):
        coordination.meeting_create(actor=None, body=jca, starts_on=today - timedelta(days=30 * months_ago),
                                    status="held")
    coordination.meeting_create(actor=None, body=jca, starts_on=today + timedelta(days=75))
    coordination.liaison_create(actor=None, from_body=sg17, subject="Continuation of JCA-COP", send=True,
                                deliver=False, contact_email="tsb@example.org",
                                recipients=[{"body": jca, "purpose": "action", "deadline": today + timedelta(days=40)}])
    coordination.liaison_create(actor=None, from_body=jca, subject="Survey of national strategies", send=True,
                                deliver=False, contact_email="jca@example.org",
                                recipients=[{"body": sg17, "purpose": "comment",
                                             "deadline": today + timedelta(days=120)}])
    return {"programme": programme, "agreement": agreement, "body": jca}


def _shoot(page, url, block, output_path, name):
    for width, lang in ((360, ""), (1280, ""), (360, "/ar")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url.replace("/PREFIX", lang))
        chart = page.locator(f"#{block}-chart")
        chart.locator("summary").click()  # unfold the table alternative
        svg = chart.locator("svg")
        assert svg.get_attribute("role") == "img" and svg.get_attribute("aria-label")
        box = svg.bounding_box()
        assert box is not None and box["width"] <= width  # never wider than the screen
        placed = chart.bounding_box()
        assert placed is not None and placed["x"] >= 0 and placed["x"] + placed["width"] <= width + 1  # fits the screen
        assert chart.locator("table tbody tr").count() >= 1
        chart.screenshot(path=output_path(f"{name}-{width}{'-ar' if lang else ''}.png"))


def test_each_chart_reads_at_360_and_1280_and_right_to_left(page, live_server, org_a, secretariat, secretariat_org,
                                                            output_path):
    records = _records(org_a, secretariat, secretariat_org)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(secretariat.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/workspace/")
    base = live_server.url + "/PREFIX"
    _shoot(page, f"{base}/outreach/programmes/{records['programme'].pk}/", "reach-time", output_path, "reach-time")
    _shoot(page, f"{base}/outreach/programmes/{records['programme'].pk}/", "reach-age", output_path, "reach-age")
    _shoot(page, f"{base}/partners/agreements/{records['agreement'].pk}/", "commitment-cadence", output_path, "cadence")
    _shoot(page, f"{base}/coordination/bodies/{records['body'].slug}/", "body-timeline", output_path, "timeline")
    page.context.clear_cookies()  # the public: the lone 3 of 2013 Q3 is withheld in the chart and its table
    page.set_viewport_size({"width": 360, "height": 900})
    page.goto(f"{live_server.url}/outreach/programmes/{records['programme'].pk}/")
    chart = page.locator("#reach-time-chart")
    chart.locator("summary").click()
    assert "<5" in chart.locator("table").inner_text()
    chart.screenshot(path=output_path("reach-time-public-360.png"))
