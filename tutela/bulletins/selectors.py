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

CADENCE_DAYS = {"monthly": 31, "quarterly": 92, "yearly": 366, "regular": 92}


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


def commitment_cadence(commitment: Commitment, *, today: date | None = None) -> dict[str, Any]:
    """How the bulletins linked to a commitment keep its cadence: sent dates, the longest gap, overdue."""
    from django.utils import timezone

    today = today or timezone.localdate()
    sent = [timezone.localdate(b) for b in Bulletin.objects.filter(commitment=commitment, status=Bulletin.Status.SENT)
            .order_by("sent_at").values_list("sent_at", flat=True)]
    every = CADENCE_DAYS.get(commitment.cadence)
    gaps = [(b - a).days for a, b in zip(sent, sent[1:], strict=False)]
    return {
        "sent": len(sent), "dates": sent, "expected_every_days": every,
        "last": sent[-1] if sent else None,
        "longest_gap_days": max(gaps) if gaps else None,
        "late_gaps": sum(1 for g in gaps if every and g > every),
        "next_due": (sent[-1] + timedelta(days=every)) if (sent and every) else None,
        "overdue": bool(every and (not sent or (today - sent[-1]).days > every)),
    }


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
                        delivered_ever=sum(1 for d in dates if d <= today))


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
