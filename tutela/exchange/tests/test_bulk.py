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


# --- The quick check never accepts a row build refuses, and makes the same record ------------------

CHOICES = {
    "indicator": ["people-trained", "children-reached", "unknown-code", ""],
    "indicator_name": ["", "Name"], "unit": ["", "people"],
    "value": ["0", "12", "12.5", "12.50", "15000", "999999999999.99", "1000000000000", "12.345", "-3", "1,200",
              "abc", "=1+1", "", "٣", "1e3"],
    "low": ["", "", "5", "12", "20", "12.001", "x"], "high": ["", "", "12", "20", "5", "-1"],
    "kind": ["counted", "estimated", "modelled", "Counted", "ESTIMATED", "", "guess"],
    "measure": ["", "actual", "target", "Target", "forecast"],
    "method": ["", "Sessions x class size"], "assumptions": ["", "a\tb\\c"],
    "source": ["Register", "", "x" * 300, "x" * 301], "source_url": ["", "", "https://www.itu.int/cop", "bad"],
    "as_of": ["2014-06-30", "2014-06-30", "20140630", "2014-02-30", "", "30/06/2014", "2014-06-30T10:00", "2014"],
    "period_start": ["", "", "2014-01-01", "2014-07-01", "x"], "period_end": ["", "", "2014-06-30", "2013-12-31"],
    "country": ["", "KE", "BR", "Kenya", "XX", "international", "ke", "KEN"],
    "group": ["children", "", "parents", "Children", "aliens"],
    "min_age": ["9", "", "0", "12", "17", "18", "-1", "=1", "40000", "9.5", "٣"],
    "max_age": ["12", "", "9", "17", "18", "99999"],
    "sex": ["", "", "female", "male", "Female", "other"],
    "reported_by": ["ACOPEA", "", "African Child Online Protection Education and Awareness Centre", "Trend Micro",
                    "trend micro", "Nobody Org"],
    "activity_id": ["", "", "ACTIVITY", "HIDDEN", "abc", "999999", "²"],
    "note": ["", "n", "x" * 301], "published": ["", "yes", "no", "YES", "0", "maybe"],
}


@pytest.mark.parametrize("actor_name", ["secretariat", "focal_point"])
def test_the_quick_check_accepts_only_rows_build_accepts_with_the_same_record(request, story, actor_name):
    import random

    from tutela.exchange.kinds import KINDS, Context, RowProblems

    actor = request.getfixturevalue(actor_name)
    spec = KINDS["figures"]
    activity, hidden = story
    rng = random.Random(42)
    names = ["id", *CHOICES]
    plain = {name: values[0] for name, values in CHOICES.items()}
    edges = [{"group": "children", "max_age": "18"}, {"min_age": "12", "max_age": "9"}, {"min_age": "", "max_age": "12"},
             {"group": "", "min_age": "12", "max_age": "9"}, {"low": "12", "value": "12", "high": "12"},
             {"period_start": "2014-06-30", "period_end": "2014-06-30"}, {"kind": "estimated", "method": ""}]
    rows = [{"id": "", **plain, **edge} for edge in edges]
    for _ in range(3000):  # the plain row with one to three cells changed
        row = {"id": "" if rng.random() < 0.98 else "7", **plain}
        for name in rng.sample(list(CHOICES), rng.randint(0, 3)):
            row[name] = rng.choice(CHOICES[name])
        row["activity_id"] = {"ACTIVITY": str(activity.pk), "HIDDEN": str(hidden.pk)}.get(row["activity_id"], row["activity_id"])
        rows.append(row)
    ctx = Context(actor=actor)
    batch = [(n, [row[name] for name in names]) for n, row in enumerate(rows, start=2)]
    spec.prefetch(names, batch, ctx)
    quick = spec.quick(names, ctx)
    accepted = refused_by_both = 0
    for (_n, cells), row in zip(batch, rows, strict=True):
        record = quick(cells)
        try:
            built = spec.build(dict(row), ctx)
        except RowProblems:
            built = None
        if record is not None:
            accepted += 1
            assert built is not None, row
            assert spec.record_values(record) == spec.record_values(built), row
        elif built is None:
            refused_by_both += 1
    assert accepted > 500 and refused_by_both > 1000, (accepted, refused_by_both)


def test_a_quick_check_that_disagrees_with_build_is_dropped_for_the_rest_of_the_job(settings, secretariat, run_import,
                                                                                     story, monkeypatch, caplog):
    """Fault injection: a quick check that accepts every row (as one that fell behind the rules would)."""
    from tutela.exchange import kinds

    spec = kinds.KINDS["figures"]
    real_quick = spec.quick

    def careless(names, ctx):
        check = real_quick(names, ctx)
        template = check(_row())  # a valid record, returned for any row

        def accept_all(cells):
            return check(cells) or template

        return accept_all

    monkeypatch.setattr(spec, "quick", careless)
    settings.EXCHANGE_BULK_MIN_ROWS = 0
    data = make_csv([HEADER, _row(value="-3"), _row(), _row(kind="")])
    job = run_import(secretariat, "figures", data, mode="valid")
    assert [(p["row"], p["column"]) for p in job.report["problems"]] == [(2, "value"), (4, "kind")]
    assert job.imported_rows == 1 and Figure.objects.count() == 1
    assert "build checks the rest of the file" in caplog.text
