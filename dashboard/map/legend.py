"""The map's legend: SVG swatches drawn like the map's markers, as a Leaflet control."""

from __future__ import annotations

import math
from collections.abc import Iterable

import folium
from folium.template import Template

from geo.core.taxonomy import BASE_STATUSES, EVENT_TYPES, MOVEMENT_TYPES

from .escape import safe_json
from .style import SHAPES, STATUS_STYLE, TYPE_LABEL, TYPE_STYLE


def _shape_svg(
    shape: str,
    fill: str,
    stroke: str = "#ffffff",
    size: int = 14,
    dashed: bool = False,
    opacity: float = 1.0,
    rotate: float = 0,
) -> str:
    """A legend swatch drawn like the map's ShapeMarker."""
    c = size / 2
    r = size * 0.33
    unit = SHAPES.get(shape)
    dash = ' stroke-dasharray="2 1.5"' if dashed else ""
    style = f'fill="{fill}" fill-opacity="{opacity}" stroke="{stroke}" stroke-width="1.3"{dash}'
    if unit is None:
        body = f'<circle cx="{c}" cy="{c}" r="{r * 1.05:.2f}" {style}/>'
    else:
        t = math.radians(rotate)
        ct, st = math.cos(t), math.sin(t)
        pts = " ".join(f"{c + (x * ct - y * st) * r:.2f},{c + (x * st + y * ct) * r:.2f}" for x, y in unit)
        body = f'<polygon points="{pts}" {style}/>'
    return f'<svg width="{size}" height="{size}" viewBox="0 0 {size} {size}">{body}</svg>'


def legend_html(types: Iterable[str] = EVENT_TYPES) -> str:
    """The legend's HTML (static, no article text)."""
    rows = ["<b>Bases (status at the selected date)</b>"]
    for status in BASE_STATUSES:
        fill, label = STATUS_STYLE[status]
        rows.append(f'<div class="lg-row">{_shape_svg("square", fill, "#1a1a1a")}{label}</div>')
    rows.append("<b>Events</b>")
    types = list(types)
    for t in types:
        color, shape = TYPE_STYLE[t]
        rows.append(f'<div class="lg-row">{_shape_svg(shape, color)}{TYPE_LABEL[t]}</div>')
    if any(t in MOVEMENT_TYPES for t in types):
        rows.append(f'<div class="lg-row">{_shape_svg("arrow", "#1f77b4", rotate=90)}Movement toward destination</div>')
    rows.append("<b>Certainty</b>")
    rows.append(f'<div class="lg-row">{_shape_svg("circle", "#555555")}Exact site or town</div>')
    rows.append(
        f'<div class="lg-row">{_shape_svg("circle", "#555555", "#555555", dashed=True, opacity=0.3)}'
        "Only governorate / country known: a count on the region</div>"
    )
    rows.append(f'<div class="lg-row">{_shape_svg("circle", "#555555", opacity=0.4)}Date known to month/year</div>')
    # A <details>: the analyst can fold it away (it would cover western Anbar).
    return '<details class="geo-legend" open><summary>Legend</summary>' + "".join(rows) + "</details>"


def _legend_js(types: Iterable[str]) -> str:
    return (
        "(function () { var lg = L.control({position: 'topleft'});"
        " lg.onAdd = function () { var d = L.DomUtil.create('div'); d.innerHTML = "
        + safe_json(legend_html(types))
        + "; L.DomEvent.disableClickPropagation(d); L.DomEvent.disableScrollPropagation(d); return d; };"
        " lg.addTo({map}); })();"
    )


class Legend(folium.MacroElement):
    """The legend as a top-left Leaflet control, folded on demand (``{map}``: the map's JS name)."""

    _template = Template(
        "{% macro script(this, kwargs) %}{{ this.code.replace('{map}', this._parent.get_name()) }}{% endmacro %}"
    )

    def __init__(self, types: Iterable[str]) -> None:
        super().__init__()
        self._name = "Legend"
        self.code = _legend_js(types)
