"""A published report and a comparison of versions speak the reader's language, whatever language
the report was published in: the synopsis's labels and the kinds of change are the page's."""

import pytest
from django.urls import reverse
from django.utils import translation

from tutela.consultations import demo
from tutela.consultations.models import Disposition, StakeholderType

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(secretariat, secretariat_org):
    context = {"actor": secretariat, "organisations": {"itu": secretariat_org}}
    demo.load(context)  # publishes the 2014 report in English
    return context


def test_a_published_reports_synopsis_is_shown_in_the_pages_language(client, story):
    consultation = story["consultations"]["industry_guidelines_2014"]
    html = client.get("/ar" + reverse("consultations:report", args=[consultation.pk])).content.decode()
    with translation.override("ar"):
        accepted = str(Disposition.Decision.ACCEPTED.label)
        industry = str(StakeholderType.INDUSTRY.label)
        whole = translation.gettext("Whole document")
        edited = translation.gettext("edited")
    assert accepted != "Accepted" and industry != "Industry" and edited != "edited"
    assert f'<th scope="row">{accepted}</th>' in html and f'<th scope="row">{industry}</th>' in html
    assert f'<th scope="row">{whole}</th>' in html
    assert ">Accepted<" not in html and ">Industry<" not in html and ">Whole document<" not in html
    assert f": {edited}" in html and ": edited" not in html
    # What is stored keeps its keys, so it can be labelled again in any language.
    stored = consultation.report.synopsis
    assert any(r["key"] == "accepted" for r in stored["by_decision"])


def test_the_comparison_of_versions_names_each_change_in_the_pages_language(client, story):
    draft, final = story["guideline_versions"]["draft"], story["guideline_versions"]["final"]
    html = client.get("/fr" + reverse("consultations:diff", args=[draft.pk, final.pk]) + "?changes=1").content.decode()
    assert '<span class="badge change-edited">modifié</span>' in html
    assert ">edited<" not in html


def test_a_renumbered_paragraphs_arrow_turns_round_with_the_page(client, story):
    # "¶ 13 → ¶ 14" in an Arabic page pointed from the new number back to the old one.
    draft, final = story["guideline_versions"]["draft"], story["guideline_versions"]["final"]
    html = client.get("/ar" + reverse("consultations:diff", args=[draft.pk, final.pk]) + "?changes=1").content.decode()
    assert '¶ 13 <span class="dir-arrow">→</span> ¶ 14' in html
