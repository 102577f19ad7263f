"""Events (attacks, airstrikes, withdrawals, handovers, ...) from Arabic and English news.

>>> import datetime
>>> from geo import extract_events
>>> events = extract_events(text, published=datetime.date(2021, 4, 18), source="alaraby")
"""

from .errors import ExportError, GeoError, InputError, StoreError
from .extract import extract_events
from .models import Event
from .taxonomy import EVENT_TYPES

__all__ = ["EVENT_TYPES", "Event", "ExportError", "GeoError", "InputError", "StoreError", "extract_events"]
