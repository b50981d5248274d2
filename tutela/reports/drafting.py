"""Drafting: turn the records of a period into numbered paragraphs of plain prose.

Deterministic and traceable. Each paragraph is a list of sentences; each sentence carries the
records it came from (``{"model", "id", "label"}``). Related records are merged into one
paragraph: the parts of an event become bullets, meetings of one series become one paragraph,
an open consultation joins the forum that launched it, a partnership agreement opens the
paragraph of the pilot it was made for, a follow-on project closes it.

Queries are a fixed handful per report, whatever the number of records (see ``_load``).
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Field, Model, OuterRef, Prefetch, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tutela.activities.models import (
    Activity,
    ActivityPartner,
    ActivityPerson,
    Occasion,
    Outcome,
    Participation,
    Project,
    Topic,
)
from tutela.bulletins.selectors import sent_in_period
from tutela.core import disclosure, panels, translations
from tutela.core.choices import FigureKind, StakeholderGroup
from tutela.figures.disclosure import withhold_figures
from tutela.figures.models import Figure, Indicator
from tutela.initiatives.models import Appointment, Person, Pillar
from tutela.partners.models import Agreement, Commitment, Organisation

from . import prose
from .models import Report, pack

K = Activity.Kind
KIND_NOUN: dict[str, str] = {
    K.STRATEGIC_DIALOGUE: "high-level strategic dialogue",
    K.REGIONAL_FORUM: "regional forum",
    K.WORKSHOP: "workshop",
    K.OPEN_FORUM: "open forum",
    K.SESSION: "session",
    K.WORLD_CAFE: "World Café",
    K.TRAINING: "training session",
    K.EDUCATIONAL_EVENT: "educational event",
    K.PILOT: "pilot exercise",
    K.SUMMIT: "summit",
    K.MEETING: "meeting",
    K.CONSULTATION: "open consultation",
    K.PUBLICATION: "publication",
    K.OTHER: "activity",
}
# If the title already names the kind, the title is used as the noun phrase ("a ... workshop for Oman").
KIND_WORD: dict[str, tuple[str, ...]] = {
    K.STRATEGIC_DIALOGUE: ("dialogue",), K.REGIONAL_FORUM: ("forum",), K.WORKSHOP: ("workshop", "seminar"),
    K.OPEN_FORUM: ("forum",), K.SESSION: ("session", "panel"), K.WORLD_CAFE: ("world café",),
    K.TRAINING: ("training", "course"), K.EDUCATIONAL_EVENT: ("event",), K.PILOT: ("pilot",),
    K.SUMMIT: ("summit",), K.MEETING: ("meeting",), K.CONSULTATION: ("consultation",),
    K.PUBLICATION: ("publication", "guidelines", "guide", "toolkit", "report"),
}
VERB: dict[str, str] = {K.CONSULTATION: "launched", K.PUBLICATION: "published", K.MEETING: "held", K.SUMMIT: "held"}
MEETING_SERIES = re.compile(r"^(\d+)(?:st|nd|rd|th) meeting of (?:the )?(.+)$", re.IGNORECASE)


@dataclass(slots=True)
class Draft:
    """One paragraph-to-be: its key, where it sorts, and its sentences with sources."""

    key: str
    on: date | None
    sentences: list[dict] = field(default_factory=list)
    bullets: list[dict] = field(default_factory=list)
    section: str = ""
    order_hint: int = 0
    # The sources of the last sentence or bullet said: the next one citing the same records shares the list
    # (most sentences of a paragraph cite its activity alone). Nothing changes a sentence's sources once said.
    _cited: list[dict] | None = field(default=None, init=False, repr=False, compare=False)
    # The record of that sentence when it cited one alone: the next citing that same object takes the list as it is.
    _cited_one: Any = field(default=None, init=False, repr=False, compare=False)

    def say(self, text: str, *records: Any) -> None:
        text = prose.sentence(text)
        if text:
            self.sentences.append({"text": text, "sources": self._sources(records)})

    def bullet(self, text: str, *records: Any) -> None:
        text = prose.sentence(text)
        if text:
            self.bullets.append({"text": text, "sources": self._sources(records)})

    def _sources(self, records: tuple) -> list[dict]:
        one = records[0] if len(records) == 1 else None
        if one is not None and one is self._cited_one and self._cited is not None:
            return self._cited
        refs = [ref(r) for r in records if r is not None]
        last = self._cited
        if last is None or len(refs) != len(last) or not all(a is b for a, b in zip(refs, last, strict=True)):
            self._cited = last = refs
        self._cited_one = one
        return last

    @property
    def hash(self) -> str:
        return self.encoded()[2]

    def encoded(self) -> tuple[str, str, str]:
        """The sentences and bullets as stored (``models.pack``), and the content hash: one pass serves both."""
        return _encode(self.sentences, self.bullets)


def _encode(sentences: list, bullets: list) -> tuple[str, str, str]:
    (s, stored_s), (b, stored_b) = pack(sentences), pack(bullets)
    # json.dumps([sentences, bullets], sort_keys=True, ensure_ascii=False), the payload hashed since the
    # first drafts (a redraft compares hashes), written out of the two parts.
    return stored_s, stored_b, hashlib.sha256(f"[{s}, {b}]".encode()).hexdigest()


def ref(obj: Any) -> dict:
    """The source reference of a record: a row's own (made once), or a model instance's."""
    if isinstance(obj, (ActivityRow, FigureRow)):
        return obj.source
    return {"model": obj._meta.label_lower, "id": obj.pk, "label": str(obj)[:200]}


# --- Loading: a fixed number of queries, plain values ----------------------------------------
#
# A report may cover thousands of activities. The numerous records (activities, their partner
# roles, topic and pillar links, outcomes, participation, figures) are read with ``values_list``
# into the plain dataclasses below; they hold lists, not related managers, and drafting reads
# them as such. The few records shared by many activities (organisations, topics, pillars,
# occasions, people, indicators) are model instances, loaded once each. Related rows are selected
# by a subquery on the period, not by a list of ids. The same queries run on every database.

_CHOICES: dict[tuple, dict[str, str]] = {}


def _display(model: type[Model], field: str, value: str) -> str:
    """What ``get_<field>_display()`` gives, without a model instance (labels cached per language)."""
    key = (model, field, prose.language())
    if key not in _CHOICES:
        model_field = model._meta.get_field(field)
        choices = model_field.flatchoices if isinstance(model_field, Field) else []
        _CHOICES[key] = {k: str(v) for k, v in choices}
    return _CHOICES[key].get(value, value)


@dataclass(slots=True)
class OutcomeRow:
    kind: str
    text: str
    points: list[str]
    made_by_id: int | None
    addressed_to: str
    made_by_organisation_id: int | None
    made_by_group: str
    made_by: Person | None = None
    made_by_organisation: Organisation | None = None


@dataclass(slots=True)
class PersonRole:
    """A person who took part in an activity, and as what."""

    person: Person
    role: str


@dataclass(slots=True, eq=False)
class ActivityRow:
    """An activity as drafting reads it: its own fields, then what is loaded beside it."""

    pk: int
    title: str
    kind: str
    starts_on: date
    ends_on: date
    date_is_approximate: bool
    city: str
    country: str
    venue: str
    online: bool
    occasion_id: int | None
    parent_id: int | None
    summary: str
    objective: str
    focus: str
    follows_up: str
    occasion: Occasion | None = None
    partner_roles: list[tuple[str, Organisation]] = field(default_factory=list)  # in recorded order
    by_role: dict[str, list[Organisation]] = field(default_factory=dict)  # each organisation once per role
    pillars: list[Pillar] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    deliverable_ids: list[int] = field(default_factory=list)
    outcomes: list[OutcomeRow] = field(default_factory=list)
    participation: list[str] = field(default_factory=list)  # each group's description, or the group's name
    # Counts of countries or Member States taking part: (count, unit), e.g. (12, "member_states").
    places_counted: list[tuple[int, str]] = field(default_factory=list)
    people: list[PersonRole] = field(default_factory=list)
    # Made once and shared by every sentence citing the activity (most sentences of its paragraph).
    source: dict = field(init=False, repr=False)

    FIELDS = ("pk", "title", "kind", "starts_on", "ends_on", "date_is_approximate", "city", "country", "venue",
              "online", "occasion_id", "parent_id", "summary", "objective", "focus", "follows_up")

    def __post_init__(self) -> None:
        self.source = {"model": _ACTIVITY, "id": self.pk, "label": self.title[:200]}


@dataclass(slots=True, eq=False)
class FigureRow:
    """A figure as drafting reads and cites it."""

    pk: int
    subject_id: int
    indicator_id: int
    value: Any
    kind: str
    measure: str
    source_note: str
    low: Any
    high: Any
    assumptions: str
    period_end: date | None
    as_of: date
    indicator: Indicator
    # "" when the public may see the value; else why disclosure control withholds it (its value is then never read).
    withheld: str = ""
    source: dict = field(init=False, repr=False)

    FIELDS = ("pk", "subject_id", "indicator_id", "value", "kind", "measure", "source", "low", "high", "assumptions",
              "period_end", "as_of")

    def __post_init__(self) -> None:
        if self.withheld:
            self.value = self.low = self.high = None
        label = (f"{self.amount} {self.indicator.name.lower()} "
                 f"({_display(Figure, 'kind', self.kind).lower()}, {_display(Figure, 'measure', self.measure).lower()})")
        self.source = {"model": _FIGURE, "id": self.pk, "label": label[:200]}

    @property
    def amount(self) -> str:
        """The value as a report prints it: "fewer than 5" (the threshold) for a small withheld count of children."""
        if self.withheld == disclosure.SMALL:
            return disclosure.Shown(None, disclosure.SMALL).display()
        if self.withheld:  # withheld so that a small sibling cannot be worked out: no bound may be given
            return "a withheld number of"
        return prose.number(self.value)


_ACTIVITY, _FIGURE = Activity._meta.label_lower, Figure._meta.label_lower


class _InPeriod(TypedDict):
    delivered_in_period: bool  # a commitment under it was delivered in the report's period


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    AgreementInPeriod = WithAnnotations[Agreement, _InPeriod]


@dataclass
class Records:
    activities: list[ActivityRow]
    parts: dict[int, list[ActivityRow]]
    figures: dict[int, list[FigureRow]]
    projects: dict[int, list[Project]]
    agreements: list[AgreementInPeriod]
    roles: dict[int, list[Appointment]]


def _proposed_activities(report: Report) -> Q:
    """The activities a period proposes: dated in it (started in it, or started before and ended in it), and,
    with "include still-relevant earlier items", what started before and ran on past its end."""
    start, end = report.period_start, report.period_end
    in_period = Q(starts_on__gte=start, starts_on__lte=end) | Q(starts_on__lt=start, ends_on__gte=start, ends_on__lte=end)
    if report.include_ongoing:
        in_period |= Q(starts_on__lt=start, ends_on__gt=end)
    return in_period & ~Q(status=Activity.Status.CANCELLED)


def _load(report: Report) -> Records:
    start, end = report.period_start, report.period_end
    # What the period proposes, with the editor's choices (the period preview) over it.
    chosen_in, chosen_out = report.chosen("activity")
    period = (Activity.objects.filter(is_illustrative=False)
              .filter(_proposed_activities(report) | Q(pk__in=sorted(chosen_in))).exclude(pk__in=sorted(chosen_out))
              .exclude(status=Activity.Status.CANCELLED))
    ids_in_period = period.order_by().values("pk")  # a subquery: no list of ids travels
    occasions = {o.pk: o for o in Occasion.objects.select_related("organiser").filter(
        pk__in=period.exclude(occasion=None).order_by().values("occasion_id"))}
    rows = [ActivityRow(*row) for row in period.order_by("starts_on", "pk").values_list(*ActivityRow.FIELDS)]
    by_id = {a.pk: a for a in rows}
    for a in rows:
        if a.occasion_id:
            a.occasion = occasions[a.occasion_id]

    outcomes_in_period = Outcome.objects.filter(activity__in=ids_in_period)
    orgs = {o.pk: o for o in Organisation.objects.filter(
        Q(pk__in=ActivityPartner.objects.filter(activity__in=ids_in_period).order_by().values("organisation_id"))
        | Q(pk__in=outcomes_in_period.filter(made_by_organisation__isnull=False).order_by()
            .values("made_by_organisation_id")))}
    for activity_id, role, org_id in (ActivityPartner.objects.filter(activity__in=ids_in_period)
                                      .order_by("pk").values_list("activity_id", "role", "organisation_id")):
        a, org = by_id[activity_id], orgs[org_id]
        a.partner_roles.append((role, org))
        same = a.by_role.setdefault(role, [])
        if org not in same:  # one instance per organisation (``orgs``)
            same.append(org)
    pillars = {p.pk: p for p in Pillar.objects.all()}
    through = Activity.pillars.through
    for activity_id, pillar_id in through.objects.filter(activity__in=ids_in_period).values_list("activity_id", "pillar_id"):
        by_id[activity_id].pillars.append(pillars[pillar_id])
    topics = {t.pk: t for t in Topic.objects.filter(
        pk__in=Activity.topics.through.objects.filter(activity__in=ids_in_period).values("topic_id"))}
    for activity_id, topic_id in (Activity.topics.through.objects.filter(activity__in=ids_in_period)
                                  .values_list("activity_id", "topic_id")):
        by_id[activity_id].topics.append(topics[topic_id])
    for a in rows:
        if len(a.topics) > 1:
            a.topics.sort(key=lambda t: (t.name, t.pk))
        if len(a.pillars) > 1:
            a.pillars.sort(key=lambda p: p.number)
    for activity_id, deliverable_id in (Activity.deliverables.through.objects.filter(activity__in=ids_in_period)
                                        .values_list("activity_id", "deliverable_id")):
        by_id[activity_id].deliverable_ids.append(deliverable_id)
    people = {p.pk: p for p in Person.objects.filter(
        Q(pk__in=ActivityPerson.objects.filter(activity__in=ids_in_period).values("person_id"))
        | Q(pk__in=Outcome.objects.filter(activity__in=ids_in_period, made_by__isnull=False).values("made_by_id")))}
    for activity_id, person_id, role in (ActivityPerson.objects.filter(activity__in=ids_in_period)
                                         .order_by("activity_id", "pk").values_list("activity_id", "person_id", "role")):
        by_id[activity_id].people.append(PersonRole(people[person_id], role))
    for activity_id, *row in (outcomes_in_period.order_by("order", "pk")
                              .values_list("activity_id", "kind", "text", "points", "made_by_id", "addressed_to",
                                           "made_by_organisation_id", "made_by_group")):
        outcome = OutcomeRow(*row)
        outcome.made_by = people.get(outcome.made_by_id) if outcome.made_by_id else None
        if outcome.made_by_organisation_id:
            outcome.made_by_organisation = orgs[outcome.made_by_organisation_id]
        by_id[activity_id].outcomes.append(outcome)
    for activity_id, group, description, unit, count in (
            Participation.objects.filter(activity__in=ids_in_period).order_by("activity_id", "group", "min_age", "pk")
            .values_list("activity_id", "group", "description", "unit", "count")):
        if unit == Participation.Unit.PEOPLE:
            by_id[activity_id].participation.append(description or _display(Participation, "group", group))
        elif count is not None:
            by_id[activity_id].places_counted.append((count, unit))

    parts: dict[int, list[ActivityRow]] = defaultdict(list)
    top = []
    for a in rows:
        if a.parent_id and a.parent_id in by_id:
            parts[a.parent_id].append(a)
        else:
            top.append(a)
    ct = ContentType.objects.get_for_model(Activity)
    figure_rows = (Figure.objects.filter(subject_type=ct, subject_id__in=ids_in_period, is_illustrative=False)
                   .order_by("indicator__name", "measure", "pk"))
    indicators = {i.pk: i for i in Indicator.objects.filter(pk__in=figure_rows.order_by().values("indicator_id"))}
    figures: dict[int, list[FigureRow]] = defaultdict(list)
    # A report is public output: a figure about children that disclosure control withholds is cited as
    # "fewer than 5" (or as withheld), never with its value.
    about_children = list(figure_rows.filter(Q(group=StakeholderGroup.CHILDREN) | Q(indicator__unit__istartswith="child"))
                          .select_related("indicator"))
    withhold_figures(AnonymousUser(), about_children)
    withheld = {f.pk: f.withheld for f in about_children if f.withheld}
    for pk, subject_id, indicator_id, value, kind, measure, source, low, high, assumptions, period_end, as_of in (
            figure_rows.values_list(*FigureRow.FIELDS)):
        f = FigureRow(pk, subject_id, indicator_id, value, kind, measure, source, low, high, assumptions, period_end,
                      as_of, indicator=indicators[indicator_id], withheld=withheld.get(pk, ""))
        figures[f.subject_id].append(f)
    projects: dict[int, list[Project]] = defaultdict(list)
    for p in Project.objects.filter(follows__in=ids_in_period).prefetch_related("partners").order_by("pk"):
        if p.follows_id is not None:
            projects[p.follows_id].append(p)
    agreements: list[AgreementInPeriod] = []
    if report.included(Report.Include.AGREEMENTS):
        agreements_in, agreements_out = report.chosen("agreement")
        dated = Q(signed_on__gte=start, signed_on__lte=end) | Q(pk__in=sorted(agreements_in))
        if report.include_ongoing:
            # Signed before and still in force: kept only when something dated happened under it in the period
            # (a commitment delivered, here; an activity it was made for, in ``_build``). Undated ones: no date
            # to judge by, so they are proposed.
            dated |= Q(signed_on__isnull=True) | (Q(signed_on__lt=start)
                                                  & (Q(in_force_to__isnull=True) | Q(in_force_to__gte=start)))
        delivered = Commitment.objects.filter(agreement=OuterRef("pk"), last_done_on__gte=start, last_done_on__lte=end)
        agreements = list(
            Agreement.objects.filter(dated).exclude(pk__in=sorted(agreements_out))
            .annotate(delivered_in_period=Exists(delivered))
            .prefetch_related(Prefetch("parties", queryset=Organisation.objects.order_by("pk")), "commitments__responsible")
            .order_by("signed_on", "pk")
        )
    roles: dict[int, list[Appointment]] = defaultdict(list)
    for ap in Appointment.objects.filter(person__in=list(people)).order_by("starts_on", "pk"):
        roles[ap.person_id].append(ap)
    return Records(top, parts, figures, projects, agreements, roles)


# --- The period preview -----------------------------------------------------------------------

@dataclass(slots=True)
class Candidate:
    """A record the period proposes, or one a reader might expect and the period leaves out, with why."""

    kind: str  # "activity" or "agreement": the key prefix of the report's selection
    pk: int
    label: str
    on: date | None  # an activity's first day, an agreement's signature
    proposed: bool
    code: str  # the reason's kind, the preview's group: "in_period", "ended_before", "nothing_dated"…
    choice: str = ""  # "in" / "out" when the editor chose; "" when the proposal stands
    ends: date | None = None  # an activity's last day
    made_for: str = ""  # the title of the activity an old agreement was made for ("made_for")

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.pk}"

    @property
    def included(self) -> bool:
        return self.choice == "in" if self.choice else self.proposed

    @property
    def reason(self) -> str:
        """Why it is proposed or left out, in the reader's language (written for the rows a page shows only)."""
        return _reason(self)


def _reason(c: Candidate) -> str:
    code = c.code
    first = {"date": _dates(c.on, c.on)} if c.on else {}
    year = {"year": c.on.year} if c.on else {}
    if code == "cancelled":
        text = _("cancelled (%(dates)s)") % {"dates": _dates(c.on, c.ends)}
    elif code == "in_period":
        text = _("dated in the period (%(dates)s)") % {"dates": _dates(c.on, c.ends)}
    elif code == "ended_in":
        text = _("started %(date)s, before the period, and ended in it") % first
    elif code == "ongoing":
        text = _("started %(date)s and ran on past the period's end") % first
    elif code == "ended_before":
        text = _("ended %(date)s, before the period") % {"date": _dates(c.ends, c.ends)}
    elif code == "starts_after":
        text = _("starts %(date)s, after the period") % first
    elif code == "undated":
        text = _("undated")
    elif code == "signed_in":
        text = _("signed in the period (%(date)s)") % first
    elif code == "delivered":
        text = _("signed %(year)s; a commitment under it was delivered in the period") % year
    elif code == "made_for":
        text = _("signed %(year)s; made for the “%(activity)s”, in the period") % {**year, "activity": c.made_for}
    else:
        text = _("signed %(year)s, nothing dated in the period") % year
    if code in ("ongoing", "undated") and not c.proposed:
        text = _("%(reason)s; earlier items still running are not included") % {"reason": text}
    return text


def _dates(start: date | None, end: date | None) -> str:
    """A day or a span of days as the interface writes dates: in English as the reports do ("2–3 December
    2013"), in another language in its own date style ("2 décembre 2013 – 3 décembre 2013")."""
    if start is None:
        return ""
    if translations.active() == translations.DEFAULT:
        return prose.span(start, end)
    first = date_format(start, "DATE_FORMAT")
    return first if end in (None, start) else f"{first} – {date_format(end, 'DATE_FORMAT')}"


# Beyond the period, activities this close to it are shown (left out, with their dates): a reader may expect them.
NEAR_DAYS = 31


def preview(report: Report) -> list[Candidate]:
    """Every record the period proposes, and every nearby one it leaves out, each with its reason and the
    editor's choice. Drafting reads the same rules (``_proposed_activities``, the agreement rule in ``_build``)."""
    from datetime import timedelta

    start, end = report.period_start, report.period_end
    out: list[Candidate] = []
    selection = report.selection or {}
    if report.included(Report.Include.ACTIVITIES):
        near = Q(starts_on__lte=end + timedelta(days=NEAR_DAYS), ends_on__gte=start - timedelta(days=NEAR_DAYS))
        rows = (Activity.objects.filter(is_illustrative=False, parent__isnull=True).filter(near)
                .order_by("starts_on", "pk").values_list("pk", "title", "starts_on", "ends_on", "status"))
        for pk, title, starts, ends, status in rows:
            if status == Activity.Status.CANCELLED:
                proposed, code = False, "cancelled"
            elif start <= starts <= end:
                proposed, code = True, "in_period"
            elif starts < start and start <= ends <= end:
                proposed, code = True, "ended_in"
            elif starts < start and ends > end:
                proposed, code = report.include_ongoing, "ongoing"
            elif ends < start:
                proposed, code = False, "ended_before"
            else:
                proposed, code = False, "starts_after"
            choice = "" if status == Activity.Status.CANCELLED else selection.get(f"activity:{pk}", "")
            out.append(Candidate("activity", pk, title, starts, proposed, code, choice, ends))
    if report.included(Report.Include.AGREEMENTS):
        delivered = Commitment.objects.filter(agreement=OuterRef("pk"), last_done_on__gte=start, last_done_on__lte=end)
        agreements = (Agreement.objects.filter(Q(signed_on__isnull=True) | Q(signed_on__lte=end))
                      .filter(Q(in_force_to__isnull=True) | Q(in_force_to__gte=start))
                      .annotate(delivered_in_period=Exists(delivered)).order_by("signed_on", "pk")
                      .values_list("pk", "title", "kind", "signed_on", "delivered_in_period"))
        old = [row for row in agreements if row[3] and row[3] < start]
        made_for = _agreements_made_for_activities(report, old) if old else {}
        for pk, title, _kind, signed, delivered_in in agreements:
            if signed is None:
                proposed, code = report.include_ongoing, "undated"
            elif signed >= start:
                proposed, code = True, "signed_in"
            elif delivered_in and report.include_ongoing:
                proposed, code = True, "delivered"
            elif pk in made_for and report.include_ongoing:
                proposed, code = True, "made_for"
            else:
                proposed, code = False, "nothing_dated"
            out.append(Candidate("agreement", pk, title, signed, proposed, code,
                                 selection.get(f"agreement:{pk}", ""), made_for=made_for.get(pk, "")))
    return out


def _agreements_made_for_activities(report: Report, agreements: list[tuple]) -> dict[int, str]:
    """Old partnership agreements signed while an activity of the period ran that their parties own: the
    agreement opens that activity's paragraph (as ``_build`` decides), so it is proposed."""
    wanted = {pk: signed for pk, _title, kind, signed, _d in agreements if kind == Agreement.Kind.PARTNERSHIP}
    if not wanted:
        return {}
    parties: dict[int, set[int]] = defaultdict(set)
    for agreement_id, org_id in Agreement.parties.through.objects.filter(agreement_id__in=list(wanted)).values_list(
            "agreement_id", "organisation_id"):
        parties[agreement_id].add(org_id)
    earliest = min(wanted.values())
    owners: dict[int, set[int]] = defaultdict(set)
    spans: dict[int, tuple[date, date, str]] = {}
    for activity_id, org_id, starts, ends, title in (
            ActivityPartner.objects.filter(role__in=ActivityPartner.OWNER_ROLES, activity__is_illustrative=False,
                                           activity__starts_on__lt=report.period_start, activity__ends_on__gte=earliest)
            .filter(activity__in=Activity.objects.filter(_proposed_activities(report)).values("pk"))
            .values_list("activity_id", "organisation_id", "activity__starts_on", "activity__ends_on", "activity__title")):
        owners[activity_id].add(org_id)
        spans[activity_id] = (starts, ends, title)
    found = {}
    for pk, signed in wanted.items():
        for activity_id, (starts, ends, title) in spans.items():
            if starts <= signed <= ends and parties[pk] <= owners[activity_id]:
                found[pk] = title
                break
    return found


# --- Naming -------------------------------------------------------------------------------------

class Names:
    """Organisation names: in full with the acronym at first mention, the acronym afterwards; a full name as the
    organisation says it is read ("the Pacific Islands Forum": ``Organisation.named_with_the``)."""

    def __init__(self, lead: Organisation | None):
        self.lead_id = lead.pk if lead else None
        self.seen: set[int] = set()
        self.forms: dict[int, tuple[str, str]] = {}  # organisation -> (name afterwards, name at first mention)

    def __call__(self, org: Organisation) -> str:
        pk = org.pk
        forms = self.forms.get(pk)
        if forms is None:
            forms = self.forms[pk] = self._forms(org)
        if pk in self.seen:
            return forms[0]
        self.seen.add(pk)
        return forms[1]

    def _forms(self, org: Organisation) -> tuple[str, str]:
        short = org.acronym or org.name_in_text
        # A government's short name is usually its country ("Oman"); a ministry's acronym ("MoES") is not, and
        # gets its full name at first mention like any other organisation.
        country_like = org.kind == Organisation.Kind.GOVERNMENT and not _looks_like_acronym(org.acronym)
        if (org.pk == self.lead_id or country_like or not org.acronym
                or org.acronym == org.name or org.acronym.startswith("(")):
            return short, short
        return short, f"{org.name_in_text} ({org.acronym})"

    def many(self, orgs: list[Organisation]) -> str:
        return prose.join([self(o) for o in orgs])


def _looks_like_acronym(short: str) -> bool:
    """'MoES', 'ITU-T', 'SUBTEL': no space and two capitals or more ('Oman', 'Costa Rica' are names)."""
    return bool(short) and " " not in short and sum(map(str.isupper, short)) >= 2


def _person(person: Person, roles: list[Appointment], lead: str) -> str:
    """'Dame Patience Jonathan, First Lady of Nigeria and ITU's Child Online Protection Champion'."""
    name = person.public_label()
    extras = []
    if person.position and person.may_be_named:
        extras.append(person.position)
    for ap in roles:
        if ap.role in (Appointment.Role.PATRON, Appointment.Role.CHAMPION):
            extras.append(f"{lead}'s Child Online Protection {ap.get_role_display()}")
    return f"{name}, {prose.join(extras)}" if extras else name


# --- Activities -------------------------------------------------------------------------------

def _orgs(a: ActivityRow, *roles: str) -> list[Organisation]:
    """The organisations in these roles, each once, in the order they were recorded (the row's own list for one
    role: callers read it, never change it)."""
    if len(roles) == 1:
        return a.by_role.get(roles[0]) or []
    out, seen = [], set()
    for role, org in a.partner_roles:
        if role in roles and org.pk not in seen:
            seen.add(org.pk)
            out.append(org)
    return out


_SMALL_WORDS = {"a", "an", "the", "and", "or", "of", "on", "for", "in", "at", "to", "by", "with", "from", "de", "la", "et"}


_TITLE_WORD = re.compile(r"[^\s–—-]+")


def _is_proper_title(title: str) -> bool:
    """'Regional Workshop on Child Online Protection': every word but the small ones capitalised (two or more)."""
    big = 0
    for w in _TITLE_WORD.findall(title):
        if w[:1].isalpha() and w.lower() not in _SMALL_WORDS:
            if not w[:1].isupper():
                return False
            big += 1
    return big >= 2


def _without_organiser(title: str, organisers: list[Organisation]) -> str:
    """'ITU Regional Workshop on …' said by ITU: 'Regional Workshop on …' (the subject names ITU already)."""
    for org in organisers:
        for name in (org.acronym, org.name):
            if name and title.startswith(name + " ") and len(title) > len(name) + 1:
                rest = title[len(name) + 1:]
                if rest.lower().split()[0] not in _SMALL_WORDS | {"and", "&"}:
                    return rest
    return title


def _what(a: ActivityRow, parts: int = 0, by: list[Organisation] | None = None) -> str:
    noun = KIND_NOUN.get(a.kind, "activity")
    title = _without_organiser(a.title, by or [])
    lower = title.lower()
    word = next((w for w in KIND_WORD.get(a.kind, ()) if w in lower), None)
    plural = word is not None and _plural_of(word).search(lower) is not None
    proper = _is_proper_title(title)
    if word and proper and not plural:
        return f"the “{title}”"
    if not word and proper and EVENT_NAME.search(title):
        return f"the “{title}”"  # a proper name of another kind of event: "the “Regional Conference on …”"
    if word:
        words = title.split()
        place_names = {a.city, prose.country_name(a.country)} - {""}
        if (len(words) > 1 and words[1][:1].islower() and not words[0].isupper()
                and not any(title.startswith(p) for p in place_names)):  # "Nairobi safer internet forum" keeps its capital
            title = title[0].lower() + title[1:]
        if plural:
            # A plural title ("interactive educational events …") takes a number, not an article.
            return f"{prose.NUMBER_WORDS[parts]} {title}" if parts in prose.NUMBER_WORDS else title
        return prose.with_article(title)
    return f"{prose.with_article(noun)} on “{title}”"


EVENT_NAME = re.compile(r"\b(?:Conference|Congress|Convention|Day|Week|Forum|Summit|Symposium|Seminar|Workshop|"
                        r"Meeting|Assembly|Festival|Hackathon|Campaign)\b")
_PLURALS: dict[str, re.Pattern] = {}


def _plural_of(word: str) -> re.Pattern:
    if word not in _PLURALS:
        _PLURALS[word] = re.compile(rf"\b{re.escape(word)}s\b")
    return _PLURALS[word]


def _where(a: ActivityRow) -> str:
    country = prose.country_name(a.country)
    if country and country in a.title and not a.city:
        return ""  # "… workshop for Oman in Oman" says it twice
    return prose.place(a.city, a.country, a.venue, a.online)


def _occasion_name(occ: Any) -> str:
    name = occ.name
    if occ.kind == "conference" and ":" in name:
        return f"the “{name}” conference"
    if any(w in name for w in ("Forum", "Conference", "Summit", "Assembly")) and not name.startswith("The "):
        return f"the {name}"
    return name


def _subject(indicator_name: str) -> tuple[str, str]:
    """'Children reached' -> ('children', 'reached'); 'Schools engaged' -> ('schools', 'engaged')."""
    words = indicator_name.split()
    if len(words) > 1 and words[-1].endswith("ed"):
        return " ".join(words[:-1]).lower(), words[-1].lower()
    return indicator_name.lower(), "reached"


_TARGET, _COUNTED, _ESTIMATED = Figure.Measure.TARGET.value, FigureKind.COUNTED.value, FigureKind.ESTIMATED.value


def _figures(draft: Draft, a: ActivityRow, figures: list[FigureRow]) -> None:
    if not figures:
        return
    noun = KIND_NOUN.get(a.kind, "activity")
    actual_counted: list[FigureRow] = []
    estimates: list[FigureRow] = []
    targets = {f.indicator_id: f for f in figures if f.measure == _TARGET}
    for f in figures:
        if f.measure == _TARGET:
            continue
        (actual_counted if f.kind == _COUNTED else estimates).append(f)
    if actual_counted:
        items, recs = [], []
        for f in actual_counted:
            text = f"{f.amount} {f.indicator.name.lower()} (counted)"
            target = targets.pop(f.indicator_id, None)
            if target is not None:
                text += f", against a target of {target.amount} (source: {target.source_note})"
                recs.append(target)
            items.append(text)
            recs.append(f)
        draft.say(f"Reported for the {noun}: {'; '.join(items)}", *recs)
    for target in targets.values():
        draft.say(f"The target was {target.amount} {target.indicator.name.lower()} ({target.source_note})", target)
    for f in estimates:
        subject, verb = _subject(f.indicator.name)
        by = prose.month(f.period_end or f.as_of)
        qualifier = "estimated" if f.kind == _ESTIMATED else "modelled"
        opener = "It is estimated that" if f.kind == _ESTIMATED else "A model suggests that"
        rng = ""
        if f.low is not None and f.high is not None:
            rng = f" (range {prose.number(f.low)}–{prose.number(f.high)})"
        extra = f"; {prose.lower_first(f.assumptions)}" if f.assumptions else ""
        draft.say(f"{opener} {f.amount} {subject} would have been {verb} by {by}{rng} "
                  f"({qualifier}, not counted{extra})", f)


# What a named maker did, by the kind of outcome: "the administrations of the Arab region agreed that …".
OUTCOME_VERB: dict[str, str] = {Outcome.Kind.RECOMMENDATION: "recommended", Outcome.Kind.AGREEMENT: "agreed",
                Outcome.Kind.DECISION: "decided", Outcome.Kind.STATEMENT: "stated", Outcome.Kind.FINDING: "found",
                Outcome.Kind.CALL_FOR_ACTION: "called"}


def _maker(o: OutcomeRow, recs: Records, lead: str, names: Names) -> str:
    """Who made an outcome: a person (with their role), an organisation, or a named group; "" when not recorded."""
    if o.made_by is not None:
        return _person(o.made_by, recs.roles.get(o.made_by.pk, []), lead)
    if o.made_by_organisation is not None:
        return names(o.made_by_organisation)
    return o.made_by_group.strip()


def _outcomes(draft: Draft, a: ActivityRow, recs: Records, lead: str, names: Names) -> None:
    for o in a.outcomes:
        who = _maker(o, recs, lead, names)
        cited = (o.made_by or o.made_by_organisation, a)
        if o.kind == Outcome.Kind.CALL_FOR_ACTION and o.points:
            points = [f"to {prose.lower_first(p)}" for p in o.points]
            listed = "; ".join(points[:-1]) + f"; and {points[-1]}" if len(points) > 1 else points[0]
            comma = "," if o.made_by is not None and "," in who else ""  # a person's role in apposition: close it
            draft.say(f"On that occasion, {who or 'participants'}{comma} issued a call for action to "
                      f"{o.addressed_to or 'stakeholders'} {listed}", *cited)
        elif who:
            text = prose.lower_first(o.text)
            verb = OUTCOME_VERB.get(o.kind, "stated")
            if o.kind == Outcome.Kind.CALL_FOR_ACTION:
                text = f"for {text}" if not text.startswith("for ") else text
            elif not text.startswith(("to ", "that ")):
                text = f"that {text}"
            draft.say(f"{who} {verb} {text}", *cited)
        elif o.kind == Outcome.Kind.RECOMMENDATION and "recommend" not in o.text.lower():
            draft.say(f"It was recommended that {prose.lower_first(o.text)}", a)
        else:
            draft.say(o.text, a)


_UNIT_PHRASE = {"countries": ("participants from {n} countries", "participants from one country"),
                "member_states": ("{n} Member States", "one Member State")}


def _places_counted(draft: Draft, a: ActivityRow) -> None:
    """'Participants from 25 countries took part.', '12 Member States took part.'"""
    for count, unit in a.places_counted:
        many, one = _UNIT_PHRASE[unit]
        phrase = one if count == 1 else many.format(n=prose.number(count))
        draft.say(f"{phrase} took part", a)


def _details(draft: Draft, a: ActivityRow, recs: Records, lead: str, names: Names) -> None:
    noun = KIND_NOUN.get(a.kind, "activity")
    if a.objective:
        draft.say(f"The main objective of the {noun} was to {prose.lower_first(a.objective)}", a)
    # What it focused on is said only when recorded (a topic is a label for finding records, not a focus).
    focus = prose.lower_first(a.focus) if a.focus.strip() else ""
    if focus or a.follows_up:
        text = f"It focused on {focus}" if focus else "It was"
        if a.follows_up:
            text += (", as" if focus else "") + f" a follow-up to {a.follows_up}"
        draft.say(text, a)
    if a.summary:
        for s in _split_sentences(a.summary):
            draft.say(s, a)
    _places_counted(draft, a)
    _figures(draft, a, recs.figures.get(a.pk, []))
    _outcomes(draft, a, recs, lead, names)
    for p in recs.projects.get(a.pk, []):
        partners = names.many(list(p.partners.all()))
        if p.description:
            for s in _split_sentences(p.description):
                draft.say(s, p)
        else:
            verb = {"active": "have started", "closed": "have completed"}.get(p.stage, "are now planning to start")
            draft.say(f"Following the {noun}, {partners} {verb} the {p.name}", p)


_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")
# A full stop after these ends an abbreviation, not a sentence: honorifics and titles, initials ("J."),
# dotted abbreviations ("H.E.", "U.S."), and a few common ones.
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Mx|Dr|Prof|Rev|Revd|Hon|Sr|Jr|St|Mt|Gen|Col|Capt|Lt|Sgt|Amb|Gov|Sen|Rep|Pres|Sec|Dept|"
    r"No|Nos|Vol|Art|Para|Fig|Ed|Eds|approx|vs|cf|ca|Inc|Ltd|Co|Corp|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|"
    r"Nov|Dec)\.|(?:\b[A-Za-z]\.)+|\be\.g\.|\bi\.e\.|\betc\.)$")


def _split_sentences(text: str) -> list[str]:
    """Sentences of a recorded text; never split after "H.E.", "Rev.", "Dr." or an initial."""
    out: list[str] = []
    for piece in _SENTENCE_BREAK.split(text.strip()):
        # the pattern ends at the end of the text and spans no space: its last word is all it needs to read
        if out and _ABBREVIATION.search(out[-1].rsplit(None, 1)[-1]):
            out[-1] = f"{out[-1]} {piece}"
        elif piece:
            out.append(piece)
    return out


NEUTRAL_VERB: dict[str, str] = {K.CONSULTATION: "was launched", K.PUBLICATION: "was published"}
_HEAD_ENDS = {"for", "on", "of", "in", "at", "to", "with", "about", "against", "from", "by", "and", "&", "–", "-"}
_NOT_PLURAL = {"news", "series", "means", "species", "us", "this", "its"}


def _plural_title(title: str) -> bool:
    """Whether a title's head noun (its last word before "for", "on", "of"…) is plural: "Guidelines for
    Teachers …", "school safety workshops" (the verb agrees: "were published"); "Helplines Day" is not."""
    head = ""
    for word in re.findall(r"[\w'’&–-]+", title):
        if word.lower() in _HEAD_ENDS:
            break
        head = word.lower()
    return (len(head) > 3 and head.endswith("s") and not head.endswith(("ss", "us", "is", "'s", "’s"))
            and head not in _NOT_PLURAL)


LAUNCHED = "launched"  # the verb of the organisations recorded as having launched an activity


def _done(a: ActivityRow, names: Names, organisers: list[Organisation], co: list[Organisation], verb: str,
          what: str) -> str:
    """Who did the activity, by their recorded part: "ITU, together with X, organized …", "X launched …,
    organized by ITU", "ITU took part in …, organized by Y", "ITU spoke at …", or, with no organiser recorded,
    "… took place" (never credited to the initiative's owner). Each part has its verb; the first recorded of
    launching, organising, speaking and taking part is the sentence's subject, the others follow it."""
    launchers = _orgs(a, ActivityPartner.Role.LAUNCHER)
    speakers, attended = _orgs(a, ActivityPartner.Role.SPEAKER), _orgs(a, ActivityPartner.Role.PARTICIPANT)
    if speakers or attended:
        named = {o.pk for o in organisers + co + launchers}
        speakers = [o for o in speakers if o.pk not in named]
        attended = [o for o in attended if o.pk not in named and o not in speakers]
    if launchers:
        launched = {o.pk for o in launchers}
        organisers = [o for o in organisers if o.pk not in launched]
        co = [o for o in co if o.pk not in launched]
    if not organisers:
        organisers, co = co, []
    if speakers and attended:
        text = f"{names.many(speakers)} spoke at and {names.many(attended)} took part in {what}"
    elif speakers:
        text = f"{names.many(speakers)} spoke at {what}"
    elif attended:
        text = f"{names.many(attended)} took part in {what}"
    elif launchers:
        text = f"{names.many(launchers)} {LAUNCHED} {what}"
        launchers = []
    elif organisers:
        together = f", together with {names.many(co)}," if co else ""
        return f"{names.many(organisers)}{together} {verb} {what}"
    else:
        verb = NEUTRAL_VERB.get(a.kind, "took place")
        return f"{what} {verb.replace('was ', 'were ') if _plural_title(a.title) else verb}"
    if launchers:
        text += f", {LAUNCHED} by {names.many(launchers)}"
    if organisers:
        together = f", together with {names.many(co)}" if co else ""
        text += f", {verb} by {names.many(organisers)}{together}"
    return text


def _opener(a: ActivityRow, names: Names, *, also: bool = False, agreement: Agreement | None = None, parts: int = 0) -> str:
    organisers = _orgs(a, ActivityPartner.Role.ORGANISER)
    co = _orgs(a, ActivityPartner.Role.CO_ORGANISER)
    if not organisers:  # co-organisers alone organised it
        organisers, co = co, []
    # the sentence names them already
    named = organisers + co + _orgs(a, ActivityPartner.Role.LAUNCHER, ActivityPartner.Role.PARTICIPANT,
                                    ActivityPartner.Role.SPEAKER)
    hosts = [o for o in _orgs(a, ActivityPartner.Role.HOST) if o not in organisers]
    funders = _orgs(a, ActivityPartner.Role.FUNDER)
    auspices = _orgs(a, ActivityPartner.Role.AUSPICES)
    partners = [o for o in _orgs(a, ActivityPartner.Role.PARTNER) if o not in named]
    verb = VERB.get(a.kind, "organized")
    when = prose.when(a.starts_on, a.ends_on, a.date_is_approximate)
    where = _where(a)
    if agreement is not None and agreement.signed_on is not None:
        lead = [o for o in agreement.parties.all() if o in organisers] or organisers
        others = [o for o in agreement.parties.all() if o not in lead]
        period = prose.when(a.starts_on, a.ends_on, a.date_is_approximate)
        text = (f"In {prose.month(agreement.signed_on)}, {names.many(lead)} established a partnership with "
                f"{names.many(others)} to run {_what(a)} {where}, {period[0].lower() + period[1:]}")
    elif also:
        span = prose.span(a.starts_on, a.ends_on, a.date_is_approximate)
        if organisers and not _orgs(a, ActivityPartner.Role.LAUNCHER):
            text = f"{names.many(organisers + co)} also {verb} {_what(a, by=organisers + co)} ({span})"
        else:
            text = f"{_done(a, names, organisers, co, verb, _what(a))} as well ({span})"
    elif a.occasion_id and a.occasion is not None:
        occ = a.occasion
        occ_where = (" " + prose.place(occ.city, occ.country)) if occ.city or occ.country else ""
        org = ""
        if occ.organiser is not None and occ.organiser not in organisers:
            org = f", organized by {occ.organiser.name_in_text},"
        occ_name = _occasion_name(occ)
        dates = prose.span(occ.starts_on, occ.ends_on)
        hosts = [h for h in hosts if h.pk != occ.organiser_id]
        if a.starts_on == a.ends_on and (occ.starts_on != occ.ends_on):
            inner = f" on {prose.day(a.starts_on)}"
        else:
            inner = ""
        during = "On the occasion of" if occ.kind == "observance" else "During"
        done = _done(a, names, organisers, co, verb, _what(a, parts, by=named))
        text = f"{during} {occ_name}{org}{occ_where} ({dates}), {done}{(' at ' + a.venue) if a.venue else ''}{inner}"
    else:
        text = f"{when}, {_done(a, names, organisers, co, verb, _what(a, by=named))} {where}".rstrip()
    if hosts and agreement is None:
        text += f", hosted by {names.many(hosts)}"
    if auspices:
        text += f", under the auspices of {names.many(auspices)}"
    if partners:
        text += f", in partnership with {names.many(partners)}"
    if funders:
        text += f", with funding from {names.many(funders)}"
    return text


def _activity_paragraph(a: ActivityRow, recs: Records, names: Names, lead: str, agreement: Agreement | None) -> Draft:
    draft = Draft(key=f"activity:{a.pk}", on=(agreement.signed_on if agreement else a.starts_on))
    # The activity alone when no agreement opens it: the next sentences, citing it alone, take this list of sources
    # as it is (``Draft._sources``).
    cited = (a, agreement) if agreement is not None else (a,)
    draft.say(_opener(a, names, agreement=agreement, parts=len(recs.parts.get(a.pk, []))), *cited)
    for ap in a.people:
        if ap.person.may_be_named and not any(o.made_by_id == ap.person.pk for o in a.outcomes):
            draft.say(f"{_person(ap.person, recs.roles.get(ap.person.pk, []), lead)} took part as {ap.role}", ap.person)
    _details(draft, a, recs, lead, names)
    parts = recs.parts.get(a.pk, [])
    for part in parts:
        _bullet_for_part(draft, part, recs, names)
    return draft


def _bullet_for_part(draft: Draft, part: ActivityRow, recs: Records, names: Names) -> None:
    texts = []
    if part.summary:
        texts.extend(_split_sentences(part.summary))
    else:
        trainers = _orgs(part, ActivityPartner.Role.TRAINER) or _orgs(part, ActivityPartner.Role.ORGANISER)
        who = prose.join(part.participation)
        texts.append(f"{names.many(trainers)} gave {_what(part)}" + (f" for {who.lower()}" if who else ""))
    topics = [t.name for t in part.topics]
    if topics and not any(t.lower() in " ".join(texts).lower() for t in topics):
        texts.append("The presentations covered topics such as " + prose.join([prose.lower_first(t) for t in topics]))
    draft.bullet(" ".join(prose.sentence(t) for t in texts), part)


def _series_paragraph(series: str, meetings: list[ActivityRow], recs: Records, names: Names, lead: str) -> Draft:
    first = meetings[0]
    draft = Draft(key="series:" + "+".join(str(m.pk) for m in meetings), on=first.starts_on)
    numbers = [int(match.group(1)) for match in (MEETING_SERIES.match(m.title) for m in meetings) if match]
    ordinals = prose.join([prose.ordinal(n) for n in numbers])
    dates = prose.join([prose.day(m.starts_on) for m in meetings])
    if len(meetings) > 1:
        draft.say(f"The {ordinals} meetings of the {series} were held respectively on {dates}", *meetings)
    else:
        draft.say(f"The {ordinals} meeting of the {series} was held on {dates}", first)
    for i, m in enumerate(meetings):
        _figures(draft, m, recs.figures.get(m.pk, []))
        prefix = "During the latter, " if (len(meetings) > 1 and i == len(meetings) - 1) else (
            f"At the {prose.ordinal(numbers[i])} meeting, " if len(meetings) > 1 else "")
        for j, o in enumerate(m.outcomes):
            text = o.text
            if j == 0 and prefix:
                text = prefix + prose.lower_first(text) if text.lower().startswith("participants") else prefix + text
            draft.say(text, m)
    return draft


def _agreement_paragraph(ag: Agreement, names: Names, lead_org: Organisation | None) -> Draft:
    draft = Draft(key=f"agreement:{ag.pk}", on=ag.signed_on)
    parties = list(ag.parties.all())
    lead = [p for p in parties if lead_org and p.pk == lead_org.pk] or parties[:1]
    others = [p for p in parties if p not in lead]
    kind = ag.get_kind_display()
    kind = kind if kind.isupper() else kind[0].lower() + kind[1:]
    umbrella = f"Under the umbrella of the {ag.framework}, " if ag.framework else ""
    when = ""
    if ag.signed_on:
        when = f" in {prose.month(ag.signed_on)}" if ag.date_is_approximate else f" on {prose.day(ag.signed_on)}"
    short_kind = "MoU" if ag.kind == Agreement.Kind.MOU else kind
    served = prose.join(sorted(prose.country_name(c) for c in ag.countries)) if ag.countries else ""
    covering = f", covering {served}" if served else ""
    draft.say(f"{umbrella}{names.many(lead)} signed {prose.with_article(short_kind)} with "
              f"{names.many(others)}{when}{covering}", ag)
    for s in _split_sentences(ag.objectives):
        draft.say(s, ag)
    for c in ag.commitments.all():
        who = list(c.responsible.all()) or parties
        draft.say(f"As a joint effort, {names.many(who)} will {prose.lower_first(c.text)}", ag)
    return draft


AWARENESS_KINDS: list[str] = [K.STRATEGIC_DIALOGUE, K.REGIONAL_FORUM, K.WORKSHOP, K.OPEN_FORUM, K.SESSION, K.WORLD_CAFE,
                   K.EDUCATIONAL_EVENT, K.TRAINING, K.SUMMIT]


def _awareness_paragraph(report: Report, activities: list[ActivityRow], lead: str,
                         lead_org: Organisation | None) -> Draft | None:
    """The seed's ¶2: how awareness was raised, from the kinds of activity the owner organised, and where.

    Only what the initiative's owner, or one of its own units (an organisation whose parent it is,
    such as ITU-IMPACT for ITU), organised or co-organised counts: an event it attended, or one with
    no organiser recorded, is not among those it "organized"."""
    if lead_org is None:
        return None
    lead_id = lead_org.pk
    chosen = [a for a in activities if a.kind in AWARENESS_KINDS
              and any(lead_id in (o.pk, o.parent_id) for o in _orgs(a, *ActivityPartner.OWNER_ROLES))]
    if not chosen:
        return None
    counts: dict[str, int] = defaultdict(int)
    occasions: list[str] = []
    for a in chosen:
        counts[a.kind] += 1
        if a.occasion_id:
            name = _occasion_name(a.occasion)
            if name not in occasions:
                occasions.append(name)
    kinds = [f"{prose.NUMBER_WORDS.get(n, n)} {prose.plural(KIND_NOUN[k], n)}" if n > 1 else prose.with_article(KIND_NOUN[k])
             for k, n in sorted(counts.items(), key=lambda kv: AWARENESS_KINDS.index(kv[0]))]
    draft = Draft(key="awareness", on=None, order_hint=-1)
    text = f"{lead} has been raising awareness on COP issues through the organization of {prose.join(kinds)}"
    if occasions:
        text += f" at different international fora, including {prose.join(occasions)}"
    draft.say(text, *chosen)
    return draft


OPTIONAL = re.compile(r"\[([^\[\]]*)\]")


def render_opening(template: str, values: dict[str, str]) -> str:
    """Fill the opening template. A clause in [brackets] is dropped when a placeholder in it has no value."""

    def clause(match: re.Match) -> str:
        inner = match.group(1)
        names = re.findall(r"{(\w+)}", inner)
        return inner if all(values.get(n) for n in names) else ""

    text = OPTIONAL.sub(clause, template)
    try:
        text = text.format(**values)
    except (KeyError, IndexError, ValueError):
        pass
    return re.sub(r"\s+([,.])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()


def mandate_day(report: Report) -> date:
    """The day whose mandate a report cites: its meeting date (else the document's date, else the period's end)."""
    return report.meeting_date or report.document_date or report.period_end


def _opening(report: Report, lead: str) -> Draft | None:
    initiative = report.initiative
    if not report.opening_template.strip():
        return None
    patron = (Appointment.objects.on(initiative).filter(role=Appointment.Role.PATRON)
              .select_related("person").order_by("starts_on").first())
    mandate = initiative.mandate_on(mandate_day(report))
    values = {
        "lead": lead,
        "phase": initiative.phase or "new phase",
        "phase_lower": (initiative.phase or "new phase").lower(),
        "initiative": initiative.name,
        "launcher": f"{lead} Secretary-General",
        "launched_month": prose.month(initiative.launched_on) if initiative.launched_on else "",
        "mandate": mandate.citation if mandate else "",
        "patron": (f"{patron.person}, {patron.person.position}" if patron and patron.person.position
                   else str(patron.person) if patron else ""),
        "pillar_count": {5: "five"}.get(Pillar.objects.count(), str(Pillar.objects.count())),
    }
    text = render_opening(report.opening_template, values)
    draft = Draft(key="opening", on=None, order_hint=-2)
    records = ([initiative] + ([mandate] if mandate and "{mandate}" in report.opening_template else [])
               + ([patron.person] if patron else []))
    for s in _split_sentences(text):
        draft.say(s, *records)
    return draft


# --- Assembling -------------------------------------------------------------------------------

# How often composing reports how far it is (activities composed): cheap, and often enough for a large report.
PROGRESS_EVERY = 500


def build(report: Report, progress: Callable[[int, int], None] | None = None) -> list[Draft]:
    """All paragraphs for ``report``, in reading order. Pure: writes nothing.

    ``progress(done, total)`` is told every ``PROGRESS_EVERY`` activities composed (and at the end)."""
    with prose.one_language():
        return _build(report, progress)


def _build(report: Report, progress: Callable[[int, int], None] | None = None) -> list[Draft]:
    lead_org = report.initiative.lead_organisation
    lead = (lead_org.acronym or lead_org.name_in_text) if lead_org else "ITU"
    names = Names(lead_org)
    recs = _load(report)
    if not report.included(Report.Include.ACTIVITIES):
        recs.activities, recs.parts = [], {}
    drafts: list[Draft] = []

    # Agreements that set up a pilot open that pilot's paragraph instead of standing alone.
    # The activities are in date order (``_load``): only those begun by the day of signing may have been running.
    opening_agreement: dict[int, Agreement] = {}
    used_agreements: set[int] = set()
    starts = [a.starts_on for a in recs.activities]
    for ag in recs.agreements:
        if ag.kind != Agreement.Kind.PARTNERSHIP or not ag.signed_on:
            continue
        party_ids = {p.pk for p in ag.parties.all()}
        for a in islice(recs.activities, bisect_right(starts, ag.signed_on)):
            if a.ends_on < ag.signed_on or a.pk in opening_agreement:
                continue
            owners = {o.pk for o in _orgs(a, *ActivityPartner.OWNER_ROLES)}
            if party_ids <= owners:
                opening_agreement[a.pk] = ag
                used_agreements.add(ag.pk)
                break

    # An agreement signed before the period is reported only when something dated happened under it in the period.
    # (Or when the editor chose it in the period preview.)
    agreements_in = report.chosen("agreement")[0]
    recs.agreements = [ag for ag in recs.agreements if not ag.signed_on or ag.signed_on >= report.period_start
                       or ag.pk in used_agreements or ag.delivered_in_period or ag.pk in agreements_in]

    # Meetings of one series ("4th meeting of the JCA-COP", "5th meeting of …") share a paragraph.
    series: dict[str, list[ActivityRow]] = defaultdict(list)
    for a in recs.activities:
        match = MEETING_SERIES.match(a.title) if a.kind == K.MEETING else None
        if match:
            series[match.group(2)].append(a)
    in_series = {a.pk for group in series.values() for a in group}

    # An open consultation joins the earliest other activity that shares its deliverable.
    joined: dict[int, list[ActivityRow]] = defaultdict(list)
    joined_ids: set[int] = set()
    first_with: dict[int, int] = {}  # deliverable -> position of the first non-consultation activity sharing it
    for i, b in enumerate(recs.activities):
        if b.kind != K.CONSULTATION:
            for d in b.deliverable_ids:
                first_with.setdefault(d, i)
    for a in recs.activities:
        if a.kind != K.CONSULTATION:
            continue
        positions = [first_with[d] for d in a.deliverable_ids if d in first_with]
        host = recs.activities[min(positions)] if positions else None
        if host is not None:
            joined[host.pk].append(a)
            joined_ids.add(a.pk)

    total = len(recs.activities)
    for done, a in enumerate(recs.activities, start=1):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)
        if a.pk in in_series or a.pk in joined_ids:
            continue
        draft = _activity_paragraph(a, recs, names, lead, opening_agreement.get(a.pk))
        for extra in joined.get(a.pk, []):
            draft.say(_opener(extra, names, also=True), extra)
            _details(draft, extra, recs, lead, names)
            draft.key += f"+activity:{extra.pk}"
        draft.section = _section(a)
        drafts.append(draft)
    if progress is not None:
        progress(total, total)
    for name, meetings in series.items():
        draft = _series_paragraph(name, meetings, recs, names, lead)
        draft.section = _section(meetings[0])
        drafts.append(draft)
    for ag in recs.agreements:
        if ag.pk in used_agreements:
            continue
        draft = _agreement_paragraph(ag, names, lead_org)
        draft.section = "International Cooperation"
        drafts.append(draft)

    # Chronological; undated records after the dated ones, in the order they were recorded.
    drafts.sort(key=lambda d: (d.on is None, d.on or date.max))
    if report.structure == Report.Structure.BY_PILLAR:
        order = _pillar_order()
        drafts.sort(key=lambda d: order.get(d.section, 99))

    bulletins = _bulletins_paragraph(report)
    if bulletins:
        drafts.append(bulletins)
    # The apps above reports add their own paragraphs (strategies: validated rounds and the workshops
    # serving action plans), named on their AppConfig as ``report_paragraphs(*, report, activity_ids)``:
    # ``activity_ids`` are the activities this report covers, so the period rule stays here.
    for paragraphs in panels.handed_in("report_paragraphs"):
        drafts.extend(paragraphs(report=report, activity_ids=[a.pk for a in recs.activities]))
    head = [d for d in (_opening(report, lead), _awareness_paragraph(report, recs.activities, lead, lead_org)) if d]
    if not drafts:
        empty = Draft(key="empty", on=None)
        empty.say(
            f"No activities, agreements or other records of the initiative fall within the period from "
            f"{prose.day(report.period_start)} to {prose.day(report.period_end)}"
        )
        drafts.append(empty)
    return head + drafts


def _bulletins_paragraph(report: Report) -> Draft | None:
    """"Three bulletins were sent to 1,240 subscribers of the … list, in fulfilment of the commitment to …"."""
    sent = sent_in_period(report.period_start, report.period_end)
    if not sent.bulletins:
        return None

    def count(n: int, noun: str) -> str:
        return f"{'one' if n == 1 else prose.NUMBER_WORDS.get(n, prose.number(n))} {prose.plural(noun, n)}"

    lists = f"the {prose.join([f'“{name}”' for name in sent.lists])} {prose.plural('list', len(sent.lists))}"
    text = f"During the reporting period, {count(sent.bulletins, 'bulletin')} {'was' if sent.bulletins == 1 else 'were'} sent"
    text += f" to {count(sent.subscribers, 'subscriber')} of {lists}" if sent.subscribers else \
        f" to {lists}, but no copy was delivered"
    if sent.commitments:
        aims = prose.join([f"to {prose.lower_first(c.text)}" for c in sent.commitments])
        text += f", in fulfilment of the {prose.plural('commitment', len(sent.commitments))} {aims}"
    draft = Draft(key="bulletins", on=None)
    draft.say(text, *sent.commitments)
    return draft


def _section(a: ActivityRow) -> str:
    """The name of the activity's first pillar by number (``_load`` keeps each activity's pillars in that order)."""
    return a.pillars[0].name if a.pillars else ""


def _pillar_order() -> dict[str, int]:
    return {p.name: p.number for p in Pillar.objects.all()}
