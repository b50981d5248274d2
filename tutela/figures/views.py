"""The public dashboard and the figures list and detail pages."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tutela.activities.selectors import count_display
from tutela.activities.templatetags.tutela_links import safe_url
from tutela.core import access
from tutela.core.choices import StakeholderGroup

from . import charts, selectors
from .forms import FigureFilterForm

PAGE_SIZE = 25


def _activities_url(**params) -> str:
    return reverse("activities:activity_list") + "?" + urlencode({k: v for k, v in params.items() if v not in ("", None)})


def _figures_url(**params) -> str:
    return reverse("figures:figure_list") + "?" + urlencode({k: v for k, v in params.items() if v not in ("", None)})


def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    public = not access.is_secretariat(user)

    grid = selectors.activities_by_pillar_and_year(user)
    for i, (pillar, counts, total) in enumerate(grid["rows"]):
        links = [_activities_url(pillar=pillar.slug, year=y) for y in grid["years"]]
        grid["rows"][i] = {"pillar": pillar, "cells": list(zip(counts, links, strict=True)), "total": total,
                           "href": _activities_url(pillar=pillar.slug)}
    year_links = [_activities_url(year=y) for y in grid["years"]]
    grid["year_totals"] = list(zip(grid["years"], grid["totals"], year_links, strict=True))
    pillar_chart = charts.stacked_column_chart(
        [str(y) for y in grid["years"]],
        [charts.Series(label=f"{r['pillar'].number}. {r['pillar'].short_name}", values=[c for c, _l in r["cells"]],
                       hrefs=[link for _c, link in r["cells"]]) for r in grid["rows"]],
        title=_("Activities by pillar and year"), show_totals=False,
    )

    countries = selectors.countries_engaged(user)
    for c in countries:
        c["href"] = _activities_url(country=c["code"])
    country_chart = charts.bar_chart(
        [charts.Bar(label=c["name"], value=c["n"], href=c["href"]) for c in countries[:20]],
        title=_("Activities by country"), color=charts.PALETTE[2], width=440, label_width=175,
    )

    org_list = safe_url("partners:organisation_list")
    partners = selectors.partners_by_kind(user)
    for p in partners:
        p["href"] = f"{org_list}?{urlencode({'kind': p['kind']})}" if org_list else ""
    partner_chart = charts.bar_chart(
        [charts.Bar(label=str(p["label"]), value=p["n"], href=p["href"]) for p in partners],
        title=_("Partner organisations by kind"), color=charts.PALETTE[0], width=440, label_width=175,
    )

    indicators = selectors.indicator_totals(user)
    for entry in indicators:
        code = entry["indicator"].code
        for measure in ("actual", "target"):
            for cell in entry[measure]:
                cell["href"] = _figures_url(indicator=code, measure=measure, kind=cell["kind"])

    children = selectors.children_in_activities(user)
    for row in children:
        row["shown"] = count_display(StakeholderGroup.CHILDREN, row["total"], public)
        row["href"] = _activities_url(group=StakeholderGroup.CHILDREN)
    trained = selectors.people_in_trainings(user)
    for row in trained:
        row["href"] = _activities_url(kind="training")

    context = {
        "grid": grid, "pillar_chart": pillar_chart,
        "countries": countries, "country_chart": country_chart,
        "partners": partners, "partner_chart": partner_chart,
        "indicators": indicators, "children": children, "trained": trained,
        "headline": [e for e in indicators if e["indicator"].code in selectors.HEADLINE_CODES],
        "other_indicators": [e for e in indicators if e["indicator"].code not in selectors.HEADLINE_CODES],
    }
    return render(request, "figures/dashboard.html", context)


def figure_list(request: HttpRequest) -> HttpResponse:
    form = FigureFilterForm(request.GET or None)
    form.is_valid()
    page = selectors.figure_page(request.user, form.filters(), cursor=request.GET.get("after") or None, size=PAGE_SIZE)
    filtered = any(v for k, v in request.GET.items() if k != "after")
    return render(request, "figures/figure_list.html", {"form": form, "page": page, "figures": page.items,
                                                        "filtered": filtered})


def figure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    figure = selectors.figure_detail(request.user, pk)
    return render(request, "figures/figure_detail.html", {"figure": figure})
