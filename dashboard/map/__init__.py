"""The dashboard's map: ``build_map`` draws events, bases and movements on an offline basemap.

``style`` holds the palette (also used by the chart and table), ``payload`` turns events and bases into one escaped
compact payload, ``layers`` builds the folium Map (basemap, labels, legend) with the JS/CSS from ``static/``
(``timeapp.js`` draws the payload by time window), ``component`` shows it in Streamlit.
"""

from . import layers
from .features import marker_style
from .layers import GeoJsonLayer, build_map, map_script, payload_ids
from .legend import legend_html
from .payload import map_payload
from .style import AREA_M, STATUS_STYLE, TYPE_LABEL, TYPE_STYLE

__all__ = [
    "AREA_M",
    "STATUS_STYLE",
    "TYPE_LABEL",
    "TYPE_STYLE",
    "GeoJsonLayer",
    "build_map",
    "layers",
    "legend_html",
    "map_payload",
    "map_script",
    "marker_style",
    "payload_ids",
]
