"""Direction controls in user text (U+202E RIGHT-TO-LEFT OVERRIDE and its kin) cannot reorder the
interface: refused on input unless paired, paired and isolated where stored text is shown."""

import pytest

from conftest import PASSWORD
from tutela.core.text import balance_direction_controls, find_control_character, isolate

RLO, LRO, PDF, RLI, FSI, PDI = "\u202e", "\u202d", "\u202c", "\u2067", "\u2068", "\u2069"


@pytest.mark.parametrize("text, found", [
    ("ACOPEA", None),
    ("منظمة ACOPEA", None),
    (f"{RLO}evil{PDF} ok", None),  # a matched pair stays
    (f"{RLI}اسم{PDI} and {FSI}{LRO}x{PDF}{PDI}", None),
    (f"Mallory{RLO}", RLO),  # left open: the rest of the line would run backwards
    (f"a{PDF}b", PDF),  # a closer without its opener
    (f"name{PDI}{RLO}x{PDF}", PDI),  # a stray PDI would end the <bdi> the name is shown in
    (f"{RLI}x{PDF}{PDI}", PDF),  # pairs nest
    (f"{RLO}one\ntwo{PDF}", RLO),  # a line break ends them
    (f"{LRO}x", LRO),
    ("\u2066", "\u2066"),
])
def test_an_unbalanced_direction_control_is_found(text, found):
    assert find_control_character(text) == found


def test_stored_text_is_paired_before_it_is_shown():
    assert balance_direction_controls(f"name{PDI}{RLO}x") == f"name{RLO}x{PDF}"
    assert balance_direction_controls(f"{RLI}a{RLO}b\nc") == f"{RLI}a{RLO}b{PDF}{PDI}\nc"
    assert balance_direction_controls("plain") == "plain"
    assert isolate(f"Mallory{RLO}") == f"{FSI}Mallory{RLO}{PDF}{PDI}"


@pytest.mark.django_db
def test_a_form_refuses_an_unbalanced_override_and_keeps_a_pair(client, secretariat):
    from tutela.activities.models import Occasion

    client.force_login(secretariat)
    bad = client.post("/activities/occasions/new/", {"name": f"IGF{RLO}2013", "kind": "forum", "starts_on": "2013-10-22"})
    assert bad.status_code == 422 and "U+202E" in bad.text and "matched pairs" in bad.text
    assert not Occasion.objects.exists()
    good = client.post("/activities/occasions/new/", {"name": f"IGF {RLO}2013{PDF}", "kind": "forum",
                                                     "starts_on": "2013-10-22"})
    assert good.status_code == 302 and Occasion.objects.get().name == f"IGF {RLO}2013{PDF}"


@pytest.mark.django_db
def test_a_stored_name_with_an_override_is_shown_isolated_and_paired(client, org_a):
    from tutela.accounts.services import user_create

    # Stored without a form (as an import or an older record would be): the page still pairs and isolates it.
    user = user_create(actor=None, email="mallory@example.org", password=PASSWORD, role="focal_point",
                       organisation=org_a, full_name=f"Mallory{RLO}")
    client.force_login(user)
    page = client.get("/workspace/").text
    assert f"<bdi>Mallory{RLO}{PDF}</bdi>" in page  # the header's name and the welcome sentence
    assert f"Mallory{RLO}<" not in page and f"Mallory{RLO} " not in page
