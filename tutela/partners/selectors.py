"""Reads of organisations, agreements and commitments. Visibility always through ``core.access``.

The list filters live here once and are used by both the HTML views and the API, so the
two doors always filter the same way.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db.models import ForeignObjectRel, Prefetch, Q, QuerySet
from django.utils import timezone
from django_countries import countries

from tutela.core import access
from tutela.core.access import Actor
from tutela.core.text import fold, query_id

from .models import Agreement, Commitment, Organisation

EXPIRING_DAYS = 90

ORGANISATION_ORDERING = ["name_key", "id"]
AGREEMENT_ORDERING = ["-id"]


# --- Organisations ------------------------------------------------------------------------

@dataclass
class OrganisationFilters:
    kind: str = ""
    country: str = ""
    q: str = ""
    parent: int | None = None
    editable: bool = False
    in_activities: bool = False  # only organisations with a role in an activity the user may read

    @classmethod
    def from_params(cls, params: Any) -> "OrganisationFilters":
        kind = (params.get("kind") or "").strip()
        country = (params.get("country") or "").strip().upper()
        return cls(
            kind=kind if kind in Organisation.Kind.values else "",
            country=country if country in ("INTL",) or country in dict(countries) else "",
            q=(params.get("q") or "").strip()[:100],
            parent=query_id(params.get("parent")),
            editable=(params.get("editable") or "") in ("1", "true", "on"),
            in_activities=(params.get("in_activities") or "") in ("1", "true", "on"),
        )


def organisation_list(*, user: Actor, filters: OrganisationFilters) -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("parent")
    qs = access.writable(user, qs) if filters.editable else access.readable(user, qs)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.country == "INTL":
        qs = qs.filter(country="")
    elif filters.country:
        qs = qs.filter(country=filters.country)
    if filters.parent:
        qs = qs.filter(parent_id=filters.parent)
    if filters.q:
        key = fold(filters.q)
        qs = qs.filter(Q(name_key__contains=key) | Q(acronym__icontains=filters.q))
    if filters.in_activities and organisations_taking_part is not None:
        qs = qs.filter(pk__in=organisations_taking_part(user))
    return qs


# Which organisations take part in an activity ``user`` may read (a queryset of their ids), for the
# ``in_activities`` filter. Activities sits above partners (docs/architecture.md, "Layers"), so
# ``ActivitiesConfig.ready`` hands the function in; without activities the filter does nothing.
organisations_taking_part: Callable[[Any], QuerySet] | None = None


def organisation_countries(*, user: Actor) -> list[tuple[str, str]]:
    """The countries that readable organisations are in, for the country filter."""
    codes = set(access.readable(user, Organisation.objects.all()).exclude(country="").values_list("country", flat=True))
    return sorted(((code, countries.name(code)) for code in codes), key=lambda pair: pair[1])


def organisation_parents(*, user: Actor) -> QuerySet[Organisation]:
    """Organisations that have at least one (readable) child, for the parent filter."""
    readable = access.readable(user, Organisation.objects.all())
    return readable.filter(pk__in=readable.filter(parent__isnull=False).values("parent_id")).order_by("name_key")


def organisation_detail(*, user: Actor, organisation: Organisation) -> dict[str, Any]:
    """The organisation page's own relations, each seen as ``user`` may see them. The apps above
    partners add their sections (deliverables and people, activities) through ``core.panels``."""
    agreements = list(
        access.readable(user, Agreement.objects.filter(parties=organisation))
        .prefetch_related("parties")
        .order_by("-signed_on", "-id")
    )
    for agreement in agreements:
        agreement.other_parties = [p for p in agreement.parties.all() if p.pk != organisation.pk]
    return {
        "agreements": agreements,
        "children": list(access.readable(user, organisation.children.all()).order_by("name_key")),
    }


def generic_references(organisation: Organisation) -> list[tuple[Any, Any, Any]]:
    """``(model, GenericForeignKey, rows)`` for every generic relation that can point at an
    organisation (e.g. appointments on it), with the rows that point at ``organisation``."""
    org_type = ContentType.objects.get_for_model(Organisation)
    found = []
    for model in apps.get_models():
        for field in model._meta.private_fields:
            if isinstance(field, GenericForeignKey):
                rows = model._default_manager.filter(**{field.ct_field: org_type, field.fk_field: organisation.pk})
                found.append((model, field, rows))
    return found


def references(organisation: Organisation) -> list[tuple[str, int]]:
    """``[(label, count)]`` of the rows, in every app, that point at ``organisation``: what a merge
    moves (shown before it) and what must be empty before the duplicate is deleted (checked after)."""
    rows: list[tuple[str, int]] = []
    for rel in Organisation._meta.get_fields():
        if not (isinstance(rel, ForeignObjectRel) and rel.auto_created and not rel.concrete):
            continue
        field = rel.field
        if rel.many_to_many:
            count = field.model._default_manager.filter(**{field.name: organisation}).count()
        else:
            count = rel.related_model._default_manager.filter(**{field.name: organisation}).count()
        if count:
            rows.append((f"{field.model._meta.verbose_name_plural} ({field.verbose_name})", count))
    for model, field, generic_rows in generic_references(organisation):
        count = generic_rows.count()
        if count:
            rows.append((f"{model._meta.verbose_name_plural} ({field.name})", count))
    return rows


PICKER_SIZE = 20


def organisations_matching(queryset: QuerySet, text: str, *, limit: int = PICKER_SIZE) -> list[Organisation]:
    """The first ``limit`` organisations of ``queryset`` whose name (case and accents folded) or
    acronym contains ``text``, by name: the options of the organisation picker. ``queryset`` is
    already what the user may read (``access.readable``); an empty ``text`` gives the first names."""
    text = " ".join(text.split())[:100]
    if text:
        queryset = queryset.filter(Q(name_key__contains=fold(text)) | Q(acronym__icontains=text))
    return list(queryset.order_by("name_key", "pk").only("pk", "name", "acronym")[:limit])


def merge_preview(*, duplicate: Organisation) -> list[tuple[str, int]]:
    """What merging ``duplicate`` away would move: ``[(label, count)]`` for every non-empty relation."""
    return references(duplicate)


# --- Agreements ---------------------------------------------------------------------------

class AgreementStatus:
    IN_FORCE = "in_force"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    UPCOMING = "upcoming"
    NOT_SIGNED = "not_signed"
    CHOICES = [IN_FORCE, EXPIRING, EXPIRED, UPCOMING, NOT_SIGNED]


@dataclass
class AgreementFilters:
    kind: str = ""
    party: int | None = None
    status: str = ""
    within: int = EXPIRING_DAYS
    q: str = ""
    editable: bool = False

    @classmethod
    def from_params(cls, params: Any) -> "AgreementFilters":
        kind = (params.get("kind") or "").strip()
        status = (params.get("status") or "").strip()
        within = query_id(params.get("within"))
        return cls(
            kind=kind if kind in Agreement.Kind.values else "",
            party=query_id(params.get("party")),
            status=status if status in AgreementStatus.CHOICES else "",
            within=within if within and 0 < within <= 3650 else EXPIRING_DAYS,
            q=(params.get("q") or "").strip()[:100],
            editable=(params.get("editable") or "") in ("1", "true", "on"),
        )


def agreement_list(*, user: Actor, filters: AgreementFilters, today: date | None = None) -> QuerySet[Agreement]:
    today = today or timezone.localdate()
    qs = Agreement.objects.prefetch_related(Prefetch("parties", queryset=Organisation.objects.order_by("name_key")))
    qs = access.writable(user, qs) if filters.editable else access.readable(user, qs)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.party:
        qs = qs.filter(pk__in=Agreement.objects.filter(parties=filters.party).values("pk"))
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(objectives__icontains=filters.q))
    started = Q(in_force_from__isnull=True) | Q(in_force_from__lte=today)
    # A draft with no date in force is not in force, whatever else it lacks (agreement_expiry's first rule).
    unsigned = Q(stage=Agreement.Stage.DRAFT, in_force_from__isnull=True, in_force_to__isnull=True)
    if filters.status == AgreementStatus.NOT_SIGNED:
        return qs.filter(unsigned)
    if filters.status:
        qs = qs.exclude(unsigned)
    if filters.status == AgreementStatus.IN_FORCE:
        qs = qs.filter(started, Q(in_force_to__isnull=True) | Q(in_force_to__gte=today))
    elif filters.status == AgreementStatus.EXPIRING:
        qs = qs.filter(in_force_to__gte=today, in_force_to__lte=today + timedelta(days=filters.within))
    elif filters.status == AgreementStatus.EXPIRED:
        qs = qs.filter(in_force_to__lt=today)
    elif filters.status == AgreementStatus.UPCOMING:
        qs = qs.filter(in_force_from__gt=today)
    return qs


def agreements_serving(*, user: Actor, country: str) -> QuerySet[Agreement]:
    """The agreements ``user`` may read that name ``country`` among the countries they serve."""
    qs = Agreement.objects.serving_country(country).prefetch_related(
        Prefetch("parties", queryset=Organisation.objects.order_by("name_key")))
    return access.readable(user, qs).order_by("title", "pk")


def agreement_expiry(agreement: Agreement, today: date | None = None) -> dict[str, Any]:
    """How an agreement stands today: ``{"state", "days"}`` for badges and the API.

    ``state`` is one of ``not_signed`` (a draft with no date in force), ``upcoming``,
    ``in_force``, ``expiring`` (ends within 90 days), ``expired`` or ``open_ended``; ``days`` counts to the relevant date (or None).
    """
    today = today or timezone.localdate()
    if agreement.stage == Agreement.Stage.DRAFT and agreement.in_force_from is None and agreement.in_force_to is None:
        return {"state": AgreementStatus.NOT_SIGNED, "days": None}
    if agreement.in_force_from and agreement.in_force_from > today:
        return {"state": AgreementStatus.UPCOMING, "days": (agreement.in_force_from - today).days}
    if agreement.in_force_to is None:
        return {"state": "open_ended", "days": None}
    days = (agreement.in_force_to - today).days
    if days < 0:
        return {"state": AgreementStatus.EXPIRED, "days": -days}
    if days <= EXPIRING_DAYS:
        return {"state": AgreementStatus.EXPIRING, "days": days}
    return {"state": AgreementStatus.IN_FORCE, "days": days}


def agreement_commitments(agreement: Agreement) -> list[Commitment]:
    return list(agreement.commitments.prefetch_related("responsible").order_by("order", "pk"))


# --- For the workspaces (tutela.home) ---------------------------------------------------------

def commitments_due(*, user: Actor, by: date) -> QuerySet[Commitment]:
    """Commitments not done whose next follow-up falls on or before ``by``, on agreements ``user`` may
    change (the secretariat: all; a focal point: their organisation's, as a party or as responsible)."""
    agreements = access.writable(user, Agreement.objects.all()).values("pk")
    qs = Commitment.objects.filter(agreement__in=agreements)
    mine = access.user_organisation_ids(user)
    if mine:
        qs = Commitment.objects.filter(Q(agreement__in=agreements) | Q(responsible__in=mine)).distinct()
    return (qs.filter(next_due_on__isnull=False, next_due_on__lte=by).exclude(follow_up_status=Commitment.FollowUp.DONE)
            .select_related("agreement").order_by("next_due_on", "pk"))


def editable_agreements(*, user: Actor) -> QuerySet[Agreement]:
    """The agreements ``user`` may change (a focal point: those their organisation is a party to)."""
    return access.writable(user, Agreement.objects.all())
