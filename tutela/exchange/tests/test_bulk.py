"""The bulk path for large figure files gives the same records and the same problems as the row path."""

import pytest

from tutela.activities.tests.conftest import make_activity  # noqa: F401  (shared factory)
from tutela.core.models import AuditEntry
from tutela.exchange.models import ImportJob
from tutela.exchange.services import file_sha256
from tutela.figures.models import Figure, Indicator
from tutela.figures.services import indicator_get_or_create

from .conftest import make_csv

pytestmark = pytest.mark.django_db

HEADER = ["indicator", "indicator_name", "unit", "value", "low", "high", "kind", "measure", "method", "source",
          "source_url", "as_of", "period_start", "period_end", "country", "group", "min_age", "max_age", "sex",
          "reported_by", "activity_id", "note", "published"]


def _row(**over):
    row = {"indicator": "people-trained", "indicator_name": "", "unit": "", "value": "12", "low": "", "high": "",
           "kind": "counted", "measure": "", "method": "", "source": "Register", "source_url": "",
           "as_of": "2014-06-30", "period_start": "", "period_end": "", "country": "KE", "group": "",
           "min_age": "", "max_age": "", "sex": "", "reported_by": "", "activity_id": "", "note": "",
           "published": ""}
    row.update(over)
    return [row[name] for name in HEADER]


def _file(activity_id, hidden_id):
    good = [
        _row(),
        _row(indicator="children-reached", value="15000", low="12000", high="18000", kind="estimated",
             method="25 schools x 600", group="children", min_age="6", max_age="17", reported_by="ACOPEA",
             activity_id=str(activity_id), measure="target", sex="female", period_start="2013-07-01",
             period_end="2014-01-31", source_url="https://www.itu.int/cop", note="n", published="no"),
        _row(indicator="schools-engaged", indicator_name="Schools engaged", unit="schools", value="25"),
        _row(value="1,200.5", country="Kenya"),
    ]
    bad = [
        _row(kind=""),                                       # no kind
        _row(value="-3"),                                    # negative
        _row(value="abc"),                                   # not a number
        _row(value="1.234"),                                 # too many decimals (field validation)
        _row(value="=SUM(A1:A3)"),                           # formula
        _row(group="children"),                              # child without age band
        _row(group="children", min_age="9", max_age="19"),   # band beyond 17
        _row(kind="estimated"),                              # estimate without method
        _row(source=""),                                     # no source
        _row(low="20"),                                      # range above value
        _row(country="XX"),                                  # unknown country
        _row(as_of="30/06/2014"),                            # bad date
        _row(period_start="2014-02-01", period_end="2014-01-01"),
        _row(indicator="unknown-code"),                      # unknown indicator, no name
        _row(indicator="new-but-bad", indicator_name="New", unit="people", kind=""),  # new indicator, bad row
        _row(reported_by="Nobody Org"),                      # unknown organisation
        _row(activity_id="999999"),                          # no such activity
        _row(activity_id=str(hidden_id)),                    # unpublished activity of another organisation
        _row(activity_id="abc"),
        _row(source="x" * 301),                              # too long
        _row(source_url="not an address"),
        _row(sex="other"),
        _row(measure="forecast"),
        _row(published="maybe"),
        _row() + ["extra"],                                  # more cells than columns
    ]
    return make_csv([HEADER, *good, *bad, *good])


def _records():
    return sorted((
        (f.indicator.code, f.value, f.low, f.high, f.kind, f.measure, f.method, f.source, f.source_url, f.as_of,
         f.period_start, f.period_end, f.country.code, f.group, f.min_age, f.max_age, f.sex,
         f.owner_organisation_id, f.subject_type_id, f.subject_id, f.note, f.is_published)
        for f in Figure.objects.select_related("indicator")
    ), key=repr)


@pytest.fixture
def story(focal_point, org_a, org_b, make_activity):  # noqa: F811
    indicator_get_or_create(code="people-trained", name="People trained", unit="people")
    indicator_get_or_create(code="children-reached", name="Children reached", unit="children")
    activity = make_activity(title="Pilot")
    hidden = make_activity(title="Hidden", organiser=org_b, is_published=False)
    return activity, hidden


@pytest.mark.parametrize("actor_name", ["secretariat", "focal_point"])
@pytest.mark.parametrize("mode", ["check", "valid", "all"])
def test_bulk_and_row_paths_agree(request, settings, run_import, story, mode, actor_name):
    actor = request.getfixturevalue(actor_name)
    data = _file(*(a.pk for a in story))
    results = {}
    for path, threshold in (("rows", 10**9), ("bulk", 0)):
        settings.EXCHANGE_BULK_MIN_ROWS = threshold
        indicators_before = set(Indicator.objects.values_list("code", flat=True))
        job = run_import(actor, "figures", data, mode=mode)
        assert job.report["path"] == path
        results[path] = {
            "counts": (job.status, job.total_rows, job.valid_rows, job.error_rows, job.imported_rows),
            "problems": job.report["problems"], "records": _records(),
            "indicators": set(Indicator.objects.values_list("code", flat=True)) - indicators_before,
        }
        Figure.objects.all().delete()
        Indicator.objects.exclude(code__in=indicators_before).delete()
    assert results["bulk"] == results["rows"]
    rows = results["rows"]
    bad_rows = {p["row"] for p in rows["problems"]}
    if actor_name == "secretariat":  # the secretariat may see the unpublished activity (row 23)
        assert bad_rows == set(range(6, 31)) - {23}
    else:  # a focal point may only report for their own organisation (ACOPEA, rows 3 and 32)
        assert bad_rows == set(range(2, 35)) - {3, 32} and rows["counts"][3] == 31
    if mode == "valid":
        assert rows["counts"][4] == (9 if actor_name == "secretariat" else 2) and len(rows["records"]) == rows["counts"][4]
        assert rows["indicators"] == ({"schools-engaged"} if actor_name == "secretariat" else set())
    else:
        assert rows["records"] == [] and rows["indicators"] == set()


def test_the_bulk_path_writes_one_audit_entry_per_job(settings, secretariat, run_import, story):
    settings.EXCHANGE_BULK_MIN_ROWS = 0
    data = make_csv([HEADER, *[_row(value=str(i)) for i in range(1, 12)]])
    before = AuditEntry.objects.count()
    job = run_import(secretariat, "figures", data, mode="all")
    assert (job.status, job.imported_rows) == (ImportJob.Status.IMPORTED, 11)
    assert sorted(Figure.objects.values_list("value", flat=True)) == list(range(1, 12))
    entries = AuditEntry.objects.order_by("pk")[before:]
    assert [e.action for e in entries] == ["import_job.created", "import_job.all", "import_job.imported"]
    imported = entries[2].changes
    assert imported["imported_rows"] == [0, 11] and imported["file_sha256"] == ["", file_sha256(job)]
    assert imported["path"] == ["", "bulk"] and len(imported["file_sha256"][1]) == 64
    assert not AuditEntry.objects.filter(action="figure.created").exists()


# --- One rule set: every row of every batch is checked by the figures app's rules -------------------


def test_a_bad_row_in_the_middle_of_a_full_bulk_batch_is_reported_with_its_row_and_field(settings, secretariat,
                                                                                           run_import, story):
    from tutela.exchange.services import BULK_BATCH

    settings.EXCHANGE_BULK_MIN_ROWS = 0
    rows = [_row(value=str(i % 900 + 1)) for i in range(BULK_BATCH)]
    rows[2500] = _row(kind="estimated", method="")                             # file row 2502
    rows[4998] = _row(group="children", min_age="9", max_age="19", low="13")  # file row 5000
    job = run_import(secretariat, "figures", make_csv([HEADER, *rows]), mode="valid")
    assert job.report["path"] == "bulk"
    assert [(p["row"], p["column"]) for p in job.report["problems"]] == [(2502, "method"), (5000, "low"), (5000, "max_age")]
    assert (job.error_rows, job.imported_rows) == (2, BULK_BATCH - 2) and Figure.objects.count() == BULK_BATCH - 2


@pytest.mark.parametrize("path", ["rows", "bulk"])
def test_a_rule_added_to_the_figures_rules_holds_for_every_row_of_every_import_path(settings, secretariat,
                                                                                    run_import, story, monkeypatch,
                                                                                    path):
    """The figure rules are written once (``figures.services.figure_problems``): a rule added there is
    applied to the form, the API and every row of an import, whichever path it takes."""
    from tutela.exchange.services import BULK_BATCH
    from tutela.figures import services as figure_services

    rules = figure_services.figure_problems

    def with_a_new_rule(**values):
        problems = rules(**values)
        if values["value"] == 4242:
            problems["value"] = "No figure may be 4242."
        return problems

    monkeypatch.setattr(figure_services, "figure_problems", with_a_new_rule)
    settings.EXCHANGE_BULK_MIN_ROWS = 0 if path == "bulk" else 10**9
    count = BULK_BATCH + 10 if path == "bulk" else 12  # the bulk file: a full batch and a second one
    rows = [_row(value=str(i % 900 + 1)) for i in range(count)]
    middle = count // 2
    rows[middle] = rows[-1] = _row(value="4242")
    job = run_import(secretariat, "figures", make_csv([HEADER, *rows]), mode="valid")
    assert job.report["path"] == path
    assert [(p["row"], p["column"], p["message"]) for p in job.report["problems"]] == [
        (middle + 2, "value", "No figure may be 4242."), (count + 1, "value", "No figure may be 4242.")]
    assert job.imported_rows == count - 2 and not Figure.objects.filter(value=4242).exists()
