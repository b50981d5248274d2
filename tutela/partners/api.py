"""Organisations, agreements and commitments over the API. Same filters, services and access as the pages."""

from datetime import date
from typing import Any, overload

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from ninja import Query, Router, Schema, Status
from pydantic import Field

from tutela.core import access
from tutela.core.access import Actor
from tutela.core.api import ERRORS, SIGNED_IN, ApiRequest, DbInt, Id, SignedInApiRequest
from tutela.core.pagination import keyset_page

from . import selectors, services
from .models import Agreement, Commitment, Organisation

router = Router(tags=["partners"])

MAX_LIMIT = 100


def page_of(qs, *, ordering: list[str], after: str | None, limit: int) -> dict[str, Any]:
    """One keyset page as ``{"items": [...], "next": cursor|None}``."""
    page = keyset_page(qs, ordering=ordering, cursor=after, size=max(1, min(limit, MAX_LIMIT)))
    return {"items": page.items, "next": page.next_cursor}


@overload
def organisations_by_id(user: Actor, ids: list[int], field: str) -> list[Organisation]: ...
@overload
def organisations_by_id(user: Actor, ids: None, field: str) -> None: ...
def organisations_by_id(user: Actor, ids: list[int] | None, field: str) -> list[Organisation] | None:
    """Readable organisations for ``ids``; an unknown or unreadable id is a 422 on ``field``."""
    if ids is None:
        return None
    found = {o.pk: o for o in access.readable(user, Organisation.objects.filter(pk__in=ids))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError({field: [f"Unknown organisation: {', '.join(map(str, missing))}."]})
    return [found[i] for i in dict.fromkeys(ids)]


class OrganisationRef(Schema):
    id: int
    name: str
    acronym: str


# --- Organisations --------------------------------------------------------------------------

class OrganisationOut(Schema):
    id: int
    name: str
    acronym: str
    named_with_the: bool = Field(description="Prose names it with “the”: “the Pacific Islands Forum”.")
    kind: str
    country: str = Field(description="ISO 3166-1 alpha-2; empty for an international organisation.")
    parent_id: int | None
    website: str
    is_itu_member_state: bool
    is_itu_sector_member: bool
    is_published: bool

    @staticmethod
    def resolve_country(obj: Organisation) -> str:
        return str(obj.country)


class OrganisationPage(Schema):
    items: list[OrganisationOut]
    next: str | None


class OrganisationIn(Schema):
    name: str
    acronym: str = ""
    named_with_the: bool | None = Field(None, description="Prose names it with “the”; suggested from the name "
                                        "when left out.")
    kind: str = Organisation.Kind.OTHER
    country: str = Field("", description="ISO 3166-1 alpha-2; empty for an international organisation.")
    parent_id: Id | None = None
    website: str = ""
    is_itu_member_state: bool = False
    is_itu_sector_member: bool = False
    is_published: bool = True


class OrganisationPatch(Schema):
    name: str | None = None
    acronym: str | None = None
    named_with_the: bool | None = None
    kind: str | None = None
    country: str | None = None
    parent_id: Id | None = None
    website: str | None = None
    is_itu_member_state: bool | None = None
    is_itu_sector_member: bool | None = None
    is_published: bool | None = None


class OrganisationQuery(Schema):
    kind: str = ""
    country: str = Field("", description="ISO code, or INTL for international organisations.")
    q: str = Field("", description="Name (case- and accent-insensitive) or acronym contains.")
    parent: Id | None = None
    editable: bool = Field(False, description="Only organisations the caller may edit.")
    after: str | None = Field(None, description="The `next` cursor of the previous page.")
    limit: int = Field(25, ge=1, le=MAX_LIMIT)


class MergeIn(Schema):
    duplicate_id: Id


def _organisation_fields(request: ApiRequest, data: dict[str, Any]) -> dict[str, Any]:
    if "is_published" in data and not access.is_secretariat(request.auth):
        raise PermissionDenied
    if "parent_id" in data:
        parent_id = data.pop("parent_id")
        data["parent"] = organisations_by_id(request.auth, [parent_id], "parent_id")[0] if parent_id else None
    if data.get("country"):
        data["country"] = data["country"].upper()
    return data


@router.get("/organisations", response={200: OrganisationPage, **ERRORS}, summary="List organisations")
def organisation_list(request: ApiRequest, query: Query[OrganisationQuery]):
    filters = selectors.OrganisationFilters.from_params({**query.dict(), "editable": "1" if query.editable else ""})
    if filters.editable:
        access.require_signed_in(request.user)
    qs = selectors.organisation_list(user=request.user, filters=filters)
    return page_of(qs, ordering=selectors.ORGANISATION_ORDERING, after=query.after, limit=query.limit)


@router.get("/organisations/{int:pk}", response={200: OrganisationOut, **ERRORS}, summary="One organisation")
def organisation_detail(request: ApiRequest, pk: Id):
    return access.get_for_user(request.user, Organisation, pk)


@router.post("/organisations", response={201: OrganisationOut, **ERRORS}, auth=SIGNED_IN, summary="Create an organisation")
def organisation_create(request: SignedInApiRequest, payload: OrganisationIn):
    """Secretariat only. A name that differs from an existing one only by case or accents is refused (422)."""
    access.require_secretariat(request.auth)
    data = _organisation_fields(request, payload.dict())
    return Status(201, services.organisation_create(actor=request.auth, **data))


@router.patch("/organisations/{int:pk}", response={200: OrganisationOut, **ERRORS}, auth=SIGNED_IN, summary="Change an organisation")
def organisation_update(request: SignedInApiRequest, pk: Id, payload: OrganisationPatch):
    """Secretariat, or the organisation's own focal point. Only the secretariat may (un)publish."""
    organisation = access.get_for_user(request.auth, Organisation, pk, write=True)
    data = _organisation_fields(request, payload.dict(exclude_unset=True))
    return services.organisation_update(actor=request.auth, organisation=organisation, **data)


@router.post("/organisations/{int:pk}/merge", response={200: OrganisationOut, **ERRORS}, auth=SIGNED_IN,
             summary="Merge a duplicate into this organisation")
def organisation_merge(request: SignedInApiRequest, pk: Id, payload: MergeIn):
    """Secretariat only. Everything pointing at the duplicate moves here; the duplicate is deleted."""
    access.require_secretariat(request.auth)
    keep = access.get_for_user(request.auth, Organisation, pk, write=True)
    duplicate = access.get_for_user(request.auth, Organisation, payload.duplicate_id, write=True)
    return services.organisation_merge(actor=request.auth, keep=keep, duplicate=duplicate)


# --- Agreements and commitments ---------------------------------------------------------------

class CommitmentOut(Schema):
    id: int
    text: str
    responsible_ids: list[int]
    cadence: str
    follow_up_status: str
    last_done_on: date | None
    next_due_on: date | None
    order: int

    @staticmethod
    def resolve_responsible_ids(obj: Commitment) -> list[int]:
        return sorted(o.pk for o in obj.responsible.all())


class Expiry(Schema):
    state: str = Field(description="not_signed (a draft with no date in force), upcoming, in_force, expiring (within 90 days), expired or open_ended")
    days: int | None = Field(description="Days until the start (upcoming), until the end, or since the end (expired).")


class AgreementOut(Schema):
    id: int
    kind: str
    title: str
    stage: str = Field(description="draft, signed, active, expired or renewed.")
    parties: list[OrganisationRef]
    signed_on: date | None
    signed_at: str
    in_force_from: date | None
    in_force_to: date | None
    expiry: Expiry
    framework: str
    countries: list[str] = Field(description="ISO 3166 codes of the countries the agreement serves.")
    objectives: str
    source_url: str
    date_is_approximate: bool
    is_published: bool
    awaiting_review: bool = Field(description="Entered by a focal point: waits for the secretariat to publish it.")
    commitments: list[CommitmentOut]

    @staticmethod
    def resolve_parties(obj: Agreement) -> list[Organisation]:
        return list(obj.parties.all())

    @staticmethod
    def resolve_countries(obj: Agreement) -> list[str]:
        return [str(c) for c in obj.countries]  # a Country prints as its code

    @staticmethod
    def resolve_expiry(obj: Agreement) -> dict[str, Any]:
        return selectors.agreement_expiry(obj)

    @staticmethod
    def resolve_commitments(obj: Agreement) -> list[Commitment]:
        return list(obj.commitments.all())


class AgreementPage(Schema):
    items: list[AgreementOut]
    next: str | None


class CommitmentIn(Schema):
    text: str
    responsible_ids: list[Id] = []
    cadence: str = Commitment.Cadence.ONCE
    follow_up_status: str = Commitment.FollowUp.NOT_STARTED
    last_done_on: date | None = None
    next_due_on: date | None = None
    order: DbInt = 0


class CommitmentPatch(Schema):
    text: str | None = None
    responsible_ids: list[Id] | None = None
    cadence: str | None = None
    follow_up_status: str | None = None
    last_done_on: date | None = None
    next_due_on: date | None = None
    order: DbInt | None = None


class AgreementIn(Schema):
    kind: str = Agreement.Kind.MOU
    title: str
    stage: str = Field("", description="Empty: placed by its dates (no signing date: draft).")
    party_ids: list[Id] = Field(description="At least two organisations; a focal point's own must be one of them.")
    signed_on: date | None = None
    signed_at: str = ""
    in_force_from: date | None = None
    in_force_to: date | None = None
    framework: str = ""
    countries: list[str] = Field([], description="ISO 3166 codes of the countries the agreement serves, e.g. [\"ET\", \"NG\"].")
    objectives: str = ""
    source_url: str = ""
    date_is_approximate: bool = False
    is_published: bool = True
    commitments: list[CommitmentIn] = []


class AgreementPatch(Schema):
    kind: str | None = None
    title: str | None = None
    stage: str | None = Field(None, description="Only a move the stage table allows: draft → signed → active → "
                                                "expired or renewed.")
    party_ids: list[Id] | None = None
    signed_on: date | None = None
    signed_at: str | None = None
    in_force_from: date | None = None
    in_force_to: date | None = None
    framework: str | None = None
    countries: list[str] | None = Field(None, description="ISO 3166 codes; [] for none.")
    objectives: str | None = None
    source_url: str | None = None
    date_is_approximate: bool | None = None
    is_published: bool | None = None


class AgreementQuery(Schema):
    kind: str = ""
    party: Id | None = Field(None, description="Organisation id: agreements it is party to.")
    status: str = Field("", description="in_force, expiring, expired or upcoming.")
    within: DbInt = Field(selectors.EXPIRING_DAYS, description="Days ahead for status=expiring.")
    q: str = ""
    editable: bool = False
    after: str | None = None
    limit: int = Field(25, ge=1, le=MAX_LIMIT)


def _agreements():
    return Agreement.objects.prefetch_related("parties", "commitments__responsible")


def _check_parties(request: ApiRequest, parties: list[Organisation]) -> None:
    if not access.can_create(request.auth, {o.pk for o in parties}):
        raise PermissionDenied


@router.get("/agreements", response={200: AgreementPage, **ERRORS}, summary="List agreements")
def agreement_list(request: ApiRequest, query: Query[AgreementQuery]):
    filters = selectors.AgreementFilters.from_params({**query.dict(), "editable": "1" if query.editable else ""})
    if filters.editable:
        access.require_signed_in(request.user)
    qs = selectors.agreement_list(user=request.user, filters=filters).prefetch_related("commitments__responsible")
    return page_of(qs, ordering=selectors.AGREEMENT_ORDERING, after=query.after, limit=query.limit)


@router.get("/agreements/{int:pk}", response={200: AgreementOut, **ERRORS}, summary="One agreement, with its commitments")
def agreement_detail(request: ApiRequest, pk: Id):
    return access.get_for_user(request.user, _agreements(), pk)


@router.post("/agreements", response={201: AgreementOut, **ERRORS}, auth=SIGNED_IN, summary="Record an agreement")
def agreement_create(request: SignedInApiRequest, payload: AgreementIn):
    data = payload.dict()
    if not access.is_secretariat(request.auth) and not data.pop("is_published"):
        raise PermissionDenied  # only the secretariat decides what is unpublished
    parties = organisations_by_id(request.auth, data.pop("party_ids"), "party_ids")
    _check_parties(request, parties)
    commitments = data.pop("commitments")
    with transaction.atomic():  # the agreement and its commitments, or nothing
        agreement = services.agreement_create(actor=request.auth, parties=parties, **data)
        for c in commitments:
            responsible = organisations_by_id(request.auth, c.pop("responsible_ids"), "commitments.responsible_ids")
            services.commitment_add(actor=request.auth, agreement=agreement, responsible=responsible, **c)
    return Status(201, _agreements().get(pk=agreement.pk))


@router.patch("/agreements/{int:pk}", response={200: AgreementOut, **ERRORS}, auth=SIGNED_IN, summary="Change an agreement")
def agreement_update(request: SignedInApiRequest, pk: Id, payload: AgreementPatch):
    agreement = access.get_for_user(request.auth, Agreement, pk, write=True)
    data = payload.dict(exclude_unset=True)
    if "is_published" in data and not access.is_secretariat(request.auth):
        raise PermissionDenied
    if "countries" in data and data["countries"] is None:
        data["countries"] = []  # null: the agreement names no country
    parties = None
    if "party_ids" in data:
        parties = organisations_by_id(request.auth, data.pop("party_ids"), "party_ids")
        _check_parties(request, parties)
    services.agreement_update(actor=request.auth, agreement=agreement, parties=parties, **data)
    return _agreements().get(pk=agreement.pk)


@router.post("/agreements/{int:pk}/commitments", response={201: CommitmentOut, **ERRORS}, auth=SIGNED_IN,
             summary="Add a commitment to an agreement")
def commitment_create(request: SignedInApiRequest, pk: Id, payload: CommitmentIn):
    agreement = access.get_for_user(request.auth, Agreement, pk, write=True)
    data = payload.dict()
    responsible = organisations_by_id(request.auth, data.pop("responsible_ids"), "responsible_ids")
    return Status(201, services.commitment_add(actor=request.auth, agreement=agreement, responsible=responsible, **data))


@router.patch("/commitments/{int:pk}", response={200: CommitmentOut, **ERRORS}, auth=SIGNED_IN, summary="Change a commitment")
def commitment_update(request: SignedInApiRequest, pk: Id, payload: CommitmentPatch):
    commitment = access.get_for_user(request.auth, Commitment.objects.select_related("agreement"), pk, write=True)
    data = payload.dict(exclude_unset=True)
    responsible = organisations_by_id(request.auth, data.pop("responsible_ids", None), "responsible_ids")
    return services.commitment_update(actor=request.auth, commitment=commitment, responsible=responsible, **data)
