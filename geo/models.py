"""The event vocabulary: a frozen ``Event`` with its place, dates, counts, quote and sources."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from gazetteer.models import Place

from .taxonomy import COUNT_FIELDS


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
    actor: str | None = None
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
    # After deduplication: every source/quote that reported this event (first is ``source``).
    sources: tuple[str, ...] = field(default=(), compare=False)
    quotes: tuple[str, ...] = field(default=(), compare=False)

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
    def is_movement(self) -> bool:
        return self.destination is not None

    @property
    def id(self) -> str:
        """Stable id: the same event from the same quote of the same source keeps its id."""
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
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]

    def counts(self) -> dict[str, int]:
        return {k: v for k in COUNT_FIELDS if (v := getattr(self, k)) is not None}

    def to_dict(self) -> dict[str, Any]:
        """Flat, JSON-ready properties (the GeoJSON export's property names)."""
        return {
            "id": self.id,
            "type": self.type,
            "date": self.date.isoformat(),
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "date_precision": self.date_precision,
            "status": self.status,
            "place": self.place.name if self.place else None,
            "place_id": self.place.id if self.place else None,
            "province": self.place.province if self.place else None,
            "destination": self.destination.name if self.destination else None,
            "destination_id": self.destination.id if self.destination else None,
            "lat": self.lat,
            "lon": self.lon,
            "geo_precision": self.geo_precision,
            "actor": self.actor,
            "target": self.target,
            "weapon": self.weapon,
            **{k: getattr(self, k) for k in COUNT_FIELDS},
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "source": self.source,
            "sources": list(self.sources or (self.source,)),
            "published": self.published.isoformat(),
            "trigger": self.trigger,
            "date_text": self.date_text,
        }
