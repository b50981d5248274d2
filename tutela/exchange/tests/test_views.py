"""The import / export pages and the API: permissions, the dry-run report, exports."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from tutela.activities.services import activity_create
from tutela.core import files
from tutela.core.tests.hostile import hostile_tables
from tutela.exchange.models import ImportJob
from tutela.partners.models import Organisation

from .conftest import make_csv

pytestmark = pytest.mark.django_db

ORG_HEADER = ["name", "acronym", "kind", "country"]


def upload(client, kind, data, name="file.csv"):
    return client.post(reverse("exchange:upload"), {"kind": kind, "file": SimpleUploadedFile(name, data)})


def test_the_import_page_is_for_staff(ladder):
    ladder("get", reverse("exchange:index"), {"anonymous": 302, "stakeholder": 403, "focal_point": 200, "secretariat": 200})


def test_the_page_documents_columns_and_links_templates(client, secretariat):
    client.force_login(secretariat)
    html = client.get(reverse("exchange:index")).content.decode()
    assert "<code>participation</code>" in html and "never calculated" in html
    assert reverse("exchange:template", args=["figures", "xlsx"]) in html


@pytest.mark.parametrize("kind", ["activities", "organisations", "figures"])
def test_templates_have_the_documented_columns(client, kind):
    from tutela.exchange.kinds import KINDS

    response = client.get(reverse("exchange:template", args=[kind, "csv"]))
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header == KINDS[kind].column_names
    assert client.get(reverse("exchange:template", args=[kind, "xlsx"])).status_code == 200


def test_upload_shows_the_dry_run_report(client, secretariat, org_b, django_capture_on_commit_callbacks):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "organisations", make_csv([ORG_HEADER, ["Trend Micro", "", "other", ""], ["Fine Org", "", "other", "FR"]]))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Dry run: 1 of 2 rows has a problem" in page
    assert "already exists" in page and "Import the 1 valid row" in page
    assert not Organisation.objects.filter(name="Fine Org").exists()


def test_import_valid_rows_needs_the_confirmation(client, secretariat, org_b, django_capture_on_commit_callbacks):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        location = upload(client, "organisations", make_csv([ORG_HEADER, ["Trend Micro", "", "other", ""], ["Fine Org", "", "other", "FR"]]))["Location"]
    job = ImportJob.objects.get()
    url = reverse("exchange:job_apply", args=[job.pk])
    response = client.post(url, {"mode": "valid"})
    assert response.status_code == 422 and "Tick the box" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"mode": "valid", "confirm_skip": "1"})["Location"] == location
    assert Organisation.objects.filter(name="Fine Org").exists()


def test_status_partial_is_polled_until_finished(client, secretariat):
    client.force_login(secretariat)
    job = ImportJob.objects.create(kind="organisations", file_format="csv", original_name="x.csv", created_by=secretariat,
                                   status=ImportJob.Status.RUNNING, total_rows=1000)
    html = client.get(reverse("exchange:job_status", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and "<progress" in html and "<html" not in html


def test_jobs_are_private_to_their_organisation(ladder, focal_point, client, django_capture_on_commit_callbacks):
    client.force_login(focal_point)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "organisations", make_csv([ORG_HEADER, ["X", "", "other", ""]]))
    job = ImportJob.objects.get()
    ladder("get", reverse("exchange:job", args=[job.pk]),
           {"secretariat": 200, "focal_point": 200, "other_focal_point": 404, "stakeholder": 404, "anonymous": 302})
    ladder("post", reverse("exchange:job_apply", args=[job.pk]), {"other_focal_point": 404}, data={"mode": "all"})


def test_wrong_encoding_is_a_422_with_save_as_utf8(client, secretariat):
    client.force_login(secretariat)
    response = upload(client, "organisations", make_csv([ORG_HEADER, ["Ministère", "", "other", ""]], encoding="cp1252"))
    assert response.status_code == 422
    assert "CSV UTF-8" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_too_large_a_file_is_a_413(client, secretariat, settings):
    settings.EXCHANGE_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    client.force_login(secretariat)
    response = upload(client, "organisations", b"a" * (10 * 1024 * 1024 + 1))
    assert response.status_code == 413
    assert "the limit is 10.0 MB" in response.content.decode()


def test_export_neutralises_injection_and_honours_filters(client, secretariat, org_a, pillars):
    activity_create(actor=None, title="=cmd|' /C calc'!A0", kind="workshop", starts_on="2014-02-11", pillars=[pillars[2]],
                    partners=[(org_a, "organiser")], country="KE")
    activity_create(actor=None, title="Elsewhere", kind="workshop", starts_on="2013-02-11", pillars=[pillars[2]], country="BR")
    client.force_login(secretariat)
    response = client.get(reverse("exchange:export", args=["activities", "csv"]) + "?country=KE&year=2014")
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][1] == "'=cmd|' /C calc'!A0"
    assert rows[1][rows[0].index("organisers")] == org_a.name


def test_exports_hold_only_what_the_user_may_read(client, focal_point, other_focal_point, org_a, org_b, pillars):
    activity_create(actor=None, title="Draft of A", kind="workshop", starts_on="2014-02-11", pillars=[pillars[0]],
                    partners=[(org_a, "organiser")], is_published=False)
    activity_create(actor=None, title="Public", kind="workshop", starts_on="2014-02-11", pillars=[pillars[0]])
    url = reverse("exchange:export", args=["activities", "csv"])

    def titles():
        body = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
        return sorted(r[1] for r in list(csv.reader(io.StringIO(body)))[1:])

    assert titles() == ["Public"]
    client.force_login(other_focal_point)
    assert titles() == ["Public"]
    client.force_login(focal_point)
    assert titles() == ["Draft of A", "Public"]


def test_xlsx_export_opens(client, secretariat, org_a):
    import openpyxl

    Organisation.objects.filter(pk=org_a.pk).update(name="@SUM(1+1)")
    client.force_login(secretariat)
    response = client.get(reverse("exchange:export", args=["organisations", "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'@SUM(1+1)" in names


# --- API --------------------------------------------------------------------------------------

@pytest.fixture
def token(secretariat):
    from tutela.accounts.services import api_token_create

    return api_token_create(actor=secretariat, name="t")[1]


def test_api_dry_run_then_apply(client, token, org_b, django_capture_on_commit_callbacks):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    data = make_csv([ORG_HEADER, ["Trend Micro", "", "other", ""], ["API Org", "", "other", "CH"]])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/exchange/imports", {"kind": "organisations", "file": SimpleUploadedFile("o.csv", data)}, **auth)
    assert response.status_code == 202, response.content
    # In a real request the small file is checked before the answer; here the test's transaction defers it.
    body = client.get(f"/api/v1/exchange/imports/{response.json()['id']}", **auth).json()
    assert body["status"] == "checked" and body["error_rows"] == 1
    assert body["problems"][0]["row"] == 2 and body["problems"][0]["column"] == "name"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/exchange/imports/{body['id']}/apply", {"valid_only": True}, content_type="application/json", **auth)
    assert client.get(f"/api/v1/exchange/imports/{body['id']}", **auth).json()["status"] == "imported"
    assert Organisation.objects.filter(name="API Org").exists()


def test_api_bad_files_get_the_error_shape(client, token, settings):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    response = client.post("/api/v1/exchange/imports", {"kind": "organisations", "file": SimpleUploadedFile("o.csv", "é".encode("latin-1"))}, **auth)
    assert response.status_code == 422 and "UTF-8" in response.json()["error"]["message"]
    settings.EXCHANGE_MAX_UPLOAD_BYTES = 10
    response = client.post("/api/v1/exchange/imports", {"kind": "organisations", "file": SimpleUploadedFile("o.csv", b"x" * 11)}, **auth)
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"


def test_api_import_needs_a_signed_in_importer(client, stakeholder):
    from tutela.accounts.services import api_token_create

    data = make_csv([ORG_HEADER, ["X", "", "other", ""]])
    assert client.post("/api/v1/exchange/imports", {"kind": "organisations", "file": SimpleUploadedFile("o.csv", data)}).status_code == 401
    key = api_token_create(actor=stakeholder, name="t")[1]
    response = client.post("/api/v1/exchange/imports", {"kind": "organisations", "file": SimpleUploadedFile("o.csv", data)},
                           HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 403


def test_api_export(client, org_a):
    response = client.get("/api/v1/exchange/export/organisations.csv?country=ET")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert org_a.name in body
    assert client.get("/api/v1/exchange/export/people.csv").status_code == 404


@pytest.mark.parametrize("case", sorted(hostile_tables()))
def test_every_malformed_or_hostile_file_is_refused_at_upload_with_a_message(client, secretariat, case):
    name, data = hostile_tables()[case]
    with pytest.raises(files.FileProblem) as problem:
        files.check_table(io.BytesIO(data), name)
    client.force_login(secretariat)
    response = upload(client, "organisations", data, name=name)
    assert response.status_code in (413, 422), case
    assert escape(problem.value.message if data else "empty") in response.content.decode()
    assert not ImportJob.objects.exists()
