"""Pure helpers behind the dashboard's widgets: filter state, options, the play window, table and CSV rows."""

from __future__ import annotations

import datetime as dt
import heapq
import html
import itertools
import re
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
    """The visible events: every filter combined (AND), dates by overlap with [start, end]; ``sources``
    are outlets (any of an event's sources from one of them)."""
    out = filter_events(
        events,
        start=f.start,
        end=f.end,
        types=f.types,
        governorates=f.governorates,
        min_precision=f.min_precision,
        min_confidence=f.min_confidence,
    )
    if f.sources is not None:
        wanted = set(f.sources)
        out = [e for e in out if any(outlet(s) in wanted for s in e.all_sources)]
    return out


_LABEL_DATE = re.compile(r"[\s,]+\d{4}-\d{2}-\d{2}$")


def outlet(source: str) -> str:
    """The outlet of a source label ("Shafaq News 2021-04-18" -> "Shafaq News"): articles are labelled
    outlet + publication date, and an analyst filters by outlet."""
    return _LABEL_DATE.sub("", source.strip())


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


def outlets(events: Sequence[Event]) -> list[str]:
    """The source filter's options: one per outlet, not one per article."""
    return sorted({outlet(s) for e in events for s in e.all_sources if s})


def types_present(events: Sequence[Event]) -> list[str]:
    """Event types in the collection, in taxonomy order."""
    seen = {e.type for e in events}
    return [t for t in EVENT_TYPES if t in seen] + sorted(seen - set(EVENT_TYPES))


PRECISION_CHOICES: tuple[str, ...] = ("any", *PRECISIONS)


def precision_filter(choice: str) -> str | None:
    """The selectbox value as a ``min_precision`` argument ("any" keeps unlocated events too)."""
    return None if choice == "any" else choice


def from_sidebar(
    types: Sequence[str] = (),
    govs: Sequence[str] = (),
    srcs: Sequence[str] = (),
    prec: str = PRECISION_CHOICES[0],
    min_conf: float = 0.0,
) -> Filters:
    """The sidebar's widgets as ``Filters`` (an empty choice is no filter); the defaults are a fresh
    page's, which the launcher warms the map for (``cached.warm``)."""
    return Filters(
        types=tuple(types) or None,
        governorates=tuple(govs) or None,
        sources=tuple(srcs) or None,
        min_precision=precision_filter(prec),
        min_confidence=min_conf or None,
    )


# --- Table and CSV ---------------------------------------------------------------------------------------

# The quote and its source come first after the place, so they are read without side scrolling.
TABLE_COLUMNS: tuple[str, ...] = (
    "date",
    "type",
    "place",
    "quote",
    "source",
    "published",
    "province",
    "geo_precision",
    "date_precision",
    "status",
    "confidence",
    "destination",
    "id",
)


def table_frame(events: Sequence[Event], limit: int | None = None) -> pd.DataFrame:
    """One row per visible event, for ``st.dataframe`` (newest first; the newest ``limit`` when given)."""
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
            "source": " · ".join(e.all_sources),
            "published": e.published,
            "quote": e.quote,
            "id": eid,
        }
        for _, eid, e in _newest(events, limit)
    ]
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


def _newest(events: Sequence[Event], limit: int | None) -> list[tuple[dt.date, str, Event]]:
    """``(date, id, event)`` newest first, the first ``limit`` of them (a heap: no sort of 100,000 for 2,000)."""
    keyed = [(e.date, e.id, e) for e in events]
    if all(a[:2] < b[:2] for a, b in itertools.pairwise(keyed)):  # the store's order (date, id): no sort
        return keyed[::-1][:limit]
    if limit is None:
        return sorted(keyed, key=lambda t: t[:2], reverse=True)
    return heapq.nlargest(limit, keyed, key=lambda t: t[:2])  # == sorted(..., reverse=True)[:limit]


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
