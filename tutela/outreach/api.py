"""Outreach API: programmes, cascade, campaigns, reach (with its method) and certificate checks.

Reads of published records are public; writes need a signed-in user and go through the services.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from tutela.core import access
from tutela.core.access import Actor
from tutela.core.api import ERRORS, PUBLIC, SIGNED_IN, ApiRequest, Count, DbInt, Id, SignedInApiRequest
from tutela.core.pagination import keyset_page

from . import reach, selectors, services
from .models import Campaign, Cohort, Institution, ReachParameter, Trainee, TrainingProgramme

router = Router(tags=["outreach"])


# --- Schemas --------------------------------------------------------------------------------

class ProgrammeOrganisationRef(Schema):
    id: int
    name: str


class ProgrammeOut(Schema):
    id: int
    name: str
    country: str
    city: str
    starts_on: date
    ends_on: date
    organisers: list[ProgrammeOrganisationRef]
    funders: list[ProgrammeOrganisationRef]
    activity_id: int | None
    follow_on_id: int | None
    is_illustrative: bool
    source: str


class ProgrammePage(Schema):
    items: list[ProgrammeOut]
    next: str | None


class ParameterOut(Schema):
    key: str
    label: str
    low: float
    central: float
    high: float
    source: str
    is_assumption: bool
    note: str = ""


class CountedCell(Schema):
    audience: str
    audience_label: str
    min_age: int | None
    max_age: int | None
    value: int | None = Field(description="null when withheld (public output suppresses cells under 5)")
    suppressed: bool = False
    withheld: str = Field("", description="small (under 5), complementary (withheld so a small one cannot be worked out) or empty")


class CountedOut(Schema):
    rule: str
    cells: list[CountedCell]
    totals: dict[str, int | None]
    sessions: int
    illustrative_sessions: int = Field(0, description="session records marked illustrative (demo data)")


class EstimateOut(Schema):
    model: str = Field(description="cascade or placement")
    subject: str
    subject_id: int
    audience: str
    audience_label: str
    min_age: int | None
    max_age: int | None
    method: str
    parameters: list[ParameterOut]
    missing: list[str] = Field(description="parameters still needed; low/central/high are null until they are set")
    low: int | None
    central: int | None
    high: int | None
    impressions: int | None = None
    placements: int | None = None


class CombinedOut(Schema):
    audience: str
    audience_label: str
    counted: int | None
    estimated_low: int | None
    estimated_high: int | None
    low: int | None = Field(description="people reached by either route: at least")
    high: int | None = Field(description="people reached by either route: at most")
    rule: str


class ReachOut(Schema):
    """Counted, estimated and combined reach, never added into one unlabelled number."""

    scope: dict[str, Any]
    counted: CountedOut
    estimated: list[EstimateOut]
    combined: list[CombinedOut]
    union_rule: str
    suppressed_below: int | None
    rounded_to: int | None = Field(None, description="public counted numbers are rounded to the nearest multiple of this")
    computed_at: str


class TraineeOut(Schema):
    id: int
    display_name: str = Field(description="the name only when the person consented to be named, else a pseudonymous label")
    sector: str
    cohort_id: int
    institution_id: int | None
    status: str
    completed_on: date | None
    trained_by_id: int | None
    generation: int
    is_illustrative: bool


class TraineePage(Schema):
    items: list[TraineeOut]
    next: str | None


class TraineeIn(Schema):
    sector: str
    full_name: str = Field("", description="only with consent_to_be_named; trainees are adults")
    consent_to_be_named: bool = False
    label: str = ""
    institution_id: Id | None = None
    status: str = Trainee.Status.ENROLLED
    completed_on: date | None = None
    trained_by_id: Id | None = None


class SessionIn(Schema):
    """One audience and age band. Counts only: nothing here may identify a child."""

    held_on: date
    count: Count = Field(description="how many attended: a whole number, never a name or date of birth")
    audience: str = "children"
    min_age: Count | None = None
    max_age: Count | None = Field(None, description="at most 17 for children")
    institution_id: Id | None = None
    ambassador_id: Id | None = None
    campaign_id: Id | None = None


class SessionOut(Schema):
    id: int
    held_on: date
    audience: str
    min_age: int | None
    max_age: int | None
    count: int
    institution_id: int | None
    ambassador_id: int | None


class ParameterIn(Schema):
    low: Decimal
    central: Decimal
    high: Decimal
    source: str = ""
    is_assumption: bool = False
    note: str = ""


class TreeNode(Schema):
    pk: int
    name: str
    sector: str
    status: str
    generation: int
    children: list["TreeNode"]


class GenerationOut(Schema):
    generation: int
    people: int
    completed: int


class CascadeOut(Schema):
    depth: int
    total: int
    shown: int
    truncated: bool
    per_generation: list[GenerationOut]
    roots: list[TreeNode]


class CampaignOut(Schema):
    id: int
    banner: str
    purpose: str
    owner_organisation_id: int
    partner_ids: list[int]
    programme_id: int | None
    countries: list[str]
    languages: list[str]
    audiences: list[str]
    starts_on: date
    ends_on: date
    is_illustrative: bool


class CampaignPage(Schema):
    items: list[CampaignOut]
    next: str | None


class VerificationOut(Schema):
    code: str
    valid: bool
    status: str = Field(description="valid, revoked or unknown")
    holder: str | None = None
    programme: str | None = None
    completed_on: date | None = None


class CertificateOut(Schema):
    code: str
    completed_on: date
    replaces: str | None


# --- Helpers --------------------------------------------------------------------------------

def _programme_out(p: TrainingProgramme) -> dict[str, Any]:
    return {
        "id": p.pk, "name": p.name, "country": str(p.country), "city": p.city, "starts_on": p.starts_on, "ends_on": p.ends_on,
        "organisers": [{"id": o.pk, "name": str(o)} for o in p.organisers.all()],
        "funders": [{"id": o.pk, "name": str(o)} for o in p.funders.all()],
        "activity_id": p.activity_id, "follow_on_id": p.follow_on_id, "is_illustrative": p.is_illustrative, "source": p.source,
    }


def _campaign_out(c: Campaign) -> dict[str, Any]:
    return {
        "id": c.pk, "banner": c.banner, "purpose": c.purpose, "owner_organisation_id": c.owner_organisation_id,
        "partner_ids": [o.pk for o in c.partners.all()], "programme_id": c.programme_id,
        "countries": [str(x) for x in c.countries], "languages": c.languages, "audiences": c.audiences,
        "starts_on": c.starts_on, "ends_on": c.ends_on, "is_illustrative": c.is_illustrative,
    }


def _limit(limit: int) -> int:
    return max(1, min(limit, 200))


def _optional[M: models.Model](user: Actor, model: type[M], pk: int | None,
                                programme: TrainingProgramme | None = None) -> M | None:
    if pk is None:
        return None
    obj = access.get_for_user(user, model, pk)
    if programme is not None and getattr(obj, "programme_id", programme.pk) != programme.pk:
        raise HttpError(400, f"{model._meta.verbose_name} {pk} belongs to another programme.")
    return obj


# --- Programmes -----------------------------------------------------------------------------

@router.get("/programmes", response={200: ProgrammePage, **ERRORS}, auth=PUBLIC, summary="Training programmes")
def programme_list(request: ApiRequest, after: str | None = None, limit: DbInt = 50):
    page = keyset_page(selectors.programmes_for(request.user), ordering=["-starts_on", "-id"], cursor=after, size=_limit(limit))
    return {"items": [_programme_out(p) for p in page.items], "next": page.next_cursor}


@router.get("/programmes/{pk}", response={200: ProgrammeOut, **ERRORS}, auth=PUBLIC, summary="One training programme")
def programme_get(request: ApiRequest, pk: Id):
    return _programme_out(access.get_for_user(request.user, TrainingProgramme, pk))


@router.get("/programmes/{pk}/reach", response={200: ReachOut, **ERRORS}, auth=PUBLIC,
            summary="A programme's reach: counted, estimated (cascade model) and combined, each with its method")
def programme_reach(request: ApiRequest, pk: Id):
    programme = access.get_for_user(request.user, TrainingProgramme, pk)
    return selectors.stored_reach(request.user, programme=programme)


@router.get("/programmes/{pk}/cascade", response={200: CascadeOut, **ERRORS}, auth=PUBLIC,
            summary="Who trained whom: the tree, its depth and people per generation")
def programme_cascade(request: ApiRequest, pk: Id):
    return selectors.cascade(access.get_for_user(request.user, TrainingProgramme, pk))


@router.get("/programmes/{pk}/trainees", response={200: TraineePage, **ERRORS}, auth=PUBLIC, summary="A programme's trainees")
def trainee_list(request: ApiRequest, pk: Id, after: str | None = None, limit: DbInt = 50):
    programme = access.get_for_user(request.user, TrainingProgramme, pk)
    page = keyset_page(programme.trainees.all(), ordering=["generation", "label", "pk"], cursor=after, size=_limit(limit))
    return {"items": [{**{f: getattr(t, f) for f in TraineeOut.model_fields if f != "display_name"},
                       "display_name": t.display_name} for t in page.items], "next": page.next_cursor}


@router.post("/cohorts/{pk}/trainees", response={201: TraineeOut, **ERRORS}, auth=SIGNED_IN, summary="Register a trainee")
def trainee_create(request: SignedInApiRequest, pk: Id, payload: TraineeIn):
    cohort = access.get_for_user(request.user, Cohort.objects.select_related("programme"), pk, write=True)
    data = payload.dict()
    institution = _optional(request.user, Institution, data.pop("institution_id"))
    trainer = _optional(request.user, Trainee, data.pop("trained_by_id"), cohort.programme)
    trainee = services.trainee_register(actor=request.auth, cohort=cohort, institution=institution, trained_by=trainer, **data)
    return Status(201, {**{f: getattr(trainee, f) for f in TraineeOut.model_fields if f != "display_name"},
                       "display_name": trainee.display_name})


@router.post("/programmes/{pk}/sessions", response={201: SessionOut, **ERRORS}, auth=SIGNED_IN,
             summary="Record a session an ambassador delivered (counts by age band only)")
def session_create(request: SignedInApiRequest, pk: Id, payload: SessionIn):
    programme = access.get_for_user(request.user, TrainingProgramme, pk, write=True)
    data = payload.dict()
    institution = _optional(request.user, Institution, data.pop("institution_id"))
    ambassador = _optional(request.user, Trainee, data.pop("ambassador_id"), programme)
    campaign = _optional(request.user, Campaign, data.pop("campaign_id"))
    session = services.session_record(actor=request.auth, programme=programme, institution=institution,
                                      ambassador=ambassador, campaign=campaign, **data)
    return Status(201, {f: getattr(session, f) for f in SessionOut.model_fields})


@router.put("/programmes/{pk}/parameters/{key}", response={200: ParameterOut, **ERRORS}, auth=SIGNED_IN,
            summary="Set a cascade-model parameter (low, central, high, source)")
def programme_parameter_set(request: SignedInApiRequest, pk: Id, key: str, payload: ParameterIn):
    programme = access.get_for_user(request.user, TrainingProgramme, pk, write=True)
    param = services.parameter_set(actor=request.auth, programme=programme, key=key, **payload.dict())
    return reach.parameter_row(param)


@router.put("/campaigns/{pk}/parameters/{key}", response={200: ParameterOut, **ERRORS}, auth=SIGNED_IN,
            summary="Set a placement-model parameter (low, central, high, source)")
def campaign_parameter_set(request: SignedInApiRequest, pk: Id, key: str, payload: ParameterIn):
    campaign = access.get_for_user(request.user, Campaign, pk, write=True)
    param = services.parameter_set(actor=request.auth, campaign=campaign, key=key, **payload.dict())
    return reach.parameter_row(param)


@router.get("/programmes/{pk}/parameters", response={200: list[ParameterOut], **ERRORS}, auth=PUBLIC,
            summary="The cascade model's stored parameters")
def programme_parameters(request: ApiRequest, pk: Id):
    programme = access.get_for_user(request.user, TrainingProgramme, pk)
    return [reach.parameter_row(p) for p in ReachParameter.objects.filter(programme=programme)]


# --- Campaigns ------------------------------------------------------------------------------

@router.get("/campaigns", response={200: CampaignPage, **ERRORS}, auth=PUBLIC, summary="Campaigns")
def campaign_list(request: ApiRequest, after: str | None = None, limit: DbInt = 50):
    page = keyset_page(selectors.campaigns_for(request.user), ordering=["-starts_on", "-id"], cursor=after, size=_limit(limit))
    return {"items": [_campaign_out(c) for c in page.items], "next": page.next_cursor}


@router.get("/campaigns/{pk}", response={200: CampaignOut, **ERRORS}, auth=PUBLIC, summary="One campaign")
def campaign_get(request: ApiRequest, pk: Id):
    return _campaign_out(access.get_for_user(request.user, Campaign, pk))


@router.get("/campaigns/{pk}/reach", response={200: ReachOut, **ERRORS}, auth=PUBLIC,
            summary="A campaign's reach: counted sessions, placement estimate and combined")
def campaign_reach(request: ApiRequest, pk: Id):
    return selectors.stored_reach(request.user, campaign=access.get_for_user(request.user, Campaign, pk))


# --- Reach for any scope --------------------------------------------------------------------

@router.get("/reach", response={200: ReachOut, **ERRORS}, auth=PUBLIC,
            summary="Reach for a country and/or period, or the whole initiative")
def reach_for_scope(request: ApiRequest, country: str | None = None, start: date | None = None, end: date | None = None):
    """Published records only, small cells withheld, unless you are the secretariat.

    The public may ask by whole calendar months only (`start` on a 1st, `end` on a month's last day).
    """
    if start and end and end < start:
        raise HttpError(400, "The period ends before it starts.")
    return selectors.live_reach(request.user, reach.Scope(country=country.upper() if country else None, start=start, end=end))


# --- Certificates ---------------------------------------------------------------------------

@router.get("/certificates/{code}", response={200: VerificationOut, **ERRORS}, auth=PUBLIC,
            summary="Verify a certificate code (valid, revoked or unknown)")
def certificate_verify(request: ApiRequest, code: str):
    certificate = selectors.certificate_lookup(code)
    if certificate is None or not certificate.trainee.programme.is_published:
        return {"code": code, "valid": False, "status": "unknown"}
    if not certificate.is_valid:
        return {"code": certificate.code, "valid": False, "status": "revoked"}
    return {"code": certificate.code, "valid": True, "status": "valid", "holder": certificate.trainee.display_name,
            "programme": certificate.trainee.programme.name, "completed_on": certificate.completed_on}


@router.post("/trainees/{pk}/certificates", response={201: CertificateOut, **ERRORS}, auth=SIGNED_IN,
             summary="Issue (or, after re-training, re-issue) a certificate")
def certificate_create(request: SignedInApiRequest, pk: Id):
    trainee = access.get_for_user(request.user, Trainee.objects.select_related("programme"), pk, write=True)
    certificate = services.certificate_issue(actor=request.auth, trainee=trainee)
    return Status(201, {"code": certificate.code, "completed_on": certificate.completed_on,
                       "replaces": certificate.replaces.code if certificate.replaces else None})

