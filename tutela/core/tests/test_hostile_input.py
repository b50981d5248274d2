"""Hostile input never gives a 500: control characters are refused with a message at the
address, the forms and the API, and the files we write drop what is already stored."""

import csv
import io
import json

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tutela.activities.models import Activity
from tutela.activities.tests.conftest import make_activity, pillars  # noqa: F401  (shared factories)
from tutela.partners.models import Organisation


def _plain_urls(patterns=None, prefix=""):
    """Every URL of the URLconf that takes no argument (the pages a search box can be added to)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = str(entry.pattern)
        if "<" in route or "(" in route or "^" in route or "$" in route or "*" in route or "\\" in route:
            continue
        if isinstance(entry, URLResolver):
            yield from _plain_urls(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + route


@pytest.mark.django_db
def test_a_control_character_in_the_query_string_is_a_400_with_a_message_on_every_page(client, secretariat):
    urls = sorted(set(_plain_urls()))
    assert "/partners/" in urls and len(urls) > 30
    for who in (None, secretariat):
        client.logout()
        if who:
            client.force_login(who)
        for url in urls:
            for query in ("q=a%00b", "q=a%0Bb", "a%01=1"):
                response = client.get(f"{url}?{query}")
                assert response.status_code == 400, f"{url}?{query} -> {response.status_code}"
                body = response.content.decode()
                assert "control character U+00" in body, url
    response = client.get("/api/v1/organisations?q=a%00b")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    assert "U+0000" in response.json()["error"]["message"]


@pytest.mark.django_db
def test_tab_and_line_breaks_in_the_query_string_are_fine(client):
    assert client.get("/partners/?q=a%09b%0D%0Ac").status_code == 200


@pytest.mark.django_db
def test_a_form_refuses_control_characters_with_a_message_and_saves_nothing(client, secretariat):
    client.force_login(secretariat)
    response = client.post("/partners/new/", {"name": "Bad\x0bname", "kind": "civil_society", "country": "ET"})
    assert response.status_code == 422
    assert "Remove the control character U+000B" in response.content.decode()
    assert not Organisation.objects.filter(name__startswith="Bad").exists()


@pytest.mark.django_db
def test_the_api_refuses_control_characters_in_a_body_naming_the_field(client, secretariat):
    client.force_login(secretariat)
    from tutela.accounts.services import api_token_create

    _, secret = api_token_create(actor=secretariat, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    for bad in ("a\x00b", "a\x0bb", "a\ud800b", "a\x85b"):
        response = client.post("/api/v1/organisations", json.dumps({"name": bad, "kind": "civil_society"}),
                               content_type="application/json", **auth)
        assert response.status_code == 422, bad
        error = response.json()["error"]
        assert list(error["fields"]) == ["name"]
        assert "Remove the control character" in error["fields"]["name"][0]
    response = client.post("/api/v1/agreements", json.dumps({"title": "MoU", "commitments": [{"text": "ok"}, {"text": "x\x07"}]}),
                           content_type="application/json", **auth)
    assert response.status_code == 422
    assert "commitments.1.text" in response.json()["error"]["fields"]
    assert not Organisation.objects.filter(name__startswith="a").exists()


@pytest.mark.django_db
def test_the_public_xlsx_and_csv_exports_drop_stored_control_characters(client, make_activity):  # noqa: F811
    # Stored before input was checked (services trust their callers; forms and the API check).
    make_activity(title="Safer\x01Internet\x1b Day", is_published=True)
    assert Activity.objects.filter(title__contains="\x1b").exists()
    response = client.get("/exchange/export/activities.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "SaferInternet Day" in titles
    response = client.get("/exchange/export/activities.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert "SaferInternet Day" in [row[1] for row in rows[1:]]


HOSTILE_FILTERS = ["organisation=99999999999999999999", "organisation=-1", "year=99999999999", "year=0",
                   "occasion=99999999999999999999", "indicator=%FF%FE", "country=" + "X" * 300,
                   "pillar=no-such", "kind=" + "k" * 500, "status=%E2%80%AE", "group=1e309", "q=" + "%25" * 200,
                   "after=garbage", "measure=-0", "q=a%00b"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["activities", "organisations", "figures"])
def test_csv_exports_never_stop_mid_stream_whatever_the_filters(client, secretariat, make_activity, kind):  # noqa: F811
    make_activity(title="=cmd|' /C calc'!A0", is_published=True)
    for who in (None, secretariat):
        client.logout()
        if who:
            client.force_login(who)
        for query in HOSTILE_FILTERS:
            response = client.get(f"/exchange/export/{kind}.csv?{query}")
            assert response.status_code in (200, 400), f"{kind} {query}: {response.status_code}"
            if response.status_code == 200:
                text = b"".join(response.streaming_content).decode("utf-8-sig")  # raises if the stream breaks
                assert text.startswith("id,"), f"{kind} {query}"
            response = client.get(f"/api/v1/exchange/export/{kind}.csv?{query}")
            assert response.status_code in (200, 400, 422), f"API {kind} {query}: {response.status_code}"
            if response.status_code == 200:
                b"".join(response.streaming_content)


def _query_parameter_names():
    """Every query parameter a view or selector reads (``params.get("x")``, ``request.GET.get("x")``),
    found in the source so that a filter added later is walked too."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    pattern = re.compile(r"""(?:params|GET)\.get\(\s*["'](\w+)["']""")
    names = set()
    for path in list(root.glob("*/views.py")) + list(root.glob("*/selectors.py")):
        names.update(pattern.findall(path.read_text()))
    return sorted(names)


@pytest.mark.django_db
def test_an_integer_beyond_the_databases_range_in_any_filter_never_gives_a_500(client, secretariat):
    names = _query_parameter_names()
    assert {"organisation", "parent", "within", "party", "person", "subject_id", "actor"} <= set(names)
    urls = sorted(set(_plain_urls()))
    client.force_login(secretariat)
    huge = "99999999999999999999"  # 2**66: beyond SQLite's INTEGER and PostgreSQL's bigint
    for name in names:
        for url in urls:
            response = client.get(url, {name: huge})
            assert response.status_code < 500, f"{url}?{name}={huge} -> {response.status_code}"
