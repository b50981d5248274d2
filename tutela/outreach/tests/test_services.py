"""Services: bad input refused with a clear message and nothing half-saved; cascade; certificates; import."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tutela.activities.models import Activity
from tutela.core.models import AuditEntry
from tutela.outreach import selectors, services
from tutela.outreach.models import Certificate, DeliveredSession, Trainee

pytestmark = pytest.mark.django_db


# --- Children are only counts --------------------------------------------------------------

@pytest.mark.parametrize("bad, fragment", [
    ("Abebe Bekele", "is not a count"),
    ("2009-03-04", "is not a count"),
    ("12.5", "is not a count"),
    (12.5, "whole number"),
    (True, "whole number"),
    (-3, "cannot be negative"),
    ("-3", "cannot be negative"),
])
def test_a_session_count_must_be_a_count(programme, ambassador, bad, fragment):
    with pytest.raises(ValidationError) as exc:
        services.session_record(actor=None, programme=programme, ambassador=ambassador, held_on=date(2013, 10, 1),
                                min_age=10, max_age=14, count=bad)
    assert fragment in str(exc.value.message_dict["count"])
    assert not DeliveredSession.objects.exists()


def test_a_count_typed_with_a_thousands_separator_is_accepted(programme, ambassador):
    session = services.session_record(actor=None, programme=programme, ambassador=ambassador,
                                      held_on=date(2013, 10, 1), min_age=10, max_age=14, count="1,200")
    assert session.count == 1200


@pytest.mark.parametrize("lo, hi, field, fragment", [
    (None, None, "min_age", "age band"),
    (12, 19, "max_age", "within 0–17"),
    (14, 10, "max_age", "ends"),
    ("ten", 12, "min_age", "whole number"),
])
def test_children_are_counted_by_an_age_band_within_0_to_17(programme, ambassador, lo, hi, field, fragment):
    with pytest.raises(ValidationError) as exc:
        services.session_record(actor=None, programme=programme, ambassador=ambassador, held_on=date(2013, 10, 1),
                                audience="children", min_age=lo, max_age=hi, count=20)
    assert fragment in " ".join(exc.value.message_dict[field])
    assert not DeliveredSession.objects.exists()


def test_adults_may_be_counted_without_a_band(programme, ambassador):
    session = services.session_record(actor=None, programme=programme, ambassador=ambassador,
                                      held_on=date(2013, 10, 1), audience="parents", count=15)
    assert session.min_age is None and session.count == 15


def test_a_session_in_the_future_or_by_someone_not_yet_trained_is_refused(programme, cohort, ambassador):
    with pytest.raises(ValidationError, match="future"):
        services.session_record(actor=None, programme=programme, ambassador=ambassador, held_on=date(2099, 1, 1),
                                min_age=10, max_age=14, count=20)
    novice = services.trainee_register(actor=None, cohort=cohort, sector="educator", label="Novice")
    with pytest.raises(ValidationError, match="not completed"):
        services.session_record(actor=None, programme=programme, ambassador=novice, held_on=date(2013, 10, 1),
                                min_age=10, max_age=14, count=20)


def test_the_session_model_has_no_free_text_field_that_could_hold_a_childs_identity():
    from django.db import models

    text_fields = [f.name for f in DeliveredSession._meta.get_fields()
                   if isinstance(f, (models.CharField, models.TextField)) and not f.choices and f.name != "country"]
    assert text_fields == []
    assert "Never a child's name" in str(DeliveredSession._meta.get_field("count").help_text)


# --- Trainees ------------------------------------------------------------------------------

def test_a_name_is_kept_only_with_consent(cohort):
    with pytest.raises(ValidationError, match="consented to be named"):
        services.trainee_register(actor=None, cohort=cohort, sector="educator", full_name="Almaz Tesfaye")
    trainee = services.trainee_register(actor=None, cohort=cohort, sector="educator")
    assert trainee.full_name == "" and trainee.display_name == "Ambassador 001"
    named = services.trainee_register(actor=None, cohort=cohort, sector="government", full_name="Almaz Tesfaye",
                                      consent_to_be_named=True)
    assert named.display_name == "Almaz Tesfaye"
    services.trainee_update(actor=None, trainee=named, consent_to_be_named=False)
    named.refresh_from_db()
    assert named.full_name == "" and named.display_name == named.label


def test_the_same_person_twice_in_a_cohort_is_refused(cohort):
    services.trainee_register(actor=None, cohort=cohort, sector="educator", full_name="Almaz Tesfaye", consent_to_be_named=True)
    with pytest.raises(ValidationError, match="already registered in the cohort"):
        services.trainee_register(actor=None, cohort=cohort, sector="educator", full_name="  almaz  TESFAYE ",
                                  consent_to_be_named=True)
    assert Trainee.objects.count() == 1


def test_a_cascade_cycle_is_refused_and_generations_follow_the_lineage(cohort):
    def completed(label, trainer=None):
        return services.trainee_register(actor=None, cohort=cohort, sector="educator", label=label, status="completed",
                                         completed_on=date(2013, 9, 1), trained_by=trainer)

    a = completed("A")
    b = completed("B", a)
    c = completed("C", b)
    assert (a.generation, b.generation, c.generation) == (1, 2, 3)
    with pytest.raises(ValidationError, match="cycle"):
        services.trainee_set_trainer(actor=None, trainee=a, trainer=c)  # A trains B trains C trains A
    with pytest.raises(ValidationError, match="themselves"):
        services.trainee_set_trainer(actor=None, trainee=a, trainer=a)
    a.refresh_from_db()
    assert a.trained_by_id is None
    # Moving B (and so C) under a new root shifts the whole subtree.
    z = completed("Z")
    y = completed("Y", z)
    services.trainee_set_trainer(actor=None, trainee=b, trainer=y)
    b.refresh_from_db()
    c.refresh_from_db()
    assert (b.generation, c.generation) == (3, 4)
    tree = selectors.cascade(cohort.programme)
    assert tree["depth"] == 4
    assert [r["label"] for r in tree["roots"]] == ["A", "Z"]
    assert tree["roots"][1]["children"][0]["children"][0]["label"] == "B"


def test_a_trainer_must_have_completed_the_training(cohort):
    novice = services.trainee_register(actor=None, cohort=cohort, sector="educator", label="Novice")
    with pytest.raises(ValidationError, match="not completed"):
        services.trainee_register(actor=None, cohort=cohort, sector="parent", trained_by=novice)


def test_training_sessions_are_activities_of_kind_training(cohort, org_a):
    activity = services.training_session_create(actor=None, cohort=cohort, title="Ambassador training, day 1",
                                                starts_on=date(2013, 8, 5))
    assert activity.kind == Activity.Kind.TRAINING
    assert list(cohort.sessions.all()) == [activity]
    assert org_a.pk in activity.owner_organisation_ids()


# --- Permissions and audit -----------------------------------------------------------------

def test_focal_points_manage_only_their_organisations_programmes(programme, cohort, focal_point, other_focal_point):
    with pytest.raises(PermissionDenied):
        services.trainee_register(actor=other_focal_point, cohort=cohort, sector="educator")
    trainee = services.trainee_register(actor=focal_point, cohort=cohort, sector="educator")
    entry = AuditEntry.objects.filter(action="trainee.registered").latest("id")
    assert entry.actor == focal_point and entry.target_id == str(trainee.pk)
    with pytest.raises(PermissionDenied):
        services.programme_create(actor=other_focal_point, name="X", organisers=[focal_point.organisation], country="ET",
                                  starts_on=date(2014, 1, 1), ends_on=date(2014, 2, 1))


def test_reach_parameters_need_a_source_or_the_assumption_flag(programme):
    with pytest.raises(ValidationError, match="source"):
        services.parameter_set(actor=None, programme=programme, key="mean_class_size", low=40, central=50, high=60)
    with pytest.raises(ValidationError, match="low ≤ central ≤ high"):
        services.parameter_set(actor=None, programme=programme, key="mean_class_size", low=60, central=50, high=40,
                               is_assumption=True)
    with pytest.raises(ValidationError, match="between 0 and 1"):
        services.parameter_set(actor=None, programme=programme, key="share_delivering", low=0.5, central=1, high=2,
                               is_assumption=True)
    with pytest.raises(ValidationError, match="not a parameter of this model"):
        services.parameter_set(actor=None, programme=programme, key="unique_share", low=0.5, central=1, high=1,
                               is_assumption=True)
    param = services.parameter_set(actor=None, programme=programme, key="mean_class_size", low=40, central=50, high=60,
                                   is_assumption=True)
    services.parameter_set(actor=None, programme=programme, key="mean_class_size", low=45, central=55, high=65,
                           source="School census 2013")
    param.refresh_from_db()
    assert (param.central, param.source) == (55, "School census 2013")
    entry = AuditEntry.objects.filter(action="reach_parameter.set").latest("id")
    assert entry.changes["central"] == ["50.000", "55.000"]


# --- Certificates --------------------------------------------------------------------------

def test_no_certificate_for_someone_who_did_not_complete(cohort):
    trainee = services.trainee_register(actor=None, cohort=cohort, sector="educator")
    with pytest.raises(ValidationError, match="has not completed"):
        services.certificate_issue(actor=None, trainee=trainee)
    assert not Certificate.objects.exists()


def test_certificate_verification_valid_revoked_and_reissued(ambassador):
    first = services.certificate_issue(actor=None, trainee=ambassador)
    assert selectors.certificate_lookup(first.code.lower().replace("-", " - ")).is_valid
    with pytest.raises(ValidationError, match="already holds a valid certificate"):
        services.certificate_issue(actor=None, trainee=ambassador)
    services.trainee_complete(actor=None, trainee=ambassador, completed_on=date(2014, 6, 1))  # re-trained
    second = services.certificate_issue(actor=None, trainee=ambassador)
    first.refresh_from_db()
    assert not first.is_valid and second.replaces == first and second.completed_on == date(2014, 6, 1)
    services.certificate_revoke(actor=None, certificate=second, reason="Issued in error")
    assert not selectors.certificate_lookup(second.code).is_valid
    assert selectors.certificate_lookup("TUT-0000-0000-0000") is None


# --- Import --------------------------------------------------------------------------------

ROWS = [
    {"name": "", "consent": "no", "label": "Teacher 01", "sector": "Educator", "institution": "Addis Ababa school 01",
     "status": "completed", "completed_on": "2013-09-01"},
    {"name": "Almaz Tesfaye", "consent": "yes", "sector": "government", "status": "enrolled"},
    {"label": "Teacher 02", "sector": "educator", "status": "completed", "completed_on": "2013-10-01",
     "trained_by": "Teacher 01"},
]


def test_import_dry_run_checks_everything_and_saves_nothing(cohort, school):
    report = services.trainees_import(actor=None, cohort=cohort, rows=ROWS, dry_run=True)
    assert report.ok and report.created == 3
    assert not Trainee.objects.exists()


def test_import_with_one_bad_row_saves_nothing_and_says_which_line(cohort, school):
    rows = [*ROWS, {"name": "Abebe", "consent": "no", "sector": "educator"}, {"label": "Teacher 01", "sector": "educator"}]
    report = services.trainees_import(actor=None, cohort=cohort, rows=rows, dry_run=False)
    assert not report.ok and report.created == 0
    errors = {r["line"]: r["errors"] for r in report.rows if r["errors"]}
    assert set(errors) == {5, 6}
    assert "consented to be named" in errors[5][0]
    assert "already registered" in errors[6][0]
    assert not Trainee.objects.exists()


def test_import_saves_all_rows_with_their_lineage(cohort, school):
    report = services.trainees_import(actor=None, cohort=cohort, rows=ROWS, dry_run=False)
    assert report.ok and report.created == 3
    second = Trainee.objects.get(label="Teacher 02")
    assert second.trained_by.label == "Teacher 01" and second.generation == 2
    assert Trainee.objects.get(label="Teacher 01").institution == school
