"""Frameworks, rounds, evidence and actions through the services: the rules and the bad input."""

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tutela.core.models import AuditEntry
from tutela.strategies import selectors, services
from tutela.strategies.models import Assessment, Criterion, Evidence, Framework, Rating

from .conftest import criteria, fill

pytestmark = pytest.mark.django_db


def test_a_framework_is_imported_whole_with_its_criteria_by_pillar(framework):
    assert framework.criteria.count() == 10
    assert sorted({c.pillar.number for c in framework.criteria.all()}) == [1, 2, 3, 4, 5]
    assert AuditEntry.objects.filter(action="framework.imported", target_id=str(framework.pk)).exists()


def test_duplicate_criterion_codes_refuse_the_whole_import(secretariat):
    rows = criteria(1)
    rows[3]["code"] = rows[0]["code"]
    with pytest.raises(ValidationError) as exc:
        services.framework_import(actor=secretariat, code="dup", version=1, name="Dup", criteria=rows)
    assert "used twice" in str(exc.value)
    assert not Framework.objects.filter(code="dup").exists()
    assert not Criterion.objects.filter(framework__code="dup").exists()


@pytest.mark.parametrize("change, message", [
    ({"levels": ["a", "b", "c", "d"]}, "five level descriptors"),
    ({"pillar": 9}, "choose a pillar"),
    ({"evidence_kinds": ["gossip"]}, "evidence kinds"),
    ({"title": ""}, "has no title"),
    ({"code": ""}, "has no code"),
])
def test_a_bad_criterion_is_named_and_nothing_is_written(secretariat, change, message):
    rows = criteria(1)
    rows[2].update(change)
    with pytest.raises(ValidationError) as exc:
        services.framework_import(actor=secretariat, code="bad", version=1, name="Bad", criteria=rows)
    assert message in str(exc.value)
    assert not Framework.objects.filter(code="bad").exists()


def test_only_the_secretariat_imports_and_a_version_is_never_replaced(framework, secretariat, national_om):
    with pytest.raises(PermissionDenied):
        services.framework_import(actor=national_om, code="x", version=1, name="X", criteria=criteria(1))
    with pytest.raises(ValidationError, match="already exists"):
        services.framework_import(actor=secretariat, code="test", version=1, name="Again", criteria=criteria(1))


def test_a_new_framework_version_leaves_existing_rounds_as_they_were(published_om, secretariat):
    before = sorted(Rating.objects.filter(assessment=published_om).values_list("criterion__code", "level"))
    v2 = services.framework_import(actor=secretariat, code="test", version=2, name="Test framework",
                                   criteria=criteria(3, prefix="Y"))
    published_om.refresh_from_db()
    assert published_om.framework.version == 1
    assert sorted(Rating.objects.filter(assessment=published_om).values_list("criterion__code", "level")) == before
    new_round = services.assessment_create(actor=secretariat, country="OM", framework=v2, held_on=date(2016, 1, 1))
    assert new_round.ratings.count() == 15


def test_a_round_opens_with_one_empty_rating_per_criterion(draft_om):
    assert draft_om.status == Assessment.Status.DRAFT
    assert draft_om.ratings.count() == 10
    assert not draft_om.ratings.exclude(level=None).exists()


def test_a_national_focal_point_opens_rounds_only_for_their_country(framework, national_om, focal_point):
    with pytest.raises(PermissionDenied):
        services.assessment_create(actor=national_om, country="ET", framework=framework, held_on=date(2014, 1, 1))
    with pytest.raises(PermissionDenied):
        services.assessment_create(actor=focal_point, country="OM", framework=framework, held_on=date(2014, 1, 1))
    assert not Assessment.objects.exists()


def test_one_round_per_country_and_date_and_an_unknown_country_is_refused(draft_om, framework, secretariat):
    with pytest.raises(ValidationError, match="already has a round"):
        services.assessment_create(actor=secretariat, country="om", framework=framework, held_on=date(2013, 10, 15))
    with pytest.raises(ValidationError, match="Choose a country"):
        services.assessment_create(actor=secretariat, country="XX", framework=framework, held_on=date(2013, 10, 16))
    other = services.assessment_create(actor=secretariat, country="ET", framework=framework, held_on=date(2013, 10, 15))
    assert other.country.code == "ET"


@pytest.mark.parametrize("level", [5, -1, 2.5, "3", True])
def test_an_out_of_range_level_is_refused_and_the_rating_kept(draft_om, national_om, level):
    rating = draft_om.ratings.first()
    services.rating_update(actor=national_om, rating=rating, level=1, comments="kept")
    with pytest.raises(ValidationError, match="0 to 4"):
        services.rating_update(actor=national_om, rating=rating, level=level, comments="lost")
    rating.refresh_from_db()
    assert (rating.level, rating.comments) == (1, "kept")


def test_another_countrys_focal_point_cannot_rate(draft_om, national_et):
    with pytest.raises(PermissionDenied):
        services.rating_update(actor=national_et, rating=draft_om.ratings.first(), level=3)


def test_submitting_needs_every_level_and_names_the_missing(draft_om, national_om):
    rating = draft_om.ratings.order_by("pk").first()
    services.rating_update(actor=national_om, rating=rating, level=2)
    with pytest.raises(ValidationError) as exc:
        services.assessment_submit(actor=national_om, assessment=draft_om)
    assert "X12" in str(exc.value) and rating.criterion.code not in str(exc.value).split("missing:")[1]
    draft_om.refresh_from_db()
    assert draft_om.status == Assessment.Status.DRAFT


def test_the_round_moves_draft_submitted_validated_published(draft_om, national_om, secretariat, mailoutbox,
                                                             django_capture_on_commit_callbacks):
    fill(draft_om, national_om)
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_submit(actor=national_om, assessment=draft_om)
    assert [m.to for m in mailoutbox] == [[secretariat.email]]
    with pytest.raises(PermissionDenied):
        services.assessment_validate(actor=national_om, assessment=draft_om)
    with pytest.raises(ValidationError):
        services.assessment_publish(actor=secretariat, assessment=draft_om, summary="too early")
    services.assessment_validate(actor=secretariat, assessment=draft_om)
    with pytest.raises(ValidationError, match="summary"):
        services.assessment_publish(actor=secretariat, assessment=draft_om, summary="  ")
    done = services.assessment_publish(actor=secretariat, assessment=draft_om, summary="Summary.")
    assert done.status == Assessment.Status.PUBLISHED and done.validated_by == secretariat
    actions = list(AuditEntry.objects.filter(target_id=str(draft_om.pk), action__startswith="assessment.")
                   .order_by("pk").values_list("action", flat=True))
    assert actions == ["assessment.created", "assessment.submitted", "assessment.validated", "assessment.published"]


def test_a_returned_round_is_a_draft_again(draft_om, national_om, secretariat):
    fill(draft_om, national_om)
    services.assessment_submit(actor=national_om, assessment=draft_om)
    with pytest.raises(ValidationError, match="submitted"):
        services.rating_update(actor=national_om, rating=draft_om.ratings.first(), level=0)
    services.assessment_return(actor=secretariat, assessment=draft_om)
    services.rating_update(actor=national_om, rating=draft_om.ratings.first(), level=0)


def test_a_validated_round_is_never_edited(published_om, national_om, secretariat):
    rating = published_om.ratings.first()
    for actor in (national_om, secretariat):
        with pytest.raises(ValidationError, match="validated"):
            services.rating_update(actor=actor, rating=rating, level=4)
        with pytest.raises(ValidationError, match="validated"):
            services.assessment_update(actor=actor, assessment=published_om, team="changed")
        with pytest.raises(ValidationError, match="validated"):
            services.evidence_add(actor=actor, rating=rating, kind="law", title="Late", url="https://example.org/")
    with pytest.raises(ValidationError):
        services.assessment_return(actor=secretariat, assessment=published_om)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_evidence_is_a_link_or_a_real_document(draft_om, national_om):
    rating = draft_om.ratings.first()
    link = services.evidence_add(actor=national_om, rating=rating, kind="law", title="Penal code",
                                 url="https://example.org/code")
    doc = services.evidence_add(actor=national_om, rating=rating, kind="policy", title="Strategy",
                                file=SimpleUploadedFile("s.pdf", PDF, content_type="application/pdf"))
    assert doc.file_type == "pdf" and link.url
    with pytest.raises(ValidationError, match="PDF, Word"):
        services.evidence_add(actor=national_om, rating=rating, kind="policy", title="Fake",
                              file=SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"))
    with pytest.raises(ValidationError, match="either a link or a document"):
        services.evidence_add(actor=national_om, rating=rating, kind="law", title="Both", url="https://e.org",
                              file=SimpleUploadedFile("s.pdf", PDF))
    with pytest.raises(ValidationError, match="kind"):
        services.evidence_add(actor=national_om, rating=rating, kind="rumour", title="X", url="https://e.org")
    assert Evidence.objects.count() == 2


def test_evidence_over_ten_megabytes_is_refused(draft_om, national_om):
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(ValidationError, match="limit is 10 MB"):
        services.evidence_add(actor=national_om, rating=draft_om.ratings.first(), kind="law", title="Big", file=big)
    assert not Evidence.objects.exists()


def test_gaps_are_the_criteria_below_their_target(published_om):
    gaps = selectors.gaps(published_om)
    # levels [1, 3, 2, 4, 0, 3, 2, 2, 1, 4] against the default target 3
    assert sorted(g.level for g in gaps) == [0, 1, 1, 2, 2, 2]


def test_actions_close_gaps_of_validated_rounds_only(published_om, draft_om, national_om, org_a, secretariat):
    gap = selectors.gaps(published_om)[0]
    met = published_om.ratings.filter(level__gte=3).first()
    action = services.action_create(actor=national_om, assessment=published_om, criterion=gap.criterion,
                                    title="Adopt the strategy", owner=org_a, due_on=date(2014, 12, 31),
                                    partners=[org_a])
    assert list(action.partners.all()) == [org_a]
    with pytest.raises(ValidationError, match="not a gap"):
        services.action_create(actor=national_om, assessment=published_om, criterion=met.criterion,
                               title="x", owner=org_a, due_on=date(2014, 12, 31))
    draft = services.assessment_create(actor=secretariat, country="OM", framework=published_om.framework,
                                       held_on=date(2015, 1, 1))
    with pytest.raises(ValidationError, match="validated round"):
        services.action_create(actor=secretariat, assessment=draft, criterion=gap.criterion, title="x",
                               owner=org_a, due_on=date(2015, 6, 1))
    services.action_update(actor=national_om, action=action, status="done")
    action.refresh_from_db()
    assert action.status == "done"
    with pytest.raises(ValidationError):
        services.action_update(actor=national_om, action=action, status="finished")


def test_scores_and_progress_per_pillar_over_rounds(published_om, national_om, secretariat):
    second = services.assessment_create(actor=national_om, country="OM", framework=published_om.framework,
                                        held_on=date(2015, 6, 30))
    fill(second, national_om, [4] * 10)
    for step in (services.assessment_submit,):
        step(actor=national_om, assessment=second)
    services.assessment_validate(actor=secretariat, assessment=second)
    services.assessment_publish(actor=secretariat, assessment=second, summary="Better.")
    progress = selectors.progress(list(Assessment.objects.filter(country="OM")))
    assert [r["round"].held_on.year for r in progress["rows"]] == [2013, 2015]
    assert progress["rows"][0]["scores"] == [2.0, 3.0, 1.5, 2.0, 2.5]  # pairs (1,3) (2,4) (0,3) (2,2) (1,4)
    assert progress["rows"][1]["scores"] == [4.0] * 5
    assert len(progress["chart"]["bars"]) == 10
    rows = selectors.comparison()["rows"]
    assert [(r.name, r.assessment.held_on.year) for r in rows] == [("Oman", 2015)]


def test_file_like_input_is_not_trusted_by_name(draft_om, national_om):
    odd = SimpleUploadedFile("law.docx", io.BytesIO(b"PK\x03\x04garbage").getvalue())
    with pytest.raises(ValidationError):
        services.evidence_add(actor=national_om, rating=draft_om.ratings.first(), kind="law", title="x", file=odd)


def test_a_merge_of_organisations_moves_actions_to_the_kept_one(published_om, national_om, org_a, org_b, secretariat):
    from tutela.partners import services as partners

    gap = selectors.gaps(published_om)[0]
    action = services.action_create(actor=national_om, assessment=published_om, criterion=gap.criterion, title="Act",
                                    owner=org_b, due_on=date(2014, 1, 1), partners=[org_a, org_b])
    partners.organisation_merge(actor=secretariat, keep=org_a, duplicate=org_b)
    action.refresh_from_db()
    assert action.owner_id == org_a.pk
    assert list(action.partners.values_list("pk", flat=True)) == [org_a.pk]
    assert AuditEntry.objects.filter(action="action.organisation_replaced", target_id=str(action.pk)).exists()
