"""``build_map``: events, bases and movements on an offline basemap, as one folium Map.

Scale: every kind of feature is ONE ``L.geoJSON`` layer whose points are drawn by a tiny
``L.ShapeMarker`` (a CircleMarker that can also be a triangle, square, diamond, star or arrow), so 10,000
events are 10,000 vector paths in one layer, not 10,000 folium ``Marker`` objects. Above
``CANVAS_ABOVE`` events the map switches to Leaflet's canvas renderer.

Safety: article text (quotes, sources, place names) is untrusted. Every such string is HTML-escaped in
Python before it reaches the page, and the JSON embedded in the script escapes ``<``, ``>`` and ``&``,
so a quote containing ``</script>`` can neither close the script nor inject markup.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import folium
from branca.element import Element
from folium.elements import ElementAddToElement
from folium.map import Layer
from folium.template import Template

from geo.core.models import Event
from geo.core.taxonomy import BASE_STATUSES, EVENT_TYPES, MOVEMENT_TYPES

from . import assets, basemap

# --- The visual vocabulary (also used by the legend, the chart and the table) -----------------------------

# Colour-blind-friendly, print-safe hues; the shape carries the type too.
TYPE_STYLE: dict[str, tuple[str, str]] = {
    "attack": ("#d62728", "triangle"),
    "airstrike": ("#7b2d8e", "star"),
    "withdrawal": ("#1f77b4", "circle"),
    "redeployment": ("#17becf", "circle"),
    "handover": ("#2ca02c", "diamond"),
    "agreement": ("#ff7f0e", "pentagon"),
    "announcement": ("#8c8c8c", "pentagon"),
    "presence": ("#8c564b", "circle"),
}
TYPE_LABEL: dict[str, str] = {
    "attack": "Attack",
    "airstrike": "Air strike",
    "withdrawal": "Withdrawal",
    "redeployment": "Redeployment",
    "handover": "Handover",
    "agreement": "Agreement",
    "announcement": "Announcement",
    "presence": "Presence",
}
STATUS_STYLE: dict[str, tuple[str, str]] = {  # status -> (fill, label)
    "present": ("#b2182b", "Foreign forces present"),
    "handed_over": ("#1b7837", "Handed over to Iraq"),
    "withdrawn": ("#9e9e9e", "Withdrawn"),
    "unknown": ("#ffffff", "Status unknown"),
}

# Places known only to a governorate/region/country are drawn as a dashed marker plus a translucent disc
# of roughly that size, so they never read as a pin-point hit.
# No disc for "country": a circle would suggest a centre and a size the source never gave.
AREA_M: dict[str, float] = {"district": 15_000, "governorate": 45_000, "region": 120_000}
COARSE: frozenset[str] = frozenset({"governorate", "region", "country", "none"})
# Month/year dates are faded: the analyst should see at once that "when" is vague.
DATE_FADE: dict[str, float] = {"day": 1.0, "range": 0.8, "month": 0.5, "year": 0.35}

IRAQ_CENTER = (33.2, 43.7)
IRAQ_ZOOM = 6
IRAQ_BOUNDS = ((29.0, 38.8), (37.4, 48.6))  # the first view; room is kept on the left for the legend
LEGEND_PAD_PX = 250
CANVAS_ABOVE = 2000  # SVG keeps one DOM node per marker (testable, crisp); canvas scales further.
MAX_QUOTE_CHARS = 400  # in the popup; the table shows the whole quote

_SHAPES_JS = """
(function () {
  if (L.ShapeMarker) { return; }
  var S = {
    triangle: [[0,-1.3],[1.15,0.75],[-1.15,0.75]],
    square: [[-1,-1],[1,-1],[1,1],[-1,1]],
    diamond: [[0,-1.35],[1.35,0],[0,1.35],[-1.35,0]],
    pentagon: [], star: [],
    arrow: [[0,-1.5],[1.1,0.9],[0,0.35],[-1.1,0.9]]
  };
  for (var i = 0; i < 5; i++) {
    var a = -Math.PI / 2 + i * 2 * Math.PI / 5;
    S.pentagon.push([1.2 * Math.cos(a), 1.2 * Math.sin(a)]);
  }
  for (var j = 0; j < 10; j++) {
    var b = -Math.PI / 2 + j * Math.PI / 5, r = j % 2 ? 0.65 : 1.5;
    S.star.push([r * Math.cos(b), r * Math.sin(b)]);
  }
  // A CircleMarker (pixel-sized, fast, SVG or canvas) that can take other shapes, a rotation and a
  // pixel offset (to fan out events reported at the same place).
  L.ShapeMarker = L.CircleMarker.extend({
    options: {shape: 'circle', rotation: 0, offset: null},
    _project: function () {
      L.CircleMarker.prototype._project.call(this);
      var o = this.options.offset;
      if (o) { this._point = this._point.add(L.point(o[0], o[1])); this._updateBounds(); }
    },
    _updatePath: function () {
      var pts = S[this.options.shape];
      if (!pts) { this._renderer._updateCircle(this); return; }
      var r = this._radius, p = this._point, t = this.options.rotation * Math.PI / 180;
      var c = Math.cos(t), s = Math.sin(t);
      this._parts = [pts.map(function (q) {
        var x = q[0] * r, y = q[1] * r;
        return L.point(p.x + x * c - y * s, p.y + x * s + y * c);
      })];
      this._renderer._updatePoly(this, true);
    }
  });
  window.geoPopup = function (p, y) {
    var rows = [['Place', p.pl + ' <span class="pr">(' + p.gp + ')</span>'],
                ['Date', p.da + ' <span class="pr">(' + p.dp + ')</span>'],
                ['Source', p.src], ['Published', p.pub]];
    if (p.de) { rows.splice(1, 0, ['Toward', p.de]); }
    if (p.n) { rows.push(['Counts', p.n]); }
    var h = '<div class="gp"><div class="gp-h" style="border-left-color:' + y.c + '">' + y.tl;
    if (p.st) { h += ' <span class="pr">(' + p.st + ')</span>'; }
    h += '</div>';
    if (p.q) { h += '<div class="q" dir="rtl" lang="ar">' + p.q + '</div>'; }
    h += '<table>';
    for (var i = 0; i < rows.length; i++) {
      h += '<tr><th>' + rows[i][0] + '</th><td>' + rows[i][1] + '</td></tr>';
    }
    return h + '</table></div>';
  };
})();
"""

_CSS = """
<style>
.leaflet-container { background: #d4e4ef; font-family: "DejaVu Sans", Arial, sans-serif; }
.gp { min-width: 240px; font-size: 12px; }
.gp-h { font-weight: 700; font-size: 13px; border-left: 5px solid #999; padding-left: 6px;
  margin-bottom: 6px; }
.gp .q { direction: rtl; text-align: right; unicode-bidi: isolate; font-size: 15px; line-height: 1.6;
  font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "DejaVu Sans", serif; background: #faf7f0;
  border-right: 3px solid #ccc; padding: 4px 8px; margin: 4px 0 6px 0; }
.gp table { border-collapse: collapse; } .gp th { text-align: left; color: #666; font-weight: 400;
  padding: 1px 8px 1px 0; vertical-align: top; } .gp td { padding: 1px 0; }
.gp .pr { color: #888; font-size: 11px; }
.geo-legend { background: rgba(255,255,255,0.93); padding: 8px 10px; border-radius: 6px; font-size: 11.5px;
  line-height: 1.25; box-shadow: 0 1px 4px rgba(0,0,0,0.3); color: #222; max-width: 250px; }
.geo-legend b { display: block; margin: 5px 0 1px 0; font-size: 11.5px; }
.geo-legend b:first-child { margin-top: 0; }
.geo-legend .lg-row { display: flex; align-items: center; gap: 6px; }
.geo-legend svg { flex: none; }
.geo-label { color: #6d6256; font-size: 13px; letter-spacing: 0.25em; text-transform: uppercase;
  white-space: nowrap; font-weight: 600; text-shadow: 0 0 3px #fff, 0 0 3px #fff; pointer-events: none; }
.stack-count span { position: relative; left: 30px; top: -40px; background: rgba(34,34,34,0.85); color: #fff;
  font-size: 11px; font-weight: 600; padding: 1px 6px; border-radius: 9px; white-space: nowrap; }
.geo-label.gov { color: #8a8a8a; font-size: 10px; letter-spacing: 0.05em; text-transform: none;
  font-weight: 400; }
</style>
"""


_JINJA_START = re.compile(r"\{(?=[{%#])")


def _safe_json(obj: Any) -> str:
    """JSON that is also safe inside an HTML <script> and inside a Jinja template.

    ``<``, ``>`` and ``&`` are escaped, so ``</script>`` or ``<!--`` in a quote cannot end the script.
    ``{`` before ``{``, ``%`` or ``#`` is escaped too: branca re-reads every rendered script as a Jinja
    template, so a quote containing ``{{ ... }}`` would otherwise be *executed* on the server. (JSON itself
    never puts ``{`` before those characters, so only string contents change.)
    """
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return _JINJA_START.sub(r"\\u007b", text)


def esc(text: object) -> str:
    """HTML-escape untrusted text (quotes and attributes too)."""
    return html.escape("" if text is None else str(text), quote=True)


class _RawScript(Element):
    """Already-rendered JS, added to the page as is (branca would parse it again as a Jinja template)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "RawScript"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class GeoJsonLayer(Layer):
    """One ``L.geoJSON`` layer drawn with JS callbacks (no per-feature Python objects).

    Rendering skips branca's re-parse of the script as a template: with 100k features that parse took
    most of the time, and it would evaluate any ``{{ }}`` that reached the data.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function (S) {
          return L.geoJSON({{ this.data_js }}, {
            pointToLayer: {{ this.point_to_layer }},
            style: {{ this.style }},
            onEachFeature: {{ this.on_each_feature }}
          });
        })({{ this.styles_js }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        data: dict[str, Any],
        name: str,
        point_to_layer: str = "null",
        style: str = "null",
        on_each_feature: str = "null",
        show: bool = True,
        control: bool = True,
        styles: Sequence[dict[str, Any]] = (),
    ) -> None:
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = "GeoJsonLayer"
        self.data = data
        self.data_js = _safe_json(data)
        # Marker styles shared by many features, sent once; callbacks see them as ``S``.
        self.styles = list(styles)
        self.styles_js = _safe_json(self.styles)
        self.point_to_layer = point_to_layer
        self.style = style
        self.on_each_feature = on_each_feature

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # branca's MacroElement returns None
        assert self._parent is not None, "add the layer to a map first"
        if self.show:  # what Layer.render does: add the layer to its parent
            self.add_child(
                ElementAddToElement(element_name=self.get_name(), element_parent_name=self._parent.get_name()),
                name=self.get_name() + "_add",
            )
        figure = self.get_root()
        script = self._template.module.__dict__["script"](self, kwargs)
        figure.script.add_child(_RawScript(script), name=self.get_name())  # type: ignore[attr-defined]
        for child in self._children.values():
            child.render(**kwargs)


class Script(folium.MacroElement):
    """Raw JS run when the map is built (helpers, legend)."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}")

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "Script"
        self.code = code


# --- Feature construction --------------------------------------------------------------------------------


FAN_MAX = 36  # markers fanned out around one place (radius ~45 px); more stack up and get a count badge


def _fan_offsets(n: int, inner: float = 0.0, spacing: float = 7.5) -> list[tuple[float, float]]:
    """Pixel offsets on a sunflower (Vogel) spiral: n markers at one place stay apart and readable.

    ``inner`` keeps a hole in the middle (around a base's square); otherwise the first sits on the place.
    Past ``FAN_MAX`` the spiral starts again, so a place never spreads far from where it is.
    """
    golden = math.pi * (3 - math.sqrt(5))
    first = 1 if inner else 0
    ring = []
    for k in range(first, first + min(n, FAN_MAX)):
        r = inner + spacing * math.sqrt(k - first) if inner else spacing * math.sqrt(k)
        ring.append((round(r * math.cos(k * golden), 1), round(r * math.sin(k * golden), 1)))
    return [ring[i % FAN_MAX] for i in range(n)]


def _merc_y(lat: float) -> float:
    lat = max(min(lat, 85.0), -85.0)
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def bearing_screen(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Direction from 1 to 2 on a Web-Mercator map, degrees clockwise from up (conformal: any zoom)."""
    return math.degrees(math.atan2(lon2 - lon1, _merc_y(lat2) - _merc_y(lat1))) % 360


def _counts_text(e: Event) -> str:
    return ", ".join(f"{k} {v}" for k, v in e.counts().items())


def marker_style(e: Event) -> dict[str, Any]:
    """How one event's marker looks: colour/shape by type, dashed and translucent when the place is coarse,
    hollow when planned, faded when the date is vague. Shared by many events (sent once per style)."""
    color, shape = TYPE_STYLE.get(e.type, ("#555555", "circle"))
    fade = DATE_FADE.get(e.date_precision, 0.6)
    coarse = e.geo_precision in COARSE
    light = coarse or e.status == "planned"
    return {
        "c": color,
        "s": shape,
        "r": 7 if coarse else 6,
        "fo": round((0.3 if light else 0.9) * fade, 2),
        "op": round(max(fade, 0.5), 2),
        "lc": color if light else "#ffffff",
        "w": 1.6 if light else 1,
        "d": coarse,
        "k": f"ev-marker ev-{e.type}",
        "tl": esc(TYPE_LABEL.get(e.type, e.type)),
    }


def event_properties(e: Event) -> dict[str, Any]:
    """The escaped text one event carries to the browser (popup and tooltip); empty fields are left out."""
    date_text = e.date.isoformat() + (f" – {e.end_date.isoformat()}" if e.end_date else "")
    quote = e.quote if len(e.quote) <= MAX_QUOTE_CHARS else e.quote[:MAX_QUOTE_CHARS] + "…"
    props: dict[str, Any] = {
        "q": esc(quote),
        "pl": esc(e.place.name if e.place else "unknown"),
        "gp": esc(e.geo_precision),
        "da": esc(date_text),
        "dp": esc(e.date_precision),
        "src": esc(" · ".join(e.sources or (e.source,))),
        "pub": esc(e.published.isoformat()),
    }
    if e.destination is not None:
        props["de"] = esc(e.destination.name)
    if e.status != "occurred":
        props["st"] = esc(e.status)
    if counts := _counts_text(e):
        props["n"] = esc(counts)
    return props


def _style_index(table: dict[tuple[Any, ...], int], styles: list[dict[str, Any]], e: Event) -> int:
    """Index of ``marker_style(e)`` in ``styles``, keyed by the only fields the style depends on."""
    key = (e.type, e.geo_precision in COARSE, e.date_precision, e.status == "planned")
    if key not in table:
        table[key] = len(styles)
        styles.append(marker_style(e))
    return table[key]


def event_features(events: Sequence[Event], bases_at: Iterable[str] = ()) -> dict[str, Any]:
    """GeoJSON features for the event markers (with their shared ``styles``), uncertainty discs, and
    movement lines with arrowheads."""
    base_ids = set(bases_at)
    by_place: dict[str, list[Event]] = {}
    for e in events:
        if e.place is not None:
            by_place.setdefault(e.place.id, []).append(e)

    markers: list[dict[str, Any]] = []
    styles: list[dict[str, Any]] = []
    style_ids: dict[tuple[Any, ...], int] = {}
    areas: list[dict[str, Any]] = []
    moves: list[dict[str, Any]] = []
    stacks: list[dict[str, Any]] = []
    for pid, evs in by_place.items():
        place = evs[0].place
        assert place is not None
        # A base's own square stays visible in the middle; its events fan out around it.
        offsets = _fan_offsets(len(evs), inner=11.0 if pid in base_ids else 0.0)
        point = {"type": "Point", "coordinates": [place.lon, place.lat]}
        if len(evs) > FAN_MAX:
            stacks.append({"type": "Feature", "geometry": point, "properties": {"n": len(evs)}})
        prec = place.precision
        if prec in AREA_M:
            colors = sorted({TYPE_STYLE.get(e.type, ("#555555", ""))[0] for e in evs})
            areas.append(
                {
                    "type": "Feature",
                    "geometry": point,
                    "properties": {"area": AREA_M[prec], "c": colors[0] if len(colors) == 1 else "#555555"},
                }
            )
        for e, off in zip(evs, offsets, strict=True):
            props = event_properties(e)
            props["y"] = _style_index(style_ids, styles, e)
            style = styles[props["y"]]
            if off != (0.0, 0.0):
                props["off"] = list(off)
            markers.append({"type": "Feature", "geometry": point, "properties": props})
            dest = e.destination
            if dest is not None and (dest.lat, dest.lon) != (place.lat, place.lon):
                tip = esc(f"{TYPE_LABEL.get(e.type, e.type)} · {e.date.isoformat()} · {place.name} → {dest.name}")
                common = {"c": style["c"], "tip": tip, "planned": e.status == "planned"}
                line = {"type": "LineString", "coordinates": [[place.lon, place.lat], [dest.lon, dest.lat]]}
                moves.append({"type": "Feature", "geometry": line, "properties": {**common, "k": "ev-line"}})
                # The arrowhead sits just short of the destination, so it does not hide what is there.
                head = [
                    round(place.lon + 0.9 * (dest.lon - place.lon), 5),
                    round(place.lat + 0.9 * (dest.lat - place.lat), 5),
                ]
                rot = round(bearing_screen(place.lat, place.lon, dest.lat, dest.lon), 1)
                moves.append(
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": head},
                        "properties": {**common, "k": "ev-arrow", "rot": rot},
                    }
                )
    return {"markers": markers, "styles": styles, "areas": areas, "moves": moves, "stacks": stacks}


def base_features(bases: Iterable[Any]) -> list[dict[str, Any]]:
    """GeoJSON features for the bases, coloured by status (BaseStatus: place, status, since, evidence)."""
    feats = []
    for b in bases:
        p = b.place
        fill, label = STATUS_STYLE.get(b.status, STATUS_STYLE["unknown"])
        since = f" since {b.since.isoformat()}" if b.since else ""
        last = b.evidence[-1] if b.evidence else None
        props = {
            "id": p.id,
            "status": b.status,
            "c": fill,
            "k": f"base-marker base-{b.status}",
            "tip": esc(f"{p.name} — {label}{since}"),
            "name": esc(p.name),
            "ar": esc(p.name_ar),
            "lbl": esc(label + since),
            "nev": len(b.evidence),
            "q": esc(last.quote[:MAX_QUOTE_CHARS]) if last else "",
            "src": esc(f"{last.source}, {last.published.isoformat()}") if last else "",
        }
        feats.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
                "properties": props,
            }
        )
    return feats


# --- JS callbacks (static strings: no data is ever concatenated into code) ----------------------------------

_EVENT_POINT = """function (f, ll) {
  var p = f.properties, y = S[p.y];
  return new L.ShapeMarker(ll, {shape: y.s, radius: y.r, offset: p.off || null, color: y.lc, weight: y.w,
    opacity: y.op, fillColor: y.c, fillOpacity: y.fo, dashArray: y.d ? '3 2' : null, className: y.k});
}"""
_EVENT_EACH = """function (f, layer) {
  var p = f.properties, y = S[p.y];
  layer.bindTooltip(y.tl + ' · ' + p.da + ' · ' + p.pl, {direction: 'top', offset: [0, -6]});
  layer.bindPopup(function () { return window.geoPopup(p, y); }, {maxWidth: 380});
}"""
_AREA_POINT = """function (f, ll) {
  var p = f.properties;
  return L.circle(ll, {radius: p.area, color: p.c, weight: 1, opacity: 0.45, dashArray: '4 4',
    fillColor: p.c, fillOpacity: 0.07, interactive: false, className: 'ev-area'});
}"""
_MOVE_POINT = """function (f, ll) {
  var p = f.properties;
  return new L.ShapeMarker(ll, {shape: 'arrow', radius: 6, rotation: p.rot, color: '#ffffff', weight: 1,
    fillColor: p.c, fillOpacity: 0.95, className: p.k});
}"""
_MOVE_STYLE = """function (f) {
  var p = f.properties;
  return {color: p.c, weight: 2.5, opacity: 0.85, dashArray: p.planned ? '6 5' : null, className: p.k};
}"""
_MOVE_EACH = "function (f, layer) { layer.bindTooltip(f.properties.tip, {sticky: true}); }"
_BASE_POINT = """function (f, ll) {
  var p = f.properties;
  return new L.ShapeMarker(ll, {shape: 'square', radius: 7, color: '#1a1a1a', weight: 2, opacity: 1,
    fillColor: p.c, fillOpacity: 0.95, className: p.k});
}"""
_BASE_EACH = """function (f, layer) {
  var p = f.properties;
  layer.bindTooltip(p.tip, {direction: 'top', offset: [0, -8]});
  layer.bindPopup(function () {
    var h = '<div class="gp"><div class="gp-h" style="border-left-color:' + p.c + '">' + p.name + '</div>';
    if (p.ar) { h += '<div class="q" dir="rtl" lang="ar">' + p.ar + '</div>'; }
    h += '<div>' + p.lbl + '</div><div class="pr">' + p.nev + (p.nev === 1 ? ' report' : ' reports') + '</div>';
    if (p.q) {
      h += '<div class="q" dir="rtl" lang="ar">' + p.q + '</div><div class="pr">' + p.src + '</div>';
    }
    return h + '</div>';
  }, {maxWidth: 380});
}"""
_STACK_POINT = """function (f, ll) {
  return L.marker(ll, {interactive: false, keyboard: false, icon: L.divIcon({className: 'stack-count',
    html: '<span>' + (+f.properties.n) + ' events</span>', iconSize: null})});
}"""
_MARK_POINT = """function (f, ll) {
  return L.circleMarker(ll, {radius: 16, color: '#111111', weight: 2.5, dashArray: '5 4', fill: false,
    className: 'search-mark'});
}"""
_MARK_EACH = """function (f, layer) {
  layer.bindTooltip(f.properties.tip, {permanent: true, direction: 'right', offset: [16, 0]});
}"""
_COUNTRY_STYLE = """function (f) {
  var iq = f.properties.name === 'Iraq';
  return {color: iq ? '#5b5b5b' : '#9a948a', weight: iq ? 1.6 : 0.8, fillColor: iq ? '#fffdf6' : '#efebe2',
    fillOpacity: 1, interactive: false};
}"""


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
    shapes: dict[str, list[tuple[float, float]]] = {
        "triangle": [(0, -1.3), (1.15, 0.75), (-1.15, 0.75)],
        "square": [(-1, -1), (1, -1), (1, 1), (-1, 1)],
        "diamond": [(0, -1.35), (1.35, 0), (0, 1.35), (-1.35, 0)],
        "pentagon": [
            (
                1.2 * math.cos(-math.pi / 2 + i * 2 * math.pi / 5),
                1.2 * math.sin(-math.pi / 2 + i * 2 * math.pi / 5),
            )
            for i in range(5)
        ],
        "star": [
            (
                (0.65 if i % 2 else 1.5) * math.cos(-math.pi / 2 + i * math.pi / 5),
                (0.65 if i % 2 else 1.5) * math.sin(-math.pi / 2 + i * math.pi / 5),
            )
            for i in range(10)
        ],
        "arrow": [(0, -1.5), (1.1, 0.9), (0, 0.35), (-1.1, 0.9)],
    }
    unit = shapes.get(shape)
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
        "Only governorate / country known (disc ≈ area)</div>"
    )
    rows.append(f'<div class="lg-row">{_shape_svg("circle", "#555555", opacity=0.4)}Date known to month/year</div>')
    return '<div class="geo-legend">' + "".join(rows) + "</div>"


def _legend_js(types: Iterable[str]) -> str:
    return (
        "(function () { var lg = L.control({position: 'bottomleft'});"
        " lg.onAdd = function () { var d = L.DomUtil.create('div'); d.innerHTML = "
        + _safe_json(legend_html(types))
        + "; L.DomEvent.disableClickPropagation(d); L.DomEvent.disableScrollPropagation(d); return d; };"
        " lg.addTo({map}); })();"
    )


class _Legend(folium.MacroElement):
    _template = Template(
        "{% macro script(this, kwargs) %}{{ this.code.replace('{map}', this._parent.get_name()) }}{% endmacro %}"
    )

    def __init__(self, types: Iterable[str]) -> None:
        super().__init__()
        self._name = "Legend"
        self.code = _legend_js(types)


def _labels(m: folium.Map, governorates: Sequence[Any]) -> None:
    """Country names (large, spaced) and governorate names (small) as non-interactive DivIcons."""
    group = folium.FeatureGroup(name="Place names", overlay=True, control=True, show=True)

    def label(lat: float, lon: float, text: str, css: str) -> None:
        icon = folium.DivIcon(html=f'<div class="{css}">{esc(text)}</div>', icon_size=(0, 0),
                              class_name="geo-label-icon")
        folium.Marker([lat, lon], icon=icon, interactive=False).add_to(group)

    for name, lat, lon in COUNTRY_LABELS:
        label(lat, lon, name, "geo-label")
    for p in governorates:
        label(p.lat, p.lon, p.name.replace(" Governorate", "").replace(" Province", ""), "geo-label gov")
    group.add_to(m)


# Hand-placed for legibility (a polygon's centroid would sit on top of Baghdad's events).
COUNTRY_LABELS: tuple[tuple[str, float, float], ...] = (
    ("Iraq", 31.6, 42.4),
    ("Syria", 35.3, 38.4),
    ("Iran", 33.0, 51.5),
    ("Saudi Arabia", 27.5, 43.5),
    ("Kuwait", 29.35, 47.6),
    ("Jordan", 31.0, 36.6),
    ("Turkey", 38.8, 38.5),
)


def build_map(
    events: Sequence[Event],
    bases: Sequence[Any] = (),
    *,
    at: dt.date | None = None,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    governorates: Sequence[Any] = (),
    mark: tuple[float, float, str] | None = None,
    online_tiles: bool = False,
    height: int | str = "100%",
) -> folium.Map:
    """The dashboard's map: offline basemap, bases by status at ``at``, events by type and precision.

    ``bases`` are ``geo.bases.BaseStatus`` objects (place, status, since, evidence); ``mark`` rings a
    searched place (lat, lon, label) and ``center`` centres the view on it. Nothing here reaches
    the network unless ``online_tiles`` is True (then OSM/CartoDB are offered, switched off, in the layer
    control).
    """
    canvas = len(events) > CANVAS_ABOVE
    m = folium.Map(
        location=list(center or IRAQ_CENTER),
        zoom_start=zoom or (9 if center else IRAQ_ZOOM),
        tiles=None,
        prefer_canvas=canvas,
        control_scale=True,
        height=height,
    )
    # folium hands max_zoom/min_zoom only to its tile layer; with tiles=None the map would have no maxZoom
    # (Leaflet then reports Infinity and clusters/fitBounds misbehave), so set them on the map itself.
    m.options["max_zoom"] = 18
    m.options["min_zoom"] = 3
    m.options["zoom_snap"] = 0.25  # lets the first view fit Iraq snugly at any frame width
    if center is None and zoom is None:
        m.fit_bounds(
            [list(IRAQ_BOUNDS[0]), list(IRAQ_BOUNDS[1])],
            padding_top_left=(LEGEND_PAD_PX, 10),
            padding_bottom_right=(10, 10),
        )
    m.get_root().header.add_child(folium.Element(_CSS), name="geo_css")  # type: ignore[attr-defined]
    Script(assets.image_path_js() + _SHAPES_JS).add_to(m)

    if online_tiles:
        # Opt-in only: these reach the internet. Off by default even when offered.
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online)", overlay=True, show=False, max_zoom=18).add_to(
            m
        )
        folium.TileLayer(
            "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
            attr="&copy; OpenStreetMap contributors &copy; CARTO",
            name="CartoDB Positron (online)",
            overlay=True,
            show=False,
            max_zoom=18,
        ).add_to(m)

    GeoJsonLayer(basemap.countries(), name="Countries (offline outlines)", style=_COUNTRY_STYLE).add_to(m)
    _labels(m, governorates)

    base_list = list(bases)
    feats = event_features(events, bases_at=[b.place.id for b in base_list])
    fc = lambda feats: {"type": "FeatureCollection", "features": feats}  # noqa: E731
    GeoJsonLayer(fc(feats["areas"]), name="Location uncertainty", point_to_layer=_AREA_POINT).add_to(m)
    GeoJsonLayer(
        fc(feats["moves"]),
        name="Movements",
        point_to_layer=_MOVE_POINT,
        style=_MOVE_STYLE,
        on_each_feature=_MOVE_EACH,
    ).add_to(m)
    if feats["stacks"]:
        GeoJsonLayer(fc(feats["stacks"]), name="Event counts (crowded places)", point_to_layer=_STACK_POINT).add_to(m)
    # Bases under events: an event near (not at) a base must not disappear under its square.
    when = f" on {at.isoformat()}" if at else ""
    GeoJsonLayer(
        fc(base_features(base_list)),
        name=f"Bases{when} ({len(base_list)})",
        point_to_layer=_BASE_POINT,
        on_each_feature=_BASE_EACH,
    ).add_to(m)
    n_mapped = len(feats["markers"])
    GeoJsonLayer(
        fc(feats["markers"]),
        name=f"Events ({n_mapped})",
        point_to_layer=_EVENT_POINT,
        on_each_feature=_EVENT_EACH,
        styles=feats["styles"],
    ).add_to(m)

    if mark is not None:  # the place the user searched for: a ring on top of everything
        lat, lon, label = mark
        found = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"tip": esc(label)},
        }
        GeoJsonLayer(fc([found]), name="Search result", point_to_layer=_MARK_POINT, on_each_feature=_MARK_EACH).add_to(
            m
        )

    present = [t for t in EVENT_TYPES if any(e.type == t for e in events)] or list(EVENT_TYPES)
    _Legend(present).add_to(m)
    folium.LayerControl(position="topright", collapsed=True).add_to(m)
    assets.vendor_tree(m)
    return m
