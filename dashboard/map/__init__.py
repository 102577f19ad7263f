"""The dashboard's map: ``build_map`` draws events, bases and movements on an offline basemap.

``style`` holds the palette (also used by the chart and table), ``features`` turns events into escaped
feature dicts, ``layers`` puts them on a folium Map with the JS/CSS from ``static/``, ``legend`` explains it.
"""

from .features import event_features, popup_properties
from .layers import GeoJsonLayer, build_map
from .legend import legend_html
from .style import AREA_M, STATUS_STYLE, TYPE_LABEL, TYPE_STYLE

__all__ = [
    "AREA_M",
    "STATUS_STYLE",
    "TYPE_LABEL",
    "TYPE_STYLE",
    "GeoJsonLayer",
    "build_map",
    "event_features",
    "legend_html",
    "popup_properties",
]
