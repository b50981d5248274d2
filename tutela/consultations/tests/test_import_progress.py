"""A guideline import's page shows the shared live progress (components/progress.html over core.progress): waiting
for the worker, then the paragraphs matched of those read (counted by the worker while its transaction is open),
the time left as an estimate, and the outcome."""

import datetime
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tutela.consultations import services
from tutela.consultations.models import GuidelineImport
from tutela.core import progress
from tutela.core.tests.hostile import docx_bytes

pytestmark = pytest.mark.django_db

WORD = [f"Paragraph {n}: companies name a team that answers reports within a day." for n in range(1, 31)]


def _queued(secretariat, document):
    # on_commit not run: the job waits for a worker
    return services.guideline_import_queue(actor=secretariat, document=document, label="Draft 2",
                                           upload=SimpleUploadedFile("draft.docx", docx_bytes(WORD)))


def test_a_queued_import_shows_the_shared_progress_component_waiting_for_the_worker(client, secretariat, document):
    job = _queued(secretariat, document)
    client.force_login(secretariat)
    page = client.get(reverse("consultations:import_job", args=[document.pk, job.pk])).content.decode()
    assert 'class="job-progress job-queued"' in page and 'id="import-progress"' in page
    assert "Reading draft.docx" in page and "Waiting for the worker to start." in page
    assert "This part of the page updates by itself." in page and 'hx-trigger="every 1s"' in page


def test_a_running_import_shows_paragraphs_done_the_share_and_the_time_left(client, secretariat, document):
    job = _queued(secretariat, document)
    soon = timezone.now() + datetime.timedelta(minutes=5)
    GuidelineImport.objects.filter(pk=job.pk).update(status=GuidelineImport.Status.RUNNING, worker="w:1",
                                                     lease_until=soon)
    progress.write_rows(job, 10, 40, started=timezone.now() - datetime.timedelta(seconds=20))
    try:
        client.force_login(secretariat)
        partial = client.get(reverse("consultations:import_job", args=[document.pk, job.pk]),
                             headers={"HX-Request": "true"}).content.decode()
    finally:
        progress.clear_rows(job)
    assert 'class="job-progress job-running"' in partial and '<progress max="100" value="25"' in partial
    assert "25 % done" in partial and "10 of 40 paragraphs" in partial
    assert "about 1 minute left" in partial and "an estimate from the rate so far" in partial
    assert 'hx-trigger="every 1s"' in partial  # the job's part keeps polling while it runs


def test_the_worker_counts_the_paragraphs_while_its_transaction_is_open_and_clears_the_count(
        secretariat, document, settings):
    """The worker writes the count beside the database as it goes (read here from another thread while the
    import's transaction is still open), and removes it when the job ends."""
    settings.CONSULTATIONS_TEST_IMPORT_DELAY = 0.4  # the import holds its transaction open this long at the end
    job = _queued(secretariat, document)
    seen: list[dict] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            if (rows := progress.read_rows(job)) is not None:
                seen.append(rows)
            stop.wait(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        services.guideline_import_run(job_id=job.pk)
    finally:
        stop.set()
        watcher.join()
    job.refresh_from_db()
    assert job.status == GuidelineImport.Status.IMPORTED
    assert seen and seen[-1]["done"] == seen[-1]["total"] == len(WORD) and seen[-1]["started"]
    assert progress.read_rows(job) is None


def test_version_import_reports_each_paragraph_matched(secretariat, document):
    calls: list[tuple[int, int]] = []
    services.version_import(actor=secretariat, document=document, label="Draft 1",
                            source="# Scope\n\nCompanies name a team.\n\nChildren report abuse.\n",
                            progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 3) and calls[-1] == (3, 3)
    assert [done for done, _total in calls] == sorted(done for done, _total in calls)


def test_a_finished_import_shows_its_outcome_and_stops_polling(client, secretariat, document,
                                                               django_capture_on_commit_callbacks):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("consultations:document", args=[document.pk]),
                               {"label": "Draft 2", "stage": "draft", "file": SimpleUploadedFile(
                                   "draft.docx", docx_bytes(WORD))})
    page = client.get(response["Location"]).content.decode()
    assert "Imported Draft 2." in page and "job-progress" not in page and "hx-trigger" not in page
