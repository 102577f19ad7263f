"""The folium side: one ``L.geoJSON`` layer per kind of feature, the page's JS and CSS, and ``build_map``.

Every layer's points are drawn by a tiny ``L.ShapeMarker`` (``static/map.js``: a CircleMarker that can also
be a triangle, square, diamond, star or arrow), so 10,000 events are 10,000 vector paths in one layer, not
10,000 folium ``Marker`` objects. Above ``CANVAS_ABOVE`` events the map switches to Leaflet's canvas renderer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

import folium
from branca.element import Element
from folium.elements import ElementAddToElement
from folium.map import Layer
from folium.template import Template

from geo.core.models import Event
from geo.core.taxonomy import EVENT_TYPES

from .. import assets, basemap
from .escape import esc, safe_json
from .legend import Legend
from .payload import map_payload

IRAQ_CENTER = (33.2, 43.7)
IRAQ_ZOOM = 6
IRAQ_BOUNDS = ((29.0, 38.8), (37.4, 48.6))  # the first view; room is kept on the left for the legend
TIMEBAR_PAD_PX = 110  # the time panel covers the bottom of the map
# The offline basemap's panes, under Leaflet's overlayPane (400) where the events are drawn: land, then
# lines. In panes of their own, a basemap layer switched off and on in the layer menu comes back under the
# events (in one shared pane it would be re-appended on top of them).
BASEMAP_PANES = {"geoLand": 380, "geoLines": 390}


@cache
def static_text(name: str) -> str:
    """A file from ``static/`` (read once; package data, so it also works from an installed wheel)."""
    return (resources.files(__package__) / "static" / name).read_text(encoding="utf-8")


@cache
def callbacks() -> dict[str, str]:
    """``static/callbacks.js`` split at its ``// @callback name`` lines: name -> JS function expression."""
    parts = re.split(r"^// @callback (\w+)\n", static_text("callbacks.js"), flags=re.M)
    return {name: code.rstrip("\n") for name, code in zip(parts[1::2], parts[2::2], strict=True)}


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
          {{ this.pane_js }}
          return L.geoJSON({{ this.data_js }}, {
            pane: P,
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
        pane: str = "overlayPane",
    ) -> None:
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = "GeoJsonLayer"
        self.data = data
        self.data_js = safe_json(data)
        # Marker styles shared by many features, sent once; callbacks see them as ``S``.
        self.styles = list(styles)
        self.styles_js = safe_json(self.styles)
        self.point_to_layer = point_to_layer
        self.style = style
        self.on_each_feature = on_each_feature
        self.pane = pane

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # branca's MacroElement returns None
        assert self._parent is not None, "add the layer to a map first"
        self.pane_js = f"var P = {safe_json(self.pane)};"
        if self.pane in BASEMAP_PANES:  # made on first use, by whichever basemap layer comes first
            self.pane_js += (
                f" if (!{self._parent.get_name()}.getPane(P)) {{ {self._parent.get_name()}.createPane(P)"
                f".style.zIndex = {BASEMAP_PANES[self.pane]}; }}"
            )
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


def _labels(m: folium.Map, governorates: Sequence[Any], towns: Sequence[Any] = ()) -> None:
    """Country names (large, spaced), governorate names (small) and, from zoom 8 (CSS ``.geo-z8``), town
    names, as non-interactive DivIcons in one "Place names" layer."""
    group = folium.FeatureGroup(name="Place names", overlay=True, control=True, show=True)
    rows: list[list[Any]] = [[lat, lon, esc(name), "geo-label"] for name, lat, lon in COUNTRY_LABELS]
    rows += [[p.lat, p.lon, esc(p.name.replace(" Governorate", "").replace(" Province", "")), "geo-label gov"]
             for p in governorates]
    rows += [[p.lat, p.lon, esc(p.name), "geo-label town"] for p in towns]
    _LabelRows(rows).add_to(group)
    group.add_to(m)


class _LabelRows(folium.MacroElement):
    """The labels' markers, made in the page from one JSON table: what a folium ``Marker`` + ``DivIcon``
    per label drew (``L.marker(..., {interactive: false})`` with ``L.divIcon``), without compiling and
    rendering two Jinja templates per label (200 labels cost 0.3-0.7 s of every first map)."""

    def __init__(self, rows: list[list[Any]]) -> None:
        super().__init__()
        self._name = "LabelRows"
        self.rows_js = safe_json(rows)

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        assert self._parent is not None
        code = (
            f"{self.rows_js}.forEach(function (r) {{\n"
            f"  L.marker([r[0], r[1]], {{interactive: false}}).addTo({self._parent.get_name()})\n"
            "    .setIcon(L.divIcon({html: '<div class=\"' + r[3] + '\">' + r[2] + '</div>', iconSize: [0, 0],\n"
            "      className: 'geo-label-icon'}));\n"
            "});"
        )
        self.get_root().script.add_child(_RawScript(code), name=self.get_name())  # type: ignore[attr-defined]


# Hand-placed for legibility (a polygon's centroid would sit on top of Baghdad's events); each name is
# centred on its point (map.css), so none runs off the frame; payload.COUNTRY_ANCHORS sits just below.
COUNTRY_LABELS: tuple[tuple[str, float, float], ...] = (
    ("Iraq", 31.6, 42.4),
    ("Syria", 35.3, 38.4),
    ("Iran", 34.0, 48.3),
    ("Saudi Arabia", 27.5, 43.5),
    ("Kuwait", 29.35, 47.6),
    ("Jordan", 31.0, 36.6),
    ("Turkey", 38.8, 38.5),
)


class AppScript(folium.MacroElement):
    """``GeoApp.create(map, payload, options)``: the events, bases and time panel (``static/timeapp.js``).

    Rendered after the layer control, whose JS name it hands over so the app's layers join the menu.
    The payload is inserted raw (``_RawScript``), never parsed as a template.
    """

    def __init__(self, payload: dict[str, Any], control: folium.LayerControl) -> None:
        super().__init__()
        self._name = "AppScript"
        self.payload_js = safe_json(payload)
        self.ids: list[str] = list(payload["ids"])
        self.control = control

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        assert self._parent is not None
        figure = self.get_root()
        code = (
            f"GeoApp.create({self._parent.get_name()}, {self.payload_js}, "
            f"Object.assign({{layers: {self.control.get_name()}}}, window.geoHostOptions || {{}}));"
        )
        figure.script.add_child(_RawScript(code), name=self.get_name())  # type: ignore[attr-defined]


def _fc(feats: list[dict[str, Any]]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection."""
    return {"type": "FeatureCollection", "features": feats}


def build_map(
    events: Sequence[Event],
    bases: Sequence[Any] = (),
    *,
    at: dt.date | None = None,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    governorates: Sequence[Any] = (),
    towns: Sequence[Any] = (),
    mark: tuple[float, float, str] | None = None,
    online_tiles: bool = False,
    height: int | str = "100%",
    window: tuple[dt.date, dt.date] | None = None,
    inline_quotes: bool | None = None,
) -> folium.Map:
    """The dashboard's map: offline basemap and labels (folium), plus every event and base as one payload
    that ``static/timeapp.js`` filters by the time window in the browser (``window``: the first one shown,
    default the whole range; ``at`` is its end when no window is given).

    ``bases`` are ``geo.events.BaseStatus`` objects (with their history: the page colours each base by its
    status at the window's end); ``mark`` rings a searched place (lat, lon, label) and ``center`` centres
    the view on it. Nothing here reaches the network unless ``online_tiles`` is True (then OSM/CartoDB are
    offered, switched off, in the layer control). The map also works as a standalone HTML file.
    """
    m = folium.Map(
        location=list(center or IRAQ_CENTER),
        zoom_start=zoom or (9 if center else IRAQ_ZOOM),
        tiles=None,
        prefer_canvas=False,  # every event is clustered client-side: few paths, crisp SVG
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
            padding_top_left=(10, 10),
            padding_bottom_right=(10, TIMEBAR_PAD_PX),
        )
    css = "\n<style>\n" + static_text("map.css") + "</style>\n"
    m.get_root().header.add_child(folium.Element(css), name="geo_css")  # type: ignore[attr-defined]
    m.get_root().header.add_child(  # type: ignore[attr-defined]
        folium.JavascriptLink(assets.url(assets.HEAT_JS)), name="geo_heat"
    )
    Script(assets.image_path_js() + "\n" + static_text("map.js") + "\n" + static_text("timeapp.js")).add_to(m)
    js = callbacks()

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

    GeoJsonLayer(basemap.countries(), name="Countries (offline outlines)", style=js["country_style"],
                 pane="geoLand").add_to(m)
    GeoJsonLayer(basemap.governorate_lines(), name="Governorate boundaries", style=js["governorate_style"],
                 pane="geoLines").add_to(m)
    GeoJsonLayer(basemap.river_lines(), name="Rivers", style=js["river_style"], pane="geoLines").add_to(m)
    _labels(m, governorates, towns)

    if mark is not None:  # the place the user searched for: a ring on top of everything
        lat, lon, label = mark
        found = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"tip": esc(label)},
        }
        GeoJsonLayer(
            _fc([found]), name="Search result", point_to_layer=js["mark_point"], on_each_feature=js["mark_each"]
        ).add_to(m)

    present = [t for t in EVENT_TYPES if any(e.type == t for e in events)] or list(EVENT_TYPES)
    Legend(present).add_to(m)
    control = folium.LayerControl(position="topright", collapsed=True)
    control.add_to(m)
    data = map_payload(events, bases, inline_quotes=inline_quotes)
    if window is None and at is not None and events:
        window = (min(e.date for e in events), at)
    if window is not None:
        data["window"] = [window[0].isoformat(), window[1].isoformat()]
    AppScript(data, control).add_to(m)
    assets.vendor_tree(m)
    return m


def payload_ids(m: folium.Map) -> list[str]:
    """The events' ids in the page's order (its reports name an event by index)."""
    app = next(c for c in m._children.values() if isinstance(c, AppScript))
    return app.ids


def stable_ids(m: folium.Map) -> None:
    """Number every element of the map in tree order, so the same inputs give the same script (the page
    compares scripts to decide whether to rebuild the map)."""
    stack: list[Any] = [m]
    i = 0
    while stack:
        el = stack.pop(0)
        el._id = f"g{i}"
        i += 1
        stack.extend(getattr(el, "_children", {}).values())


def map_script(m: folium.Map) -> tuple[str, str]:
    """``(map_id, script)``: the map's JS (everything but the page around it), for the component."""
    stable_ids(m)
    root = m.get_root()
    root.render()
    # The component page has no folium header: the map's stylesheet travels with the script.
    css = "(function(){var s=document.createElement('style');s.textContent=" + safe_json(static_text("map.css"))
    css += ";document.head.appendChild(s);})();\n"
    script: str = css + root.script.render()  # type: ignore[attr-defined]
    return m.get_name(), script
