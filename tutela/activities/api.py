"""API for activities, occasions and projects: the same filters, access rules and services as the web UI."""

from datetime import date
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from ninja import Body, Field, Query, Router, Schema, Status

from tutela.core import access
from tutela.core.access import Actor
from tutela.core.api import ERRORS, SIGNED_IN, ApiRequest, DbInt, Id, SignedInApiRequest, Translations, Year
from tutela.core.choices import FigureKind
from tutela.core.pagination import keyset_page
from tutela.initiatives.models import Deliverable, Person
from tutela.partners.models import Organisation

from . import selectors, services
from .forms import ActivityFilterForm
from .models import Activity, ActivityPartner, Occasion, Participation, Project

router = Router(tags=["activities"])

MAX_LIMIT = 100


# --- Schemas ----------------------------------------------------------------------------------

class PillarRef(Schema):
    id: int
    number: int
    short_name: str


class PartnerOut(Schema):
    organisation_id: int
    organisation: str
    role: str


class CountOut(Schema):
    group: str
    min_age: int | None
    max_age: int | None
    count: int | None = Field(description="null when unknown, or when a public child count under 5 is suppressed")
    suppressed: bool = Field(description="true when a child count under 5 is hidden from the public")
    unit: str = Field(description="What the count counts: people, countries or member_states")
    kind: str
    description: str


class OutcomeOut(Schema):
    kind: str
    text: str
    points: list[str]
    made_by_id: int | None = Field(description="The person who made it (one who may be named), or null")
    made_by_organisation_id: int | None = Field(description="The organisation that made it, or null")
    made_by_group: str = Field(description="The named group that made it, e.g. the administrations of the region")
    addressed_to: str


class ActivityItem(Schema):
    id: int
    title: str
    kind: str
    status: str
    starts_on: date
    ends_on: date
    date_is_approximate: bool
    city: str
    country: str
    online: bool
    occasion_id: int | None
    project_id: int | None
    pillars: list[PillarRef]
    partners: list[PartnerOut]
    is_published: bool
    awaiting_review: bool = Field(description="Entered by a focal point or flagged: waits for the secretariat to publish it.")
    translations: Translations


class ActivityReviewFlag(Schema):
    signal: str = Field(description="name_age or photo: what the child-identity check found")
    field: str
    excerpt: str
    cleared: bool = False


class ActivityOut(ActivityItem):
    venue: str
    parent_id: int | None
    summary: str
    objective: str
    focus: str
    follows_up: str
    source: str
    topics: list[str]
    deliverables: list[int]
    participation: list[CountOut]
    outcomes: list[OutcomeOut]
    review_flags: list[ActivityReviewFlag]


class ActivityPage(Schema):
    items: list[ActivityItem]
    next: str | None


class PartnerIn(Schema):
    organisation_id: Id
    role: str = ActivityPartner.Role.ORGANISER


class CountIn(Schema):
    group: str
    count: DbInt | None = Field(None, description="A whole number, 0 or more, of what `unit` counts; null when unknown.")
    min_age: DbInt | None = None
    max_age: DbInt | None = None
    unit: str = Field(Participation.Unit.PEOPLE, description="people, countries or member_states; children are "
                                                             "always counted as people")
    kind: str = FigureKind.COUNTED
    description: str = ""


class OutcomeIn(Schema):
    kind: str
    text: str
    points: list[str] = []
    made_by_id: Id | None = Field(None, description="A person who may be named")
    made_by_organisation_id: Id | None = Field(None, description="Or an organisation")
    made_by_group: str = Field("", description="Or a named group; one maker at most")
    addressed_to: str = ""


class ActivityPatch(Schema):
    title: str | None = None
    kind: str | None = None
    status: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    date_is_approximate: bool | None = None
    city: str | None = None
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code, e.g. ET")
    venue: str | None = None
    online: bool | None = None
    occasion_id: Id | None = None
    project_id: Id | None = None
    summary: str | None = None
    objective: str | None = None
    focus: str | None = Field(None, description="What it focused on, when the source says so")
    follows_up: str | None = None
    source: str | None = None
    pillars: list[Id] | None = Field(None, description="Pillar ids (see `pillars[].id`)")
    topics: list[str] | None = None
    deliverables: list[Id] | None = None
    partners: list[PartnerIn] | None = None
    participation: list[CountIn] | None = None
    outcomes: list[OutcomeIn] | None = None


class ActivityIn(ActivityPatch):
    title: str
    kind: str
    starts_on: date
    pillars: list[Id]


class ActivityFilterIn(Schema):
    pillar: str | None = Field(None, description="Pillar slug, e.g. capacity-building")
    country: str | None = None
    organisation: Id | None = None
    kind: str | None = None
    status: str | None = None
    year: Year | None = None
    occasion: Id | None = None
    group: str | None = Field(None, description="Activities whose participation includes this group")
    q: str | None = Field(None, description="Title contains")
    after: str | None = Field(None, description="The `next` cursor of the previous page")
    limit: int = Field(25, ge=1, le=MAX_LIMIT)


# --- Serialising ------------------------------------------------------------------------------

def _item(a: Activity) -> dict[str, Any]:
    return {
        "id": a.pk, "title": a.title, "kind": a.kind, "status": a.status, "starts_on": a.starts_on,
        "ends_on": a.ends_on, "date_is_approximate": a.date_is_approximate, "city": a.city,
        "country": str(a.country), "online": a.online, "occasion_id": a.occasion_id,
        "project_id": a.project_id, "is_published": a.is_published, "awaiting_review": a.awaiting_review,
        "translations": a.translations or {},
        "pillars": [{"id": p.pk, "number": p.number, "short_name": p.short_name} for p in a.pillars.all()],
        "partners": [{"organisation_id": r.organisation_id, "organisation": str(r.organisation), "role": r.role}
                     for r in a.partner_roles.all()],
    }


def _full(user: Actor, a: Activity) -> dict[str, Any]:
    suppress = selectors.suppress_small_cells(user, a)
    return {
        **_item(a), "venue": a.venue, "parent_id": a.parent_id, "summary": a.summary, "objective": a.objective,
        "focus": a.focus, "follows_up": a.follows_up, "source": a.source,
        "topics": [t.name for t in a.topics.all()], "deliverables": [d.pk for d in a.deliverables.all()],
        "participation": selectors.participation_rows(a, suppress=suppress),
        "outcomes": [{"kind": o.kind, "text": o.text, "points": o.points, "made_by_id": o.made_by_id,
                      "made_by_organisation_id": o.made_by_organisation_id, "made_by_group": o.made_by_group,
                      "addressed_to": o.addressed_to} for o in a.outcomes.all()],
        "review_flags": [{"cleared": False, **f} for f in a.review_flags or []],
    }


def _filters(user: Actor, params: Schema) -> selectors.ActivityFilters:
    data = {k: v for k, v in params.dict().items() if v is not None and k not in ("after", "limit")}
    form = ActivityFilterForm(data, user=user)
    if not form.is_valid():
        raise ValidationError({k: list(v) for k, v in form.errors.items()})
    return form.filters()


# --- Resolving ids the caller sent --------------------------------------------------------------

def _one(user: Actor, model, pk: int | None, field: str, label: str):
    if pk is None:
        return None
    qs = model.objects.all()
    if hasattr(qs, "public"):
        qs = access.readable(user, qs)
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise ValidationError({field: f"{label} {pk} does not exist."})
    return obj


def _service_args(user: Actor, payload: ActivityPatch) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    args: dict[str, Any] = {}
    for name in ("title", "kind", "status", "starts_on", "ends_on", "date_is_approximate", "city", "country", "venue",
                 "online", "summary", "objective", "focus", "follows_up", "source", "pillars", "topics"):
        if name in data:
            value = data[name]
            if value is None and name not in ("ends_on",):
                raise ValidationError({name: "This field cannot be null."})
            args[name] = value
    if "occasion_id" in data:
        args["occasion"] = _one(user, Occasion, data["occasion_id"], "occasion_id", "Occasion")
    if "project_id" in data:
        args["project"] = _one(user, Project, data["project_id"], "project_id", "Project")
    if data.get("deliverables") is not None:
        args["deliverables"] = [_one(user, Deliverable, pk, "deliverables", "Deliverable") for pk in data["deliverables"]]
    if data.get("partners") is not None:
        args["partners"] = [(_one(user, Organisation, p["organisation_id"], "partners", "Organisation"), p["role"])
                            for p in data["partners"]]
    if data.get("participation") is not None:
        args["participation"] = [services.Count(**row) for row in data["participation"]]
    if data.get("outcomes") is not None:
        args["outcomes"] = [
            {**{k: v for k, v in o.items() if k not in ("made_by_id", "made_by_organisation_id")},
             "made_by": _one(user, Person, o.get("made_by_id"), "outcomes", "Person"),
             "made_by_organisation": _one(user, Organisation, o.get("made_by_organisation_id"), "outcomes",
                                          "Organisation")}
            for o in data["outcomes"]
        ]
    return args


def _detail_qs():
    return Activity.objects.select_related("occasion").prefetch_related(
        "pillars", "topics", "deliverables", "participation", "outcomes",
        Prefetch("partner_roles", queryset=ActivityPartner.objects.select_related("organisation")),
    )


# --- Activities -------------------------------------------------------------------------------

@router.get("/activities", response={200: ActivityPage, **ERRORS}, summary="List activities")
def activity_list(request: ApiRequest, params: Query[ActivityFilterIn]):
    """Published activities (plus your organisation's, or all for the secretariat), newest first.
    Filters combine; pass `next` back as `after` for the next page."""
    filters = _filters(request.user, params)
    qs = selectors.activity_queryset(request.user, filters).select_related("occasion").prefetch_related(
        "pillars", Prefetch("partner_roles", queryset=ActivityPartner.objects.select_related("organisation")),
    )
    page = keyset_page(qs, ordering=selectors.ACTIVITY_ORDERING, cursor=params.after, size=params.limit)
    return {"items": [_item(a) for a in page.items], "next": page.next_cursor}


@router.get("/activities/{activity_id}", response={200: ActivityOut, **ERRORS}, summary="One activity")
def activity_get(request: ApiRequest, activity_id: Id):
    activity = access.get_for_user(request.user, _detail_qs(), activity_id)
    return _full(request.user, activity)


@router.post("/activities", response={201: ActivityOut, **ERRORS}, auth=SIGNED_IN, summary="Record an activity")
def activity_create(request: SignedInApiRequest, payload: ActivityIn):
    """Focal points list their own organisation as organiser or co-organiser."""
    user = request.auth
    if not access.can_create(user, access.user_organisation_ids(user)):
        raise PermissionDenied
    activity = services.activity_create(actor=user, **_service_args(user, payload))
    return Status(201, _full(user, access.get_for_user(user, _detail_qs(), activity.pk)))


@router.patch("/activities/{activity_id}", response={200: ActivityOut, **ERRORS}, auth=SIGNED_IN,
              summary="Change an activity")
def activity_update(request: SignedInApiRequest, activity_id: Id, payload: ActivityPatch):
    """Send only what changes. A list you send (partners, participation, outcomes…) replaces the old one."""
    user = request.auth
    activity = access.get_for_user(user, Activity, activity_id, write=True)
    services.activity_update(actor=user, activity=activity, **_service_args(user, payload))
    return _full(user, access.get_for_user(user, _detail_qs(), activity_id))


TRANSLATION_BODY = '{"title": …, "summary": …}; an empty text removes that translation'


@router.put("/activities/{activity_id}/translations/{language}", response={200: ActivityOut, **ERRORS},
            auth=SIGNED_IN, summary="Translate an activity's title and summary (secretariat)")
def activity_translate(request: SignedInApiRequest, activity_id: Id, language: str,
                       payload: Annotated[dict[str, str | None], Body(description=TRANSLATION_BODY)]):
    """The body's texts become the activity's `title`/`summary` in `language` (fr, es, ar, ru, zh-hans)."""
    user = request.user
    activity = access.get_for_user(user, Activity, activity_id, write=True)
    services.activity_translate(actor=user, activity=activity, language=language, values=payload)
    return _full(user, access.get_for_user(user, _detail_qs(), activity_id))


def _review_action(request: ApiRequest, activity_id: Id, service):
    user = request.auth
    activity = access.get_for_user(user, Activity, activity_id, write=True)
    service(actor=user, activity=activity)
    return _full(user, access.get_for_user(user, _detail_qs(), activity_id))


@router.post("/activities/{activity_id}/publish", response={200: ActivityOut, **ERRORS}, auth=SIGNED_IN,
             summary="Publish an activity (secretariat)")
def activity_publish(request: SignedInApiRequest, activity_id: Id):
    """Refused (422) while a child-identity flag is open: edit the text or clear the flags first."""
    return _review_action(request, activity_id, services.activity_publish)


@router.post("/activities/{activity_id}/unpublish", response={200: ActivityOut, **ERRORS}, auth=SIGNED_IN,
             summary="Take an activity offline (secretariat)")
def activity_unpublish(request: SignedInApiRequest, activity_id: Id):
    return _review_action(request, activity_id,
                          lambda actor, activity: services.activity_set_published(actor=actor, activity=activity, published=False))


@router.post("/activities/{activity_id}/submit", response={200: ActivityOut, **ERRORS}, auth=SIGNED_IN,
             summary="Ask the secretariat to review an unpublished activity")
def activity_submit(request: SignedInApiRequest, activity_id: Id):
    return _review_action(request, activity_id, services.activity_submit)


@router.post("/activities/{activity_id}/clear-flags", response={200: ActivityOut, **ERRORS}, auth=SIGNED_IN,
             summary="Mark an activity's child-identity flags as checked (secretariat)")
def activity_clear_flags(request: SignedInApiRequest, activity_id: Id):
    return _review_action(request, activity_id, services.activity_clear_flags)


# --- Occasions --------------------------------------------------------------------------------

class OccasionOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    starts_on: date
    ends_on: date
    city: str
    country: str
    venue: str
    theme: str
    organiser_id: int | None
    website: str
    is_published: bool


class OccasionPage(Schema):
    items: list[OccasionOut]
    next: str | None


class OccasionPatch(Schema):
    name: str | None = None
    short_name: str | None = None
    kind: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    city: str | None = None
    country: str | None = None
    venue: str | None = None
    theme: str | None = None
    organiser_id: Id | None = None
    website: str | None = None
    is_published: bool | None = None


class OccasionIn(OccasionPatch):
    name: str
    starts_on: date


def _occasion(o: Occasion) -> dict[str, Any]:
    return {"id": o.pk, "name": o.name, "short_name": o.short_name, "kind": o.kind, "starts_on": o.starts_on,
            "ends_on": o.ends_on, "city": o.city, "country": str(o.country), "venue": o.venue, "theme": o.theme,
            "organiser_id": o.organiser_id, "website": o.website, "is_published": o.is_published}


def _occasion_args(user: Actor, payload: OccasionPatch) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    if "organiser_id" in data:
        data["organiser"] = _one(user, Organisation, data.pop("organiser_id"), "organiser_id", "Organisation")
    return data


@router.get("/occasions", response={200: OccasionPage, **ERRORS}, summary="List occasions")
def occasion_list(request: ApiRequest, after: str | None = None, limit: int = Query(25, ge=1, le=MAX_LIMIT)):
    qs = access.readable(request.user, Occasion.objects.all())
    page = keyset_page(qs, ordering=selectors.OCCASION_ORDERING, cursor=after, size=limit)
    return {"items": [_occasion(o) for o in page.items], "next": page.next_cursor}


@router.get("/occasions/{occasion_id}", response={200: OccasionOut, **ERRORS}, summary="One occasion")
def occasion_get(request: ApiRequest, occasion_id: Id):
    return _occasion(access.get_for_user(request.user, Occasion, occasion_id))


@router.post("/occasions", response={201: OccasionOut, **ERRORS}, auth=SIGNED_IN, summary="Record an occasion")
def occasion_create(request: SignedInApiRequest, payload: OccasionIn):
    """Secretariat only."""
    access.require_secretariat(request.auth)
    return Status(201, _occasion(services.occasion_create(actor=request.auth, **_occasion_args(request.auth, payload))))


@router.patch("/occasions/{occasion_id}", response={200: OccasionOut, **ERRORS}, auth=SIGNED_IN,
              summary="Change an occasion")
def occasion_update(request: SignedInApiRequest, occasion_id: Id, payload: OccasionPatch):
    occasion = access.get_for_user(request.auth, Occasion, occasion_id)
    access.require_secretariat(request.auth)
    return _occasion(services.occasion_update(actor=request.auth, occasion=occasion,
                                              **_occasion_args(request.auth, payload)))


# --- Projects ---------------------------------------------------------------------------------

class ProjectOut(Schema):
    id: int
    name: str
    description: str
    stage: str
    partners: list[int]
    countries: list[str]
    region: str
    starts_on: date | None
    ends_on: date | None
    follows_id: int | None
    pillars: list[int]
    is_published: bool
    awaiting_review: bool = Field(description="Entered by a focal point: waits for the secretariat to publish it.")


class ProjectPage(Schema):
    items: list[ProjectOut]
    next: str | None


class ProjectPatch(Schema):
    name: str | None = None
    description: str | None = None
    stage: str | None = None
    partners: list[Id] | None = Field(None, description="Organisation ids")
    countries: list[str] | None = None
    region: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    follows_id: Id | None = None
    pillars: list[Id] | None = None
    is_published: bool | None = None


class ProjectIn(ProjectPatch):
    name: str


def _project(p: Project) -> dict[str, Any]:
    return {"id": p.pk, "name": p.name, "description": p.description, "stage": p.stage,
            "partners": [o.pk for o in p.partners.all()], "countries": [str(c) for c in p.countries],
            "region": p.region, "starts_on": p.starts_on, "ends_on": p.ends_on, "follows_id": p.follows_id,
            "pillars": [x.pk for x in p.pillars.all()], "is_published": p.is_published,
            "awaiting_review": p.awaiting_review}


def _project_args(user: Actor, payload: ProjectPatch) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    if data.get("partners") is not None:
        data["partners"] = [_one(user, Organisation, pk, "partners", "Organisation") for pk in data["partners"]]
    if "follows_id" in data:
        data["follows"] = _one(user, Activity, data.pop("follows_id"), "follows_id", "Activity")
    return data


@router.get("/projects", response={200: ProjectPage, **ERRORS}, summary="List projects")
def project_list(request: ApiRequest, stage: str | None = None, after: str | None = None,
                 limit: int = Query(25, ge=1, le=MAX_LIMIT)):
    if stage and stage not in Project.Stage.values:
        raise ValidationError({"stage": f"Unknown stage; use one of {', '.join(Project.Stage.values)}."})
    qs = access.readable(request.user, Project.objects.all()).prefetch_related("partners", "pillars")
    if stage:
        qs = qs.filter(stage=stage)
    page = keyset_page(qs, ordering=selectors.PROJECT_ORDERING, cursor=after, size=limit)
    return {"items": [_project(p) for p in page.items], "next": page.next_cursor}


@router.get("/projects/{project_id}", response={200: ProjectOut, **ERRORS}, summary="One project")
def project_get(request: ApiRequest, project_id: Id):
    return _project(access.get_for_user(request.user, Project, project_id))


@router.post("/projects", response={201: ProjectOut, **ERRORS}, auth=SIGNED_IN, summary="Record a project")
def project_create(request: SignedInApiRequest, payload: ProjectIn):
    """Focal points list their own organisation among the partners."""
    return Status(201, _project(services.project_create(actor=request.auth, **_project_args(request.auth, payload))))


@router.patch("/projects/{project_id}", response={200: ProjectOut, **ERRORS}, auth=SIGNED_IN,
              summary="Change a project")
def project_update(request: SignedInApiRequest, project_id: Id, payload: ProjectPatch):
    project = access.get_for_user(request.auth, Project, project_id, write=True)
    return _project(services.project_update(actor=request.auth, project=project,
                                            **_project_args(request.auth, payload)))
