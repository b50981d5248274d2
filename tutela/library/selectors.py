"""Reads for the library and the education kits, always through ``core.access`` and ``core.disclosure``."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet, Sum

from tutela.core import access, disclosure
from tutela.core.access import Actor

from .models import LanguageVersion, Resource, ResourceVersion, SessionFeedback, SessionPlan, SessionUse


def resources(user: Actor, *, kind: str = "", audience: str = "", language: str = "", pillar: str = "",
              country: str = "") -> QuerySet[Resource]:
    qs = access.readable(user, Resource.objects.select_related("pillar", "owner_organisation"))
    if kind:
        qs = qs.filter(kind=kind)
    if audience:
        qs = qs.filter(audience=audience)
    if pillar:
        qs = qs.filter(pillar__slug=pillar)
    if language:
        qs = qs.filter(versions__languages__language=language).distinct()
    if country:
        qs = qs.filter(countries__contains=country.upper()[:2])
    return qs


def resource(user: Actor, pk: Any, *, write: bool = False) -> Resource:
    qs = Resource.objects.select_related("pillar", "owner_organisation", "guideline_document").prefetch_related(
        "partner_roles__organisation",
        Prefetch("versions", ResourceVersion.objects.prefetch_related("languages").order_by("-number")))
    return access.get_for_user(user, qs, pk, write=write)


def languages_of(resource: Resource) -> list[str]:
    return sorted({lv.language for v in resource.versions.all() for lv in v.languages.all()})


def language_version(user: Actor, pk: Any) -> LanguageVersion:
    """A language version, readable when its resource is (404 otherwise)."""
    row = LanguageVersion.objects.select_related("version__resource").filter(pk=pk).first()
    if row is None:
        from django.http import Http404

        raise Http404
    access.get_for_user(user, Resource, row.version.resource_id)
    return row


def downloads(resource: Resource) -> int:
    return LanguageVersion.objects.filter(version__resource=resource).aggregate(n=Sum("downloads"))["n"] or 0


def plans(user: Actor) -> QuerySet[SessionPlan]:
    return access.readable(user, SessionPlan.objects.prefetch_related("materials"))


def plan(user: Actor, pk: Any, *, write: bool = False) -> SessionPlan:
    return access.get_for_user(user, SessionPlan.objects.prefetch_related("materials"), pk, write=write)


def activity_uses(user: Actor, activity: Any) -> list[SessionUse]:
    """The plans an educational session followed and the materials it used, as ``user`` may see them."""
    readable_plans = plans(user).values("pk")
    visible = access.readable(user, Resource.objects.all())
    return list(SessionUse.objects.filter(activity=activity, plan__in=readable_plans).select_related("plan")
                .prefetch_related(Prefetch("materials", visible)))


def session_use(user: Actor, pk: Any) -> SessionUse:
    """One session's use of a plan, if ``user`` may read both the session and the plan."""
    from django.http import Http404

    use = SessionUse.objects.select_related("activity", "plan").filter(pk=pk if str(pk).isdigit() else 0).first()
    if use is None or not access.can_read(user, use.activity) or not access.can_read(user, use.plan):
        raise Http404
    return use


@dataclass
class BandFeedback:
    band: str
    respondents: disclosure.Shown
    ratings: list[disclosure.Shown]


def plan_feedback(user: Actor, plan: SessionPlan) -> tuple[list[BandFeedback], disclosure.Shown]:
    """Feedback on every session that used ``plan``, summed per age band: respondents and ratings, children's
    numbers disclosure-controlled (small cells and their complements withheld) unless the viewer may change the plan."""
    control = disclosure.controlled(user, plan)
    rows: dict[tuple[int, int], list[int]] = {}
    readable_activity_ids = set()
    uses = SessionUse.objects.filter(plan=plan).select_related("activity")
    for use in uses:
        if access.can_read(user, use.activity):
            readable_activity_ids.add(use.pk)
    for fb in SessionFeedback.objects.filter(use_id__in=readable_activity_ids).order_by("min_age", "max_age"):
        sums = rows.setdefault((fb.min_age, fb.max_age), [0] * 5)
        for i, value in enumerate(fb.ratings):
            sums[i] += value
    bands = list(rows)
    totals = [sum(rows[b]) for b in bands]
    shown_totals, grand = disclosure.table(totals, control=control)
    result = []
    for band, shown in zip(bands, shown_totals, strict=True):
        cells, _total = disclosure.table(rows[band], control=control)
        if shown.suppressed:  # the band's respondents are withheld: so is how they rated it
            cells = [disclosure.Shown(None, shown.withheld) for _ in cells]
        result.append(BandFeedback(band=f"{band[0]}–{band[1]}", respondents=shown, ratings=cells))
    return result, grand


def latest_resources(user: Actor, *, limit: int = 5) -> list[Resource]:
    """The newest resources ``user`` may read."""
    return list(access.readable(user, Resource.objects.all()).order_by("-created_at", "-pk")[:limit])
