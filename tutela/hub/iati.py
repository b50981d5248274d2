"""IATI 2.03 export: the published activities as an activity file, the reporting organisation as an
organisation file. The mapping is docs/hub.md's "IATI 2.03"; the bundled schema is in iati_schema/.

The activity file is streamed: activities are read in keyset chunks of ``CHUNK`` with their
pillars, partners and figures, each chunk is written and dropped, so memory stays flat however
many there are. An activity that lacks a field IATI requires is never written: ``problems`` names
the reasons, and the export report (``report``) lists it as skipped. Children's figures pass
through figures' disclosure control exactly as on the pages (the public's view).
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from lxml import etree
from lxml.builder import E

from tutela.activities.models import Activity, ActivityPartner
from tutela.figures.disclosure import withhold_figures
from tutela.figures.models import Figure
from tutela.initiatives.models import Initiative
from tutela.partners.models import Organisation

from .selectors import Paths

VERSION = "2.03"
CHUNK = 1000
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# IATI OrganisationRole: 1 Funding, 2 Accountable, 3 Extending, 4 Implementing. A participant has no IATI role.
ROLES: dict[str, str] = {
    ActivityPartner.Role.FUNDER: "1",
    ActivityPartner.Role.ORGANISER: "4",
    ActivityPartner.Role.CO_ORGANISER: "4",
    ActivityPartner.Role.HOST: "4",
    ActivityPartner.Role.TRAINER: "4",
}
# IATI OrganisationType. Civil society and "other" are left without a type: national or international is not recorded.
ORG_TYPES: dict[str, str] = {
    Organisation.Kind.GOVERNMENT: "10", Organisation.Kind.REGULATOR: "10", Organisation.Kind.LAW_ENFORCEMENT: "10",
    Organisation.Kind.UN_AGENCY: "40", Organisation.Kind.INTERGOVERNMENTAL: "40",
    Organisation.Kind.PRIVATE_SECTOR: "70", Organisation.Kind.ACADEMIA: "80", Organisation.Kind.SCHOOL: "80",
}
# The five pillars as OECD DAC CRS 5-digit purpose codes (vocabulary 1). Settings may replace it: IATI_PILLAR_SECTORS.
PILLAR_SECTORS = {
    1: "15130",  # Legal measures → Legal and judicial development
    2: "22040",  # Technical and procedural measures → Information and communication technology (ICT)
    3: "15110",  # Organisational structures → Public sector policy and administrative management
    4: "11430",  # Capacity building → Advanced technical and managerial training
    5: "15160",  # International cooperation → Human rights (children's rights)
}
# IATI ActivityStatus: 1 Pipeline/identification, 3 Finalisation, 5 Cancelled.
STATUSES: dict[str, str] = {Activity.Status.PLANNED: "1", Activity.Status.HELD: "3", Activity.Status.CANCELLED: "5"}


@dataclass
class Report:
    written: int = 0
    skipped: int = 0
    examples: list[tuple[int, str, list[str]]] = field(default_factory=list)  # (pk, title, reasons), first 1,000

    def skip(self, pk: int, title: str, reasons: list[str]) -> None:
        self.skipped += 1
        if len(self.examples) < 1000:
            self.examples.append((pk, title, reasons))


def reporting_org() -> dict[str, str]:
    name = getattr(settings, "IATI_REPORTING_ORG_NAME", "")
    if not name:
        initiative = Initiative.objects.select_related("lead_organisation").order_by("pk").first()
        lead = initiative.lead_organisation if initiative else None
        name = lead.name if lead else (initiative.name if initiative else "Tutela")
    return {"ref": getattr(settings, "IATI_REPORTING_ORG_REF", "XI-IATI-TUTELA"),
            "type": getattr(settings, "IATI_REPORTING_ORG_TYPE", "40"), "name": name}


def _sectors() -> dict[int, str]:
    return {int(k): str(v) for k, v in getattr(settings, "IATI_PILLAR_SECTORS", PILLAR_SECTORS).items()}


def _narrative(text: str) -> etree._Element:
    return E.narrative(text)


def _iso(d: date) -> str:
    return d.isoformat()


def _decimal(value: Any) -> str:
    d = Decimal(value)
    return format(d.normalize(), "f") if d == d.to_integral() else format(d, "f")


# What an activity needs here, read as plain rows (``values``): a chunk of 1,000 builds no model instances.
ACTIVITY_FIELDS = ("pk", "title", "summary", "objective", "status", "starts_on", "ends_on", "country", "online",
                   "updated_at", "is_illustrative")


@dataclass(slots=True)
class ActivityRow:
    """An activity as the export reads it (``ACTIVITY_FIELDS``); ``country`` is the ISO code ("" when none)."""

    pk: int
    title: str
    summary: str
    objective: str
    status: str
    starts_on: date
    ends_on: date
    country: str
    online: bool
    updated_at: datetime
    is_illustrative: bool


@dataclass
class _Chunk:
    activities: list[ActivityRow]
    pillars: dict[int, list[int]]
    partners: dict[int, list[tuple[str, str, str]]]  # activity → (role code, organisation name, type)
    figures: dict[int, list[Figure]]


def _activities():
    return Activity.objects.public().order_by("pk")


def _chunks(chunk: int = CHUNK) -> Iterator[_Chunk]:
    """The public activities in keyset chunks of ``chunk``, with what each needs. Their pillars, partners and
    figures are read by the chunk's range of primary keys (first…last), not by a list of 1,000 of them
    (each such list was 1,000 parameters to prepare, three times a chunk); rows of activities in the range
    that are not public are read and never looked up (figures: dropped before disclosure control)."""
    activity_type = ContentType.objects.get_for_model(Activity)
    last = 0
    while True:
        activities = [ActivityRow(**row) for row in _activities().filter(pk__gt=last).values(*ACTIVITY_FIELDS)[:chunk]]
        if not activities:
            return
        first, last = activities[0].pk, activities[-1].pk
        pillars: dict[int, list[int]] = {}
        through = Activity.pillars.through.objects.filter(activity_id__gte=first, activity_id__lte=last)
        for activity_id, number in through.values_list("activity_id", "pillar__number").order_by("pillar__number"):
            pillars.setdefault(activity_id, []).append(number)
        partners: dict[int, list[tuple[str, str, str]]] = {}
        roles = (ActivityPartner.objects.filter(activity_id__gte=first, activity_id__lte=last, role__in=list(ROLES))
                 .values_list("activity_id", "role", "organisation__name", "organisation__kind").order_by("pk"))
        for activity_id, role, name, kind in roles:
            partners.setdefault(activity_id, []).append((ROLES[role], name, ORG_TYPES.get(kind, "")))
        figures: dict[int, list[Figure]] = {}
        ids = {a.pk for a in activities}
        found = [f for f in Figure.objects.public().filter(subject_type=activity_type, subject_id__gte=first,
                                                           subject_id__lte=last)
                 .select_related("indicator").order_by("indicator_id", "pk") if f.subject_id in ids]
        for start in range(0, len(found), 50):  # figures' disclosure decides per subject in batches of 50
            withhold_figures(AnonymousUser(), found[start:start + 50])  # the public's view
        for f in found:
            figures.setdefault(int(f.subject_id or 0), []).append(f)
        yield _Chunk(activities, pillars, partners, figures)


def problems(activity: ActivityRow, pillars: list[int], partners: list, *, sectors: dict[int, str] | None = None) -> list[str]:
    """Why this activity cannot be an IATI activity (empty when it can)."""
    reasons = []
    if activity.is_illustrative:
        reasons.append("an illustrative record, not a real activity")
    if not activity.title.strip():
        reasons.append("no title")
    if not (activity.summary.strip() or activity.objective.strip()):
        reasons.append("no description: IATI requires one (give a summary or an objective)")
    if not partners:
        reasons.append("no participating organisation with an IATI role (organiser, co-organiser, host, funder or trainer)")
    sectors = sectors if sectors is not None else _sectors()
    if not any(n in sectors for n in pillars):
        reasons.append("no pillar with a DAC sector code")
    if not activity.country:
        reasons.append("no recipient country" + (" (held online)" if activity.online else ""))
    if activity.ends_on < activity.starts_on:
        reasons.append("ends before it starts")
    return reasons


def _figure_element(f: Figure) -> etree._Element:
    tag = "target" if f.measure == Figure.Measure.TARGET else "actual"
    el = etree.Element(tag)
    if not getattr(f, "withheld", "") and f.value is not None:
        el.set("value", _decimal(f.value))
    dims = []
    if f.group:
        dims.append(("group", f.group))
    if f.min_age is not None or f.max_age is not None:
        dims.append(("age", f"{f.min_age if f.min_age is not None else ''}-{f.max_age if f.max_age is not None else ''}"))
    if f.sex:
        dims.append(("sex", f.sex))
    if f.country:
        dims.append(("country", str(f.country)))
    for name, value in dims:
        el.append(E.dimension(name=name, value=value))
    comment = f"{f.get_kind_display()}"
    if getattr(f, "withheld", ""):
        comment += "; value withheld (a small count of children, disclosure control)"
    elif f.low is not None and f.high is not None:
        comment += f", range {_decimal(f.low)}–{_decimal(f.high)}"
    comment += f". Source: {f.source}"
    el.append(E.comment(_narrative(comment)))
    return el


def _results(activity: ActivityRow, figures: list[Figure]) -> list[etree._Element]:
    by_indicator: dict[int, list[Figure]] = {}
    for f in figures:
        by_indicator.setdefault(f.indicator_id, []).append(f)
    results = []
    for group in by_indicator.values():
        indicator = group[0].indicator
        kinds = sorted({str(f.get_kind_display()).lower() for f in group})
        periods: dict[tuple[date, date], list[Figure]] = {}
        for f in group:
            start, end = f.period_start or activity.starts_on, f.period_end or f.as_of
            if end < start:
                start = end
            periods.setdefault((start, end), []).append(f)
        ind = E.indicator(
            E.title(_narrative(f"{indicator.name} ({indicator.unit})")),
            E.description(_narrative(f"Kind of figures: {', '.join(kinds)}.")),
            measure="2" if indicator.unit.strip() in {"%", "percent", "per cent"} else "1")
        for (start, end), members in sorted(periods.items()):
            period = E.period(E("period-start", **{"iso-date": _iso(start)}), E("period-end", **{"iso-date": _iso(end)}))
            for f in sorted(members, key=lambda f: (f.measure != Figure.Measure.TARGET, f.pk)):
                period.append(_figure_element(f))
            ind.append(period)
        results.append(E.result(E.title(_narrative(indicator.name)), ind, type="1"))
    return results


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def _narrated(parent: etree._Element, tag: str, text: str, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag, attrs)
    etree.SubElement(el, "narrative").text = text
    return el


def activity_element(activity: ActivityRow, pillars: list[int], partners: list, figures: list[Figure],
                     org: dict[str, str], *, sectors: dict[int, str] | None = None, url: str = "") -> etree._Element:
    """One ``iati-activity``. ``sectors`` and ``url`` are given by the export (read once per file); alone,
    they are read here."""
    sectors = sectors if sectors is not None else _sectors()
    held = activity.status == Activity.Status.HELD and activity.ends_on <= timezone.localdate()
    el = etree.Element("iati-activity", {"last-updated-datetime": activity.updated_at.isoformat(timespec="seconds"),
                                         XML_LANG: "en", "hierarchy": "1"})
    _sub(el, "iati-identifier", f"{org['ref']}-{activity.pk}")
    _narrated(el, "reporting-org", org["name"], ref=org["ref"], type=org["type"])
    _narrated(el, "title", activity.title)
    if activity.summary.strip():
        _narrated(el, "description", activity.summary.strip(), type="1")
    if activity.objective.strip():
        _narrated(el, "description", activity.objective.strip(), type="2")
    for role, name, kind in partners:
        attrs = {"role": role}
        if kind:
            attrs["type"] = kind
        _narrated(el, "participating-org", name, **attrs)
    _sub(el, "activity-status", code=STATUSES.get(activity.status, "2"))
    _sub(el, "activity-date", type="2" if held else "1", **{"iso-date": _iso(activity.starts_on)})
    _sub(el, "activity-date", type="4" if held else "3", **{"iso-date": _iso(activity.ends_on)})
    _sub(el, "activity-scope", code="4")  # national: one recipient country
    _sub(el, "recipient-country", code=str(activity.country))
    codes = list(dict.fromkeys(sectors[n] for n in pillars if n in sectors))
    shares = [Decimal(100) / len(codes)] * len(codes)
    shares = [s.quantize(Decimal("0.01")) for s in shares]
    if codes:
        shares[-1] = Decimal(100) - sum(shares[:-1])
    for code, share in zip(codes, shares, strict=True):
        attrs = {"vocabulary": "1", "code": code}
        if len(codes) > 1:
            attrs["percentage"] = _decimal(share)
        _sub(el, "sector", **attrs)
    url = url or settings.SITE_URL + reverse("activities:activity_detail", args=[activity.pk])
    link = _sub(el, "document-link", url=url, format="text/html")
    _narrated(link, "title", activity.title)
    _sub(link, "category", code="A01")
    _sub(link, "language", code="en")
    el.extend(_results(activity, figures))
    return el


def activities_xml(report: Report | None = None, *, chunk: int = CHUNK) -> Iterator[bytes]:
    """The activity file, piece by piece; ``report`` (if given) is filled as it goes.

    The schema wants at least one ``iati-activity``, so the file starts with its first written
    activity: when no activity can be written, this yields nothing at all.
    """
    report = report if report is not None else Report()
    org = reporting_org()
    now = timezone.now().isoformat(timespec="seconds")
    header = (f'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="{VERSION}" '
              f'generated-datetime="{now}">\n').encode()
    sectors, paths = _sectors(), Paths()
    for c in _chunks(chunk):
        parts = []
        for a in c.activities:
            pillars, partners = c.pillars.get(a.pk, []), c.partners.get(a.pk, [])
            reasons = problems(a, pillars, partners, sectors=sectors)
            if reasons:
                report.skip(a.pk, a.title, reasons)
                continue
            url = settings.SITE_URL + paths("activities:activity_detail", a.pk)
            element = activity_element(a, pillars, partners, c.figures.get(a.pk, []), org, sectors=sectors, url=url)
            parts.append(etree.tostring(element, encoding="unicode"))
            report.written += 1
        if parts:
            yield header + ("\n".join(parts) + "\n").encode()
            header = b""
    if report.written:
        yield (f"<!-- {report.written} activities written, {report.skipped} skipped (the export report at "
               f"{reverse('hub:iati')} says why) -->\n</iati-activities>\n").encode()


def report() -> Report:
    """Which published activities the activity file writes and which it skips, with the reasons."""
    result, sectors = Report(), _sectors()
    for c in _chunks():
        for a in c.activities:
            reasons = problems(a, c.pillars.get(a.pk, []), c.partners.get(a.pk, []), sectors=sectors)
            if reasons:
                result.skip(a.pk, a.title, reasons)
            else:
                result.written += 1
    return result


def organisation_xml() -> bytes:
    org = reporting_org()
    now = timezone.now().isoformat(timespec="seconds")
    root = E("iati-organisations", E(
        "iati-organisation",
        E("organisation-identifier", org["ref"]),
        E.name(_narrative(org["name"])),
        E("reporting-org", _narrative(org["name"]), ref=org["ref"], type=org["type"]),
        E("document-link", E.title(_narrative("Activities (IATI 2.03 activity file)")), E.category(code="B01"),
          E.language(code="en"), url=settings.SITE_URL + reverse("hub:iati_activities"), format="application/xml"),
        **{"last-updated-datetime": now, XML_LANG: "en"}),
        version=VERSION, **{"generated-datetime": now})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def generated_at() -> datetime:
    return timezone.now()
