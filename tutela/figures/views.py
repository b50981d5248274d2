"""The public dashboard, the figures list and detail pages, and the form to record or change a figure."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tutela.activities.templatetags.tutela_links import SUBJECT_URLS, safe_url
from tutela.core import access
from tutela.core.choices import StakeholderGroup
from tutela.core.requests import SignedInRequest
from tutela.core.views import form_view

from . import charts, selectors, services
from .forms import FigureFilterForm, FigureForm, IndicatorForm
from .models import Figure, Indicator

PAGE_SIZE = 25
FORM_GROUPS = [
    (gettext_noop("The number"), ["indicator", "value", "kind", "measure", "low", "high"]),
    (gettext_noop("How it was made and where it comes from"),
     ["method", "assumptions", "source", "source_url", "as_of", "period_start", "period_end"]),
    (gettext_noop("Breakdown"), ["group", "min_age", "max_age", "sex", "country"]),
    (gettext_noop("Reporting"), ["owner_organisation", "note"]),
]


def _list_url(name: str):
    """A function giving the list page's address with a filter; the page has hundreds of links, so
    the address is reversed once."""
    base = reverse(name)
    return lambda **params: base + "?" + urlencode({k: v for k, v in params.items() if v not in ("", None)})


# How long a rendered dashboard body is kept. Its key names the summary's refresh, so a new refresh is
# shown at once; this only bounds the memory old refreshes' bodies take.
DASHBOARD_BODY_SECONDS = 3600


def dashboard(request: HttpRequest) -> HttpResponse:
    """Served from the summary the worker keeps (``selectors.dashboard``); says how recent it is.

    The numbers are the same for everyone in a scope until the next refresh, so their HTML is
    rendered once per refresh, scope and language and kept in the cache (per process); a request
    then reads the summary's time (one query) and renders the page around that HTML. A focal
    point's own view is computed for the request and never kept."""
    shown = selectors.dashboard(request.user)
    if shown is None:  # never refreshed (a new or upgraded database): make sure a refresh is queued
        services.dashboard_stale()
        return render(request, "figures/dashboard.html", {"preparing": True})
    key = shown.cache_key()
    body = cache.get(key) if key else None
    if body is None:
        shown = selectors.dashboard_load(shown)  # the numbers with their own time (a refresh may have landed)
        assert shown.numbers is not None
        body = render_to_string("figures/_dashboard_body.html", _body_context(shown.numbers))
        if key := shown.cache_key():
            cache.set(key, body, DASHBOARD_BODY_SECONDS)
    return render(request, "figures/dashboard.html",
                  {"body": body, "refreshed_at": shown.refreshed_at, "scope": shown.scope})


def _body_context(numbers: dict) -> dict:
    """What ``_dashboard_body.html`` shows: the stored numbers with their links and charts."""
    _activities_url, _figures_url = _list_url("activities:activity_list"), _list_url("figures:figure_list")
    grid = numbers["grid"]
    for i, (pillar, counts, total) in enumerate(grid["rows"]):
        links = [_activities_url(pillar=pillar.slug, year=y) for y in grid["years"]]
        grid["rows"][i] = {"pillar": pillar, "cells": list(zip(counts, links, strict=True)), "total": total,
                           "href": _activities_url(pillar=pillar.slug)}
    year_links = [_activities_url(year=y) for y in grid["years"]]
    grid["year_totals"] = list(zip(grid["years"], grid["totals"], year_links, strict=True))
    # Stacks add up to distinct activities: an activity under several pillars is one block of its own.
    series = []
    for key, counts in grid["stacks"]:
        if key == "several":
            label = _("Several pillars")
        elif key == "none":
            label = _("No pillar")
        else:
            label = f"{key.number}. {key.short_name}"
        series.append(charts.Series(label=label, values=counts))
    pillar_chart = charts.stacked_column_chart(
        [str(y) for y in grid["years"]], series,
        title=_("Activities by year, each counted once (by its pillar, or under “several pillars”)"), show_totals=True,
    )

    countries = numbers["countries"]
    for c in countries:
        c["href"] = _activities_url(country=c["code"])
    country_chart = charts.bar_chart(
        [charts.Bar(label=c["name"], value=c["n"]) for c in countries[:20]],
        title=_("Activities by country"), color=charts.PALETTE[2], width=440, label_width=175,
    )

    org_list = safe_url("partners:organisation_list")
    partners = numbers["partners"]
    for p in partners:
        p["href"] = f"{org_list}?{urlencode({'kind': p['kind'], 'in_activities': 1})}" if org_list else ""
    partner_chart = charts.bar_chart(
        [charts.Bar(label=str(p["label"]), value=p["n"]) for p in partners],
        title=_("Partner organisations by kind"), color=charts.PALETTE[0], width=440, label_width=175,
    )

    indicators = numbers["indicators"]
    for entry in indicators:
        code = entry["indicator"].code
        for measure in ("actual", "target"):
            for cell in entry[measure]:
                cell["href"] = _figures_url(indicator=code, measure=measure, kind=cell["kind"], level="top")

    children = numbers["children"]
    for row in children:
        row["href"] = _activities_url(group=StakeholderGroup.CHILDREN)
    trained = numbers["trained"]
    for row in trained:
        row["href"] = _activities_url(kind="training")

    return {
        "grid": grid, "pillar_chart": pillar_chart,
        "countries": countries, "country_chart": country_chart,
        "partners": partners, "partner_chart": partner_chart,
        "indicators": indicators, "children": children, "trained": trained,
        "headline": [e for e in indicators if e["indicator"].code in selectors.HEADLINE_CODES],
        "other_indicators": [e for e in indicators if e["indicator"].code not in selectors.HEADLINE_CODES],
    }


def figure_list(request: HttpRequest) -> HttpResponse:
    form = FigureFilterForm(request.GET or None)
    form.is_valid()
    page = selectors.figure_page(request.user, form.filters(), cursor=request.GET.get("after") or None, size=PAGE_SIZE)
    filtered = any(v for k, v in request.GET.items() if k != "after")
    return render(request, "figures/figure_list.html", {"form": form, "page": page, "figures": page.items,
                                                        "filtered": filtered, "can_create": _may_create(request.user)})


def figure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    figure = selectors.figure_detail(request.user, pk)
    return render(request, "figures/figure_detail.html",
                  {"figure": figure, "can_edit": access.can_write(request.user, figure)})


def _may_create(user) -> bool:
    return access.is_secretariat(user) or bool(access.user_organisation_ids(user))


@login_required
def figure_create(request: SignedInRequest) -> HttpResponse:
    """``?subject_type=activities.activity&subject_id=N`` records a figure about that record."""
    if not _may_create(request.user):
        raise PermissionDenied
    params = request.POST if request.method == "POST" else request.GET
    subject = None
    if params.get("subject_type") or params.get("subject_id"):
        try:
            subject = selectors.readable_subject(request.user, params.get("subject_type", ""), params.get("subject_id"))
        except ValidationError as exc:
            raise Http404 from exc
    return _figure_form(request, None, subject)


@login_required
def figure_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    figure = access.get_for_user(request.user, Figure.objects.select_related("indicator"), pk, write=True)
    selectors.attach_subjects(request.user, [figure])
    return _figure_form(request, figure, figure.shown_subject)


def _figure_form(request: HttpRequest, figure: Figure | None, subject) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = FigureForm(request.POST, user=user)
    else:
        initial = FigureForm.initial_for(figure) if figure else {}
        if figure is None and not access.is_secretariat(user):
            initial["owner_organisation"] = min(access.user_organisation_ids(user))
        form = FigureForm(initial=initial or None, user=user)

    def save(data: dict) -> Figure:
        if figure is None:
            return services.figure_create(actor=user, subject=subject, **form.service_fields())
        return services.figure_update(actor=user, figure=figure, **form.service_fields())

    subject_type = f"{subject._meta.app_label}.{subject._meta.model_name}" if subject is not None else ""
    groups = [(_(legend), [form[name] for name in names]) for legend, names in FORM_GROUPS]
    subject_url = safe_url(SUBJECT_URLS.get(subject_type, ""), subject.pk) if subject is not None else ""
    return form_view(request, form, save=save, template="figures/figure_form.html", message=_("Figure saved."),
                     success_url=lambda saved: reverse("figures:figure_detail", args=[saved.pk]),
                     context={"figure": figure, "subject": subject, "subject_type": subject_type, "groups": groups,
                              "subject_url": subject_url})


# --- Indicators: reference data the secretariat sets up -------------------------------------

def indicator_list(request: HttpRequest) -> HttpResponse:
    """Every indicator with its unit and definition (public: the dashboard names them)."""
    return render(request, "figures/indicator_list.html", {
        "indicators": selectors.indicators(request.user),
        "can_create": access.is_secretariat(request.user),
    })


@login_required
def indicator_create(request: SignedInRequest) -> HttpResponse:
    access.require_secretariat(request.user)
    return form_view(
        request, IndicatorForm(request.POST or None),
        save=lambda data: services.indicator_create(actor=request.user, **data),
        template="components/form_page.html", success_url=reverse("figures:indicator_list"),
        message=lambda indicator: _("Indicator “%(name)s” added: figures can now be recorded against it.")
        % {"name": indicator.name},
        context=_indicator_page(_("New indicator")))


@login_required
def indicator_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_secretariat(request.user)
    indicator = _indicator(pk)
    return form_view(
        request, IndicatorForm(request.POST or None, instance=indicator),
        save=lambda data: services.indicator_update(actor=request.user, indicator=indicator, **data),
        template="components/form_page.html", success_url=reverse("figures:indicator_list"),
        context=_indicator_page(_("Edit indicator: %(name)s") % {"name": indicator.name}))


def _indicator_page(heading: str) -> dict:
    return {"heading": heading, "back_url": reverse("figures:indicator_list"), "back_label": _("Indicators"),
            "lede": _("An indicator says what a figure measures and in which unit. Each figure recorded against it "
                      "still says whether it was counted, estimated or modelled, and its source.")}


def _indicator(pk: int) -> Indicator:
    indicator = Indicator.objects.filter(pk=pk).first()
    if indicator is None:
        raise Http404
    return indicator
