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
from .features import base_features, event_features
from .legend import Legend

IRAQ_CENTER = (33.2, 43.7)
IRAQ_ZOOM = 6
IRAQ_BOUNDS = ((29.0, 38.8), (37.4, 48.6))  # the first view; room is kept on the left for the legend
LEGEND_PAD_PX = 250
CANVAS_ABOVE = 2000  # SVG keeps one DOM node per marker (testable, crisp); canvas scales further.


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
        self.data_js = safe_json(data)
        # Marker styles shared by many features, sent once; callbacks see them as ``S``.
        self.styles = list(styles)
        self.styles_js = safe_json(self.styles)
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
    css = "\n<style>\n" + static_text("map.css") + "</style>\n"
    m.get_root().header.add_child(folium.Element(css), name="geo_css")  # type: ignore[attr-defined]
    Script(assets.image_path_js() + "\n" + static_text("map.js")).add_to(m)
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

    GeoJsonLayer(basemap.countries(), name="Countries (offline outlines)", style=js["country_style"]).add_to(m)
    _labels(m, governorates)

    base_list = list(bases)
    feats = event_features(events, bases_at=[b.place.id for b in base_list])
    GeoJsonLayer(_fc(feats["areas"]), name="Location uncertainty", point_to_layer=js["area_point"]).add_to(m)
    GeoJsonLayer(
        _fc(feats["moves"]),
        name="Movements",
        point_to_layer=js["move_point"],
        style=js["move_style"],
        on_each_feature=js["move_each"],
    ).add_to(m)
    if feats["stacks"]:
        GeoJsonLayer(
            _fc(feats["stacks"]), name="Event counts (crowded places)", point_to_layer=js["stack_point"]
        ).add_to(m)
    # Bases under events: an event near (not at) a base must not disappear under its square.
    when = f" on {at.isoformat()}" if at else ""
    GeoJsonLayer(
        _fc(base_features(base_list)),
        name=f"Bases{when} ({len(base_list)})",
        point_to_layer=js["base_point"],
        on_each_feature=js["base_each"],
    ).add_to(m)
    n_mapped = len(feats["markers"])
    GeoJsonLayer(
        _fc(feats["markers"]),
        name=f"Events ({n_mapped})",
        point_to_layer=js["event_point"],
        on_each_feature=js["event_each"],
        styles=feats["styles"],
    ).add_to(m)

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
    folium.LayerControl(position="topright", collapsed=True).add_to(m)
    assets.vendor_tree(m)
    return m
