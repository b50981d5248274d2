"""Reads for coordination: what a user may see, and the coordination-specific rules built on ``core.access``.

Who may do what, on top of ``tutela.core.access``:

* reading follows ``access``: published bodies, meetings and sent liaisons are public; a
  document is public or members-only, and the members of a body (focal points of its member
  organisations) and the secretariat read members-only documents;
* **registering a document** on a body: the secretariat, a chair of the body, or a focal point
  of a member organisation (``access.can_write`` on the body: members own it);
* **managing a body** (meetings, agenda, decisions, actions, terms of reference, lifetime,
  liaisons, withdrawing documents): the secretariat or a current chair, co-chair or
  vice-chair of the body. A chair is recognised by the e-mail address of the appointed person.
"""

import re
from datetime import date, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Lower
from django.db.models.lookups import Contains
from django.utils import timezone

from tutela.core import access
from tutela.core.access import Actor
from tutela.core.progress import Progress
from tutela.initiatives.models import Appointment

from .models import (
    LIFETIME_WARNING_DAYS,
    ActionItem,
    Body,
    Document,
    LiaisonRecipient,
    LiaisonStatement,
    Meeting,
)

CHAIR_ROLES = [Appointment.Role.CHAIR, Appointment.Role.CO_CHAIR, Appointment.Role.VICE_CHAIR]


# --- Rules ----------------------------------------------------------------------------------

def chairs_of(body: Body, on: date | None = None) -> QuerySet[Appointment]:
    return (
        Appointment.objects.on(body).current(on).filter(role__in=CHAIR_ROLES)
        .select_related("person", "person__organisation").order_by("role", "starts_on", "pk")
    )


def chaired_body_ids(user: Actor) -> set[int]:
    """Bodies whose current chair, co-chair or vice-chair is this user (matched by e-mail)."""
    email = getattr(user, "email", "") if getattr(user, "is_authenticated", False) else ""
    if not email:
        return set()
    body_type = ContentType.objects.get_for_model(Body)
    return set(
        Appointment.objects.current().filter(subject_type=body_type, role__in=CHAIR_ROLES, person__email__iexact=email)
        .values_list("subject_id", flat=True)
    )


def can_manage(user: Actor, body: Body) -> bool:
    return access.is_secretariat(user) or body.pk in chaired_body_ids(user)


def can_register(user: Actor, body: Body) -> bool:
    return access.can_write(user, body) or can_manage(user, body)


def is_member(user: Actor, body: Body) -> bool:
    return access.is_secretariat(user) or bool(access.user_organisation_ids(user) & body.owner_organisation_ids()) \
        or body.pk in chaired_body_ids(user)


# --- Bodies ---------------------------------------------------------------------------------

def body_list(user: Actor) -> QuerySet[Body]:
    return (
        access.readable(user, Body.objects.all()).select_related("parent")
        .annotate(meeting_count=Count("meetings", distinct=True))
        .order_by("short_name")
    )


def body_for(user: Actor, slug: str) -> Body:
    body = Body.objects.select_related("parent", "parent__parent").filter(slug=slug).first()
    return access.get_for_user(user, Body, body.pk if body else None)


# --- Meetings -------------------------------------------------------------------------------

def meetings_of(body: Body) -> QuerySet[Meeting]:
    return body.meetings.select_related("body", "activity", "report_document").order_by("-ordinal")


def meeting_for(user: Actor, body: Body, ordinal: int) -> Meeting:
    meeting = (
        Meeting.objects.select_related("body", "activity", "report_document")
        .filter(body=body, ordinal=ordinal).first()
    )
    return access.get_for_user(user, Meeting.objects.select_related("body"), meeting.pk if meeting else None)


def meeting_page(meeting: Meeting, user: Actor) -> dict[str, Any]:
    return {
        "agenda": meeting.agenda_items.prefetch_related("documents"),
        "visible_agenda_documents": set(
            readable_documents(user).filter(agenda_items__meeting=meeting).values_list("pk", flat=True)
        ),
        "documents": readable_documents(user).filter(meeting=meeting).order_by("sequence"),
        "attendance": meeting.attendance.select_related("organisation", "person"),
        "decisions": meeting.decisions.all(),
        "actions": meeting.action_items.select_related("owner_person"),
        "liaisons": readable_liaisons(user).filter(from_meeting=meeting),
    }


ATTENDANCE_COLUMNS = 12


def attendance_history(body: Body, *, before: int | None = None, size: int = ATTENDANCE_COLUMNS) -> dict[str, Any]:
    """Who attended which meetings: one row per organisation or named adult, one column per meeting.

    Shows ``size`` meetings, the newest first, older than ordinal ``before`` when given. A person who
    may no longer be named is not shown by name: their attendance counts under their organisation.
    Two queries whatever the number of rows.
    """
    from tutela.coordination.models import Attendance

    qs = body.meetings.exclude(status=Meeting.Status.CANCELLED).order_by("-ordinal")
    if before is not None:
        qs = qs.filter(ordinal__lt=before)
    meetings = list(qs[: size + 1])
    older = len(meetings) > size
    meetings = meetings[:size]
    meetings.reverse()  # oldest on the left, as minutes read
    after: list[int] = []
    if before is not None and meetings:
        after = list(body.meetings.exclude(status=Meeting.Status.CANCELLED).filter(ordinal__gt=meetings[-1].ordinal)
                     .order_by("ordinal").values_list("ordinal", flat=True)[: size + 1])
    column = {m.pk: i for i, m in enumerate(meetings)}
    rows: dict[tuple[str, int | None], dict[str, Any]] = {}
    entries = (
        Attendance.objects.filter(meeting__in=list(column)).select_related("organisation", "person")
        .order_by("pk")
    )
    for a in entries:
        if a.person and a.person.may_be_named:
            key, label, detail = ("person", a.person_id), str(a.person), str(a.organisation or "")
        elif a.organisation_id:
            key, label, detail = ("organisation", a.organisation_id), str(a.organisation), ""
        else:
            continue  # a person who may no longer be named, without an organisation: not shown
        row = rows.setdefault(key, {"kind": key[0], "label": label, "detail": detail,
                                    "cells": [None] * len(meetings), "total": 0})
        i = column[a.meeting_id]
        if row["cells"][i] is None:
            row["total"] += 1
            row["cells"][i] = "remote" if a.remote else "present"
    ordered = sorted(rows.values(), key=lambda r: (r["kind"] != "organisation", -r["total"], r["label"].casefold()))
    return {
        "meetings": meetings,
        "rows": ordered,
        "older_before": meetings[0].ordinal if older and meetings else None,
        "has_newer": bool(after),
        # The later page ends ``size`` meetings after the newest column here; None is the latest page.
        "newer_before": after[size - 1] + 1 if len(after) > size else None,
    }


def attendance_candidates(meeting: Meeting) -> dict[str, list]:
    """Who the attendance form offers as boxes: the body's member organisations and its named members
    and chairs, less those already recorded for this meeting."""
    from tutela.partners.models import Organisation

    body = meeting.body
    orgs_present = set(meeting.attendance.filter(person__isnull=True).values_list("organisation_id", flat=True))
    people_present = set(meeting.attendance.filter(person__isnull=False).values_list("person_id", flat=True))
    org_ids = set(body.memberships.filter(organisation__isnull=False).values_list("organisation_id", flat=True))
    person_ids = set(body.memberships.filter(person__isnull=False).values_list("person_id", flat=True))
    person_ids |= set(chairs_of(body, meeting.starts_on).values_list("person_id", flat=True))
    from tutela.initiatives.models import Person

    return {
        "organisations": list(Organisation.objects.filter(pk__in=org_ids - orgs_present).order_by("name")),
        "people": list(Person.objects.public().filter(pk__in=person_ids - people_present)
                       .select_related("organisation").order_by("full_name")),
    }


def meetings_for_user(user: Actor) -> QuerySet[Meeting]:
    """Meetings of the bodies a user belongs to or chairs (their calendar)."""
    if access.is_secretariat(user):
        bodies = Body.objects.all()
    else:
        org_ids = access.user_organisation_ids(user)
        bodies = Body.objects.filter(Q(pk__in=chaired_body_ids(user)) | Q(pk__in=Body.objects.owned_by(org_ids).values("pk")))
    return Meeting.objects.filter(body__in=bodies).select_related("body").order_by("starts_on", "pk")


# --- Documents ------------------------------------------------------------------------------

def readable_documents(user: Actor) -> QuerySet[Document]:
    qs = Document.objects.all()
    if access.is_secretariat(user):
        return qs
    org_ids = access.user_organisation_ids(user)
    chaired = chaired_body_ids(user)
    # One filter, not a UNION + DISTINCT: stays an index-friendly query on a large registry.
    condition = Q(access=Document.Access.PUBLIC, body__is_published=True)
    if org_ids:
        condition |= Q(body__in=Body.objects.owned_by(org_ids).values("pk"))
    if chaired:
        condition |= Q(body__in=chaired)
    return qs.filter(condition)


def document_for(user: Actor, pk: int) -> Document:
    doc = Document.objects.select_related("body", "meeting", "meeting__body").filter(pk=pk).first()
    if doc is None:
        return access.get_for_user(user, Document, None)
    if doc.body_id in chaired_body_ids(user):
        return doc
    return access.get_for_user(user, Document.objects.select_related("body", "meeting", "meeting__body"), pk)


def registry_search(user: Actor, *, q: str = "", body: Body | None = None, include_withdrawn: bool = True) -> QuerySet[Document]:
    """Search by number, title and source (case-insensitive substring; trigram-indexed on PostgreSQL)."""
    qs = readable_documents(user).select_related("body", "meeting", "meeting__body")
    if body is not None:
        qs = qs.filter(body=body)
    if not include_withdrawn:
        qs = qs.filter(is_withdrawn=False)
    q = " ".join(q.split())
    if q:
        # A pasted full number is the commonest search: answer it from the number index alone.
        if any(ch.isdigit() for ch in q) and qs.filter(number__iexact=q).exists():
            return qs.filter(number__iexact=q)
        in_number = Q(number__icontains=q)
        bodies = _bodies_whose_numbers_can_contain(q)
        if bodies is not None:
            # LOWER(), not the UPPER() the trigram index is on: read these bodies' rows, skip the trigrams.
            in_number = Q(body__in=bodies) & Q(Contains(Lower("number"), q.lower()))
        qs = qs.filter(in_number | Q(title__icontains=q) | Q(source__icontains=q))
    return qs


NUMBER_FRAGMENT = re.compile(r"^(?P<letters>[^/]*\D)(?P<digits>\d+)$")
NUMBER_SCOPE_MAX_BODIES = 50


def _bodies_whose_numbers_can_contain(q: str) -> list[int] | None:
    """The bodies whose document numbers can contain ``q``, when ``q`` is a number fragment such as
    ``B0123 DOC00`` or ``jca-cop doc04``; None when any body's could (then no restriction).

    A number is the body's prefix followed by digits (``JCA-COP DOC047``) or by ``/meeting/n``. A
    fragment made of non-digits without ``/`` and then digits can only sit in a number whose
    prefix contains its non-digit part, so only those bodies' numbers need to be searched: the
    search then reads one body's few thousand numbers instead of intersecting trigram lists
    (``DOC``, ``OC0``…) that every one of millions of numbers holds. Same results, exactly.
    """
    match = NUMBER_FRAGMENT.match(q)
    if match is None or not any(ch.isalpha() for ch in match["letters"]):
        return None
    ids = list(Body.objects.filter(number_prefix__icontains=match["letters"]).values_list("pk", flat=True)
               [: NUMBER_SCOPE_MAX_BODIES + 1])
    return ids if len(ids) <= NUMBER_SCOPE_MAX_BODIES else None


REGISTRY_ORDERING = ["-registered_at", "-id"]


# --- Liaisons -------------------------------------------------------------------------------

def readable_liaisons(user: Actor) -> QuerySet[LiaisonStatement]:
    qs = LiaisonStatement.objects.all()
    if access.is_secretariat(user):
        return qs
    condition = Q(pk__in=LiaisonStatement.objects.public().values("pk"))
    chaired = chaired_body_ids(user)
    org_ids = access.user_organisation_ids(user)
    if chaired:
        condition |= Q(from_body__in=chaired) | Q(pk__in=LiaisonRecipient.objects.filter(body__in=chaired).values("liaison_id"))
    if org_ids:
        condition |= Q(pk__in=LiaisonStatement.objects.owned_by(org_ids).values("pk"))
    return qs.filter(condition)


def liaison_list(user: Actor, *, body: Body | None = None, direction: str = "") -> QuerySet[LiaisonStatement]:
    qs = readable_liaisons(user).select_related("from_body", "from_meeting", "reply_to").prefetch_related(
        Prefetch("recipients", queryset=LiaisonRecipient.objects.select_related("body"))
    )
    if body is not None:
        incoming = Q(pk__in=LiaisonRecipient.objects.filter(body=body).values("liaison_id"))
        outgoing = Q(from_body=body)
        qs = qs.filter(outgoing if direction == "out" else incoming if direction == "in" else outgoing | incoming)
    return qs


def liaison_for(user: Actor, pk: int) -> LiaisonStatement:
    liaison = LiaisonStatement.objects.filter(pk=pk).select_related("from_body").first()
    if liaison is not None and (
        liaison.from_body_id in chaired_body_ids(user)
        or liaison.recipients.filter(body__in=chaired_body_ids(user)).exists()
    ):
        return liaison
    return access.get_for_user(user, LiaisonStatement.objects.select_related("from_body"), pk)


def reminders_due(today: date | None = None, days: int = 7) -> QuerySet[LiaisonRecipient]:
    """Recipients asked for action whose deadline is within ``days`` and who were not reminded yet."""
    today = today or timezone.localdate()
    return LiaisonRecipient.objects.filter(
        purpose=LiaisonRecipient.Purpose.ACTION,
        deadline__gte=today, deadline__lte=today + timedelta(days=days),
        reminder_sent_on__isnull=True,
        liaison__status__in=[LiaisonStatement.Status.SENT, LiaisonStatement.Status.AWAITING_REPLY],
    )


# --- The chair's dashboard ------------------------------------------------------------------

def dashboard_bodies(user: Actor) -> QuerySet[Body]:
    if access.is_secretariat(user):
        return Body.objects.filter(status=Body.Status.ACTIVE).exclude(kind=Body.Kind.EXTERNAL)
    return Body.objects.filter(pk__in=chaired_body_ids(user))


DASHBOARD_ROWS = 20


def _capped(queryset, size: int = DASHBOARD_ROWS) -> tuple[list, bool]:
    """The first ``size`` rows, and whether there are more (one query)."""
    rows = list(queryset[: size + 1])
    return rows[:size], len(rows) > size


DASHBOARD_DOCUMENT_BODIES = 10


def dashboard(user: Actor, bodies: QuerySet[Body], today: date | None = None) -> dict[str, Any]:
    """What a chair needs to see: pending actions, liaisons and deadlines, meetings, new documents, lifetime.

    Each list shows its ``DASHBOARD_ROWS`` most urgent rows and says when there are more: a
    dashboard is read at a glance, and rendering hundreds of rows is what made it slow.
    ``bodies`` is a query: a chair's few bodies are passed to the other queries as ids, the
    secretariat's 1,000 as a subquery (a list of 1,000 ids, written into six queries, cost more
    to send and to plan than the queries took to run).
    """
    today = today or timezone.localdate()
    few = list(bodies[: DASHBOARD_DOCUMENT_BODIES + 1])
    many = len(few) > DASHBOARD_DOCUMENT_BODIES
    body_ids = bodies.values_list("pk", flat=True) if many else [b.pk for b in few]
    actions = (
        ActionItem.objects.filter(meeting__body__in=body_ids, status=ActionItem.Status.OPEN)
        .select_related("meeting", "meeting__body", "owner_person").order_by("due_on", "pk")
    )
    awaiting_out = (
        LiaisonRecipient.objects.filter(
            liaison__from_body__in=body_ids,
            liaison__status__in=[LiaisonStatement.Status.SENT, LiaisonStatement.Status.AWAITING_REPLY],
            purpose__in=[LiaisonRecipient.Purpose.ACTION, LiaisonRecipient.Purpose.COMMENT],
        ).select_related("liaison", "liaison__from_body", "body").order_by("deadline", "pk")
    )
    owed_in = (
        LiaisonRecipient.objects.filter(
            body__in=body_ids,
            liaison__status__in=[LiaisonStatement.Status.SENT, LiaisonStatement.Status.AWAITING_REPLY],
            purpose__in=[LiaisonRecipient.Purpose.ACTION, LiaisonRecipient.Purpose.COMMENT],
        ).select_related("liaison", "liaison__from_body", "body").order_by("deadline", "pk")
    )
    upcoming = (
        Meeting.objects.filter(body__in=body_ids, ends_on__gte=today).exclude(status=Meeting.Status.CANCELLED)
        .select_related("body").order_by("starts_on", "pk")
    )
    # One query for every body: documents dated on or after the body's last meeting held.
    last_held = (
        Meeting.objects.filter(body=OuterRef("body"), starts_on__lte=today).order_by("-starts_on").values("starts_on")[:1]
    )
    recent = (
        Document.objects.filter(body__in=body_ids).annotate(since=Subquery(last_held))
        .filter(Q(since__isnull=True) | Q(document_date__gte=F("since"))).order_by("-registered_at", "-id")
    )
    related = ("body", "meeting", "meeting__body")
    if many:
        # The newest (id, body) pairs first, as tuples rather than objects, then only the rows shown:
        # the secretariat's 200 newest documents may all belong to one body, of which 20 are shown.
        pairs = list(recent.values_list("pk", "body_id", "body__short_name")
                     [: DASHBOARD_ROWS * DASHBOARD_DOCUMENT_BODIES])
        ids_of: dict[int, list[int]] = {}
        names: dict[int, str] = {}
        for pk, body_id, short_name in pairs:
            ids_of.setdefault(body_id, []).append(pk)
            names[body_id] = short_name
        shown = sorted(ids_of, key=lambda pk: (names[pk], pk))[:DASHBOARD_DOCUMENT_BODIES]
        ids = [pk for body_id in shown for pk in ids_of[body_id][:DASHBOARD_ROWS]]
        documents = recent.filter(pk__in=ids).select_related(*related)
    else:
        documents = recent.select_related(*related)[: DASHBOARD_ROWS * len(few)]
    by_body: dict[int, list[Any]] = {}  # Documents annotated with ``since``
    for doc in documents:
        by_body.setdefault(doc.body_id, []).append(doc)
    new_documents = sorted(((docs[0].body, docs[0].since, docs[:DASHBOARD_ROWS]) for docs in by_body.values()),
                           key=lambda row: (row[0].short_name, row[0].pk))[:DASHBOARD_DOCUMENT_BODIES]
    horizon = today + timedelta(days=LIFETIME_WARNING_DAYS)
    ending: QuerySet[Body] | list[Body]
    if many:
        ending = (bodies.filter(status=Body.Status.ACTIVE, ends_on__isnull=False, ends_on__lte=horizon)
                  .order_by("ends_on", "short_name", "pk"))
    else:
        ending = sorted((b for b in few if b.status == Body.Status.ACTIVE and b.ends_on and b.ends_on <= horizon),
                        key=lambda b: (b.ends_on, b.short_name, b.pk))
    action_rows, more_actions = _capped(actions)
    awaiting_rows, more_awaiting = _capped(awaiting_out)
    owed_rows, more_owed = _capped(owed_in)
    upcoming_rows, more_upcoming = _capped(upcoming)
    ending_rows, more_ending = _capped(ending) if many else (list(ending), False)
    return {
        "today": today,
        "dashboard_rows": DASHBOARD_ROWS,
        "actions": action_rows,
        "more_actions": more_actions,
        "awaiting_out": awaiting_rows,
        "more_awaiting": more_awaiting,
        "owed_in": owed_rows,
        "more_owed": more_owed,
        "upcoming": upcoming_rows,
        "more_upcoming": more_upcoming,
        "new_documents": new_documents,
        "ending": ending_rows,
        "more_ending": more_ending,
    }


# --- For the home page and the workspaces (tutela.home) ---------------------------------------

def latest_documents(user: Actor, *, limit: int = 5) -> list[Document]:
    """The newest registered documents ``user`` may read (withdrawn ones left out)."""
    qs = readable_documents(user).filter(is_withdrawn=False).select_related("body")
    return list(qs.order_by("-document_date", "-id")[:limit])


def replies_due(user: Actor, *, today: date | None = None) -> QuerySet[LiaisonRecipient]:
    """Replies owed by the bodies ``user`` follows (the secretariat: every active body; a chair: theirs)
    to liaison statements asking for action or comment, by deadline (those with none last)."""
    today = today or timezone.localdate()
    return (
        LiaisonRecipient.objects.filter(
            body__in=dashboard_bodies(user).values("pk"),
            liaison__status__in=[LiaisonStatement.Status.SENT, LiaisonStatement.Status.AWAITING_REPLY],
            purpose__in=[LiaisonRecipient.Purpose.ACTION, LiaisonRecipient.Purpose.COMMENT],
        ).select_related("liaison", "liaison__from_body", "body").order_by(F("deadline").asc(nulls_last=True), "pk")
    )


def liaison_progress(liaison: LiaisonStatement, poll_url: str = "") -> Progress | None:
    """How far the e-mails of a sent liaison got (None when nothing was e-mailed): one per recipient body."""
    from django.db.models import Max, Min
    from django.utils.translation import gettext as _

    from tutela.core.progress import DONE, FAILED, QUEUED, RUNNING

    Delivery = LiaisonRecipient.Delivery
    rows = LiaisonRecipient.objects.filter(liaison=liaison).exclude(delivery_status="").aggregate(
        total=Count("pk"), sent=Count("pk", filter=Q(delivery_status=Delivery.SENT)),
        failed=Count("pk", filter=Q(delivery_status=Delivery.FAILED)),
        retrying=Count("pk", filter=Q(delivery_status=Delivery.RETRYING)),
        started=Min("delivery_queued_at"), finished=Max("delivered_at"))
    total, sent, failed = rows["total"], rows["sent"], rows["failed"]
    if not total:
        return None
    done = sent + failed
    if done == total:
        state = FAILED if failed else DONE
    else:
        state = RUNNING if done or rows["retrying"] else QUEUED
    error = ""
    if failed:
        error = _("%(n)s of %(total)s e-mails failed; each recipient's error is in the table, with Try again.") % {
            "n": failed, "total": total}
    elif rows["retrying"]:
        error = _("The mail server refused for now; the worker tries again with a growing wait.")
    return Progress(key="liaison-progress", title=_("E-mailing the recipient bodies"), state=state, done=done,
                    total=total, unit=_("e-mails"), started_at=rows["started"],
                    finished_at=rows["finished"] if state in (DONE, FAILED) else None,
                    error=error if state == FAILED else "", outcome=error if state != FAILED else "",
                    poll_url=poll_url)


TIMELINE_MEETINGS = 12  # the most recent meetings on a body's timeline, and every meeting still to come


def timeline_events(user: Actor, body: Body, *, today: date | None = None) -> list[Any]:
    """A body's meetings and the deadlines of the liaison statements ``user`` may read that it received (a reply
    it owes) or sent (a reply owed to it), for ``charts.timeline``: the ``TIMELINE_MEETINGS`` latest meetings
    held and every one to come; the deadlines from the earliest of those meetings on. Three queries."""
    from .charts import MEETING, OWED_BY, OWED_TO, Event

    today = today or timezone.localdate()
    meetings = list(body.meetings.filter(starts_on__lt=today).order_by("-starts_on", "-pk")[:TIMELINE_MEETINGS])
    meetings += list(body.meetings.filter(starts_on__gte=today).order_by("starts_on", "pk"))
    events = [Event(lane=MEETING, starts_on=m.starts_on, ends_on=m.ends_on or m.starts_on, label=str(m),
                    detail=m.place or "") for m in meetings]
    since = min((m.starts_on for m in meetings), default=None)
    recipients = LiaisonRecipient.objects.filter(
        Q(body=body) | Q(liaison__from_body=body), deadline__isnull=False,
        liaison__in=readable_liaisons(user).values("pk")).select_related("liaison__from_body", "body")
    if since is not None:
        recipients = recipients.filter(deadline__gte=since)
    for r in recipients.order_by("deadline", "pk"):
        assert r.deadline is not None  # filtered above
        owed_by = r.body_id == body.pk
        other = r.liaison.from_body.short_name if owed_by else r.body.short_name
        events.append(Event(lane=OWED_BY if owed_by else OWED_TO, starts_on=r.deadline, ends_on=r.deadline,
                            label=r.liaison.subject,
                            detail=f"{other} · {r.get_purpose_display()}"))
    return events
