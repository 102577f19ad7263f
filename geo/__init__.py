"""Events (attacks, airstrikes, withdrawals, handovers, ...) from Arabic and English news.

The pipeline, one package a stage: ``ingest`` (files → articles) → ``extract`` (with ``dates``; an
article → its events) → ``events`` (merged across articles, queried, base status) → ``store``
(GeoPackage or PostGIS) → ``export`` (GeoJSON, GeoPackage, CSV, GeoParquet). ``core`` holds what they
share; ``devtools`` what only tests, benches and ``geo evaluate`` use.

>>> import datetime
>>> from geo import extract_events
>>> events = extract_events(text, published=datetime.date(2021, 4, 18), source="alaraby")
"""

from .core import EVENT_TYPES, Event, ExportError, GeoError, InputError, StoreError
from .extract import extract_events

__all__ = ["EVENT_TYPES", "Event", "ExportError", "GeoError", "InputError", "StoreError", "extract_events"]
