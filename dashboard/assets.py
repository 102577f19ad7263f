"""Vendored Leaflet & co.: point folium at ``static/vendor/`` instead of CDNs, so the map draws offline.

folium writes ``<script src="https://cdn...">`` for every library it uses; with no network ``st_folium``
shows an empty frame without any error. ``scripts/vendor_assets.sh`` copies the same libraries from npm into
``dashboard/static/vendor/``; Streamlit serves that folder at ``/app/static/`` (``enableStaticServing``).

The URLs are absolute (``/app/static/vendor/...``): the map runs inside a component iframe served from
``/component/dashboard.map.component.geo_map/``, where a relative ``app/static/...`` would resolve under the
component's path. ``GEO_ASSET_BASE`` overrides the prefix (e.g. behind a proxy with a base path,
or ``file:///.../vendor`` for a standalone HTML file).
"""

from __future__ import annotations

import os
from pathlib import Path

import folium
from folium.elements import JSCSSMixin

VENDOR_DIR = Path(__file__).parent / "static" / "vendor"
ASSET_BASE = os.environ.get("GEO_ASSET_BASE", "/app/static/vendor").rstrip("/")

# folium's resource name -> file under static/vendor/ (None: dropped, nothing we draw uses it).
_JS: dict[str, str | None] = {
    "leaflet": "leaflet/leaflet.js",
    "jquery": "jquery/jquery.min.js",
    "bootstrap": "bootstrap/bootstrap.bundle.min.js",
    "awesome_markers": "awesome-markers/leaflet.awesome-markers.js",
    "markerclusterjs": "markercluster/leaflet.markercluster.js",
}
_CSS: dict[str, str | None] = {
    "leaflet_css": "leaflet/leaflet.css",
    "bootstrap_css": "bootstrap/bootstrap.min.css",
    # Bootstrap 3 glyphicons: no npm package ships this CSS alone, and no icon here uses them.
    "glyphicons_css": None,
    "awesome_markers_font_css": "fontawesome/css/all.min.css",
    "awesome_markers_css": "awesome-markers/leaflet.awesome-markers.css",
    # Only for rotated awesome-markers, which the dashboard does not use.
    "awesome_rotate_css": None,
    "markerclustercss": "markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "markercluster/MarkerCluster.Default.css",
}

LEAFLET_IMAGES = "leaflet/images/"
# Not a folium plugin: the page's heatmap layer (timeapp.js), loaded by build_map and the component page.
HEAT_JS = "leaflet.heat/leaflet-heat.js"


class MissingAssetError(RuntimeError):
    """folium wants a library that is not vendored (it would be fetched from a CDN)."""


def url(rel: str) -> str:
    """The browser URL of a vendored file."""
    return f"{ASSET_BASE}/{rel}"


def _swap(resources: list[tuple[str, str]], table: dict[str, str | None]) -> list[tuple[str, str]]:
    out = []
    for name, href in resources:
        if name not in table:
            raise MissingAssetError(
                f"{name} ({href}) is not vendored: add it to scripts/vendor_assets.sh and dashboard/assets.py"
            )
        rel = table[name]
        if rel is not None:
            out.append((name, url(rel)))
    return out


def vendor(element: JSCSSMixin) -> None:
    """Replace an element's CDN ``default_js``/``default_css`` with vendored URLs (instance attributes,
    so folium's classes stay untouched for anyone else in the process)."""
    element.default_js = _swap(list(type(element).default_js), _JS)
    element.default_css = _swap(list(type(element).default_css), _CSS)


def vendor_tree(root: folium.Map) -> None:
    """Vendor the map and every plugin under it (call after the layers are added)."""
    stack: list = [root]
    while stack:
        el = stack.pop()
        if isinstance(el, JSCSSMixin):
            vendor(el)
        stack.extend(getattr(el, "_children", {}).values())


def image_path_js() -> str:
    """JS that points Leaflet's default marker icons at the vendored images (else they 404)."""
    return f'L.Icon.Default.prototype.options.imagePath = "{url(LEAFLET_IMAGES)}";'


def missing_files() -> list[str]:
    """Vendored files the map needs that are not on disk (run ``make build`` or the vendor script)."""
    rels = [r for r in (*_JS.values(), *_CSS.values(), HEAT_JS) if r]
    return [r for r in rels if not (VENDOR_DIR / r).exists()]
