"""API for figures and indicators. A figure always carries its kind, target-or-actual, method and source."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status

from tutela.core import access
from tutela.core.access import Actor
from tutela.core.api import ERRORS, SIGNED_IN, ApiRequest, DbInt, Id, SignedInApiRequest, Year
from tutela.core.pagination import keyset_page
from tutela.partners.models import Organisation

from . import selectors, services
from .disclosure import withhold_figures
from .forms import FigureFilterForm
from .models import Figure, Indicator

router = Router(tags=["figures"])

MAX_LIMIT = 100


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    unit: str
    definition: str


class FigureOut(Schema):
    id: int
    indicator: str = Field(description="Indicator code")
    value: Decimal | None = Field(description="null when withheld from public output (see `withheld`)")
    low: Decimal | None
    high: Decimal | None
    withheld: str = Field("", description="why the value is withheld: small (a count of children under 5), "
                                            "complementary (so a small one cannot be worked out), or empty")
    unit: str
    kind: str = Field(description="counted, estimated or modelled: never add different kinds together")
    measure: str = Field(description="actual or target")
    method: str
    assumptions: str
    source: str
    source_url: str
    as_of: date
    period_start: date | None
    period_end: date | None
    country: str
    group: str
    min_age: int | None
    max_age: int | None
    sex: str
    subject_type: str | None = Field(description="e.g. activities.activity")
    subject_id: int | None
    owner_organisation_id: int | None
    note: str
    is_illustrative: bool
    is_published: bool
    awaiting_review: bool = Field(description="Entered by a focal point or flagged: waits for the secretariat to publish it.")


class FigurePage(Schema):
    items: list[FigureOut]
    next: str | None


class FigurePatch(Schema):
    indicator: str | None = Field(None, description="Indicator code, e.g. people-trained")
    value: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    kind: str | None = Field(None, description="counted, estimated or modelled")
    measure: str | None = None
    method: str | None = None
    assumptions: str | None = None
    source: str | None = None
    source_url: str | None = None
    as_of: date | None = None
    period_start: date | None = None
    period_end: date | None = None
    country: str | None = None
    group: str | None = None
    min_age: DbInt | None = None
    max_age: DbInt | None = None
    sex: str | None = None
    subject_type: str | None = None
    subject_id: Id | None = None
    owner_organisation_id: Id | None = None
    note: str | None = None
    is_illustrative: bool | None = None
    is_published: bool | None = None


class FigureIn(FigurePatch):
    indicator: str
    value: Decimal
    kind: str = Field("", description="counted, estimated or modelled (required)")
    source: str = ""
    as_of: date


class FigureFilterIn(Schema):
    indicator: str | None = Field(None, description="Indicator code")
    kind: str | None = None
    measure: str | None = None
    country: str | None = None
    year: Year | None = Field(None, description="Year of `as_of`")
    subject_type: str | None = Field(None, description="e.g. activities.activity")
    subject_id: Id | None = None
    after: str | None = None
    limit: int = Field(25, ge=1, le=MAX_LIMIT)


def _figure(f: Figure) -> dict[str, Any]:
    return {
        "id": f.pk, "indicator": f.indicator.code, "value": f.value, "low": f.low, "high": f.high,
        "unit": f.indicator.unit, "kind": f.kind, "measure": f.measure, "method": f.method,
        "assumptions": f.assumptions, "source": f.source, "source_url": f.source_url, "as_of": f.as_of,
        "period_start": f.period_start, "period_end": f.period_end, "country": str(f.country),
        "group": f.group, "min_age": f.min_age, "max_age": f.max_age, "sex": f.sex,
        "subject_type": f"{f.subject_type.app_label}.{f.subject_type.model}" if f.subject_type else None,
        "subject_id": f.subject_id, "owner_organisation_id": f.owner_organisation_id, "note": f.note,
        "is_illustrative": f.is_illustrative, "is_published": f.is_published, "awaiting_review": f.awaiting_review,
        "withheld": getattr(f, "withheld", ""),
    }


def _args(user: Actor, payload: FigurePatch) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    if "indicator" in data:
        indicator = Indicator.objects.filter(code=data["indicator"]).first()
        if indicator is None:
            raise ValidationError({"indicator": f"Unknown indicator “{data['indicator']}”; see /api/v1/indicators."})
        data["indicator"] = indicator
    if "owner_organisation_id" in data:
        org_id = data.pop("owner_organisation_id")
        org = access.readable(user, Organisation.objects.all()).filter(pk=org_id).first() if org_id else None
        if org_id and org is None:
            raise ValidationError({"owner_organisation_id": f"Organisation {org_id} does not exist."})
        data["owner_organisation"] = org
    subject_type, subject_id = data.pop("subject_type", None), data.pop("subject_id", None)
    if subject_type or subject_id:
        if not (subject_type and subject_id):
            raise ValidationError({"subject_type": "Give both subject_type and subject_id."})
        data["subject"] = selectors.readable_subject(user, subject_type, subject_id)
    for name in ("kind", "method", "assumptions", "source", "source_url", "group", "sex", "note", "country"):
        if name in data and data[name] is None:
            data[name] = ""
    return data


@router.get("/indicators", response={200: list[IndicatorOut], **ERRORS}, summary="List indicators")
def indicator_list(request: ApiRequest):
    return list(Indicator.objects.all())


@router.get("/figures", response={200: FigurePage, **ERRORS}, summary="List figures")
def figure_list(request: ApiRequest, params: Query[FigureFilterIn]):
    """Newest first. Filters combine; pass `next` back as `after` for the next page."""
    data = {k: v for k, v in params.dict().items() if v is not None and k in ("indicator", "kind", "measure",
                                                                             "country", "year")}
    form = FigureFilterForm(data)
    if not form.is_valid():
        raise ValidationError({k: list(v) for k, v in form.errors.items()})
    filters = form.filters()
    if params.subject_type:
        filters.subject_type = selectors.subject_content_type(params.subject_type)
    filters.subject_id = params.subject_id
    qs = selectors.figure_queryset(request.user, filters).select_related("indicator", "subject_type")
    page = keyset_page(qs, ordering=selectors.FIGURE_ORDERING, cursor=params.after, size=params.limit)
    withhold_figures(request.user, page.items)
    return {"items": [_figure(f) for f in page.items], "next": page.next_cursor}


@router.get("/figures/{figure_id}", response={200: FigureOut, **ERRORS}, summary="One figure")
def figure_get(request: ApiRequest, figure_id: Id):
    figure = access.get_for_user(request.user, Figure.objects.select_related("indicator", "subject_type"), figure_id)
    withhold_figures(request.user, [figure])
    return _figure(figure)



@router.post("/figures", response={201: FigureOut, **ERRORS}, auth=SIGNED_IN, summary="Record a figure")
def figure_create(request: SignedInApiRequest, payload: FigureIn):
    """Focal points report figures for their own organisation (`owner_organisation_id`)."""
    args = _args(request.auth, payload)
    args.setdefault("kind", "")  # a missing kind is refused by the service, with its message
    args.setdefault("source", "")
    figure = services.figure_create(actor=request.auth, **args)
    return Status(201, _figure(_reload(figure.pk)))


@router.patch("/figures/{figure_id}", response={200: FigureOut, **ERRORS}, auth=SIGNED_IN, summary="Change a figure")
def figure_update(request: SignedInApiRequest, figure_id: Id, payload: FigurePatch):
    figure = access.get_for_user(request.auth, Figure, figure_id, write=True)
    services.figure_update(actor=request.auth, figure=figure, **_args(request.auth, payload))
    return _figure(_reload(figure.pk))


def _reload(pk: int) -> Figure:
    return Figure.objects.select_related("indicator", "subject_type").get(pk=pk)
