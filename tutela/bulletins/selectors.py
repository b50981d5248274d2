"""Reads for bulletins: the public archive, the secretariat's lists, and cadence against commitments."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from tutela.core import access
from tutela.core.access import Actor
from tutela.core.progress import Progress
from tutela.partners.models import Commitment

from .models import Bulletin, Delivery, MailingList, Subscription


def public_lists() -> QuerySet[MailingList]:
    return MailingList.objects.filter(is_private=False).annotate(
        sent=Count("bulletins", filter=Q(bulletins__status=Bulletin.Status.SENT))).order_by("name")


def archive_list(slug: str) -> MailingList:
    mailing_list = MailingList.objects.filter(slug=slug, is_private=False).first()
    if mailing_list is None:
        raise Http404
    return mailing_list


def archived(mailing_list: MailingList) -> QuerySet[Bulletin]:
    return mailing_list.bulletins.filter(status=Bulletin.Status.SENT).order_by("-sent_at", "-pk")


def archived_everywhere() -> QuerySet[Bulletin]:
    """Every bulletin of the public archive (sent, on a public list), with its list: what site search finds."""
    return Bulletin.objects.filter(status=Bulletin.Status.SENT, mailing_list__is_private=False).select_related(
        "mailing_list")


def archived_bulletin(slug: str, pk: int) -> Bulletin:
    mailing_list = archive_list(slug)
    bulletin = archived(mailing_list).filter(pk=pk).first()
    if bulletin is None:
        raise Http404
    return bulletin


def lists_for(user: Actor) -> QuerySet[MailingList]:
    access.require_secretariat(user)
    return MailingList.objects.annotate(
        active=Count("subscriptions", filter=Q(subscriptions__status=Subscription.Status.ACTIVE)),
        pending=Count("subscriptions", filter=Q(subscriptions__status=Subscription.Status.PENDING))).order_by("name")


def bulletins_for(user: Actor) -> QuerySet[Bulletin]:
    access.require_secretariat(user)
    return Bulletin.objects.select_related("mailing_list").order_by("-created_at", "-pk")


def bulletin_for(user: Actor, pk: int) -> Bulletin:
    access.require_secretariat(user)
    bulletin = Bulletin.objects.select_related("mailing_list", "commitment").filter(pk=pk).first()
    if bulletin is None:
        raise Http404
    return bulletin


def list_for(user: Actor, pk: int) -> MailingList:
    access.require_secretariat(user)
    found = MailingList.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def send_progress(bulletin: Bulletin, poll_url: str = "", counts: dict[str, int] | None = None) -> Progress | None:
    """How far the sending got: deliveries no longer queued of all listed (None for a draft or a scheduled one)."""
    from django.utils.translation import gettext as _

    from tutela.core.progress import DONE, QUEUED, RUNNING

    if bulletin.status in (Bulletin.Status.DRAFT, Bulletin.Status.SCHEDULED):
        return None
    counts = counts if counts is not None else delivery_counts(bulletin)
    total = sum(counts.values())
    done = total - counts.get(Delivery.Status.QUEUED, 0)
    states: dict[str, str] = {Bulletin.Status.SENT: DONE, Bulletin.Status.RUNNING: RUNNING}
    state = states.get(bulletin.status, QUEUED)
    outcome = ""
    if state == QUEUED and bulletin.last_error:
        outcome = _("The mail server stopped the sending (%(error)s); the worker goes on from where it stopped, "
                    "after a growing wait.") % {"error": bulletin.last_error}
    elif state == DONE and counts.get(Delivery.Status.BOUNCED):
        outcome = _("%(n)s of them bounced.") % {"n": counts[Delivery.Status.BOUNCED]}
    return Progress(key="send-progress", title=_("Sending to the list"), state=state, done=done, total=total,
                    unit=_("e-mails"), started_at=bulletin.scheduled_at, finished_at=bulletin.sent_at,
                    outcome=outcome, poll_url=poll_url)


def delivery_counts(bulletin: Bulletin) -> dict[str, int]:
    counts = dict(bulletin.deliveries.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {status: counts.get(status, 0) for status in Delivery.Status.values}


@dataclass(frozen=True)
class SentInPeriod:
    """What the bulletins sent in a period amount to, for progress reports and commitments' records."""

    bulletins: int
    subscribers: int  # distinct people the bulletins reached (returned mail not counted)
    deliveries: int
    lists: list[str]  # the lists' names, in order
    commitments: list[Commitment]  # the commitments those bulletins fulfil


RECEIVED = [Delivery.Status.SENT, Delivery.Status.COMPLAINED, Delivery.Status.UNSUBSCRIBED]


def sent_in_period(start: date, end: date, *, commitment: Commitment | None = None) -> SentInPeriod:
    """"N bulletins were sent to M subscribers" for a period (optionally under one commitment)."""
    bulletins = Bulletin.objects.filter(status=Bulletin.Status.SENT, sent_at__date__gte=start, sent_at__date__lte=end)
    if commitment is not None:
        bulletins = bulletins.filter(commitment=commitment)
    received = Delivery.objects.filter(bulletin__in=bulletins, status__in=RECEIVED)
    lists = list(MailingList.objects.filter(bulletins__in=bulletins).distinct().order_by("name")
                 .values_list("name", flat=True))
    commitments = list(Commitment.objects.filter(pk__in=bulletins.exclude(commitment=None).values("commitment"))
                       .order_by("pk"))
    return SentInPeriod(bulletins=bulletins.count(), subscribers=received.values("subscriber").distinct().count(),
                        deliveries=received.count(), lists=lists, commitments=commitments)


# --- A commitment's cadence against what was delivered ----------------------------------------

# Deliveries a cadence asks for in a calendar year (None: no number can be expected).
PER_YEAR: dict[str, int | None] = {Commitment.Cadence.MONTHLY: 12, Commitment.Cadence.QUARTERLY: 4,
                                   Commitment.Cadence.YEARLY: 1, Commitment.Cadence.ONCE: None,
                                   Commitment.Cadence.REGULAR: None}


@dataclass(frozen=True)
class CadenceCheck:
    """A commitment's deliveries in ``year`` against its cadence: ``expected`` in the whole year, ``due`` by
    ``today`` (the periods already ended or begun), ``delivered``; ``behind`` when fewer than due. A once-only
    commitment expects one delivery ever; a "regular" one expects no number, so it is never behind."""

    cadence: str
    cadence_label: str
    year: int
    expected: int | None
    due: int | None
    delivered: int
    delivered_ever: int
    periods: tuple["CadencePeriod", ...] = ()  # this year's periods (once-only: one, ever), what each holds

    @property
    def behind(self) -> bool:
        if self.cadence == Commitment.Cadence.ONCE:
            return False if self.due is None else self.delivered_ever < self.due
        return self.due is not None and self.delivered < self.due

    @property
    def sentence(self) -> str:
        from django.utils.translation import gettext as _

        if self.cadence == Commitment.Cadence.ONCE:
            return (_("once: delivered") if self.delivered_ever else _("once: not delivered yet"))
        if self.expected is None:
            return _("%(cadence)s: %(n)s delivered this year") % {"cadence": self.cadence_label.lower(),
                                                                  "n": self.delivered}
        return _("%(cadence)s: %(n)s of %(expected)s delivered this year") % {
            "cadence": self.cadence_label.lower(), "n": self.delivered, "expected": self.expected}


@dataclass(frozen=True)
class CadencePeriod:
    """One period of a commitment's year (a month, a quarter, the year; once-only: ever): the deliveries dated
    in it, and whether it has begun by ``today`` (``state``: "delivered", "none" — begun, nothing yet — or
    "ahead" — not begun). The picture of ``CadenceCheck``; its sentence and ``behind`` are the rule."""

    label: str
    delivered: int
    state: str


def _periods(cadence: str, dates: list[date], today: date) -> tuple[CadencePeriod, ...]:
    from django.utils.dates import MONTHS_3
    from django.utils.translation import gettext as _

    def period(label: str, start: date, end: date) -> CadencePeriod:
        n = sum(1 for d in dates if start <= d <= end and d <= today)
        return CadencePeriod(label=label, delivered=n,
                             state="delivered" if n else ("none" if start <= today else "ahead"))

    year = today.year
    if cadence == Commitment.Cadence.MONTHLY:
        ends = [date(year, m + 1, 1) - timedelta(days=1) for m in range(1, 12)] + [date(year, 12, 31)]
        return tuple(period(str(MONTHS_3[m]).title(), date(year, m, 1), ends[m - 1]) for m in range(1, 13))
    if cadence in (Commitment.Cadence.QUARTERLY, Commitment.Cadence.REGULAR):
        return tuple(period(_("Q%(n)s") % {"n": q}, date(year, 3 * q - 2, 1),
                            date(year, 3 * q + 1, 1) - timedelta(days=1) if q < 4 else date(year, 12, 31))
                     for q in range(1, 5))
    if cadence == Commitment.Cadence.YEARLY:
        return (period(str(year), date(year, 1, 1), date(year, 12, 31)),)
    return (period(_("once"), date.min, date.max),)


def _due_by(cadence: str, today: date) -> int | None:
    """How many deliveries a cadence asks for from 1 January to ``today``: a period counts once it has begun
    (a quarterly commitment owes its first delivery during January–March)."""
    if cadence == Commitment.Cadence.MONTHLY:
        return today.month
    if cadence == Commitment.Cadence.QUARTERLY:
        return (today.month - 1) // 3 + 1
    if cadence == Commitment.Cadence.YEARLY:
        return 1
    return None


def _delivery_dates(commitment_ids: list[int]) -> dict[int, list[date]]:
    """Each commitment's delivery dates in two queries: its rows, and sent bulletins naming it through
    ``Bulletin.commitment`` that no row links already."""
    from django.utils import timezone

    from .models import CommitmentDelivery

    dates: dict[int, list[date]] = {pk: [] for pk in commitment_ids}
    linked: set[int] = set()
    for commitment_id, delivered_on, bulletin_id in CommitmentDelivery.objects.filter(
            commitment__in=commitment_ids).values_list("commitment", "delivered_on", "bulletin"):
        dates[commitment_id].append(delivered_on)
        if bulletin_id:
            linked.add(bulletin_id)
    for pk, commitment_id, sent in Bulletin.objects.filter(
            commitment__in=commitment_ids, status=Bulletin.Status.SENT, sent_at__isnull=False).values_list(
            "pk", "commitment", "sent_at"):
        if pk not in linked:
            dates[commitment_id].append(timezone.localdate(sent))
    return dates


def _check(commitment: Commitment, dates: list[date], today: date) -> CadenceCheck:
    cadence = commitment.cadence
    if cadence == Commitment.Cadence.ONCE:
        due = 1 if commitment.next_due_on and commitment.next_due_on <= today else None
    else:
        due = _due_by(cadence, today)
    return CadenceCheck(cadence=cadence, cadence_label=str(commitment.get_cadence_display()), year=today.year,
                        expected=PER_YEAR.get(cadence), due=due,
                        delivered=sum(1 for d in dates if d.year == today.year and d <= today),
                        delivered_ever=sum(1 for d in dates if d <= today),
                        periods=_periods(cadence, dates, today))


def cadence_against_deliveries(commitment: Commitment, *, today: date | None = None) -> CadenceCheck:
    """The one rule that compares a commitment's cadence with what was delivered (its page, the chart and
    the secretariat's workspace count "commitments behind their cadence" all read it)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    return _check(commitment, _delivery_dates([commitment.pk])[commitment.pk], today)


def commitments_behind_cadence(*, user: Actor, today: date | None = None) -> list[tuple[Commitment, CadenceCheck]]:
    """Commitments on agreements ``user`` may change that are not done and are behind their cadence, each
    with its check, in three queries whatever their number; the secretariat's workspace counts these."""
    from django.utils import timezone

    from tutela.partners.models import Agreement

    today = today or timezone.localdate()
    agreements = access.writable(user, Agreement.objects.all()).values("pk")
    candidates = list(Commitment.objects.filter(agreement__in=agreements)
                      .exclude(follow_up_status=Commitment.FollowUp.DONE).select_related("agreement").order_by("pk"))
    dates = _delivery_dates([c.pk for c in candidates])
    checks = [(c, _check(c, dates[c.pk], today)) for c in candidates]
    return [(c, check) for c, check in checks if check.behind]


def agreement_cadences(agreement: Any, *, today: date | None = None) -> list[tuple[Commitment, CadenceCheck]]:
    """Every commitment of ``agreement`` with its cadence check (the agreement's page; two queries)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    commitments = list(agreement.commitments.order_by("order", "pk"))
    dates = _delivery_dates([c.pk for c in commitments])
    return [(c, _check(c, dates[c.pk], today)) for c in commitments]


# --- Recording what delivered a commitment ------------------------------------------------------

CANDIDATES = 200  # records offered in each list of the delivery form, newest first


def commitment_for(user: Actor, pk: int, *, write: bool = False) -> Commitment:
    """The commitment, if ``user`` may read it (404) and, with ``write``, change it (403)."""
    return access.get_for_user(user, Commitment.objects.select_related("agreement"), pk, write=write)


def delivery_candidates(user: Actor, commitment: Commitment) -> dict[str, QuerySet[Any]]:
    """What ``user`` may name as having delivered ``commitment``, newest first (``CANDIDATES`` each):
    activities an agreement party took part in, coordination documents, and (the secretariat only: bulletins
    have no public side here) sent bulletins. Each list is readable to ``user``; the service checks again."""
    from tutela.activities.models import Activity
    from tutela.coordination.models import Document

    parties = list(commitment.agreement.parties.values_list("pk", flat=True))
    activities = access.readable(user, Activity.objects.filter(partner_roles__organisation__in=parties))
    documents = access.readable(user, Document.objects.filter(is_withdrawn=False))
    bulletins = (Bulletin.objects.filter(status=Bulletin.Status.SENT) if access.is_secretariat(user)
                 else Bulletin.objects.none())

    def newest(qs: QuerySet[Any], *order: str) -> QuerySet[Any]:
        ids = list(qs.order_by(*order).values_list("pk", flat=True).distinct()[:CANDIDATES])
        return qs.model.objects.filter(pk__in=ids).order_by(*order)

    return {"activity": newest(activities, "-starts_on", "-pk"),
            "bulletin": newest(bulletins, "-sent_at", "-pk"),
            "document": newest(documents, "-document_date", "-pk").select_related("body")}


def commitment_deliveries(commitment_ids: list[int]) -> dict[int, list[Any]]:
    """Each commitment's deliveries, oldest first, as the cadence rule counts them (``_delivery_dates``): its
    rows, with their record, and the sent bulletins naming it (``Bulletin.commitment``) that no row links —
    these last marked ``implicit`` (they stop counting only if the bulletin stops naming the commitment)."""
    from types import SimpleNamespace

    from django.utils import timezone

    from .models import CommitmentDelivery

    out: dict[int, list[Any]] = {pk: [] for pk in commitment_ids}
    linked: set[int] = set()
    for row in CommitmentDelivery.objects.filter(commitment__in=commitment_ids).select_related(
            "activity", "bulletin", "document__body").order_by("delivered_on", "pk"):
        out[row.commitment_id].append(row)
        if row.bulletin_id:
            linked.add(row.bulletin_id)
    for bulletin in Bulletin.objects.filter(commitment__in=commitment_ids, status=Bulletin.Status.SENT,
                                            sent_at__isnull=False).exclude(pk__in=linked).order_by("sent_at"):
        assert bulletin.commitment_id is not None and bulletin.sent_at is not None  # the filter above
        out[bulletin.commitment_id].append(SimpleNamespace(
            pk=None, implicit=True, activity=None, document=None, bulletin=bulletin,
            delivered_on=timezone.localdate(bulletin.sent_at)))
    for rows in out.values():
        rows.sort(key=lambda d: d.delivered_on)
    return out


def delivery_of(commitment: Commitment, pk: Any) -> Any:
    """One recorded delivery of ``commitment`` (404 if it is not one of its rows)."""
    from .models import CommitmentDelivery

    found = CommitmentDelivery.objects.filter(commitment=commitment, pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise Http404
    return found
