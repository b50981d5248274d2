"""Pages through the test client: the permission ladder, forms, import, certificates and verification."""

import subprocess
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tutela.outreach import selectors, services
from tutela.outreach.models import Certificate, DeliveredSession, Trainee

pytestmark = pytest.mark.django_db


@pytest.fixture
def unpublished(org_a):
    return services.programme_create(actor=None, name="Draft programme", organisers=[org_a], country="ET",
                                     starts_on=date(2014, 1, 1), ends_on=date(2014, 6, 1), is_published=False)


def test_programme_page_ladder(ladder, programme, unpublished):
    ladder("get", reverse("outreach:programme_detail", args=[programme.pk]),
           {"anonymous": 200, "stakeholder": 200, "focal_point": 200, "other_focal_point": 200, "secretariat": 200})
    ladder("get", reverse("outreach:programme_detail", args=[unpublished.pk]),
           {"anonymous": 404, "stakeholder": 404, "focal_point": 200, "other_focal_point": 404, "secretariat": 200})


def test_write_pages_ladder(ladder, programme, cohort):
    expected = {"anonymous": 302, "stakeholder": 403, "other_focal_point": 403, "focal_point": 200, "secretariat": 200}
    ladder("get", reverse("outreach:trainee_register", args=[cohort.pk]), expected)
    ladder("get", reverse("outreach:session_record", args=[programme.pk]), expected)
    ladder("get", reverse("outreach:trainees_import", args=[cohort.pk]), expected)
    ladder("get", reverse("outreach:programme_parameter", args=[programme.pk, "mean_class_size"]), expected)


def test_index_and_country_pages_list_published_outreach(client, programme, unpublished, campaign):
    page = client.get(reverse("outreach:index")).content.decode()
    assert programme.name in page and "Click Safe, Click Clever" in page and "Draft programme" not in page
    country = client.get(reverse("outreach:country", args=["et"]))
    assert country.status_code == 200 and programme.name in country.content.decode()
    assert client.get(reverse("outreach:country", args=["XX"])).status_code == 404


def test_registering_a_trainee_through_the_form(client, focal_point, cohort, school):
    client.force_login(focal_point)
    url = reverse("outreach:trainee_register", args=[cohort.pk])
    response = client.post(url, {"full_name": "Almaz Tesfaye", "sector": "educator", "status": "enrolled"})
    assert response.status_code == 422
    assert "consented to be named" in response.content.decode()
    assert not Trainee.objects.exists()
    response = client.post(url, {"full_name": "Almaz Tesfaye", "consent_to_be_named": "on", "sector": "educator",
                                 "institution": school.pk, "status": "completed", "completed_on": "2013-09-01"})
    assert response.status_code == 302
    trainee = Trainee.objects.get()
    assert trainee.display_name == "Almaz Tesfaye" and trainee.institution == school


def test_a_childs_name_in_the_count_field_is_refused_with_a_clear_message(client, focal_point, programme, ambassador):
    client.force_login(focal_point)
    url = reverse("outreach:session_record", args=[programme.pk])
    data = {"held_on": "2013-10-01", "audience": "children", "min_age": 10, "max_age": 14, "count": "Abebe Bekele"}
    response = client.post(url, data)
    assert response.status_code == 422 and "Never a name or a date of birth" in response.content.decode()
    response = client.post(url, {**data, "count": 32, "max_age": 19})
    assert response.status_code == 422 and "within 0–17" in response.content.decode()
    assert not DeliveredSession.objects.exists()
    response = client.post(url, {**data, "count": 32, "ambassador": ambassador.pk})
    assert response.status_code == 302
    page = client.get(reverse("outreach:programme_detail", args=[programme.pk])).content.decode()
    assert "32" in page and "counts once" in page


def test_public_page_withholds_small_counts_but_the_owner_sees_them(client, focal_point, programme, ambassador, school):
    services.session_record(actor=None, programme=programme, ambassador=ambassador, institution=school,
                            held_on=date(2013, 10, 1), min_age=10, max_age=14, count=3)
    url = reverse("outreach:programme_detail", args=[programme.pk])
    public = client.get(url).content.decode()
    assert "&lt;5" in public and "withheld" in public
    client.force_login(focal_point)
    owner = client.get(url).content.decode()
    assert "withheld" not in owner


def test_editing_a_parameter_updates_the_estimate(client, focal_point, programme):
    client.force_login(focal_point)
    url = reverse("outreach:programme_parameter", args=[programme.pk, "mean_class_size"])
    response = client.post(url, {"low": 40, "central": 50, "high": 60, "source": ""})
    assert response.status_code == 422 and "or mark it as an assumption" in response.content.decode()
    response = client.post(url, {"low": 40, "central": 50, "high": 60, "is_assumption": "on"})
    assert response.status_code == 302
    assert programme.parameters.get().central == 50
    assert client.get(reverse("outreach:programme_parameter", args=[programme.pk, "nonsense"])).status_code == 404
    share = client.get(reverse("outreach:programme_parameter", args=[programme.pk, "share_delivering"])).content.decode()
    assert "0.6 means 60 %" in share and reverse("outreach:programme_detail", args=[programme.pk]) + "#reach" in share
    assert "0.6 means 60 %" not in client.get(url).content.decode()


def _post_import(client, url, data, capture):
    with capture(execute=True):
        response = client.post(url, data)
    if response.status_code != 302:
        return response
    return client.get(response["Location"])


def test_import_dry_run_then_save(client, focal_point, cohort, school, django_capture_on_commit_callbacks):
    client.force_login(focal_point)
    url = reverse("outreach:trainees_import", args=[cohort.pk])
    csv = ("name,consent,label,sector,institution,status,completed_on\n"
           ",no,Teacher 01,educator,Addis Ababa school 01,completed,2013-09-01\n"
           "Almaz Tesfaye,no,,educator,,enrolled,\n")
    capture = django_capture_on_commit_callbacks
    body = _post_import(client, url, {"file": SimpleUploadedFile("t.csv", csv.encode()), "dry_run": "on"}, capture).content.decode()
    assert "Nothing was saved" in body and "Line 3" in body
    good = csv.replace("Almaz Tesfaye,no", "Almaz Tesfaye,yes")
    response = _post_import(client, url, {"file": SimpleUploadedFile("t.csv", good.encode()), "dry_run": "on"}, capture)
    assert "all 2 rows are fine" in response.content.decode()
    assert not Trainee.objects.exists()
    response = _post_import(client, url, {"file": SimpleUploadedFile("t.csv", good.encode())}, capture)
    assert "2 trainees imported" in response.content.decode() and Trainee.objects.count() == 2


def test_import_reads_xlsx_and_refuses_other_files(client, focal_point, cohort, django_capture_on_commit_callbacks):
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["label", "sector", "status"])
    book.active.append(["Officer 01", "law enforcement", "enrolled"])
    data = BytesIO()
    book.save(data)
    client.force_login(focal_point)
    url = reverse("outreach:trainees_import", args=[cohort.pk])
    response = _post_import(client, url, {"file": SimpleUploadedFile("t.xlsx", data.getvalue())}, django_capture_on_commit_callbacks)
    assert "1 trainees imported" in response.content.decode()
    assert Trainee.objects.get().sector == "law_enforcement"
    response = client.post(url, {"file": SimpleUploadedFile("t.txt", b"hello")})
    assert "Upload a .csv or .xlsx file" in response.content.decode()


def test_the_trainee_import_runs_in_the_worker_never_in_the_request(client, focal_point, cohort, settings,
                                                                     django_capture_on_commit_callbacks):
    """Issue 12: imports always run in the worker. With a queue that runs nothing, the upload answers
    at once and the job waits for the worker."""
    from django.tasks import default_task_backend

    from ..models import TraineeImport

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    client.force_login(focal_point)
    url = reverse("outreach:trainees_import", args=[cohort.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": SimpleUploadedFile("t.csv", b"label,sector\nOfficer 01,educator\n")})
    job = TraineeImport.objects.get()
    assert response.status_code == 302 and job.status == TraineeImport.Status.QUEUED
    assert [(r.task.name, r.kwargs) for r in default_task_backend.results] == [("run_trainee_import", {"job_id": job.pk})]
    assert 'hx-trigger="every 1s"' in client.get(response["Location"]).content.decode()
    assert not Trainee.objects.exists()


def test_a_trainee_import_whose_worker_died_is_resumed_then_failed_with_the_reason(
        client, focal_point, cohort, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    from tutela.core import jobs

    from ..models import TraineeImport
    from ..services import trainee_imports_sweep

    client.force_login(focal_point)
    url = reverse("outreach:trainees_import", args=[cohort.pk])
    _post_import(client, url, {"file": SimpleUploadedFile("t.csv", b"label,sector\nOfficer 01,educator\n")},
                 django_capture_on_commit_callbacks)
    job = TraineeImport.objects.get()
    assert job.status == TraineeImport.Status.IMPORTED and Trainee.objects.count() == 1
    Trainee.objects.all().delete()  # as if the dead run had applied nothing (which it had not)
    past = timezone.now() - datetime.timedelta(minutes=5)
    TraineeImport.objects.filter(pk=job.pk).update(status="running", worker="gone:1", lease_until=past, heartbeat_at=past)
    with django_capture_on_commit_callbacks(execute=True):
        assert trainee_imports_sweep() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts) == (TraineeImport.Status.IMPORTED, 2) and Trainee.objects.count() == 1
    TraineeImport.objects.filter(pk=job.pk).update(status="running", worker="gone:1", lease_until=past,
                                                   attempts=jobs.MAX_ATTEMPTS)
    page = client.get(reverse("outreach:trainee_import_job", args=[cohort.pk, job.pk])).content.decode()
    job.refresh_from_db()
    assert job.status == TraineeImport.Status.FAILED and "stopped" in page and "try again" in page


def test_certificate_pdf_names_the_trainee_and_the_verification_code(client, focal_point, ambassador, tmp_path):
    client.force_login(focal_point)
    response = client.post(reverse("outreach:certificate_issue", args=[ambassador.pk]))
    assert response.status_code == 302
    certificate = Certificate.objects.get()
    response = client.get(reverse("outreach:certificate_pdf", args=[certificate.code]))
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Certificate of completion" in text
    assert "Ambassador A" in text and certificate.code in text
    assert f"/outreach/verify/{certificate.code}/" in text


def test_certificate_for_someone_who_did_not_complete_is_refused(client, focal_point, cohort):
    trainee = services.trainee_register(actor=None, cohort=cohort, sector="educator")
    client.force_login(focal_point)
    response = client.post(reverse("outreach:certificate_issue", args=[trainee.pk]), follow=True)
    assert "has not completed the training" in response.content.decode()
    assert not Certificate.objects.exists()


def test_certificate_download_is_for_the_programmes_managers_only(ladder, ambassador):
    certificate = services.certificate_issue(actor=None, trainee=ambassador)
    ladder("get", reverse("outreach:certificate_pdf", args=[certificate.code]),
           {"anonymous": 302, "stakeholder": 403, "other_focal_point": 403, "focal_point": 200})


def test_revoking_a_certificate_through_the_form(client, focal_point, ambassador):
    certificate = services.certificate_issue(actor=None, trainee=ambassador)
    client.force_login(focal_point)
    url = reverse("outreach:certificate_revoke", args=[certificate.code])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 422 and "This field is required" in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    response = client.post(url, {"reason": "Issued in error"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None and certificate.revoked_reason == "Issued in error"
    response = client.post(url, {"reason": "Twice"})
    assert response.status_code == 422 and "already revoked" in response.content.decode()


def test_verification_page_valid_forged_and_revoked(client, ambassador):
    certificate = services.certificate_issue(actor=None, trainee=ambassador)
    valid = client.get(reverse("outreach:verify_code", args=[certificate.code])).content.decode()
    assert "Valid." in valid and "Ambassador A" in valid
    forged = client.get(reverse("outreach:verify"), {"code": "TUT-AAAA-BBBB-CCCC"}).content.decode()
    assert "Not valid." in forged and "No certificate has this code" in forged
    services.certificate_revoke(actor=None, certificate=certificate, reason="Issued in error")
    revoked = client.get(reverse("outreach:verify"), {"code": certificate.code.lower()}).content.decode()
    assert "Not valid." in revoked and "revoked" in revoked and "Ambassador A" not in revoked


def test_programme_page_queries_do_not_grow_with_trainees(client, programme, cohort, django_assert_max_num_queries):
    for i in range(30):
        services.trainee_register(actor=None, cohort=cohort, sector="educator", status="completed",
                                  completed_on=date(2013, 9, 1), label=f"T{i:02d}")
    # Plus one reach computation (four queries) per quarter of the reach-over-time chart (at most QUARTERS_SHOWN).
    quarters = len(selectors.quarters(programme.starts_on, programme.ends_on))
    with django_assert_max_num_queries(20 + 4 * quarters):
        client.get(reverse("outreach:programme_detail", args=[programme.pk]))
    with django_assert_max_num_queries(12):
        client.get(reverse("outreach:programme_trainees", args=[programme.pk]))


def test_pages_show_shares_as_percentages_targets_without_a_counted_badge_and_grouped_audiences(client, programme, campaign):
    services.parameter_set(actor=None, programme=programme, key="share_delivering", low="0.6", central="0.625", high=1,
                           is_assumption=True)
    services.parameter_set(actor=None, programme=programme, key="mean_class_size", low=40, central="42.5", high=1200,
                           is_assumption=True)
    services.sector_figure_record(actor=None, programme=programme, value=50, measure="target", source="ITU pilot page",
                                  as_of=date(2013, 7, 1))
    page = client.get(reverse("outreach:programme_detail", args=[programme.pk])).content.decode()
    assert ">60\u00a0%<" in page and ">62.5\u00a0%<" in page and ">100\u00a0%<" in page and "0.600" not in page
    assert ">42.5<" in page and ">1,200<" in page
    target_row = page[page.index("ITU pilot page") - 600:page.index("ITU pilot page")]
    assert "Target" in target_row and "Counted" not in target_row

    message = services.message_add(actor=None, campaign=campaign, title="Radio spot", medium="radio_spot", language="am")
    services.placement_add(actor=None, message=message, outlet="A radio station", country="ET", starts_on=date(2013, 11, 1),
                           ends_on=date(2013, 12, 31), frequency=20, reported_audience=4000, min_age=10, max_age=17,
                           audience_source="Broadcaster")
    services.parameter_set(actor=None, campaign=campaign, key="unique_share", low="0.05", central="0.1", high="0.2",
                           is_assumption=True)
    page = client.get(reverse("outreach:campaign_detail", args=[campaign.pk])).content.decode()
    assert "Amharic (am)" in page
    assert ">4,000<" in page and ">5\u00a0%<" in page and ">10\u00a0%<" in page and ">20\u00a0%<" in page


def test_a_malformed_or_hostile_trainee_file_gets_a_message_never_a_500(client, focal_point, cohort):
    """Issue 12: a 308 KB XLSX that expands to 2.1 M rows held a web worker for 8.5 minutes; a file
    that is not a zip, truncated, a DOCX renamed, or with XML entities gave 500."""
    import io
    import time

    from django.utils.html import escape

    from tutela.core import files
    from tutela.core.tests.hostile import hostile_tables

    from ..forms import import_limits

    client.force_login(focal_point)
    url = reverse("outreach:trainees_import", args=[cohort.pk])
    for case, (name, data) in hostile_tables().items():
        if not data or name.endswith(".xls"):
            continue  # the form's own "empty file" and ".csv or .xlsx" messages
        with pytest.raises(files.FileProblem) as problem:
            files.check_table(io.BytesIO(data), name, import_limits())
        started = time.monotonic()
        response = client.post(url, {"file": SimpleUploadedFile(name, data)})
        assert response.status_code == 422, case
        assert escape(problem.value.message) in response.content.decode(), case
        assert time.monotonic() - started < 5, case
    assert not Trainee.objects.exists()


def test_a_trainee_sheet_hiding_its_size_stops_at_the_row_limit(client, focal_point, cohort,
                                                                django_capture_on_commit_callbacks):
    from tutela.core.tests.hostile import far_row

    client.force_login(focal_point)
    response = _post_import(client, reverse("outreach:trainees_import", args=[cohort.pk]),
                            {"file": SimpleUploadedFile("t.xlsx", far_row(dimension=False))}, django_capture_on_commit_callbacks)
    assert response.status_code == 200 and "more than 5,000 rows" in response.content.decode()
    assert not Trainee.objects.exists()
