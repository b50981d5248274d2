"""The dashboard's stored children's totals agree with the figures' own pages (issue 13 item 13).

The refresh decides disclosure only for the groups that hold a small published children's figure
(``protect`` withholds nothing elsewhere) and loads those groups' figures by subject in chunks, so
it stays fast at millions of figures. Whatever the shape, each public total must be the rounded sum
of what each top-level figure's own page shows, and the secretariat's the exact sum.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from tutela.core import disclosure
from tutela.figures import selectors, services
from tutela.figures.models import DashboardSummary

pytestmark = pytest.mark.django_db


def _figure(indicator, value, *, subject=None, kind="counted", band=(6, 9), **extra):
    if kind != "counted":
        extra.setdefault("method", "Attendance sheets of two sessions, scaled to the four held")
    return services.figure_create(
        actor=None,
        indicator=indicator,
        value=value,
        kind=kind,
        source="Field report",
        as_of=date(2020, 6, 30),
        subject=subject,
        group="children",
        min_age=band[0],
        max_age=band[1],
        **extra,
    )


@pytest.fixture
def reached(db, make_activity):
    """60 activities (more subjects than one query names), each with a top-level children's figure
    broken down by country; every third also a small band (withheld) beside it, every fifth
    estimated; a pair with a period; and initiative-wide figures (no subject), one of them small."""
    indicator = services.indicator_get_or_create(
        code="children-reached", name="Children reached", unit="children"
    )
    for i in range(60):
        activity = make_activity(title=f"Session {i}", country="OM")
        kind = "estimated" if i % 5 == 0 else "counted"
        _figure(indicator, 30 + i, subject=activity, kind=kind)
        _figure(indicator, 10 + i % 7, subject=activity, kind=kind, country="OM")  # breakdowns: never added
        _figure(indicator, 20 + i % 3, subject=activity, kind=kind, country="KE")
        if i % 3 == 0:
            _figure(indicator, 1 + i % 4, subject=activity, kind=kind, band=(10, 13))
        if i % 11 == 0:
            _figure(
                indicator,
                3,
                subject=activity,
                kind=kind,
                band=(14, 17),
                period_start=date(2020, 1, 1),
                period_end=date(2020, 12, 31),
            )
            _figure(
                indicator,
                55,
                subject=activity,
                kind=kind,
                band=(14, 17),
                country="OM",
                period_start=date(2020, 1, 1),
                period_end=date(2020, 12, 31),
            )
    _figure(indicator, 2, band=(6, 9))
    _figure(indicator, 70, band=(10, 13))
    _figure(indicator, 9, band=(10, 13), measure="target")
    return indicator


def _as_the_figure_pages_show(user, indicator) -> dict:
    """(measure, kind) → (sum shown, number shown, number withheld) over the top-level figures, each
    read through its own page's selector."""
    result: dict = {}
    top = selectors.figure_queryset(user, selectors.FigureFilters(indicator=indicator, top_level=True))
    for pk in top.values_list("pk", flat=True):
        figure = selectors.figure_detail(user, pk)
        total, shown, withheld = result.get((figure.measure, figure.kind), (Decimal(0), 0, 0))
        if figure.withheld:
            result[(figure.measure, figure.kind)] = (total, shown, withheld + 1)
        else:
            result[(figure.measure, figure.kind)] = (total + figure.value, shown + 1, withheld)
    return result


def _stored(scope, indicator) -> dict:
    entry = next(
        e
        for e in DashboardSummary.objects.get(scope=scope).data["indicators"]
        if e["indicator"] == indicator.pk
    )
    return {(measure, c["kind"]): c for measure in ("actual", "target") for c in entry[measure]}


def test_public_totals_are_the_rounded_sums_of_what_each_figure_page_shows(reached, worker, secretariat):
    worker()
    expected = _as_the_figure_pages_show(AnonymousUser(), reached)
    stored = _stored("public", reached)
    assert (
        set(stored)
        == set(expected)
        == {("actual", "counted"), ("actual", "estimated"), ("target", "counted")}
    )
    for key, (total, shown, withheld) in expected.items():
        cell = stored[key]
        assert (Decimal(str(cell["total"])), cell["n"], cell["withheld"]) == (
            disclosure.round_public(total),
            shown,
            withheld,
        ), key
    assert stored[("actual", "counted")]["withheld"] >= 2 and stored[("actual", "estimated")]["withheld"] >= 2
    assert stored[("target", "counted")] == {
        "kind": "counted",
        "total": "10",
        "n": 1,
        "withheld": 0,
        "rounded": True,
    }

    exact = _as_the_figure_pages_show(secretariat, reached)
    everything = _stored("all", reached)
    for key, (total, shown, withheld) in exact.items():
        assert (
            withheld == 0
            and Decimal(str(everything[key]["total"])) == total
            and everything[key]["n"] == shown
        )


def test_a_small_figure_hidden_by_publication_withholds_nothing_until_published(reached, worker):
    """A group's decision changes with its published figures only: unpublished, the small figure is
    not there for the public, and its siblings are shown; published, it and a complement are withheld."""
    activity_figures = selectors.figure_queryset(
        AnonymousUser(), selectors.FigureFilters(indicator=reached, top_level=True)
    )
    small = activity_figures.filter(value__lt=5, subject_id__isnull=False).order_by("pk").first()
    assert small is not None
    services.figure_update(actor=None, figure=small, is_published=False)
    worker()
    before = _stored("public", reached)[(small.measure, small.kind)]
    assert (Decimal(str(before["total"])), before["n"], before["withheld"]) == (
        disclosure.round_public(
            _as_the_figure_pages_show(AnonymousUser(), reached)[(small.measure, small.kind)][0]
        ),
        *_as_the_figure_pages_show(AnonymousUser(), reached)[(small.measure, small.kind)][1:],
    )
    services.figure_update(actor=None, figure=small, is_published=True)
    worker()
    after = _stored("public", reached)[(small.measure, small.kind)]
    assert after["withheld"] > before["withheld"]
