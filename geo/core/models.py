"""The event vocabulary: a frozen ``Event`` with its place, dates, counts, quote and sources.

``PROPERTIES`` is the one listing of an event's flat properties: ``Event.to_dict`` (the GeoJSON
export's properties), the store's columns in both backends and the row → Event mapping all derive
from it, so a new field is declared here and nowhere else.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gazetteer.models import Place

from .taxonomy import COUNT_FIELDS, REVIEW_FIELDS


@dataclass(frozen=True, slots=True)
class Event:
    """One dated, located, typed event, with the exact quote that supports it.

    ``place`` is where it happened (for a movement: the origin); ``destination`` is where a
    movement went. ``start``/``end`` are offsets of ``quote`` in the article text.
    """

    type: str
    date: dt.date
    quote: str
    start: int
    end: int
    source: str
    published: dt.date
    date_precision: str = "day"  # day | month | year | range
    end_date: dt.date | None = None
    status: str = "occurred"  # occurred | planned
    place: Place | None = None
    destination: Place | None = None
    actor: str | None = None  # not set by the extractor yet (no actor model); stored and exported as null
    target: str | None = None
    weapon: str | None = None
    rockets: int | None = None
    killed: int | None = None
    wounded: int | None = None
    troops: int | None = None
    vehicles: int | None = None
    shipments: int | None = None
    trigger: str = ""
    date_text: str = ""  # the words the date was read from, "" when the report date was used
    # How likely the event is right (0-1), from its evidence (geo.extract.confidence); merged reports raise it.
    confidence: float | None = None
    # After deduplication: every source/quote that reported this event (first is ``source``).
    sources: tuple[str, ...] = field(default=(), compare=False)
    quotes: tuple[str, ...] = field(default=(), compare=False)
    # An analyst's review (geo.review), applied on read; never stored with the extractor's output.
    review_status: str = "unreviewed"  # one of taxonomy.REVIEW_STATUSES
    reviewed_by: str | None = None
    reviewed_at: str | None = None  # ISO 8601 UTC
    review_note: str | None = None
    # The id the analyst reviewed it under: a correction changes what ``id`` hashes, the handle must not.
    pinned_id: str = field(default="", compare=False)
    # ``id`` once computed (a sha1 over the quote): the dashboard asks for it several times per event per
    # rerun, 430,000 hashes (2 s) at 100,000 events. Not an init field, so ``replace`` recomputes it.
    _id: str = field(default="", init=False, compare=False, repr=False)

    @property
    def lat(self) -> float | None:
        return self.place.lat if self.place else None

    @property
    def lon(self) -> float | None:
        return self.place.lon if self.place else None

    @property
    def geo_precision(self) -> str:
        return self.place.precision if self.place else "none"

    @property
    def last_date(self) -> dt.date:
        """The last day the event may have happened: ``end_date`` when it lies after ``date``."""
        return self.end_date if self.end_date and self.end_date > self.date else self.date

    @property
    def span(self) -> tuple[dt.date, dt.date]:
        """(first, last) day: the one end-date rule every merge, filter and chart uses."""
        return self.date, self.last_date

    @property
    def all_sources(self) -> tuple[str, ...]:
        """Every source that reported the event (its own when it was not merged with others)."""
        return self.sources or (self.source,)

    @property
    def all_quotes(self) -> tuple[str, ...]:
        return self.quotes or (self.quote,)

    def geometry(self) -> tuple[tuple[float, float], ...]:
        """(lon, lat) vertices: none when unlocated, the place, or origin → destination for a movement."""
        if self.place is None:
            return ()
        origin = (self.place.lon, self.place.lat)
        if self.destination is None:
            return (origin,)
        return origin, (self.destination.lon, self.destination.lat)

    @property
    def id(self) -> str:
        """Stable id: the same event from the same quote of the same source keeps its id."""
        if self.pinned_id:
            return self.pinned_id
        if self._id:
            return self._id
        key = "|".join(
            [
                self.type,
                self.date.isoformat(),
                self.place.id if self.place else "",
                self.destination.id if self.destination else "",
                self.source,
                str(self.start),
                self.quote,
            ]
        )
        ident = hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
        object.__setattr__(self, "_id", ident)  # frozen: a cache, not a change of value
        return ident

    def counts(self) -> dict[str, int]:
        return {k: v for k in COUNT_FIELDS if (v := getattr(self, k)) is not None}

    def to_dict(self) -> dict[str, Any]:
        """Flat, JSON-ready properties (the GeoJSON export's property names), plus the old names of
        renamed ones (``DEPRECATED_NAMES``) for one release."""
        d = {p.name: p.get(self) for p in PROPERTIES}
        for old, new in DEPRECATED_NAMES.items():
            d[old] = d[new]
        return d


@dataclass(frozen=True)
class Property:
    """One flat property of an event.

    ``kind`` is its value type (text, int, real, date, list); ``column`` its store column ("" when not
    stored); ``field`` the Event field it reads back into ("" for values derived from others).
    """

    name: str
    kind: str
    get: Callable[[Event], Any]
    column: str = ""
    field: str = ""


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _plain(name: str, kind: str = "text", column: str | None = None) -> Property:
    """A property that is an Event field as it is (a date as ISO text)."""
    if kind == "date":
        return Property(name, kind, lambda e: _iso(getattr(e, name)), column or name, name)
    return Property(name, kind, lambda e: getattr(e, name), column or name, name)


def _attr(name: str) -> Callable[[Event], Any]:
    return lambda e: getattr(e, name)


def _of_place(attr: str, which: str = "place") -> Callable[[Event], Any]:
    return lambda e: getattr(getattr(e, which), attr) if getattr(e, which) else None


# In the GeoJSON's property order. The store keeps the same order (plus its own keys and geometry).
PROPERTIES: tuple[Property, ...] = (
    Property("id", "text", lambda e: e.id, "event_id"),
    _plain("type"),
    _plain("date", "date"),
    _plain("end_date", "date"),
    _plain("date_precision"),
    _plain("status"),
    Property("place", "text", _of_place("name"), "place"),
    Property("place_id", "text", _of_place("id"), "place_id"),
    Property("province", "text", _of_place("province"), "province"),
    Property("destination", "text", _of_place("name", "destination"), "destination"),
    Property("destination_id", "text", _of_place("id", "destination"), "destination_id"),
    Property("lat", "real", lambda e: e.lat, "lat"),
    Property("lon", "real", lambda e: e.lon, "lon"),
    Property("geo_precision", "text", lambda e: e.geo_precision, "geo_precision"),
    _plain("actor"),
    _plain("target"),
    _plain("weapon"),
    *(_plain(k, "int") for k in COUNT_FIELDS),
    _plain("quote"),
    # Offsets of the quote in the article text (named so they cannot be read as dates).
    Property("quote_start", "int", lambda e: e.start, "quote_start", "start"),
    Property("quote_end", "int", lambda e: e.end, "quote_end", "end"),
    _plain("source"),
    Property("sources", "list", lambda e: list(e.all_sources)),
    _plain("published", "date"),
    _plain("trigger"),
    _plain("date_text"),
    _plain("confidence", "real"),
    # Review state: not a store column (reviews live in their own table and are applied on read).
    *(Property(k, "text", _attr(k)) for k in REVIEW_FIELDS),
)

# Old export name -> new one: still written for one release (0.2 drops them), so scripts can move over.
DEPRECATED_NAMES: dict[str, str] = {"start": "quote_start", "end": "quote_end"}

FIELD_DEFAULTS: dict[str, Any] = {
    f.name: f.default for f in dataclasses.fields(Event) if f.default is not dataclasses.MISSING and f.init
}


@dataclass(frozen=True)
class EventColumns:
    """A page of stored, merged events column by column: what the fast exports read instead of one
    ``Event`` per row (``Store.iter_columns``).

    ``columns`` maps every stored Event field (``type``, ``date``, ..., ``start``, ``end``,
    ``confidence``) to its values as ``Event`` would hold them (a stored NULL as the field's default),
    dates as ISO text; ``place_id``/``destination_id`` (ids, looked up in ``places``; an id missing there
    is no place); ``sources`` and ``quotes`` (lists, empty when the event was not merged); and, when the
    store has them, ``event_id`` (``Event.id`` of each row, as stored). Every column
    has ``len(self)`` values (a sequence: the store may hand its own tuple on). ``lists`` may hold the
    stored JSON text of ``sources`` and ``quotes`` (None or ``[]`` when empty), for a reader that can
    use the text without parsing it. ``utf8`` may hold some stored texts (``quote``, and those of
    ``lists``) as the store's UTF-8 bytes, for a reader that only copies texts (the GeoParquet export
    hands them to Arrow without decoding and encoding them again); ``columns`` and ``lists`` give the
    same texts decoded.
    """

    columns: Mapping[str, Sequence[Any]]
    places: dict[str, Place]
    lists: Mapping[str, Sequence[str | None]] = field(default_factory=dict)
    utf8: Mapping[str, Sequence[bytes | None]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.columns["type"])
