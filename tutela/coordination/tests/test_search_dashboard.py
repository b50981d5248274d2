"""Registry search by number fragment (restricted to the bodies whose numbers can hold it) and the
dashboard's capped lists."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from tutela.coordination import selectors, services
from tutela.coordination.models import Body

pytestmark = pytest.mark.django_db


def _numbers(user, q):
    return sorted(selectors.registry_search(user, q=q).values_list("number", flat=True))


def test_a_number_fragment_finds_the_same_documents_as_a_plain_substring_search(jca, sg17, secretariat):
    for i in range(12):
        services.document_register(actor=None, body=jca, title=f"Contribution {i}", source="TSB")
    services.document_register(actor=None, body=sg17, title="Forwarding JCA-COP DOC01 for comment", source="SG17")
    wg = services.body_create(actor=None, short_name="WG-CP", name="Working group", number_style=Body.NumberStyle.MEETING,
                              number_prefix="WG-CP", number_padding=0)
    m = services.meeting_create(actor=None, body=wg, starts_on=date(2013, 10, 9))
    services.document_register(actor=None, body=wg, meeting=m, title="Update", source="Secretariat")
    assert selectors._bodies_whose_numbers_can_contain("jca-cop doc01") == [jca.pk]
    assert selectors._bodies_whose_numbers_can_contain("DOC1") is None or jca.pk in selectors._bodies_whose_numbers_can_contain("DOC1")
    assert selectors._bodies_whose_numbers_can_contain("WG-CP/1/1") is None  # "/…/" numbers are not restricted
    # The JCA-COP numbers DOC010–DOC012, and SG17's document whose title holds the fragment.
    assert _numbers(secretariat, "jca-cop doc01") == ["JCA-COP DOC010", "JCA-COP DOC011", "JCA-COP DOC012", "SG17-TD001"]
    assert _numbers(secretariat, "JCA-COP DOC00") == [f"JCA-COP DOC00{i}" for i in range(1, 10)]
    assert _numbers(secretariat, "WG-CP/1/1") == ["WG-CP/1/1"]
    assert _numbers(secretariat, "xyz-unknown 12") == []


def test_the_dashboard_shows_the_most_urgent_rows_and_says_there_are_more(client, jca, chair_user):
    meeting = services.meeting_create(actor=None, body=jca, starts_on=date(2014, 1, 15), status="held")
    for i in range(selectors.DASHBOARD_ROWS + 3):
        services.action_item_add(actor=None, meeting=meeting, text=f"Action {i}", owner_label="Co-chairs",
                                 due_on=date(2014, 2, 1) + timedelta(days=i))
    client.force_login(chair_user)
    response = client.get(reverse("coordination:dashboard"))
    page = response.content.decode()
    assert len(response.context["actions"]) == selectors.DASHBOARD_ROWS and response.context["more_actions"]
    assert "Action 0<" in page and f"Action {selectors.DASHBOARD_ROWS + 2}<" not in page  # soonest due first
    assert f"The {selectors.DASHBOARD_ROWS} most urgent are shown." in page


def test_the_secretariat_dashboard_menu_lists_every_active_body_escaped_and_marks_the_chosen_one(
        client, jca, sg17, secretariat):
    jca.short_name = 'JCA-COP <b>"x"</b>'
    jca.save(update_fields=["short_name"])
    client.force_login(secretariat)
    page = client.get(reverse("coordination:dashboard")).content.decode()
    assert f'<option value="{jca.slug}">JCA-COP &lt;b&gt;&quot;x&quot;&lt;/b&gt;</option>' in page
    assert f'<option value="{sg17.slug}">' in page
    chosen = client.get(reverse("coordination:dashboard"), {"body": sg17.slug}).content.decode()
    assert f'<option value="{sg17.slug}" selected>' in chosen
    assert f'<option value="{jca.slug}">' in chosen


def test_the_secretariat_dashboard_over_many_bodies_lists_new_documents_by_body_and_lifetimes_soonest_first(
        client, itu_t, secretariat):
    """More bodies than the documents section shows: the other queries then take the bodies as a subquery."""
    today = date.today()
    bodies = [services.body_create(actor=None, short_name=f"WG-{i:02d}", name=f"Working group {i}", parent=itu_t,
                                   kind=Body.Kind.WORKING_PARTY, number_prefix=f"WG{i:02d}-",
                                   ends_on=today + timedelta(days=60 - i) if i % 2 else None)
              for i in range(selectors.DASHBOARD_DOCUMENT_BODIES + 2)]
    for body in reversed(bodies):
        services.document_register(actor=None, body=body, title=f"Report of {body.short_name}", source="TSB")
    services.document_register(actor=None, body=bodies[0], title="Second report", source="TSB")
    client.force_login(secretariat)
    response = client.get(reverse("coordination:dashboard"))
    shown = [(b.short_name, [d.title for d in docs]) for b, _since, docs in response.context["new_documents"]]
    assert shown[0] == ("WG-00", ["Second report", "Report of WG-00"])  # newest first within a body
    assert [name for name, _docs in shown] == [f"WG-{i:02d}" for i in range(selectors.DASHBOARD_DOCUMENT_BODIES)]
    ending = [b.short_name for b in response.context["ending"]]
    assert ending == [f"WG-{i:02d}" for i in range(selectors.DASHBOARD_DOCUMENT_BODIES + 1, 0, -1) if i % 2]
    assert "Report of WG-09" in response.content.decode() and "Report of WG-10" not in response.content.decode()
    assert '<option value="wg-11">WG-11</option>' in response.content.decode()
