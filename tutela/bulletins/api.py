"""API for bulletins (the secretariat's): lists, their subscribers, bulletins and how their sending went.
Every write goes through the same services as the pages; people outside the secretariat get 403."""

from datetime import date, datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Body, Field, Router, Schema, Status

from tutela.core.api import ERRORS, SIGNED_IN, DbInt, Id, SignedInApiRequest, Translations
from tutela.core.pagination import keyset_page
from tutela.partners.models import Commitment, Organisation

from . import selectors, services
from .models import Bulletin, ConsentRecord, Delivery, MailingList, Subscription

router = Router(tags=["bulletins"])
MAX_LIMIT = 200


class BulletinListIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    slug: str = Field("", max_length=60, description="Address name in Latin letters; empty: made from the name")
    kind: MailingList.Kind = MailingList.Kind.PUBLIC
    description: str = Field("", max_length=5000)
    public_signup: bool = Field(False, description="Shown on the public sign-up page (double opt-in)")
    is_private: bool = Field(False, description="No public archive")
    consent_text: str = Field("", max_length=5000, description="What subscribers agree to; empty: the default text")


class BulletinListOut(Schema):
    id: int
    name: str
    slug: str
    kind: str
    description: str
    public_signup: bool
    is_private: bool
    consent_text: str
    active: int = Field(description="Subscriptions confirmed")
    pending: int = Field(description="Subscriptions waiting for their confirmation link")


class BulletinListPage(Schema):
    items: list[BulletinListOut]
    next: str | None


class BulletinSubscriberIn(Schema):
    email: str = Field(min_length=3, max_length=254)
    name: str = Field("", max_length=200)
    language: str = Field("en", max_length=10)
    topics: list[str] = Field(default_factory=list, max_length=20)
    consent_text: str = Field(min_length=1, max_length=5000, description="What the person agreed to")
    consent_source: str = Field(min_length=1, max_length=300, description="Where the consent was given")


class BulletinSubscriptionOut(Schema):
    id: int
    email: str
    name: str
    language: str
    topics: list[str]
    status: str = Field(description="pending, active or unsubscribed")
    subscriber_status: str = Field(description="active, or suspended after bounces")
    changed_at: datetime


class BulletinSubscriptionPage(Schema):
    items: list[BulletinSubscriptionOut]
    next: str | None


class BulletinIn(Schema):
    mailing_list_id: Id
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field("", description="Markdown (paragraphs, # headings, - lists, **bold**, *emphasis*, [label](link))")
    blocks: list[Bulletin.Block] = Field(default_factory=list, max_length=4)
    blocks_since: date | None = None
    topics: list[str] = Field(default_factory=list, max_length=20, description="Empty: everyone on the list")
    organisation_ids: list[Id] = Field(default_factory=list, max_length=20, description="Sent by (co-branding)")
    commitment_id: Id | None = Field(None, description="The commitment it fulfils")


class BulletinPatch(Schema):
    subject: str | None = Field(None, min_length=1, max_length=200)
    body: str | None = None
    blocks: list[Bulletin.Block] | None = Field(None, max_length=4)
    blocks_since: date | None = None
    topics: list[str] | None = Field(None, max_length=20)
    organisation_ids: list[Id] | None = Field(None, max_length=20)
    commitment_id: Id | None = None


class BulletinSendIn(Schema):
    send_at: datetime | None = Field(None, description="Empty or past: now")


class BulletinItem(Schema):
    id: int
    mailing_list_id: int
    subject: str
    status: str
    scheduled_at: datetime | None
    sent_at: datetime | None


class BulletinOut(BulletinItem):
    body: str
    blocks: list[str]
    blocks_since: date | None
    topics: list[str]
    organisation_ids: list[int]
    commitment_id: int | None
    translations: Translations
    deliveries: dict[str, int] = Field(description="Recipients by status: queued, sent, bounced, complained, unsubscribed")
    problems: list[str] = Field(description="Why it cannot be sent yet (empty once sent or when it can be)")
    last_error: str


class BulletinPage(Schema):
    items: list[BulletinItem]
    next: str | None


class BulletinDeliveryOut(Schema):
    id: int
    email: str
    language: str
    status: str
    message_id: str
    sent_at: datetime | None
    detail: str


class BulletinDeliveryPage(Schema):
    items: list[BulletinDeliveryOut]
    next: str | None


def _limit(limit: int) -> int:
    return max(1, min(limit, MAX_LIMIT))


def _list_out(mailing_list: MailingList) -> dict:
    return {"id": mailing_list.pk, "name": mailing_list.name, "slug": mailing_list.slug, "kind": mailing_list.kind,
            "description": mailing_list.description, "public_signup": mailing_list.public_signup,
            "is_private": mailing_list.is_private, "consent_text": mailing_list.consent_text,
            "active": getattr(mailing_list, "active", 0), "pending": getattr(mailing_list, "pending", 0)}


def _subscription_out(subscription: Subscription) -> dict:
    subscriber = subscription.subscriber
    return {"id": subscription.pk, "email": subscriber.email, "name": subscriber.name, "language": subscriber.language,
            "topics": list(subscriber.topics or []), "status": subscription.status, "subscriber_status": subscriber.status,
            "changed_at": subscription.changed_at}


def _item(bulletin: Bulletin) -> dict:
    return {"id": bulletin.pk, "mailing_list_id": bulletin.mailing_list_id, "subject": bulletin.subject,
            "status": bulletin.status, "scheduled_at": bulletin.scheduled_at, "sent_at": bulletin.sent_at}


def _detail(bulletin: Bulletin) -> dict:
    editable = bulletin.status in {Bulletin.Status.DRAFT, Bulletin.Status.SCHEDULED}
    return {**_item(bulletin), "body": bulletin.body, "blocks": list(bulletin.blocks), "blocks_since": bulletin.blocks_since,
            "topics": list(bulletin.topics or []), "organisation_ids": [o.pk for o in bulletin.organisations.all()],
            "commitment_id": bulletin.commitment_id,
            "translations": bulletin.translations or {},
            "deliveries": selectors.delivery_counts(bulletin),
            "problems": services.bulletin_problems(bulletin) if editable else [], "last_error": bulletin.last_error}


def _organisations(ids: list[int]) -> list[Organisation]:
    found = list(Organisation.objects.filter(pk__in=set(ids)))
    if len(found) != len(set(ids)):
        raise ValidationError({"organisation_ids": _("No organisation has the id %(i)s.")
                               % {"i": ", ".join(str(i) for i in sorted(set(ids) - {o.pk for o in found}))}})
    return found


def _commitment(pk: int | None) -> Commitment | None:
    if pk is None:
        return None
    found = Commitment.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({"commitment_id": _("No commitment has the id %(i)s.") % {"i": pk}})
    return found


# --- Lists and subscribers -----------------------------------------------------------------------

@router.get("/lists", response={200: BulletinListPage, **ERRORS}, auth=SIGNED_IN, summary="Mailing lists")
def list_index(request: SignedInApiRequest, after: str | None = None, limit: DbInt = 50):
    page = keyset_page(selectors.lists_for(request.auth), ordering=["id"], cursor=after, size=_limit(limit))
    return {"items": [_list_out(m) for m in page.items], "next": page.next_cursor}


@router.post("/lists", response={201: BulletinListOut, **ERRORS}, auth=SIGNED_IN, summary="Create a mailing list")
def list_create(request: SignedInApiRequest, payload: BulletinListIn):
    created = services.list_create(actor=request.auth, **payload.dict())
    return Status(201, _list_out(selectors.lists_for(request.auth).get(pk=created.pk)))


@router.get("/lists/{pk}", response={200: BulletinListOut, **ERRORS}, auth=SIGNED_IN, summary="A mailing list")
def list_detail(request: SignedInApiRequest, pk: Id):
    selectors.list_for(request.auth, pk)
    return _list_out(selectors.lists_for(request.auth).get(pk=pk))


def _subscriptions(mailing_list: MailingList, status: str) -> QuerySet[Subscription]:
    found = mailing_list.subscriptions.select_related("subscriber")
    return found.filter(status=status) if status else found


@router.get("/lists/{pk}/subscribers", response={200: BulletinSubscriptionPage, **ERRORS}, auth=SIGNED_IN,
            summary="The people on a list")
def subscriber_index(request: SignedInApiRequest, pk: Id, status: Subscription.Status | None = None,
                     after: str | None = None, limit: DbInt = 50):
    mailing_list = selectors.list_for(request.auth, pk)
    page = keyset_page(_subscriptions(mailing_list, status or ""), ordering=["id"], cursor=after, size=_limit(limit))
    return {"items": [_subscription_out(s) for s in page.items], "next": page.next_cursor}


@router.post("/lists/{pk}/subscribers", response={201: BulletinSubscriptionOut, **ERRORS}, auth=SIGNED_IN,
             summary="Add someone whose consent was given elsewhere (the text and where are recorded)")
def subscriber_add(request: SignedInApiRequest, pk: Id, payload: BulletinSubscriberIn):
    mailing_list = selectors.list_for(request.auth, pk)
    subscription = services.subscriber_add(actor=request.auth, mailing_list=mailing_list, email=payload.email,
                                           language=payload.language, name=payload.name, topics=payload.topics,
                                           consent_text=payload.consent_text, consent_source=payload.consent_source,
                                           method=ConsentRecord.Method.API)
    return Status(201, _subscription_out(Subscription.objects.select_related("subscriber").get(pk=subscription.pk)))


# --- Bulletins -----------------------------------------------------------------------------------

@router.get("/bulletins", response={200: BulletinPage, **ERRORS}, auth=SIGNED_IN, summary="Bulletins, newest first")
def bulletin_index(request: SignedInApiRequest, status: Bulletin.Status | None = None, after: str | None = None,
                   limit: DbInt = 50):
    found = selectors.bulletins_for(request.auth)
    page = keyset_page(found.filter(status=status) if status else found, ordering=["-id"], cursor=after,
                       size=_limit(limit))
    return {"items": [_item(b) for b in page.items], "next": page.next_cursor}


@router.post("/bulletins", response={201: BulletinOut, **ERRORS}, auth=SIGNED_IN, summary="Write a bulletin (a draft)")
def bulletin_create(request: SignedInApiRequest, payload: BulletinIn):
    mailing_list = selectors.list_for(request.auth, payload.mailing_list_id)
    bulletin = services.bulletin_create(
        actor=request.auth, mailing_list=mailing_list, subject=payload.subject, body=payload.body,
        blocks=[str(b) for b in payload.blocks], blocks_since=payload.blocks_since, topics=payload.topics,
        organisations=_organisations(payload.organisation_ids), commitment=_commitment(payload.commitment_id))
    return Status(201, _detail(selectors.bulletin_for(request.auth, bulletin.pk)))


@router.get("/bulletins/{pk}", response={200: BulletinOut, **ERRORS}, auth=SIGNED_IN,
            summary="A bulletin, what stops it being sent, and its recipients by status")
def bulletin_detail(request: SignedInApiRequest, pk: Id):
    return _detail(selectors.bulletin_for(request.auth, pk))


@router.patch("/bulletins/{pk}", response={200: BulletinOut, **ERRORS}, auth=SIGNED_IN,
              summary="Change a draft or scheduled bulletin (send only what changes)")
def bulletin_update(request: SignedInApiRequest, pk: Id, payload: BulletinPatch):
    bulletin = selectors.bulletin_for(request.auth, pk)
    sent = payload.dict(exclude_unset=True)
    fields: dict[str, Any] = {name: sent[name] for name in ("subject", "body", "blocks_since", "topics") if name in sent}
    if "blocks" in sent:
        fields["blocks"] = [str(b) for b in sent["blocks"] or []]
    if "commitment_id" in sent:
        fields["commitment"] = _commitment(sent["commitment_id"])
    organisations = _organisations(sent["organisation_ids"] or []) if "organisation_ids" in sent else None
    for name in ("subject", "body", "topics"):
        if name in fields and fields[name] is None:
            raise ValidationError({name: _("Give a value or leave the field out.")})
    services.bulletin_update(actor=request.auth, bulletin=bulletin, organisations=organisations, **fields)
    return _detail(selectors.bulletin_for(request.auth, pk))


@router.put("/bulletins/{pk}/translations/{language}", response={200: BulletinOut, **ERRORS}, auth=SIGNED_IN,
            summary="Translate a bulletin's subject and text (secretariat; English is the bulletin itself)")
def bulletin_translate(request: SignedInApiRequest, pk: Id, language: str,
                       payload: Annotated[dict[str, str | None], Body(description='{"subject": …, "body": …}; an '
                                                                                  'empty text removes it')]):
    bulletin = selectors.bulletin_for(request.auth, pk)
    services.bulletin_translate(actor=request.auth, bulletin=bulletin, language=language, values=payload)
    return _detail(selectors.bulletin_for(request.auth, pk))


@router.post("/bulletins/{pk}/send", response={200: BulletinOut, **ERRORS}, auth=SIGNED_IN,
             summary="Send now or at send_at (refused, 422, with every problem while any remains)")
def bulletin_send(request: SignedInApiRequest, pk: Id, payload: BulletinSendIn):
    bulletin = selectors.bulletin_for(request.auth, pk)
    services.bulletin_send(actor=request.auth, bulletin=bulletin, send_at=payload.send_at)
    return _detail(selectors.bulletin_for(request.auth, pk))


@router.post("/bulletins/{pk}/unschedule", response={200: BulletinOut, **ERRORS}, auth=SIGNED_IN,
             summary="A scheduled bulletin back to draft")
def bulletin_unschedule(request: SignedInApiRequest, pk: Id):
    bulletin = selectors.bulletin_for(request.auth, pk)
    services.bulletin_unschedule(actor=request.auth, bulletin=bulletin)
    return _detail(selectors.bulletin_for(request.auth, pk))


@router.get("/bulletins/{pk}/deliveries", response={200: BulletinDeliveryPage, **ERRORS}, auth=SIGNED_IN,
            summary="One row per recipient: queued, sent, bounced, complained or unsubscribed")
def delivery_index(request: SignedInApiRequest, pk: Id, status: Delivery.Status | None = None, after: str | None = None,
                   limit: DbInt = 50):
    bulletin = selectors.bulletin_for(request.auth, pk)
    found = bulletin.deliveries.all()
    page = keyset_page(found.filter(status=status) if status else found, ordering=["id"], cursor=after,
                       size=_limit(limit))
    return {"items": [{"id": d.pk, "email": d.email, "language": d.language, "status": d.status,
                       "message_id": d.message_id, "sent_at": d.sent_at, "detail": d.detail} for d in page.items],
            "next": page.next_cursor}
