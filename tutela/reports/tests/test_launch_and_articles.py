"""Who launched an activity, in its own verb; organisations named as English names them ("the Pacific Islands Forum").

Varied organisations and kinds, drafted through the services; the "the" is the organisation's own record
(``named_with_the``), editable in its form and API, never guessed from the demo's names.
"""

import importlib
from datetime import date

import pytest
from django.apps import apps

from tutela.accounts.services import api_token_create
from tutela.activities.services import activity_create
from tutela.initiatives.models import Pillar
from tutela.initiatives.services import initiative_create
from tutela.partners.models import Organisation
from tutela.partners.services import agreement_create, organisation_create, organisation_update
from tutela.reports import rendering
from tutela.reports.services import report_create, report_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(secretariat, secretariat_org):
    orgs = {
        "forum": organisation_create(actor=None, name="Pacific Islands Forum", kind="intergovernmental",
                                     named_with_the=True),
        "save": organisation_create(actor=None, name="Save the Children", kind="civil_society"),
        "auc": organisation_create(actor=None, name="African Union Commission", acronym="AUC",
                                   kind="intergovernmental"),  # "the" suggested from the name, as prose did before
        "moes": organisation_create(actor=None, name="Ministry of Education and Sport", acronym="MoES",
                                    kind="government", country="UG"),
        "uww": organisation_create(actor=None, name="United Way Worldwide", acronym="UWW", kind="civil_society",
                                   named_with_the=False),  # the editor said no, whatever the first word
        "hub": organisation_create(actor=None, name="Digital Skills Hub", kind="academia", named_with_the=True),
    }
    initiative = initiative_create(actor=None, name="Online Safety Initiative", phase="First phase",
                                   mandate="Resolution 7", lead_organisation=secretariat_org)
    return {"itu": secretariat_org, "initiative": initiative, "sec": secretariat, **orgs}


def _activity(title, kind, partners, day=7):
    return activity_create(actor=None, title=title, kind=kind, status="held", starts_on=date(2016, 3, day),
                           ends_on=date(2016, 3, day), city="Suva", country="FJ", partners=partners, pillars=[Pillar.objects.first()])


def _text(world) -> str:
    report = report_create(actor=world["sec"], title="Update 2016", initiative=world["initiative"],
                           period_start=date(2016, 1, 1), period_end=date(2016, 12, 31), opening_template="")
    report_draft(actor=world["sec"], report=report)
    return "\n".join(p["text"] for p in rendering.document(report)["paragraphs"])


def test_an_organisation_that_launched_an_activity_is_said_to_have_launched_it(world):
    _activity("Online safety course for teachers", "training", [(world["moes"], "launcher")], day=1)
    _activity("Guide for Parents on Gaming", "publication", [(world["save"], "launcher"), (world["itu"], "organiser")],
              day=2)
    _activity("Safer gaming campaign", "other", [(world["forum"], "launcher"), (world["itu"], "participant")], day=3)
    _activity("Coding course for girls", "training", [(world["hub"], "launcher"), (world["auc"], "co_organiser")],
              day=4)
    _activity("Regional Workshop on Helplines", "workshop", [(world["itu"], "organiser"), (world["uww"], "partner")],
              day=5)
    text = _text(world)
    assert ("On 1 March 2016, the Ministry of Education and Sport (MoES) launched an online safety course for "
            "teachers in Suva, Fiji.") in text
    assert "On 2 March 2016, Save the Children launched the “Guide for Parents on Gaming”, published by ITU" in text
    assert ("On 3 March 2016, ITU took part in an activity on “Safer gaming campaign”, launched by the Pacific Islands "
            "Forum") in text
    assert ("On 4 March 2016, the Digital Skills Hub launched a coding course for girls, organized by the African "
            "Union Commission (AUC) in Suva, Fiji.") in text
    # the other parts keep their verbs
    assert "ITU organized the “Regional Workshop on Helplines” in Suva, Fiji, in partnership with United Way Worldwide" \
        " (UWW)" in text
    assert "MoES organized" not in text and "Save the Children organized" not in text


def test_a_name_read_with_the_takes_it_everywhere_and_a_capital_at_the_start_of_a_sentence(world):
    _activity("Pacific Summit on Child Online Safety", "summit", [(world["forum"], "organiser"),
                                                                    (world["itu"], "participant")])
    agreement_create(actor=None, kind="mou", title="Helplines MoU", parties=[world["forum"], world["save"]],
                     signed_on=date(2016, 5, 4), objectives="Share helpline practice.")
    agreement_create(actor=None, kind="mou", title="Schools MoU", parties=[world["auc"], world["uww"]],
                     signed_on=date(2016, 6, 4))
    text = _text(world)
    assert ("On 7 March 2016, ITU took part in the “Pacific Summit on Child Online Safety”, held by the Pacific "
            "Islands Forum in Suva, Fiji.") in text
    assert "The Pacific Islands Forum signed an MoU with Save the Children on 4 May 2016." in text
    assert "The African Union Commission (AUC) signed an MoU with United Way Worldwide (UWW) on 4 June 2016." in text
    assert "by Pacific Islands Forum" not in text and "the Save the Children" not in text and "the United Way" not in text


def test_the_choice_is_made_in_the_form_and_the_api_and_the_draft_follows_it(client, world):
    _activity("Pacific Summit on Child Online Safety", "summit", [(world["forum"], "organiser"),
                                                                    (world["itu"], "participant")])
    client.force_login(world["sec"])
    form = client.get(f"/partners/{world['forum'].pk}/edit/").content.decode()
    assert 'name="named_with_the"' in form and "checked" in form.split('name="named_with_the"')[1].split(">")[0]
    _token, key = api_token_create(actor=world["sec"], name="test")
    out = client.patch(f"/api/v1/organisations/{world['forum'].pk}", {"named_with_the": False},
                       content_type="application/json", headers={"Authorization": f"Bearer {key}"})
    assert out.status_code == 200 and out.json()["named_with_the"] is False
    assert "held by Pacific Islands Forum" in _text(world)
    organisation_update(actor=world["sec"], organisation=Organisation.objects.get(pk=world["forum"].pk),
                        named_with_the=True)
    assert "held by the Pacific Islands Forum" in _text(world)


def test_the_migration_leaves_the_prose_of_existing_organisations_as_it_was(world):
    migration = importlib.import_module("tutela.partners.migrations.0007_organisation_named_with_the")
    Organisation.objects.update(named_with_the=False)
    gov = organisation_create(actor=None, name="Government of Fiji", acronym="Fiji", kind="government",
                              named_with_the=False)
    migration._as_before(apps, None)
    the = set(Organisation.objects.filter(named_with_the=True).values_list("name", flat=True))
    # before: "the" for a name in full beside its acronym starting with these words, and "the Government of …"
    assert the == {"African Union Commission", "Ministry of Education and Sport", "United Way Worldwide",
                   "International Telecommunication Union", gov.name}
