"""The reach engine: counted with its de-duplication rule, estimated ranges, union bounds, suppression."""

from datetime import date

import pytest

from tutela.outreach import reach, services
from tutela.outreach.models import ReachSnapshot

pytestmark = pytest.mark.django_db


def _session(programme, ambassador, held_on, count, lo=11, hi=14, institution=None, **kw):
    return services.session_record(actor=None, programme=programme, ambassador=ambassador, institution=institution,
                                   held_on=held_on, min_age=lo, max_age=hi, count=count, **kw)


def test_the_same_class_reached_twice_in_a_period_counts_once(programme, ambassador, school, other_school):
    _session(programme, ambassador, date(2013, 10, 1), 30, institution=school)
    _session(programme, ambassador, date(2013, 11, 1), 25, institution=school)  # same class again: max, not sum
    _session(programme, ambassador, date(2013, 11, 2), 40, lo=7, hi=10, institution=school)  # another band: adds
    _session(programme, ambassador, date(2013, 11, 3), 20, institution=other_school)
    _session(programme, ambassador, date(2013, 11, 4), 12)  # no institution: added as reported
    _session(programme, ambassador, date(2013, 11, 5), 8)

    result = reach.counted(reach.Scope(programme_id=programme.pk))

    cells = {(c["min_age"], c["max_age"]): c["value"] for c in result["cells"]}
    assert cells == {(11, 14): 30 + 20 + 12 + 8, (7, 10): 40}
    assert result["totals"] == {"children": 110}
    assert result["sessions"] == 6
    assert "largest" in result["rule"] and "counts once" in result["rule"]


def test_the_deduplication_window_is_the_period_asked_about(programme, ambassador, school):
    _session(programme, ambassador, date(2013, 10, 1), 30, institution=school)
    _session(programme, ambassador, date(2013, 12, 1), 25, institution=school)
    october = reach.counted(reach.Scope(programme_id=programme.pk, start=date(2013, 10, 1), end=date(2013, 10, 31)))
    december = reach.counted(reach.Scope(programme_id=programme.pk, start=date(2013, 12, 1), end=date(2013, 12, 31)))
    assert october["totals"] == {"children": 30}
    assert december["totals"] == {"children": 25}


def test_country_scope_keeps_other_countries_out(programme, ambassador, school):
    _session(programme, ambassador, date(2013, 10, 1), 30, institution=school)
    _session(programme, ambassador, date(2013, 10, 2), 50, country="KE")
    assert reach.counted(reach.Scope(country="ET"))["totals"] == {"children": 30}
    assert reach.counted(reach.Scope(country="KE"))["totals"] == {"children": 50}
    assert reach.counted(reach.Scope())["totals"] == {"children": 80}


def test_public_scope_counts_published_programmes_only_and_nothing_when_none_is(programme, ambassador, school, org_a):
    second = services.programme_create(actor=None, name="Second programme", organisers=[org_a], country="ET",
                                        starts_on=date(2013, 7, 1), ends_on=date(2014, 1, 31))
    cohort = services.cohort_create(actor=None, programme=second, name="Cohort 1")
    other_ambassador = services.trainee_register(actor=None, cohort=cohort, sector="educator", label="Ambassador B",
                                                 status="completed", completed_on=date(2013, 9, 1))
    _session(programme, ambassador, date(2013, 10, 1), 30, institution=school)
    _session(second, other_ambassador, date(2013, 10, 2), 45, institution=school)  # same class, other programme
    assert reach.counted(reach.Scope(published_only=True))["totals"] == {"children": 45}

    services.programme_update(actor=None, programme=second, is_published=False)
    assert reach.counted(reach.Scope(published_only=True))["totals"] == {"children": 30}
    assert reach.counted(reach.Scope())["totals"] == {"children": 45}

    services.programme_update(actor=None, programme=programme, is_published=False)
    nothing = reach.counted(reach.Scope(published_only=True))
    assert (nothing["totals"], nothing["cells"], nothing["sessions"]) == ({}, [], 0)
    assert reach.compute(reach.Scope(published_only=True))["combined"] == []


def _cascade_parameters(programme):
    services.parameter_set(actor=None, programme=programme, key="sessions_per_ambassador", low=2, central=3, high=4,
                           is_assumption=True)
    services.parameter_set(actor=None, programme=programme, key="mean_class_size", low=40, central=50, high=60,
                           source="Ministry of Education statistics (illustrative)")
    services.parameter_set(actor=None, programme=programme, key="share_delivering", low="0.6", central=1, high=1,
                           is_assumption=True)


def test_cascade_estimate_gives_a_range_from_stated_parameters(programme, cohort):
    for i in range(10):
        services.trainee_register(actor=None, cohort=cohort, sector="educator", status="completed",
                                  completed_on=date(2013, 9, 1), label=f"T{i}")
    _cascade_parameters(programme)

    estimate = reach.cascade_estimate(programme)

    assert (estimate["low"], estimate["central"], estimate["high"]) == (10 * 2 * 40 * 0.6, 10 * 3 * 50, 10 * 4 * 60)
    assert estimate["missing"] == []
    ambassadors = estimate["parameters"][0]
    assert ambassadors["central"] == 10 and "counted" in ambassadors["source"]
    assert {p["key"]: p["is_assumption"] for p in estimate["parameters"]}["sessions_per_ambassador"] is True
    assert (estimate["min_age"], estimate["max_age"]) == (7, 17)


def test_a_stated_number_of_ambassadors_overrides_the_count(programme):
    _cascade_parameters(programme)
    services.parameter_set(actor=None, programme=programme, key="ambassadors", low=50, central=100, high=100,
                           source="ITU pilot page (target 50); ITU activities page (100)")
    estimate = reach.cascade_estimate(programme)
    assert (estimate["low"], estimate["central"], estimate["high"]) == (2400, 15000, 24000)


def test_a_missing_parameter_gives_no_number_but_says_what_is_missing(programme):
    estimate = reach.cascade_estimate(programme)
    assert estimate["central"] is None
    assert "Mean class size" in estimate["missing"]


def test_placement_estimate_is_audience_times_frequency_times_unique_share(campaign):
    message = services.message_add(actor=None, campaign=campaign, title="Radio spot (Amharic)", medium="radio_spot",
                                   language="am", duration_seconds=30)
    services.placement_add(actor=None, message=message, outlet="Radio station (illustrative)", country="ET",
                           starts_on=date(2013, 9, 1), ends_on=date(2013, 9, 30), frequency=10, reported_audience=1000,
                           audience="children", min_age=10, max_age=17, audience_source="broadcaster")
    services.parameter_set(actor=None, campaign=campaign, key="unique_share", low="0.1", central="0.2", high="0.3",
                           is_assumption=True)
    rows = reach.placement_estimate(campaign)
    assert len(rows) == 1
    assert rows[0]["impressions"] == 10_000
    assert (rows[0]["low"], rows[0]["central"], rows[0]["high"]) == (1000, 2000, 3000)


def test_combined_view_shows_union_bounds_never_a_single_sum(programme, ambassador, school):
    _cascade_parameters(programme)
    _session(programme, ambassador, date(2013, 10, 1), 30, institution=school)
    result = reach.compute(reach.Scope(programme_id=programme.pk))
    (children,) = result["combined"]
    estimate = result["estimated"][0]
    assert children["counted"] == 30
    # Ambassador A is the one completed trainee: 1 × 2 × 40 × 0.6 = 48 low, 1 × 4 × 60 = 240 high.
    assert (estimate["low"], estimate["high"]) == (48, 240)
    assert children["low"] == max(30, 48) and children["high"] == 30 + 240
    assert "at least the larger" in children["rule"]
    assert "central" not in children  # no invented point value for the union


def test_public_output_withholds_cells_under_five(programme, ambassador, school, other_school):
    _session(programme, ambassador, date(2013, 10, 1), 3, institution=school)
    _session(programme, ambassador, date(2013, 10, 1), 30, lo=7, hi=10, institution=other_school)
    public = reach.for_public(reach.compute(reach.Scope(programme_id=programme.pk)))
    cells = {(c["min_age"], c["max_age"]): (c["value"], c["suppressed"]) for c in public["counted"]["cells"]}
    assert cells[(11, 14)] == (None, True)
    # Shown beside its total (33), the 30 would give the 3 away: it is withheld too (issue 12),
    # and the total is rounded.
    assert cells[(7, 10)] == (None, True)
    assert public["counted"]["totals"]["children"] == 35
    assert public["suppressed_below"] == 5


def test_public_reach_total_minus_visible_cells_never_gives_a_small_one(programme, ambassador, school, other_school):
    _session(programme, ambassador, date(2013, 10, 1), 3, institution=school)
    _session(programme, ambassador, date(2013, 10, 1), 30, lo=7, hi=10, institution=other_school)
    _session(programme, ambassador, date(2013, 10, 1), 60, lo=15, hi=17, institution=other_school)
    public = reach.for_public(reach.compute(reach.Scope(programme_id=programme.pk)))
    visible = sum(c["value"] for c in public["counted"]["cells"] if c["value"] is not None)
    total = public["counted"]["totals"]["children"]
    assert total - visible not in range(1, 5)
    assert [c["value"] for c in public["counted"]["cells"]] == [None, None, 60]


def test_stored_reach_follows_each_change(programme, ambassador, school):
    _session(programme, ambassador, date(2013, 10, 1), 30, institution=school)
    snap = ReachSnapshot.objects.get(programme=programme)
    assert snap.result["counted"]["totals"] == {"children": 30}
    _session(programme, ambassador, date(2013, 10, 2), 45, institution=school)
    snap.refresh_from_db()
    assert snap.result["counted"]["totals"] == {"children": 45}


def test_large_programmes_recompute_in_a_background_task_after_commit(programme, ambassador, school, monkeypatch,
                                                                       django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "REACH_INLINE_LIMIT", 0)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _session(programme, ambassador, date(2013, 10, 1), 30, institution=school)
    assert len(callbacks) == 1  # the task, enqueued on commit (and run inline in tests)
    assert ReachSnapshot.objects.get(programme=programme).result["counted"]["totals"] == {"children": 30}
