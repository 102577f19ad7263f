"""Pure helpers behind the dashboard's widgets: filter state, options, the play window, table and CSV rows."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from gazetteer.models import PRECISIONS
from geo.core.models import Event
from geo.core.taxonomy import EVENT_TYPES
from geo.events import filter_events

from . import data

Window = tuple[dt.date, dt.date]


@dataclass(frozen=True)
class Filters:
    """Everything the sidebar and the time slider select. ``None`` means "no filter"."""

    start: dt.date | None = None
    end: dt.date | None = None
    types: tuple[str, ...] | None = None
    governorates: tuple[str, ...] | None = None
    sources: tuple[str, ...] | None = None
    min_precision: str | None = None
    min_confidence: float | None = None


def apply(events: Sequence[Event], f: Filters) -> list[Event]:
    """The visible events: every filter combined (AND), dates by overlap with [start, end]."""
    return filter_events(
        events,
        start=f.start,
        end=f.end,
        types=f.types,
        governorates=f.governorates,
        sources=f.sources,
        min_precision=f.min_precision,
        min_confidence=f.min_confidence,
    )


def date_bounds(events: Sequence[Event], today: dt.date | None = None) -> Window:
    """First and last day covered by the collection (a one-day span if it is empty)."""
    if not events:
        d = today or dt.date.today()
        return d, d
    first = min(e.date for e in events)
    last = max(e.last_date for e in events)
    return first, last


def governorates(events: Sequence[Event]) -> list[str]:
    return sorted({e.place.province for e in events if e.place is not None and e.place.province})


def sources(events: Sequence[Event]) -> list[str]:
    return sorted({s for e in events for s in e.all_sources if s})


def types_present(events: Sequence[Event]) -> list[str]:
    """Event types in the collection, in taxonomy order."""
    seen = {e.type for e in events}
    return [t for t in EVENT_TYPES if t in seen] + sorted(seen - set(EVENT_TYPES))


PRECISION_CHOICES: tuple[str, ...] = ("any", *PRECISIONS)


def precision_filter(choice: str) -> str | None:
    """The selectbox value as a ``min_precision`` argument ("any" keeps unlocated events too)."""
    return None if choice == "any" else choice


# --- Playing through time ---------------------------------------------------------------------------------

STEPS: dict[str, int] = {"1 week": 7, "1 month": 30, "3 months": 91}
DEFAULT_PLAY_WIDTH = 91  # days shown at once when play starts from the whole range


def play_start(window: Window, bounds: Window, width_days: int = DEFAULT_PLAY_WIDTH) -> Window:
    """The window play begins with: the current one, unless it is the whole range or already at the end
    (then a ``width_days`` window at the start)."""
    lo, hi = bounds
    if window == bounds or window[1] >= hi:
        return lo, min(lo + dt.timedelta(days=width_days - 1), hi)
    return window


def step_window(window: Window, bounds: Window, step_days: int) -> tuple[Window, bool]:
    """Move the window forward by ``step_days`` keeping its width; clamp at the end.

    Returns ``(new_window, at_end)``; ``at_end`` is True once the window touches the last day.
    """
    lo, hi = bounds
    start, end = window
    width = end - start
    new_end = min(end + dt.timedelta(days=step_days), hi)
    new_start = max(lo, new_end - width)
    return (new_start, new_end), new_end >= hi


# --- Table and CSV ---------------------------------------------------------------------------------------

TABLE_COLUMNS: tuple[str, ...] = (
    "date",
    "type",
    "place",
    "province",
    "geo_precision",
    "date_precision",
    "status",
    "confidence",
    "destination",
    "quote",
    "source",
    "published",
    "id",
)


def table_frame(events: Sequence[Event]) -> pd.DataFrame:
    """One row per visible event, for ``st.dataframe`` (newest first)."""
    rows = [
        {
            "date": e.date,
            "type": e.type,
            "place": e.place.name if e.place else "",
            "province": e.place.province if e.place else "",
            "geo_precision": e.geo_precision,
            "date_precision": e.date_precision,
            "status": e.status,
            "confidence": e.confidence,
            "destination": e.destination.name if e.destination else "",
            "quote": e.quote,
            "source": " · ".join(e.all_sources),
            "published": e.published,
            "id": e.id,
        }
        for e in sorted(events, key=lambda e: (e.date, e.id), reverse=True)
    ]
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


def csv_bytes(events: Sequence[Event]) -> bytes:
    """The CSV download of the visible events (``geo export --format csv``; UTF-8 with BOM for Excel)."""
    return data.csv_bytes(events)


def quote_html(events: Sequence[Event], event_id: str) -> str:
    """The selected event's full quote, right-to-left, HTML-escaped (article text is untrusted)."""
    e = next((e for e in events if e.id == event_id), None)
    if e is None:
        return ""
    meta = " · ".join(
        [
            html.escape(e.type),
            html.escape(e.date.isoformat()) + f" ({html.escape(e.date_precision)})",
            html.escape(e.place.name if e.place else "no place") + f" ({html.escape(e.geo_precision)})",
            html.escape(" · ".join(e.all_sources)),
            "published " + html.escape(e.published.isoformat()),
        ]
    )
    return (
        '<div class="geo-quote" dir="rtl" lang="ar" style="font-size:1.2rem;line-height:1.8;'
        "text-align:right;background:#faf7f0;border-right:4px solid #c9b99a;padding:.6rem 1rem;"
        f"font-family:'Noto Naskh Arabic','Noto Sans Arabic',serif\">{html.escape(e.quote)}</div>"
        f'<div style="color:#666;font-size:.85rem;margin:.3rem 0 1rem 0">{meta}</div>'
    )
