"""What national strategies add to a progress report (issue 17 item 7).

Reports sits below strategies and never imports it: this function is named on the AppConfig as
``report_paragraphs`` and ``reports.drafting`` calls it with the report and the ids of the
activities the report covers (reports keeps its own period rule). One paragraph, or none:

- the rounds **validated** by the secretariat (validated or since published) whose date falls in
  the period, by country, with their dates. A draft or submitted round never counts, nor an
  illustrative one (reports leaves illustrative records out everywhere);
- for the countries whose newest such round is **published**, the national strategy's stage and
  the size of the action plan. What the public may not read yet (a validated round's stage and
  plan before the secretariat publishes its summary) is not written into a report;
- the **strategy workshops**: activities the report covers that serve an action of a published,
  not illustrative round (the demo's Oman plan is illustrative, so the seed's workshop is reported
  as an activity only).
"""

from collections import defaultdict
from datetime import date
from typing import Any

from tutela.activities.models import Activity
from tutela.reports import prose
from tutela.reports.drafting import Draft
from tutela.reports.models import Report

from .models import Action, Assessment, StrategyStage

TOPIC = "national child online protection self-assessment"

# "At its latest round, Oman <was implementing its national strategy>."
STAGE_CLAUSE = {
    StrategyStage.NONE: ("had no national strategy", "had no national strategy"),
    StrategyStage.PREPARING: ("was preparing its national strategy", "were preparing their national strategies"),
    StrategyStage.ADOPTED: ("had adopted its national strategy", "had adopted their national strategies"),
    StrategyStage.IMPLEMENTING: ("was implementing its national strategy", "were implementing their national strategies"),
    StrategyStage.REVIEWED: ("had implemented and reviewed its national strategy",
                             "had implemented and reviewed their national strategies"),
}


def _count(n: int, noun: str) -> str:
    """'one round', 'two rounds', '12 rounds'."""
    word = "one" if n == 1 else prose.NUMBER_WORDS.get(n, prose.number(n))
    return f"{word} {prose.plural(noun, n)}"


def _days(dates: list[date]) -> str:
    return prose.join([prose.day(d) for d in sorted(dates)])


def report_paragraphs(*, report: Report, activity_ids: list[int]) -> list[Draft]:
    rounds = list(Assessment.objects.filter(
        status__in=[Assessment.Status.VALIDATED, Assessment.Status.PUBLISHED], is_illustrative=False,
        held_on__gte=report.period_start, held_on__lte=report.period_end).order_by("held_on", "pk"))
    workshops = _workshops(activity_ids)
    if not rounds and not workshops:
        return []
    draft = Draft(key="strategies", on=None, section="National strategies")
    if rounds:
        _rounds(draft, rounds)
    if workshops:
        _workshop_sentence(draft, workshops)
    return [draft]


def _rounds(draft: Draft, rounds: list[Assessment]) -> None:
    by_country: dict[str, list[Assessment]] = defaultdict(list)
    for a in rounds:
        by_country[str(a.country)].append(a)  # a Country prints as its code
    names = {code: prose.country_name(code) for code in by_country}
    codes = sorted(by_country, key=lambda code: names[code])
    n = len(rounds)
    if len(codes) == 1:
        (code,) = codes
        days = _days([a.held_on for a in rounds])
        what = f"the {TOPIC} of {names[code]}" if n == 1 else f"{_count(n, 'round')} of the {TOPIC} of {names[code]}"
        draft.say(f"During the reporting period, the secretariat validated {what}, held on {days}", *rounds)
    else:
        each = prose.join([f"{names[c]} ({_days([a.held_on for a in by_country[c]])})" for c in codes])
        draft.say(f"During the reporting period, the secretariat validated {_count(n, 'round')} of the {TOPIC} "
                  f"in {_count(len(codes), 'country')}: {each}", *rounds)

    # Stage and plan: only from a country's newest round in the period, and only once it is published.
    newest = {c: by_country[c][-1] for c in codes}
    published = [c for c in codes if newest[c].status == Assessment.Status.PUBLISHED]
    if not published:
        return
    by_stage: dict[str, list[str]] = defaultdict(list)
    for c in published:
        by_stage[newest[c].strategy_stage].append(c)
    clauses = []
    for stage in StrategyStage.values:  # from no strategy to a reviewed one
        if stage in by_stage:
            group = by_stage[stage]
            clauses.append(f"{prose.join([names[c] for c in group])} {STAGE_CLAUSE[StrategyStage(stage)][len(group) > 1]}")
    several_rounds = n > 1
    if not several_rounds:
        opener = "At that round"
    elif len(published) == 1:
        opener = "At its latest round"
    else:
        opener = "At their latest rounds"
    draft.say(f"{opener}, {prose.join(clauses)}", *[newest[c] for c in published])

    plans = [newest[c] for c in published]
    statuses = list(Action.objects.filter(assessment__in=plans).values_list("status", flat=True))
    if not statuses:
        return
    done = statuses.count(Action.Status.DONE)
    whose = prose.join([names[c] for c in published])
    plan = f"The action plan of {whose} holds" if len(plans) == 1 else f"The action plans of {whose} hold"
    total = len(statuses)
    if not done:
        tail = ""
    elif total == 1:
        tail = ", which is done"
    elif done == total:
        tail = ", all of them done"
    else:
        tail = f", {_count(done, 'action').split(' ')[0]} of them done"
    draft.say(f"{plan} {_count(len(statuses), 'action')}{tail}", *plans)


def _workshops(activity_ids: list[int]) -> list[tuple[Activity, list[str]]]:
    """The covered activities serving an action of a published round, each with the countries served."""
    if not activity_ids:
        return []
    # The links of published plans are few; the covered activities may be 10,000: read the links and keep those
    # of covered activities here, rather than send every id as a parameter (psycopg parses each one).
    covered = set(activity_ids)
    links = (Action.objects.filter(activities__isnull=False, assessment__status=Assessment.Status.PUBLISHED,
                                   assessment__is_illustrative=False)
             .values_list("activities", "assessment__country").distinct())
    countries: dict[int, set[str]] = defaultdict(set)
    for activity_id, code in links:
        if activity_id in covered:
            countries[activity_id].add(str(code))
    activities = Activity.objects.filter(pk__in=list(countries)).order_by("starts_on", "pk")
    return [(a, sorted({prose.country_name(c) for c in countries[a.pk]})) for a in activities]


def _workshop_sentence(draft: Draft, workshops: list[tuple[Activity, list[str]]]) -> None:
    records: list[Any] = [a for a, _names in workshops]
    if len(workshops) == 1:
        activity, names = workshops[0]
        plans = "the national action plan" if len(names) == 1 else "the national action plans"
        draft.say(f"“{activity.title}”, held on {prose.day(activity.starts_on)}, served {plans} of "
                  f"{prose.join(names)}", *records)
        return
    items = [f"“{a.title}” ({prose.join(names)}, {prose.day(a.starts_on)})" for a, names in workshops]
    draft.say(f"{_count(len(workshops), 'activity')} of the period served national action plans: "
              f"{prose.join(items)}", *records)
