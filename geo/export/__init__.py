"""Exports: the events and bases layers as GeoJSON (RFC 7946), GeoPackage, CSV or GeoParquet, and the
text table ``geo events`` prints."""

from .bases import bases_frame, bases_geojson, export_bases
from .events import (
    COLUMN_FORMATS,
    event_geometry,
    event_properties,
    events_frame,
    events_geojson,
    export_columns,
    export_events,
    write_geojson,
)
from .files import DECIMALS, FORMATS, format_for, rounded
from .table import format_table

__all__ = ["COLUMN_FORMATS", "DECIMALS", "FORMATS", "bases_frame", "bases_geojson", "event_geometry",
           "event_properties", "events_frame", "events_geojson", "export_bases", "export_columns", "export_events",
           "format_for", "format_table", "rounded", "write_geojson"]
