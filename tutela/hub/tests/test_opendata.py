"""Open data: CSV and JSON of every public collection, with its dictionary; children's small cells
withheld exactly as on the pages (the same functions)."""

import csv
import io
import json
from datetime import date

import pytest

from tutela.activities import selectors as activity_selectors
from tutela.activities import services as activities
from tutela.figures import services as figures
from tutela.hub import opendata
from tutela.initiatives.models import Pillar

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(org_a):
    p = Pillar.objects.get(number=4)
    Count = activities.Count
    school = activities.activity_create(
        actor=None, title="School visit", kind="workshop", status="held", starts_on=date(2025, 3, 4), country="KE",
        pillars=[p], partners=[(org_a, "organiser")],
        participation=[Count(group="children", count=2, min_age=7, max_age=9),
                       Count(group="children", count=31, min_age=10, max_age=12),
                       Count(group="children", count=40, min_age=13, max_age=15),
                       Count(group="educators", count=3)])
    hidden = activities.activity_create(actor=None, title="Hidden visit", kind="workshop", starts_on=date(2025, 3, 5),
                                        pillars=[p], partners=[(org_a, "organiser")], is_published=False,
                                        participation=[Count(group="children", count=30, min_age=7, max_age=9)])
    unit = figures.indicator_get_or_create(code="children-reached", name="Children reached", unit="children")
    common = {"actor": None, "indicator": unit, "kind": "counted", "source": "Register", "as_of": date(2025, 3, 31),
              "subject": school, "owner_organisation": org_a}
    total = figures.figure_create(value=73, group="children", min_age=7, max_age=15, **common)
    small = figures.figure_create(value=2, group="children", min_age=7, max_age=9, **common)
    big = figures.figure_create(value=71, group="children", min_age=10, max_age=15, **common)
    return {"school": school, "hidden": hidden, "total": total, "small": small, "big": big}


def _csv(client, slug):
    response = client.get(f"/hub/data/{slug}.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv") and not response.cookies
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _json(client, slug):
    response = client.get(f"/hub/data/{slug}.json")
    assert response.status_code == 200 and not response.cookies
    return json.loads(b"".join(response.streaming_content))["items"]


def test_every_collection_downloads_in_both_formats_with_its_dictionary_columns(client, seeded):
    page = client.get("/hub/data/").content.decode()
    for slug, c in opendata.COLLECTIONS.items():
        rows = _csv(client, slug)
        items = _json(client, slug)
        assert len(rows) == len(items)
        header = next(csv.reader(io.StringIO(b"".join(client.get(f"/hub/data/{slug}.csv").streaming_content)
                                             .decode("utf-8-sig"))))
        assert header == [col.name for col in c.columns]
        assert all(list(item) == header for item in items)
        assert f"/hub/data/{slug}.csv" in page and f"/hub/data/{slug}.json" in page
        for col in c.columns:
            assert f"<code>{col.name}</code>" in page
    assert client.get("/hub/data/nothing.csv").status_code == 404


def test_participation_is_withheld_exactly_as_on_the_activity_page(client, seeded):
    school = seeded["school"]
    page_rows = activity_selectors.participation_rows(school, suppress=True)
    data = [r for r in _json(client, "participation") if r["activity_id"] == school.pk]
    assert [(r["group"], r["min_age"], r["count"], r["withheld"]) for r in data] == [
        (p["group"], p["min_age"], p["count"], "" if not p["suppressed"] else r["withheld"]) for p, r in zip(page_rows, data, strict=True)]
    by_band = {(r["min_age"], r["max_age"]): r for r in data if r["group"] == "children"}
    assert by_band[(7, 9)]["count"] is None and by_band[(7, 9)]["withheld"] == "small"
    # 2 alone would be read from the total: the next smallest is withheld too (complementary)
    assert by_band[(10, 12)]["count"] is None and by_band[(10, 12)]["withheld"] == "complementary"
    assert by_band[(13, 15)]["count"] == 40
    assert [r["count"] for r in data if r["group"] == "educators"] == [3]  # adults are not withheld
    csv_rows = [r for r in _csv(client, "participation") if r["activity_id"] == str(school.pk)]
    assert [r["count"] for r in csv_rows if r["group"] == "children"] == ["", "", "40"]
    assert not [r for r in data if r["activity_id"] == seeded["hidden"].pk]


def test_figures_are_withheld_as_on_the_figure_pages(client, seeded, stakeholder):
    data = {r["id"]: r for r in _json(client, "figures")}
    api = client.get(f"/api/v1/figures/{seeded['small'].pk}").json()
    assert data[seeded["small"].pk]["value"] is None and api["value"] is None
    assert data[seeded["small"].pk]["withheld"] == "small"
    shown = [data[f.pk]["value"] for f in (seeded["total"], seeded["big"])]
    api_shown = [client.get(f"/api/v1/figures/{f.pk}").json()["value"] for f in (seeded["total"], seeded["big"])]
    assert [None if v is None else float(v) for v in api_shown] == shown
    assert not any(str(r["value"]) in {"1", "2", "3", "4"} for r in data.values() if r["value"] is not None
                   and r["group"] == "children")


def test_signed_in_staff_download_the_public_data_too(client, seeded, secretariat):
    client.force_login(secretariat)
    data = [r for r in _json(client, "participation") if r["activity_id"] == seeded["school"].pk and r["min_age"] == 7]
    assert data[0]["count"] is None
    assert "Hidden visit" not in {r["title"] for r in _json(client, "activities")}


def test_spreadsheet_formulas_are_neutralised(client, org_a):
    activities.activity_create(actor=None, title="=HYPERLINK(\"http://x\")", kind="workshop", starts_on=date(2025, 1, 1),
                               pillars=[Pillar.objects.get(number=1)], partners=[(org_a, "organiser")])
    titles = [r["title"] for r in _csv(client, "activities")]
    assert titles and all(not t.startswith("=") for t in titles)
