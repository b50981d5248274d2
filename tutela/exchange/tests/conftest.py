import csv
import io

import pytest


@pytest.fixture(autouse=True)
def _exchange_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"


def make_csv(rows: list[list], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode(encoding)


def make_xlsx(rows: list[list]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def run_import(django_capture_on_commit_callbacks):
    """Create a job from bytes and run it in ``mode``; returns the finished job."""
    from tutela.exchange import services

    def run(actor, kind, data: bytes, name="file.csv", mode="check", job=None):
        with django_capture_on_commit_callbacks(execute=True):
            if job is None:
                job = services.import_job_create(actor=actor, kind=kind, upload=io.BytesIO(data), name=name, size=len(data))
            services.import_job_start(actor=actor, job=job, mode=mode)
        job.refresh_from_db()
        return job

    return run


@pytest.fixture
def pillars(db):
    from tutela.initiatives.models import Pillar

    return list(Pillar.objects.order_by("number"))
