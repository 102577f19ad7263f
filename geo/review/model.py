"""A review decision and what it is attached to.

A ``Review`` is one analyst decision about one event: confirmed, corrected, rejected, or an event
added by hand. It never edits the extractor's output; it is kept apart (the store's ``reviews``
table) and applied on read. What keeps it attached through a reprocess, a re-ingest or a merge with
another source is its ``anchors``: each report (article + extracted event) the reviewed event was
made of, keyed by the article's content hash, the event's canonical type, the hash of its quote and
its place. Quote offsets and the date are kept as well, for the fallback match when the extractor's
output shifts.

``key`` names the event across decisions: the later decision with the same key replaces the earlier
one (decisions are appended, never overwritten, so the history stays).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from gazetteer.models import Place

from ..core.errors import InputError
from ..core.models import Event
from ..core.taxonomy import COUNT_FIELDS, DATE_PRECISIONS, EVENT_TYPES, STATUSES, canonical_type

DECISIONS: tuple[str, ...] = ("confirmed", "corrected", "rejected", "added")
# What a correction may change (place and destination are whole places; counts may be set to None).
CORRECTABLE: tuple[str, ...] = ("type", "date", "end_date", "date_precision", "status", "place", "destination",
                                "weapon", *COUNT_FIELDS)
# What a hand-added event carries besides the correctable fields.
ADDED_FIELDS: tuple[str, ...] = ("quote", "start", "end", "source", "published", "article_id")
_DATES = ("date", "end_date", "published")
_PLACES = ("place", "destination")


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def short_hash(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Anchor:
    """One extracted report a review is attached to: its article and the event's stable key."""

    article_id: str
    type: str
    quote_sha: str
    place_id: str
    start: int
    end: int
    date: str
    event_id: str = ""  # the raw event's id when anchored (for messages; it changes with the date)

    @property
    def key(self) -> str:
        """What an exact match needs equal (the date is left out: a newer extractor may read it better)."""
        return f"{self.article_id}|{canonical_type(self.type)}|{self.quote_sha}|{self.place_id}"

    def to_dict(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "type": self.type, "quote_sha": self.quote_sha,
                "place_id": self.place_id, "start": self.start, "end": self.end, "date": self.date,
                "event_id": self.event_id}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Anchor:
        return cls(str(d["article_id"]), str(d["type"]), str(d["quote_sha"]), str(d.get("place_id") or ""),
                   int(d.get("start") or 0), int(d.get("end") or 0), str(d.get("date") or ""),
                   str(d.get("event_id") or ""))


def quote_sha(quote: str) -> str:
    return short_hash(" ".join(quote.split()))


def anchor_of(article_id: str, e: Event) -> Anchor:
    return Anchor(article_id, e.type, quote_sha(e.quote), e.place.id if e.place else "", e.start, e.end,
                  e.date.isoformat(), e.id)


@dataclass(frozen=True)
class Review:
    """One decision. ``changes`` holds field values as JSON-ready data (dates ISO, places as dicts);
    for a correction they are cumulative (every change so far), for an added event the whole event."""

    key: str
    status: str  # one of DECISIONS
    reviewer: str
    at: str  # ISO 8601 UTC: the later decision per key wins
    note: str = ""
    event_id: str = ""  # the id the event had when first reviewed: it keeps it in every export
    anchors: tuple[Anchor, ...] = ()
    changes: dict[str, Any] = field(default_factory=dict)

    @property
    def is_added(self) -> bool:
        """A hand-added event (also once rejected): its own event, attached to no extracted report."""
        return self.key.startswith("added:")

    @property
    def article_ids(self) -> tuple[str, ...]:
        ids = [a.article_id for a in self.anchors]
        if self.changes.get("article_id"):
            ids.append(str(self.changes["article_id"]))
        return tuple(dict.fromkeys(ids))

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "status": self.status, "reviewer": self.reviewer, "at": self.at,
                "note": self.note, "event_id": self.event_id, "anchors": [a.to_dict() for a in self.anchors],
                "changes": self.changes}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @property
    def row_id(self) -> str:
        """The decision's content hash: the same decision imported twice is stored once."""
        return hashlib.sha1(self.to_json().encode("utf-8")).hexdigest()

    def decision(self) -> tuple[str, str]:
        """What two analysts can disagree on: the status and the changes (not who or when)."""
        return self.status, json.dumps(self.changes, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Review:
        """A review from its JSON form; InputError (one line) when it is not one."""
        if not isinstance(d, dict):
            raise InputError("a review line is not a JSON object")
        missing = [k for k in ("key", "status", "reviewer", "at") if not d.get(k)]
        if missing:
            raise InputError(f"a review lacks {', '.join(missing)}")
        if d["status"] not in DECISIONS:
            raise InputError(f"unknown review status {d['status']!r}; use one of {', '.join(DECISIONS)}")
        changes = d.get("changes") or {}
        if not isinstance(changes, dict):
            raise InputError(f"review {d['key']}: changes must be an object")
        unknown = set(changes) - set(CORRECTABLE) - set(ADDED_FIELDS)
        if unknown:
            raise InputError(f"review {d['key']}: cannot change {', '.join(sorted(unknown))}")
        try:
            anchors = tuple(Anchor.from_dict(a) for a in d.get("anchors") or ())
            dt.datetime.fromisoformat(str(d["at"]).replace("Z", "+00:00"))
            values = field_values(changes)  # every value must read back, and be one the taxonomy knows
            for k, allowed in (("type", EVENT_TYPES), ("status", STATUSES), ("date_precision", DATE_PRECISIONS)):
                if k in values and values[k] not in allowed:
                    raise ValueError(f"{k} {values[k]!r} is not one of {', '.join(allowed)}")
            if any((values.get(k) or 0) < 0 for k in COUNT_FIELDS):
                raise ValueError("a count cannot be negative")
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"review {d['key']}: {exc}") from None
        return cls(str(d["key"]), str(d["status"]), str(d["reviewer"]), str(d["at"]), str(d.get("note") or ""),
                   str(d.get("event_id") or ""), anchors, dict(changes))


def later(a: Review, b: Review) -> Review:
    """The later of two decisions (ties: the greater reviewer name, then content, so any order agrees)."""
    return max(a, b, key=lambda r: (r.at, r.reviewer, r.to_json()))


def current(reviews: list[Review]) -> dict[str, Review]:
    """The decision in force per key: the latest."""
    out: dict[str, Review] = {}
    for r in reviews:
        out[r.key] = later(out[r.key], r) if r.key in out else r
    return out


# ---------------------------------------------------------------- field values <-> JSON
def place_data(p: Place | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {"id": p.id, "name": p.name, "lat": p.lat, "lon": p.lon, "kind": p.kind, "precision": p.precision,
            "name_ar": p.name_ar, "province": p.province, "country": p.country, "origin": p.origin}


def place_from(d: dict[str, Any] | None) -> Place | None:
    if d is None:
        return None
    lat, lon = float(d["lat"]), float(d["lon"])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"a place at {lat},{lon} is off the globe")
    return Place(id=str(d["id"]), name=str(d.get("name") or d["id"]), lat=lat, lon=lon,
                 kind=str(d.get("kind") or "point"), precision=str(d.get("precision") or "site"),
                 name_ar=str(d.get("name_ar") or ""), province=str(d.get("province") or ""),
                 country=str(d.get("country") or ""), origin=str(d.get("origin") or "analyst"))


def point_place(lat: float, lon: float, name: str = "") -> Place:
    """A point clicked on the map (or typed): a site-precise place of its own."""
    place = place_from({"id": f"point:{lat:.5f},{lon:.5f}", "name": name or f"{lat:.5f}, {lon:.5f}",
                        "lat": lat, "lon": lon, "kind": "point", "precision": "site", "origin": "analyst"})
    assert place is not None
    return place


def field_values(changes: dict[str, Any]) -> dict[str, Any]:
    """``changes`` as Event field values (dates, places, ints); ValueError when one does not read."""
    out: dict[str, Any] = {}
    for k, v in changes.items():
        if k == "article_id":
            continue
        if k in _DATES:
            out[k] = dt.date.fromisoformat(v) if v else None
        elif k in _PLACES:
            out[k] = place_from(v)
        elif k in (*COUNT_FIELDS, "start", "end"):
            out[k] = None if v is None else int(v)
        else:
            out[k] = v
    return out


def field_data(values: dict[str, Any]) -> dict[str, Any]:
    """Event field values as ``changes`` data (the inverse of ``field_values``)."""
    out: dict[str, Any] = {}
    for k, v in values.items():
        if k in _DATES:
            out[k] = v.isoformat() if v else None
        elif k in _PLACES:
            out[k] = place_data(v)
        else:
            out[k] = v
    return out
