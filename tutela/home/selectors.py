"""What the home page and the workspace show, read through each owning app's selectors.

Nothing here decides who may see what: every list comes from the selector of the app that owns
the records, which asks ``core.access`` (and, for public figures, the dashboard summary that
``core.disclosure`` controlled). Counts are aggregate queries, a fixed number per page whatever
the number of records (the tests hold the workspace to that).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tutela.activities import selectors as activities
from tutela.bulletins import selectors as bulletins
from tutela.consultations import selectors as consultations
from tutela.consultations.services import format_instant
from tutela.coordination import selectors as coordination
from tutela.core import access, review
from tutela.core.access import Actor, User
from tutela.core.choices import FigureKind
from tutela.exchange import selectors as exchange
from tutela.figures import selectors as figures
from tutela.initiatives import selectors as initiatives
from tutela.library import selectors as library
from tutela.partners import selectors as partners
from tutela.reports import selectors as reports

ROWS = 5  # rows listed per section; the count says how many there are in all
DUE_SOON_DAYS = 30  # a focal point's commitments due within this many days


# --- The home page ----------------------------------------------------------------------------

@dataclass
class Branding:
    name: str
    logo: str  # a local address, or ""


def branding() -> Branding:
    """The initiative's name and logo: settings first (``INITIATIVE_NAME``, ``INITIATIVE_LOGO``), else the
    first initiative recorded. A logo is a path on this site: another site's address is ignored (no page
    loads anything from a third party)."""
    name = settings.INITIATIVE_NAME.strip()
    if not name:
        initiative = initiatives.main_initiative()
        name = initiative.name if initiative is not None else "Tutela"
    logo = settings.INITIATIVE_LOGO.strip()
    if logo.startswith(settings.MEDIA_URL) and "//" not in logo:
        pass
    elif logo and "//" not in logo and ":" not in logo:
        logo = static(logo.lstrip("/"))
    else:
        logo = ""
    return Branding(name=name, logo=logo)


@dataclass
class Item:
    title: str
    url: str
    when: date | None = None
    until: date | None = None
    note: str = ""


def _events(user: Actor, today: date) -> list[Item]:
    found = [Item(a.title, reverse("activities:activity_detail", args=[a.pk]), a.starts_on, a.ends_on,
                  " · ".join(x for x in (a.get_kind_display(), a.city, a.occasion.name if a.occasion else "") if x))
             for a in activities.upcoming_activities(user, today=today, limit=ROWS)]
    found += [Item(o.name, reverse("activities:occasion_detail", args=[o.pk]), o.starts_on, o.ends_on,
                   " · ".join(x for x in (o.get_kind_display(), o.city) if x))
              for o in activities.upcoming_occasions(user, today=today, limit=ROWS)]
    return sorted(found, key=lambda i: (i.when or today, i.title))[:ROWS]


def _documents(user: Actor) -> list[Item]:
    found = [Item(d.title, reverse("coordination:document_detail", args=[d.pk]), d.document_date, None,
                  f"{d.number} · {d.body.short_name}")
             for d in coordination.latest_documents(user, limit=ROWS)]
    found += [Item(r.title, reverse("library:resource_detail", args=[r.pk]), r.created_at.date(), None,
                   r.get_kind_display())
              for r in library.latest_resources(user, limit=ROWS)]
    return sorted(found, key=lambda i: i.when or date.min, reverse=True)[:ROWS]


def _figures(user: Actor) -> tuple[list[dict], Any]:
    """Headline figures: each total says its kind and links to the figures it adds up."""
    entries, refreshed_at = figures.headline_figures(user, limit=4)
    list_url = reverse("figures:figure_list")
    for entry in entries:
        for cell in entry["actual"]:
            cell["url"] = list_url + "?" + urlencode({"indicator": entry["indicator"].code, "kind": cell["kind"],
                                                      "measure": "actual", "level": "top"})
            cell["kind_label"] = FigureKind.word(cell["kind"])  # "estimé" on a French page
    return entries, refreshed_at


def _zone(user: Actor, consultation: Any) -> str:
    """A deadline is shown in the reader's time zone when they chose one, else the consultation's."""
    return getattr(user, "time_zone", "") or consultation.time_zone


def home_page(user: Actor, *, now: datetime) -> dict[str, Any]:
    today = now.date()
    headline, refreshed_at = _figures(user)
    return {
        "branding": branding(),
        "consultations": [{"consultation": c, "closes": format_instant(c.closes_at, _zone(user, c))}
                          for c in consultations.open_consultations(user, now=now, limit=ROWS)],
        "events": _events(user, today),
        "documents": _documents(user),
        "figures": headline,
        "figures_as_of": refreshed_at,
        "today": today,
    }


# --- The workspace ----------------------------------------------------------------------------

@dataclass
class Section:
    """One kind of work waiting: how many, the first few, and where to act on them."""

    key: str
    title: str
    count: int
    url: str  # where to act on all of them
    action: str  # the link's words
    rows: list[Item] = field(default_factory=list)
    empty: str = ""


def _capped(queryset: Any) -> tuple[int, list[Any]]:
    """The count and the first ``ROWS`` rows (two queries; one when there are fewer than ``ROWS``)."""
    rows = list(queryset[:ROWS])
    return (len(rows) if len(rows) < ROWS else queryset.count()), rows


def _comment_sections(user: Actor) -> list[Section]:
    work = consultations.comment_work(user)
    moderate = [w for w in work if w["pending"]]
    decide = [w for w in work if w["undecided"]]
    dashboard = reverse("consultations:dashboard")
    return [
        Section("moderate", _("Comments to moderate"), sum(w["pending"] for w in moderate), dashboard,
                _("Open the consultations' workspace"),
                [Item(w["consultation"].title, reverse("consultations:moderation", args=[w["consultation"].pk]),
                      note=_("%(n)s waiting") % {"n": w["pending"]}) for w in moderate[:ROWS]],
                _("No comment waits for moderation.")),
        Section("decide", _("Comments to decide"), sum(w["undecided"] for w in decide), dashboard,
                _("Open the consultations' workspace"),
                [Item(w["consultation"].title, reverse("consultations:dispositions", args=[w["consultation"].pk]),
                      note=_("%(n)s without a decision") % {"n": w["undecided"]}) for w in decide[:ROWS]],
                _("Every comment has a decision.")),
    ]


def _commitments_section(user: Actor, *, by: date, title: str, empty: str) -> Section:
    count, rows = _capped(partners.commitments_due(user=user, by=by))
    return Section("commitments", title, count, reverse("partners:agreement_list"), _("Open the agreements"),
                   [Item(c.text[:120], reverse("partners:agreement_detail", args=[c.agreement_id]), c.next_due_on,
                         note=f"{c.get_cadence_display()} · {c.agreement.title}") for c in rows], empty)


def secretariat_work(user: User, *, today: date) -> list[Section]:
    sections = _comment_sections(user)
    count, rows = _capped(coordination.replies_due(user, today=today))
    sections.append(Section(
        "replies", _("Replies due"), count, reverse("coordination:dashboard"), _("Open the chair's dashboard"),
        [Item(r.liaison.subject, reverse("coordination:liaison_detail", args=[r.liaison_id]), r.deadline,
              note=_("%(body)s owes a reply to %(sender)s") % {"body": r.body.short_name, "sender": r.liaison.from_body.short_name})
         for r in rows], _("No reply is owed.")))
    count, rows = _capped(reports.drafts(user))
    sections.append(Section(
        "reports", _("Reports in draft"), count, reverse("reports:report_list"), _("Open the reports"),
        [Item(r.title, reverse("reports:report_detail", args=[r.pk]), r.period_end, note=r.get_status_display())
         for r in rows], _("No report is in draft.")))
    kinds = [k for k in review.waiting_counts(user) if k["count"]]
    review_url = reverse("core:review_queue")
    sections.append(Section(
        "review", _("Partner submissions to review"), sum(k["count"] for k in kinds), review_url, _("Open the review queue"),
        [Item(str(k["name"]).capitalize(), review_url, note=_("%(n)s waiting") % {"n": k["count"]}) for k in kinds],
        _("Nothing waits for review.")))
    count, rows = _capped(exchange.failed_imports(user))
    sections.append(Section(
        "imports", _("Imports that failed"), count, reverse("exchange:index"), _("Open import / export"),
        [Item(j.original_name or _("Import %(n)s") % {"n": j.pk}, reverse("exchange:job", args=[j.pk]),
              j.created_at.date(), note=j.get_kind_display()) for j in rows], _("No import failed.")))
    behind = bulletins.commitments_behind_cadence(user=user, today=today)  # the rule the commitment's page shows
    sections.append(Section(
        "commitments", _("Commitments behind their cadence"), len(behind), reverse("partners:agreement_list"),
        _("Open the agreements"),
        [Item(c.text[:120], reverse("partners:agreement_detail", args=[c.agreement_id]), c.next_due_on,
              note=f"{check.sentence} · {c.agreement.title}") for c, check in behind[:ROWS]],
        _("No commitment is behind its cadence.")))
    return sections


def _review_note(obj: Any, decision: Any) -> str:
    """Where a record of one's own stands: submitted, returned (with the secretariat's reason), or a draft."""
    if obj.awaiting_review:
        return _("submitted: waiting for review")
    if decision is not None and decision.decision == "returned":
        return _("returned: %(reason)s") % {"reason": decision.reason[:200]}
    return _("draft")


def focal_point_work(user: User, *, today: date) -> list[Section]:
    org = user.organisation
    sections = []
    activity_count = activities.editable_activities(user).count()
    agreement_count = partners.editable_agreements(user=user).count()
    records = [Item(ngettext("%(n)s activity you can edit", "%(n)s activities you can edit", activity_count)
                    % {"n": activity_count}, reverse("activities:activity_editable")),
               Item(ngettext("%(n)s agreement your organisation is a party to",
                             "%(n)s agreements your organisation is a party to", agreement_count)
                    % {"n": agreement_count}, reverse("partners:my_records"))]
    if org is not None:
        records.insert(0, Item(org.name, reverse("partners:organisation_detail", args=[org.pk]), note=_("your organisation")))
    sections.append(Section("records", _("Your organisation's records"), activity_count + agreement_count,
                            reverse("partners:my_records"), _("Open the records you can edit"), records))
    sections.append(_commitments_section(user, by=today + timedelta(days=DUE_SOON_DAYS),
                                         title=_("Commitments due in the next %(n)s days") % {"n": DUE_SOON_DAYS},
                                         empty=_("No commitment is due.")))
    activity_drafts = activities.unpublished_editable(user)
    figure_drafts = figures.unpublished_editable(user).select_related("indicator")
    a_count, a_rows = _capped(activity_drafts)
    f_count, f_rows = _capped(figure_drafts)
    a_decisions, f_decisions = review.latest_decisions(a_rows), review.latest_decisions(f_rows)
    rows = [Item(a.title, reverse("activities:activity_detail", args=[a.pk]), a.starts_on,
                 note=_review_note(a, a_decisions.get(a.pk))) for a in a_rows]
    rows += [Item(str(f.indicator), reverse("figures:figure_detail", args=[f.pk]), f.as_of,
                  note=_review_note(f, f_decisions.get(f.pk))) for f in f_rows]
    sections.append(Section("drafts", _("Drafts and submissions"), a_count + f_count,
                            reverse("activities:activity_editable"), _("Open the activities you can edit"),
                            rows[:ROWS], _("Nothing of yours waits: every record is published.")))
    comment_sections = [s for s in _comment_sections(user) if s.count]
    return sections + comment_sections


def stakeholder_work(user: User) -> list[Section]:
    count, rows = _capped(consultations.comments_by(user))
    return [Section(
        "comments", _("Your comments"), count, reverse("consultations:consultation_list"), _("Open the consultations"),
        [Item(c.consultation.title, reverse("consultations:receipt", args=[c.receipt]), c.received_at.date(),
              note=_("Receipt %(receipt)s · %(status)s") % {"receipt": c.receipt, "status": c.get_status_display()})
         for c in rows],
        _("You have not commented yet. Open a consultation to comment on a paragraph."))]


def workspace(user: User, *, today: date) -> list[Section]:
    role = access.role_of(user)
    if role == "secretariat":
        return secretariat_work(user, today=today)
    if role == "focal_point":
        return focal_point_work(user, today=today)
    return stakeholder_work(user)
