"""What every stage shares: the ``Event`` and its properties, the taxonomy, errors and settings."""

from .data import read_rows
from .errors import ExportError, GeoError, InputError, StoreError
from .models import PROPERTIES, Event, EventColumns, Property
from .taxonomy import COUNT_FIELDS, EVENT_TYPES, MOVEMENT_TYPES, canonical_type

__all__ = [
    "COUNT_FIELDS",
    "EVENT_TYPES",
    "MOVEMENT_TYPES",
    "PROPERTIES",
    "Event",
    "EventColumns",
    "ExportError",
    "GeoError",
    "InputError",
    "Property",
    "StoreError",
    "canonical_type",
    "read_rows",
]
