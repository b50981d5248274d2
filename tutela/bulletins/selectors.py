"""Reads for bulletins: the public archive, the secretariat's lists, and cadence against commitments."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from tutela.core import access
from tutela.core.access import Actor
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
