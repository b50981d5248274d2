"""National strategies over the API: frameworks, rounds, ratings, action plans, country summaries.

Same services and access rules as the pages. Schema names start with "Strategy" (the API's schema
names are one namespace).
"""

from datetime import date
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django_countries import countries
from ninja import Query, Router, Schema, Status
from pydantic import Field

from tutela.core import access
from tutela.core.access import Actor
from tutela.core.api import ERRORS, SIGNED_IN, ApiRequest, Id, SignedInApiRequest
from tutela.core.pagination import keyset_page

from . import selectors, services
from .models import Action, Assessment, Framework, Rating, StrategyStage

router = Router(tags=["strategies"])

MAX_LIMIT = 100
Level = Annotated[int, Field(ge=0, le=4)]
CountryCode = Annotated[str, Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2, e.g. OM.")]


class StrategyCriterionOut(Schema):
    id: int
    code: str
    pillar: int = Field(description="Pillar number, 1–5.")
    title: str
    guidance: str
    levels: list[str] = Field(description="Descriptors of levels 0 to 4.")
    evidence_kinds: list[str]

    @staticmethod
    def resolve_pillar(obj) -> int:
        return obj.pillar.number


class StrategyFrameworkOut(Schema):
    id: int
    code: str
    version: int
    name: str
    description: str
    sources: str
    criteria: list[StrategyCriterionOut]

    @staticmethod
    def resolve_criteria(obj: Framework) -> list:
        return list(selectors.framework_criteria(obj))


class StrategyFrameworkPage(Schema):
    items: list[StrategyFrameworkOut]
    next: str | None


class StrategyCriterionIn(Schema):
    code: str
    pillar: Annotated[int, Field(ge=1, le=5)] | Annotated[str, Field(max_length=50)] = Field(
        description="Pillar number (1–5) or slug.")
    title: str
    guidance: str = ""
    levels: list[str] = Field(description="Exactly five descriptors, for levels 0 to 4.")
    evidence_kinds: list[str] = []


class StrategyFrameworkIn(Schema):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")
    version: Annotated[int, Field(ge=1, le=32767)]
    name: str
    description: str = ""
    sources: str = ""
    criteria: list[StrategyCriterionIn] = Field(max_length=500)


class StrategyPageQuery(Schema):
    after: str | None = Field(None, description="The `next` cursor of the previous page.")
    limit: int = Field(25, ge=1, le=MAX_LIMIT)


def _page(qs, ordering: list[str], query: Any) -> dict[str, Any]:
    page = keyset_page(qs, ordering=ordering, cursor=query.after, size=query.limit)
    return {"items": page.items, "next": page.next_cursor}


@router.get("/frameworks", response={200: StrategyFrameworkPage, **ERRORS}, summary="List framework versions")
def framework_list(request: ApiRequest, query: Query[StrategyPageQuery]):
    return _page(Framework.objects.all(), ["pk"], query)


@router.get("/frameworks/{int:pk}", response={200: StrategyFrameworkOut, **ERRORS}, summary="One framework version")
def framework_detail(request: ApiRequest, pk: Id):
    return access.get_for_user(request.user, Framework, pk)


@router.post("/frameworks", response={201: StrategyFrameworkOut, **ERRORS}, auth=SIGNED_IN,
             summary="Import a framework version")
def framework_import(request: SignedInApiRequest, payload: StrategyFrameworkIn):
    """Secretariat only. The version is imported whole or not at all: duplicate criterion codes, a
    missing pillar or a level list that is not five descriptors are a 422 naming the criterion."""
    access.require_secretariat(request.auth)
    data = payload.dict()
    return Status(201, services.framework_import(actor=request.auth, **data))


# --- Rounds -------------------------------------------------------------------------------------------

class StrategyPillarScore(Schema):
    pillar: int
    mean_level: float | None


class StrategyRatingOut(Schema):
    id: int
    criterion: str
    level: int | None
    target_level: int
    comments: str
    gap: bool
    evidence: list[str]

    @staticmethod
    def resolve_criterion(obj: Rating) -> str:
        return obj.criterion.code

    @staticmethod
    def resolve_gap(obj: Rating) -> bool:
        return obj.is_gap

    @staticmethod
    def resolve_evidence(obj: Rating) -> list[str]:
        return [e.url or e.title for e in obj.evidence.all()]


class StrategyAssessmentOut(Schema):
    id: int
    country: str
    held_on: date
    framework_id: int
    status: str
    strategy_stage: str
    summary: str
    is_illustrative: bool
    pillar_scores: list[StrategyPillarScore]
    ratings: list[StrategyRatingOut] | None = Field(
        description="Every answer: only for the country's national focal point and the secretariat (null otherwise).")


class StrategyAssessmentPage(Schema):
    items: list[StrategyAssessmentOut]
    next: str | None


def _assessment_out(user: Actor, assessment: Assessment, scores: dict | None = None) -> dict[str, Any]:
    if scores is None:
        scores = selectors.pillar_scores([assessment]).get(assessment.pk, {})
    return {
        "id": assessment.pk, "country": str(assessment.country), "held_on": assessment.held_on,
        "framework_id": assessment.framework_id, "status": assessment.status,
        "strategy_stage": assessment.strategy_stage, "summary": assessment.summary,
        "is_illustrative": assessment.is_illustrative,
        "pillar_scores": [{"pillar": n, "mean_level": scores.get(n)} for n in range(1, 6)],
        "ratings": selectors.assessment_ratings(assessment) if access.can_write(user, assessment) else None,
    }


class StrategyAssessmentQuery(StrategyPageQuery):
    country: str = Field("", max_length=2, description="ISO 3166-1 alpha-2.")
    status: str = Field("", description="draft, submitted, validated or published.")


@router.get("/assessments", response={200: StrategyAssessmentPage, **ERRORS}, summary="List rounds")
def assessment_list(request: ApiRequest, query: Query[StrategyAssessmentQuery]):
    """Published rounds for everyone; a national focal point also sees their country's, the secretariat all."""
    qs = selectors.assessments_for(request.user)
    if query.country:
        qs = qs.filter(country=query.country.upper())
    if query.status:
        if query.status not in Assessment.Status.values:
            raise ValidationError({"status": "Choose draft, submitted, validated or published."})
        qs = qs.filter(status=query.status)
    page = _page(qs, ["pk"], query)
    scores = selectors.pillar_scores(list(page["items"]))
    page["items"] = [_assessment_out(request.user, a, scores.get(a.pk, {})) for a in page["items"]]
    return page


@router.get("/assessments/{int:pk}", response={200: StrategyAssessmentOut, **ERRORS}, summary="One round")
def assessment_detail(request: ApiRequest, pk: Id):
    return _assessment_out(request.user, access.get_for_user(request.user, Assessment, pk))


class StrategyAssessmentIn(Schema):
    country: CountryCode
    framework_id: Id
    held_on: date
    team: str = Field("", max_length=300)
    strategy_stage: str = StrategyStage.NONE


@router.post("/assessments", response={201: StrategyAssessmentOut, **ERRORS}, auth=SIGNED_IN, summary="Open a round")
def assessment_create(request: SignedInApiRequest, payload: StrategyAssessmentIn):
    """The secretariat, or the country's national focal point (another country: 403)."""
    if not (access.is_secretariat(request.auth) or access.user_country_codes(request.auth)):
        access.require_secretariat(request.auth)
    framework = access.get_for_user(request.auth, Framework, payload.framework_id)
    if payload.strategy_stage not in StrategyStage.values:
        raise ValidationError({"strategy_stage": f"Choose one of {', '.join(StrategyStage.values)}."})
    assessment = services.assessment_create(actor=request.auth, country=payload.country, framework=framework,
                                            held_on=payload.held_on, team=payload.team,
                                            strategy_stage=payload.strategy_stage)
    return Status(201, _assessment_out(request.auth, assessment))


class StrategyRatingPatch(Schema):
    level: Level | None = None
    target_level: Level | None = None
    comments: str | None = Field(None, max_length=10000)


@router.patch("/ratings/{int:pk}", response={200: StrategyRatingOut, **ERRORS}, auth=SIGNED_IN,
              summary="Rate a criterion in a draft round")
def rating_update(request: SignedInApiRequest, pk: Id, payload: StrategyRatingPatch):
    """A level above 4 or below 0 is a 422; a validated round's rating is a 422 that says to open a new round."""
    rating = Rating.objects.select_related("assessment").filter(pk=pk).first()
    if rating is None:
        raise Http404
    access.get_for_user(request.auth, Assessment, rating.assessment_id, write=True)
    data = payload.dict(exclude_unset=True)
    level = data.get("level", rating.level)
    services.rating_update(actor=request.auth, rating=rating, level=level, target_level=data.get("target_level"),
                           comments=data.get("comments"))
    return Rating.objects.select_related("criterion").get(pk=pk)


class StrategyPublishIn(Schema):
    summary: str = Field(max_length=20000)


def _move(request: ApiRequest, pk: int, service, *, secretariat: bool, **extra):
    assessment = access.get_for_user(request.auth, Assessment, pk, write=True)
    if secretariat:
        access.require_secretariat(request.auth)
    return _assessment_out(request.auth, service(actor=request.auth, assessment=assessment, **extra))


@router.post("/assessments/{int:pk}/submit", response={200: StrategyAssessmentOut, **ERRORS}, auth=SIGNED_IN,
             summary="Submit a draft round")
def assessment_submit(request: SignedInApiRequest, pk: Id):
    return _move(request, pk, services.assessment_submit, secretariat=False)


@router.post("/assessments/{int:pk}/return", response={200: StrategyAssessmentOut, **ERRORS}, auth=SIGNED_IN,
             summary="Return a submitted round to its team")
def assessment_return(request: SignedInApiRequest, pk: Id):
    return _move(request, pk, services.assessment_return, secretariat=True)


@router.post("/assessments/{int:pk}/validate", response={200: StrategyAssessmentOut, **ERRORS}, auth=SIGNED_IN,
             summary="Validate a submitted round")
def assessment_validate(request: SignedInApiRequest, pk: Id):
    return _move(request, pk, services.assessment_validate, secretariat=True)


@router.post("/assessments/{int:pk}/publish", response={200: StrategyAssessmentOut, **ERRORS}, auth=SIGNED_IN,
             summary="Publish a validated round's summary")
def assessment_publish(request: SignedInApiRequest, pk: Id, payload: StrategyPublishIn):
    return _move(request, pk, services.assessment_publish, secretariat=True, summary=payload.summary)


# --- Action plans ---------------------------------------------------------------------------------------

class StrategyActionOut(Schema):
    id: int
    assessment_id: int
    criterion: str
    title: str
    owner_id: int
    due_on: date
    status: str
    activity_ids: list[int]
    project_ids: list[int]
    agreement_ids: list[int]
    partner_ids: list[int]

    @staticmethod
    def resolve_criterion(obj: Action) -> str:
        return obj.criterion.code

    @staticmethod
    def resolve_activity_ids(obj: Action) -> list[int]:
        return sorted(a.pk for a in obj.activities.all())

    @staticmethod
    def resolve_project_ids(obj: Action) -> list[int]:
        return sorted(p.pk for p in obj.projects.all())

    @staticmethod
    def resolve_agreement_ids(obj: Action) -> list[int]:
        return sorted(a.pk for a in obj.agreements.all())

    @staticmethod
    def resolve_partner_ids(obj: Action) -> list[int]:
        return sorted(o.pk for o in obj.partners.all())


class StrategyActionIn(Schema):
    criterion: str = Field(max_length=20, description="The criterion code of a gap in this round.")
    title: str = Field(max_length=300)
    owner_id: Id
    due_on: date
    status: str = Action.Status.PLANNED
    activity_ids: list[Id] = []
    project_ids: list[Id] = Field([], description="Projects serving it; each must name the round's country.")
    agreement_ids: list[Id] = Field([], description="Agreements serving it; each must name the round's country.")
    partner_ids: list[Id] = []


class StrategyActionPatch(Schema):
    title: str | None = Field(None, max_length=300)
    owner_id: Id | None = None
    due_on: date | None = None
    status: str | None = None
    activity_ids: list[Id] | None = None
    project_ids: list[Id] | None = None
    agreement_ids: list[Id] | None = None
    partner_ids: list[Id] | None = None


def _readable(user: Actor, model: Any, ids: list[int] | None, field: str) -> list | None:
    if ids is None:
        return None
    found = {o.pk: o for o in access.readable(user, model.objects.filter(pk__in=ids))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError({field: [f"Unknown: {', '.join(map(str, missing))}."]})
    return [found[i] for i in dict.fromkeys(ids)]


def _links(user: Actor, data: dict[str, Any]) -> dict[str, Any]:
    from tutela.activities.models import Activity, Project
    from tutela.partners.models import Agreement, Organisation

    out = {}
    for key, model, name in (("activity_ids", Activity, "activities"), ("project_ids", Project, "projects"),
                             ("agreement_ids", Agreement, "agreements"), ("partner_ids", Organisation, "partners")):
        if key in data:
            out[name] = _readable(user, model, data.pop(key), key)
    if data.get("owner_id") is not None:
        owners = _readable(user, Organisation, [data.pop("owner_id")], "owner_id") or []
        out["owner"] = owners[0]
    data.pop("owner_id", None)
    if "status" in data and data["status"] not in Action.Status.values:
        raise ValidationError({"status": f"Choose one of {', '.join(Action.Status.values)}."})
    return out


@router.get("/assessments/{int:pk}/actions", response={200: list[StrategyActionOut], **ERRORS},
            summary="A round's action plan")
def action_list(request: ApiRequest, pk: Id):
    assessment = access.get_for_user(request.user, Assessment, pk)
    return list(selectors.actions_for(request.user, assessment))


@router.post("/assessments/{int:pk}/actions", response={201: StrategyActionOut, **ERRORS}, auth=SIGNED_IN,
             summary="Plan an action on a gap")
def action_create(request: SignedInApiRequest, pk: Id, payload: StrategyActionIn):
    assessment = access.get_for_user(request.auth, Assessment, pk, write=True)
    data = payload.dict()
    criterion = assessment.framework.criteria.filter(code=data.pop("criterion")).first()
    if criterion is None:
        raise ValidationError({"criterion": "No criterion with this code in the round's framework."})
    links = _links(request.auth, data)
    action = services.action_create(actor=request.auth, assessment=assessment, criterion=criterion, **data, **links)
    return Status(201, action)


@router.patch("/actions/{int:pk}", response={200: StrategyActionOut, **ERRORS}, auth=SIGNED_IN,
              summary="Change an action")
def action_update(request: SignedInApiRequest, pk: Id, payload: StrategyActionPatch):
    action = access.get_for_user(request.auth, Action.objects.select_related("assessment"), pk, write=True)
    data = payload.dict(exclude_unset=True)
    links = _links(request.auth, data)
    for name in ("title", "due_on", "status"):
        if name in data and data[name] is None:
            raise ValidationError({name: "This field cannot be null."})
    return services.action_update(actor=request.auth, action=action, **data, **links)


# --- Countries ----------------------------------------------------------------------------------------

class StrategyCountryRow(Schema):
    country: str
    name: str
    assessment_id: int
    held_on: date
    strategy_stage: str
    pillar_scores: list[StrategyPillarScore]


@router.get("/countries", response={200: list[StrategyCountryRow], **ERRORS},
            summary="Every country's newest published round (alphabetical, not a ranking)")
def country_list(request: ApiRequest):
    data = selectors.comparison()
    return [{"country": r.code, "name": r.name, "assessment_id": r.assessment.pk,
             "held_on": r.assessment.held_on, "strategy_stage": r.assessment.strategy_stage,
             "pillar_scores": [{"pillar": p.number, "mean_level": s} for p, s in zip(data["pillars"], r.scores, strict=True)]}
            for r in data["rows"]]


class StrategyCountryOut(Schema):
    country: str
    name: str
    strategy_stage: str | None
    summary: str | None
    rounds: list[StrategyAssessmentOut]


@router.get("/countries/{code}", response={200: StrategyCountryOut, **ERRORS}, summary="One country's rounds")
def country_detail(request: ApiRequest, code: CountryCode):
    code = code.upper()
    if code not in dict(countries):
        raise Http404
    rounds = list(selectors.assessments_for(request.user).filter(country=code).order_by("held_on"))
    scores = selectors.pillar_scores(rounds)
    published = [a for a in rounds if a.is_public]
    latest = published[-1] if published else None
    return {"country": code, "name": selectors.country_name(code),
            "strategy_stage": latest.strategy_stage if latest else None, "summary": latest.summary if latest else None,
            "rounds": [_assessment_out(request.user, a, scores.get(a.pk, {})) for a in rounds]}
