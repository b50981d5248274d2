"""Dry run, all-or-nothing and valid-rows imports of organisations, activities and figures."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tutela.activities.models import Activity
from tutela.core.models import AuditEntry
from tutela.exchange.models import ImportJob
from tutela.figures.models import Figure
from tutela.partners.models import Organisation

from .conftest import make_csv, make_xlsx

pytestmark = pytest.mark.django_db

ORG_HEADER = ["name", "acronym", "kind", "country"]
ACT_HEADER = ["title", "kind", "starts_on", "ends_on", "country", "pillars", "organisers", "participation"]


def problems(job):
    return [(p["row"], p["column"], p["message"]) for p in job.report["problems"]]


def test_a_dry_run_reports_every_bad_row_and_saves_nothing(secretariat, org_b, run_import):
    before = Organisation.objects.count()
    data = make_csv([
        ORG_HEADER,
        ["Child Helpline International", "CHI", "civil_society", "NL"],
        ["trend micro", "", "private_sector", "JP"],           # duplicate of the conftest's Trend Micro
        ["Atlantis Ministry", "", "government", "XX"],         # unknown country
        ["Child  Helpline International", "", "other", ""],    # duplicate within the file
        ["Ministry of Education", "", "ministry", "KE"],       # unknown kind
    ])
    job = run_import(secretariat, "organisations", data)
    assert job.status == ImportJob.Status.CHECKED
    assert (job.total_rows, job.valid_rows, job.error_rows) == (5, 1, 4), job.report
    found = problems(job)
    assert found[0][:2] == (3, "name") and "already exists" in found[0][2]
    assert found[1][:2] == (4, "country") and "Unknown country “XX”" in found[1][2]
    assert found[2][:2] == (5, "name") and "already exists" in found[2][2]
    assert found[3][:2] == (6, "kind")
    assert Organisation.objects.count() == before


def test_import_all_is_all_or_nothing(secretariat, org_b, run_import):
    before = Organisation.objects.count()
    data = make_csv([ORG_HEADER, ["New Org", "", "other", ""], ["Trend Micro", "", "other", ""]])
    job = run_import(secretariat, "organisations", data)
    job = run_import(secretariat, "organisations", data, job=job, mode="all")
    assert job.status == ImportJob.Status.FAILED
    assert Organisation.objects.count() == before


def test_import_the_valid_rows_only_leaves_out_the_bad(secretariat, org_b, run_import):
    data = make_csv([ORG_HEADER, ["New Org", "NO", "other", "KE"], ["Trend Micro", "", "other", ""]])
    job = run_import(secretariat, "organisations", data)
    job = run_import(secretariat, "organisations", data, job=job, mode="valid")
    assert job.status == ImportJob.Status.IMPORTED
    assert (job.imported_rows, job.error_rows) == (1, 1)
    org = Organisation.objects.get(name="New Org")
    assert org.country.code == "KE"
    assert AuditEntry.objects.filter(action="organisation.created", target_id=str(org.pk), actor=secretariat).exists()


def test_missing_headers_and_extra_columns_fail_the_file(secretariat, org_b, run_import):
    job = run_import(secretariat, "organisations", make_csv([["acronym", "colour"], ["X", "red"]]))
    assert job.status == ImportJob.Status.FAILED
    assert "Missing column(s): name." in job.report["file_error"]
    assert "Unknown column(s): colour." in job.report["file_error"]


def test_a_row_longer_than_the_header_is_reported(secretariat, org_b, run_import):
    job = run_import(secretariat, "organisations", make_csv([ORG_HEADER, ["A", "", "other", "", "surplus"]]))
    assert problems(job) == [(2, "", "This row has 1 more cell(s) than there are columns.")]


def test_a_header_without_rows_is_reported(secretariat, org_b, run_import):
    job = run_import(secretariat, "organisations", make_csv([ORG_HEADER]))
    assert job.status == ImportJob.Status.FAILED
    assert "no rows" in job.report["file_error"]


def test_focal_points_cannot_add_organisations(focal_point, run_import):
    job = run_import(focal_point, "organisations", make_csv([ORG_HEADER, ["Some School", "", "school", "ET"]]))
    assert problems(job) == [(2, "name", "Only the secretariat can add organisations. Ask them to add this one.")]


def test_activities_bad_input_is_reported_by_row_and_column(secretariat, org_a, run_import, pillars):
    data = make_csv([
        ACT_HEADER,
        ["Good workshop", "workshop", "2014-02-11", "", "KE", "3;5", "ACOPEA", "children 9-12: 150 (estimated); educators: 12"],
        ["Backwards", "workshop", "2014-02-11", "2014-02-10", "KE", "3", "ACOPEA", ""],
        ["Negative", "workshop", "2014-02-11", "", "KE", "3", "ACOPEA", "educators: -5"],
        ["Ageless children", "workshop", "2014-02-11", "", "KE", "3", "ACOPEA", "children: 40"],
        ["No such pillar", "workshop", "2014-02-11", "", "KE", "7", "ACOPEA", ""],
        ["Bad date", "workshop", "11/02/2014", "", "KE", "3", "Nobody Inc", ""],
        ["Fractional", "workshop", "2014-02-11", "", "KE", "3", "ACOPEA", "educators: 2.5"],
    ])
    job = run_import(secretariat, "activities", data)
    found = problems(job)
    assert job.valid_rows == 1 and job.error_rows == 6
    assert found[0][:2] == (3, "ends_on") and "before the start date" in found[0][2]
    assert found[1][:2] == (4, "participation") and "0 or more" in found[1][2]
    assert found[2][:2] == (5, "participation") and "age band" in found[2][2]
    assert found[3][:2] == (6, "pillars") and "does not exist" in found[3][2]
    assert {(r, c) for r, c, _ in found if r == 7} == {(7, "starts_on"), (7, "organisers")}
    assert found[-1][:2] == (8, "participation") and "whole number" in found[-1][2]
    assert not Activity.objects.exists()


def test_activities_import_calls_the_service_with_partners_and_participation(secretariat, org_a, run_import, pillars):
    data = make_csv([ACT_HEADER, ["Good workshop", "workshop", "2014-02-11", "", "KE", "3;5", "ACOPEA",
                                  "children 9-12: 150 (estimated); educators: 12"]])
    job = run_import(secretariat, "activities", data, mode="all")
    assert job.status == ImportJob.Status.IMPORTED, job.report
    activity = Activity.objects.get()
    assert sorted(p.number for p in activity.pillars.all()) == [3, 5]
    assert [(r.organisation.acronym, r.role) for r in activity.partner_roles.all()] == [("ACOPEA", "organiser")]
    assert sorted((p.group, p.count, p.min_age, p.kind) for p in activity.participation.all()) == [
        ("children", 150, 9, "estimated"), ("educators", 12, None, "counted")]
    assert AuditEntry.objects.filter(action="activity.created", actor=secretariat).count() == 1


def test_a_focal_point_imports_only_their_organisations_activities(focal_point, org_b, run_import, pillars):
    data = make_csv([
        ACT_HEADER,
        ["Ours", "workshop", "2014-02-11", "", "ET", "3", "ACOPEA", ""],
        ["Theirs", "workshop", "2014-02-11", "", "JP", "3", "Trend Micro", ""],
    ])
    job = run_import(focal_point, "activities", data, mode="valid")
    assert job.imported_rows == 1
    assert problems(job)[0][:2] == (3, "organisers")
    assert list(Activity.objects.values_list("title", flat=True)) == ["Ours"]


def test_figures_without_kind_or_negative_are_refused(secretariat, focal_point, org_b, run_import):
    header = ["indicator", "indicator_name", "unit", "value", "kind", "method", "source", "as_of", "group", "min_age", "max_age", "reported_by"]
    data = make_csv([
        header,
        ["children_reached", "Children reached", "children", "15000", "estimated", "25 schools x 600", "Report", "2014-06-30", "children", "9", "12", "ACOPEA"],
        ["children_reached", "", "", "10", "", "", "Report", "2014-06-30", "", "", "", ""],
        ["children_reached", "", "", "-3", "counted", "", "Report", "2014-06-30", "", "", "", ""],
        ["children_reached", "", "", "5", "counted", "", "Report", "2014-06-30", "children", "", "", ""],
        ["unknown_code", "", "", "5", "counted", "", "Report", "2014-06-30", "", "", "", ""],
    ])
    job = run_import(secretariat, "figures", data)
    found = problems(job)
    assert job.valid_rows == 1
    assert found[0][:2] == (3, "kind") and "counted, estimated or modelled" in found[0][2]
    assert found[1][:2] == (4, "value") and "negative" in found[1][2]
    assert found[2][:2] == (5, "min_age") and "age band" in found[2][2]
    assert found[3][:2] == (6, "indicator")
    # A focal point's figure must be reported by their own organisation.
    job = run_import(focal_point, "figures", make_csv([header, ["x", "X", "people", "1", "counted", "", "R", "2014-01-01", "", "", "", "Trend Micro"]]))
    assert problems(job)[0][:2] == (2, "reported_by")
    assert not Figure.objects.exists()


def test_xlsx_formula_cells_are_imported_as_text(secretariat, org_b, run_import):
    data = make_xlsx([ORG_HEADER, ["=HYPERLINK(\"http://evil.example\",\"Click\")", "", "other", ""]])
    job = run_import(secretariat, "organisations", data, name="orgs.xlsx", mode="all")
    assert job.status == ImportJob.Status.IMPORTED, job.report
    assert Organisation.objects.filter(name='=HYPERLINK("http://evil.example","Click")').exists()


def test_xlsx_formula_in_a_number_column_says_formulas_are_not_evaluated(secretariat, org_b, run_import):
    data = make_xlsx([["indicator", "value", "kind", "source", "as_of"], ["people_trained", "=2*3", "counted", "R", "2014-01-01"]])
    job = run_import(secretariat, "figures", data, name="f.xlsx")
    assert any(c == "value" and "formula" in m for _, c, m in problems(job))


def test_large_files_run_as_a_task_with_progress(secretariat, run_import):
    rows = [ORG_HEADER] + [[f"Organisation {i}", "", "other", "KE"] for i in range(1200)]
    job = run_import(secretariat, "organisations", make_csv(rows), mode="all")
    assert job.status == ImportJob.Status.IMPORTED
    assert job.imported_rows == job.total_rows == job.processed_rows == 1200
    assert Organisation.objects.filter(name__startswith="Organisation ").count() == 1200


def test_an_imported_job_cannot_be_imported_twice(secretariat, org_b, run_import):
    from django.core.exceptions import ValidationError

    from tutela.exchange.services import import_job_start

    data = make_csv([ORG_HEADER, ["Once Only", "", "other", ""]])
    job = run_import(secretariat, "organisations", data, mode="all")
    with pytest.raises(ValidationError):
        import_job_start(actor=secretariat, job=job, mode="all")


def test_even_a_tiny_file_is_checked_in_the_worker_never_in_the_request(client, secretariat, settings,
                                                                      django_capture_on_commit_callbacks):
    """Issue 12: imports always run in the worker. With a queue that runs nothing, the upload answers
    at once and the job waits, queued, for the worker."""
    from django.tasks import default_task_backend
    from django.urls import reverse

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exchange:upload"), {
            "kind": "organisations", "file": SimpleUploadedFile("o.csv", make_csv([ORG_HEADER, ["Tiny", "", "other", ""]]))})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.QUEUED
    assert [r.task.name for r in default_task_backend.results] == ["run_import_job"]
    assert [r.kwargs for r in default_task_backend.results] == [{"job_id": job.pk}]


def _dead(job, *, attempts):
    import datetime

    from django.utils import timezone

    past = timezone.now() - datetime.timedelta(minutes=5)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, worker="gone:1", heartbeat_at=past,
                                               lease_until=past, attempts=attempts)
    job.refresh_from_db()
    return job


def test_a_job_whose_worker_died_is_resumed_and_finishes(secretariat, run_import, django_capture_on_commit_callbacks):
    """Issue 12: a worker killed during an import left the job "running" for ever."""
    from tutela.exchange.services import import_jobs_sweep

    job = run_import(secretariat, "organisations", make_csv([ORG_HEADER, ["Resumed Org", "", "other", ""]]), mode="check")
    ImportJob.objects.filter(pk=job.pk).update(mode="all")
    _dead(job, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert import_jobs_sweep() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts, job.imported_rows) == (ImportJob.Status.IMPORTED, 2, 1)
    assert Organisation.objects.filter(name="Resumed Org").count() == 1
    assert AuditEntry.objects.filter(action="import_job.resumed").count() == 1


def test_a_job_that_keeps_dying_fails_with_the_reason_and_can_be_tried_again(client, secretariat, run_import,
                                                                          django_capture_on_commit_callbacks):
    from django.urls import reverse

    from tutela.core import jobs

    job = run_import(secretariat, "organisations", make_csv([ORG_HEADER, ["Third Time", "", "other", ""]]), mode="check")
    ImportJob.objects.filter(pk=job.pk).update(mode="all")
    _dead(job, attempts=jobs.MAX_ATTEMPTS)
    client.force_login(secretariat)
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()  # the page asks the sweep
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.report["worker_died"]
    assert "stopped" in page and "Nothing was saved" in page and 'id="try-again"' in page
    assert not Organisation.objects.filter(name="Third Time").exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exchange:job_apply", args=[job.pk]), {"mode": "all"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.IMPORTED
    assert Organisation.objects.filter(name="Third Time").count() == 1


def test_re_apply_and_re_check_are_not_refused_for_a_dead_job(secretariat, run_import):
    from tutela.exchange.services import import_job_start

    job = run_import(secretariat, "organisations", make_csv([ORG_HEADER, ["Dead Org", "", "other", ""]]), mode="check")
    ImportJob.objects.filter(pk=job.pk).update(mode="all")
    _dead(job, attempts=1)
    job = run_import(secretariat, "organisations", b"", job=job, mode="check")
    assert job.status == ImportJob.Status.CHECKED
    _dead(job, attempts=1)
    ImportJob.objects.filter(pk=job.pk).update(mode="all")
    job = run_import(secretariat, "organisations", b"", job=job, mode="all")
    assert job.status == ImportJob.Status.IMPORTED and Organisation.objects.filter(name="Dead Org").count() == 1
    assert import_job_start  # the service the fixture calls


def test_a_live_job_is_still_refused_a_second_start(secretariat, run_import):
    import datetime

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from tutela.exchange.services import import_job_start

    job = run_import(secretariat, "organisations", make_csv([ORG_HEADER, ["Live Org", "", "other", ""]]), mode="check")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, mode="all",
                                               lease_until=timezone.now() + datetime.timedelta(minutes=1))
    with pytest.raises(ValidationError):
        import_job_start(actor=secretariat, job=job, mode="all")
