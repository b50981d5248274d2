"""The world map: Natural Earth 1:110m countries (bundled in data/, public domain) drawn as plain SVG.

Each country is one ``<path>`` with a ``<title>`` and a class for its national strategy's stage
(``stage-none`` … ``stage-reviewed``, or ``stage-nodata`` when no round is published: a distinct
colour, so "no data" is never read as "low"). Colours live in static/strategies/strategies.css, so
the SVG carries no style of its own (CSP). The geometry is decoded and projected once per process.
"""

import json
from functools import cache, lru_cache
from html import escape
from pathlib import Path

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

from .models import StrategyStage
from .selectors import country_names

DATA = Path(__file__).parent / "data" / "countries-110m.json"
WIDTH = 960
TOP, BOTTOM = 84.0, -58.0  # latitudes kept (Antarctica is left out)
SCALE = WIDTH / 360
HEIGHT = round((TOP - BOTTOM) * SCALE)


def _alpha2(numeric: str | None) -> str:
    if not numeric:
        return ""
    return countries.alpha2(int(numeric)) or ""


@cache
def _shapes() -> tuple[tuple[str, str, str], ...]:
    """``(alpha-2 code or "", name, SVG path data)`` for each country, projected equirectangular."""
    topo = json.loads(DATA.read_text())
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # delta-encoded, quantized
            x += dx
            y += dy
            lon, lat = x * sx + tx, y * sy + ty
            points.append((round((lon + 180) * SCALE, 1), round((TOP - max(min(lat, TOP), BOTTOM)) * SCALE, 1)))
        arcs.append(points)

    def ring(indexes: list[int]) -> str:
        points: list[tuple[float, float]] = []
        for i in indexes:
            part = arcs[i] if i >= 0 else arcs[~i][::-1]
            points.extend(part[1:] if points else part)
        out, last = [], None
        for p in points:
            if p != last:
                out.append(p)
                last = p
        return "M" + "L".join(f"{x:g},{y:g}" for x, y in out) + "Z"

    shapes = []
    for geometry in topo["objects"]["countries"]["geometries"]:
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        d = "".join(ring(r) for polygon in polygons for r in polygon)
        code = _alpha2(geometry.get("id"))
        if code == "AQ":
            continue
        shapes.append((code, geometry["properties"].get("name", ""), d))
    return tuple(shapes)


def legend() -> list[tuple[str, str]]:
    return [*((f"stage-{value}", str(label)) for value, label in StrategyStage.choices),
            ("stage-nodata", _("No published round"))]


def svg(stages: dict[str, str], *, standalone: bool = True) -> str:
    """The map, each country coloured by ``stages[code]``. ``standalone`` adds the XML prolog and a
    link to the stylesheet, for the /map.svg address; the page inlines it without them.

    A pure function of the stages, the language and ``standalone``: the last few drawings are kept
    (stages change only when a round is published), so a page asks the database for the stages and
    draws the 124 KB map only when they, or the language, differ."""
    return _svg(tuple(sorted(stages.items())), standalone, get_language() or "")


@lru_cache(maxsize=32)
def _svg(stage_items: tuple[tuple[str, str], ...], standalone: bool, language: str) -> str:
    stages = dict(stage_items)
    labels = dict(StrategyStage.choices)
    names = country_names()
    parts = []
    if standalone:
        from django.templatetags.static import static

        parts.append('<?xml version="1.0" encoding="UTF-8"?>\n')
        parts.append(f'<?xml-stylesheet type="text/css" href="{escape(static("strategies/strategies.css"))}"?>\n')
    title = escape(_("National COP strategies by stage"))
    parts.append(f'<svg xmlns="http://www.w3.org/2000/svg" class="world-map" viewBox="0 0 {WIDTH} {HEIGHT}" '
                 f'role="img" aria-labelledby="map-title"><title id="map-title">{title}</title>')
    for code, name, d in _shapes():
        stage = stages.get(code)
        label = names.get(code, name)
        state = labels.get(stage, _("no published round")) if stage else _("no published round")
        parts.append(f'<path class="stage-{stage or "nodata"}" d="{d}"><title>{escape(label)}: {escape(str(state))}</title></path>')
    parts.append("</svg>")
    return "".join(parts)
