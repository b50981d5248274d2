"""Guideline version imports run in the worker (issue 12): the page and the API queue a job and
answer at once; a job whose worker died is resumed, or failed with the reason and "Try again"."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tutela.consultations import services
from tutela.consultations.models import GuidelineImport, GuidelineVersion
from tutela.core import jobs
from tutela.core.models import AuditEntry
from tutela.core.tests.hostile import docx_bytes, hostile_docx

pytestmark = pytest.mark.django_db

WORD = ["Companies name a team.", "Children report abuse from every page."]


def _word(name="draft.docx"):
    return SimpleUploadedFile(name, docx_bytes(WORD))


def _dead(job, *, attempts):
    past = timezone.now() - datetime.timedelta(minutes=5)
    GuidelineImport.objects.filter(pk=job.pk).update(status=GuidelineImport.Status.RUNNING, worker="gone:1",
                                                     heartbeat_at=past, lease_until=past, attempts=attempts)


def test_a_word_import_runs_in_the_worker_never_in_the_request(client, secretariat, document, settings,
                                                               django_capture_on_commit_callbacks):
    """With a queue that runs nothing, the upload answers at once, nothing is parsed, the job waits."""
    from django.tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("consultations:document", args=[document.pk]),
                               {"label": "Draft 2", "stage": "draft", "file": _word()})
    job = GuidelineImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("consultations:import_job", args=[document.pk, job.pk])
    assert (job.status, job.source_format, job.original_name) == ("queued", "docx", "draft.docx")
    assert [(r.task.name, r.kwargs) for r in default_task_backend.results] == [
        ("run_guideline_import", {"job_id": job.pk})]
    assert not GuidelineVersion.objects.filter(label="Draft 2").exists()
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page and "<script" not in page.split("</header>", 1)[-1]


def test_the_worker_imports_the_file_and_the_page_links_the_version(client, secretariat, document,
                                                                    django_capture_on_commit_callbacks):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("consultations:document", args=[document.pk]),
                               {"label": "Draft 2", "stage": "draft", "file": _word()})
    job = GuidelineImport.objects.get()
    assert (job.status, job.attempts) == ("imported", 1) and job.version is not None
    assert [p.text for p in job.version.paragraphs.order_by("position")] == WORD
    partial = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial and reverse("consultations:version", args=[job.version.pk]) in partial


def test_a_markdown_import_goes_through_the_worker_too(client, secretariat, document,
                                                       django_capture_on_commit_callbacks):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("consultations:document", args=[document.pk]),
                    {"label": "Draft 3", "stage": "final", "markdown": "# Scope\n\nCompanies name a team.\n"})
    job = GuidelineImport.objects.get()
    assert (job.status, job.source_format, job.version.stage) == ("imported", "markdown", "final")


@pytest.mark.parametrize(("case", "message"), [
    ("not a zip", "This file is not a Word document (.docx)"), ("truncated", "This file is not a Word document"),
    ("xlsx renamed", "not a Word document"), ("xml entities", "declares a DOCTYPE or entities"),
    ("zip bomb", "looks like a zip bomb")])
def test_a_hostile_word_file_is_refused_in_the_request_with_a_message_and_nothing_is_queued(client, secretariat,
                                                                                          document, case, message):
    client.force_login(secretariat)
    response = client.post(reverse("consultations:document", args=[document.pk]), {
        "label": "Draft 9", "stage": "draft", "file": SimpleUploadedFile("d.docx", hostile_docx()[case])})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not GuidelineImport.objects.exists() and not GuidelineVersion.objects.filter(label="Draft 9").exists()


def test_a_file_too_large_is_refused_before_it_is_stored(client, secretariat, document, settings):
    settings.TUTELA_MAX_UPLOAD_BYTES = 1000
    client.force_login(secretariat)
    response = client.post(reverse("consultations:document", args=[document.pk]),
                           {"label": "Draft 9", "stage": "draft", "file": _word()})
    assert response.status_code == 422 and "the limit is" in response.content.decode()
    assert not GuidelineImport.objects.exists()


def test_a_text_the_worker_cannot_read_fails_the_job_with_the_reason_and_saves_nothing(
        client, secretariat, document, django_capture_on_commit_callbacks):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("consultations:document", args=[document.pk]),
                               {"label": "Empty", "stage": "draft", "markdown": "<!-- only a comment -->"})
    job = GuidelineImport.objects.get()
    assert job.status == "failed" and job.error and job.version is None
    assert not GuidelineVersion.objects.filter(label="Empty").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Nothing was saved." in page and job.error.split(".")[0] in page


def test_an_import_whose_worker_died_is_resumed_and_finishes(secretariat, document,
                                                             django_capture_on_commit_callbacks):
    job = services.guideline_import_queue(actor=secretariat, document=document, label="Draft 2",
                                          upload=_word())  # on_commit not run: as if the worker took it and died
    _dead(job, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.guideline_imports_sweep() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("imported", 2)
    assert GuidelineVersion.objects.filter(document=document, label="Draft 2").count() == 1
    assert AuditEntry.objects.filter(action="guideline_import.resumed").count() == 1


def test_an_import_that_keeps_dying_fails_with_the_reason_and_can_be_tried_again(
        client, secretariat, document, django_capture_on_commit_callbacks):
    job = services.guideline_import_queue(actor=secretariat, document=document, label="Draft 2", upload=_word())
    _dead(job, attempts=jobs.MAX_ATTEMPTS)
    client.force_login(secretariat)
    url = reverse("consultations:import_job", args=[document.pk, job.pk])
    page = client.get(url).content.decode()  # the page asks the sweep
    job.refresh_from_db()
    assert job.status == "failed" and job.worker_died and "stopped" in job.error
    assert "Nothing was saved." in page and "stopped" in page and 'id="try-again"' in page and "Try again" in page
    assert not GuidelineVersion.objects.filter(label="Draft 2").exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("consultations:import_retry", args=[document.pk, job.pk]))
    assert response.status_code == 302 and response["Location"] == url
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == ("imported", 1, "")
    assert GuidelineVersion.objects.filter(label="Draft 2").count() == 1


def test_only_a_failed_import_can_be_tried_again_and_only_by_who_may_write(
        client, secretariat, other_focal_point, document, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.guideline_import_queue(actor=secretariat, document=document, label="Draft 2", upload=_word())
    client.force_login(other_focal_point)
    assert client.post(reverse("consultations:import_retry", args=[document.pk, job.pk])).status_code == 403
    assert client.get(reverse("consultations:import_job", args=[document.pk, job.pk])).status_code == 403
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("consultations:import_retry", args=[document.pk, job.pk]))
    assert GuidelineVersion.objects.filter(label="Draft 2").count() == 1  # an imported job is not run twice


def test_the_api_answers_202_with_the_job_and_the_job_can_be_polled(client, secretariat, document,
                                                                     django_capture_on_commit_callbacks):
    client.force_login(secretariat)
    base = f"/api/v1/consultations/documents/{document.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(f"{base}/versions", {"label": "Draft 2", "markdown": "# A\n\nB text.\n"},
                              content_type="application/json")
    assert created.status_code == 202, created.content
    body = created.json()
    assert (body["status"], body["source_format"], body["version_id"]) == ("queued", "markdown", None)
    polled = client.get(f"{base}/imports/{body['id']}").json()
    assert polled["status"] == "imported" and polled["version_id"]
    with django_capture_on_commit_callbacks(execute=True):
        word = client.post(f"{base}/versions/docx", {"label": "Draft 3", "file": _word()})
    assert word.status_code == 202 and word.json()["source_format"] == "docx"
    bad = client.post(f"{base}/versions/docx", {"label": "Draft 4",
                                               "file": SimpleUploadedFile("d.docx", hostile_docx()["xml entities"])})
    assert bad.status_code == 422 and "file" in bad.json()["error"]["fields"]
    assert client.get(f"{base}/imports/999999").status_code == 404
