"""Cross-article deduplication: the same event reported by several articles becomes one event."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from gazetteer.index import haversine_km
from gazetteer.models import Place

from ..core import settings
from ..core.models import Event
from ..core.taxonomy import COUNT_FIELDS, canonical_type
from ..extract.confidence import combined

# Clusters whose date range is longer than this are checked against every event of their kind
# rather than indexed day by day.
_MAX_INDEXED_DAYS = 400
# Reports whose date spans differ by more than this are not the same event.
_LIKE_SPAN_DAYS = 31
LIKE_SPAN_DAYS = _LIKE_SPAN_DAYS  # the stores bound their lookups with it (``may_merge``)


def place_km(a: Place, b: Place) -> float:
    """Great-circle distance between two places in km."""
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def _near(a: Place | None, b: Place | None, max_km: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a.id == b.id or place_km(a, b) <= max_km


def same_event(a: Event, b: Event, max_km: float = settings.DEDUP_MAX_KM) -> bool:
    """True when ``a`` and ``b`` describe one event (the rule ``merge_events`` applies)."""
    if canonical_type(a.type) != canonical_type(b.type) or a.status != b.status:
        return False
    (a0, a1), (b0, b1) = a.span, b.span
    if a0 > b1 or b0 > a1:
        return False
    # A vague report ("withdrew this year") does not absorb a dated one ("withdrew on 4 November"):
    # the two spans must be of like length.
    if abs((a1 - a0).days - (b1 - b0).days) > _LIKE_SPAN_DAYS:
        return False
    if a.place is None or b.place is None:
        # Unlocated events are too vague to merge on type and overlap alone: they need the same day.
        return a.place is None and b.place is None and a.date == b.date
    if not _near(a.place, b.place, max_km):
        return False
    if a.destination is not None and b.destination is not None:
        return _near(a.destination, b.destination, max_km)
    return True


def _pairs(e: Event) -> list[tuple[str, str]]:
    sources = e.all_sources
    quotes = e.all_quotes
    if len(quotes) != len(sources):
        quotes = tuple(quotes[: len(sources)]) + (e.quote,) * max(0, len(sources) - len(quotes))
    return list(zip(sources, quotes, strict=True))


def _sort_key(e: Event) -> tuple[dt.date, str, dt.date, int, str]:
    return (e.published, e.source, e.date, e.start, e.id)


def _in_merge_order(events: Sequence[Event]) -> list[int]:
    """Indexes of ``events`` sorted by ``_sort_key`` (stable), with the id (a hash, the costly part)
    computed only to break ties of the rest of the key."""
    keys = [(e.published, e.source, e.date, e.start) for e in events]
    order = sorted(range(len(events)), key=keys.__getitem__)
    i, n = 0, len(order)
    while i < n:
        j = i + 1
        while j < n and keys[order[j]] == keys[order[i]]:
            j += 1
        if j - i > 1:
            order[i:j] = sorted(order[i:j], key=lambda k: events[k].id)
        i = j
    return order


class _Cluster:
    __slots__ = ("members", "order", "pairs", "rep")

    def __init__(self, e: Event, order: int) -> None:
        self.order = order
        self.rep = e
        self.members = [e]
        self.pairs = _pairs(e)

    def accepts(self, e: Event, max_km: float) -> bool:
        if not same_event(self.rep, e, max_km):
            return False
        # Two events of one article/source are distinct unless they quote the same words.
        mine = {s: q for s, q in self.pairs}
        return all(s not in mine or mine[s] == q for s, q in _pairs(e))

    def add(self, e: Event) -> None:
        self.members.append(e)
        for pair in _pairs(e):
            if pair not in self.pairs:
                self.pairs.append(pair)

    def event(self) -> Event:
        rep = self.rep
        if len(self.members) == 1:
            if rep.sources:
                return rep
            # What the general case below gives one report (nothing to fill from others), without its
            # loops: most merged events are one report. The id's fields are unchanged, so is the id.
            (source, quote), = self.pairs
            fill1: dict[str, Any] = {}
            if rep.confidence is not None:
                fill1["confidence"] = combined([max(0.0, rep.confidence)])
            one = replace(rep, sources=(source,), quotes=(quote,), **fill1)
            if rep._id and not rep.pinned_id:
                object.__setattr__(one, "_id", rep._id)
            return one
        # Counts the first report lacks are taken from later ones (first known wins).
        fill: dict[str, Any] = {
            k: next((getattr(m, k) for m in self.members if getattr(m, k) is not None), None)
            for k in COUNT_FIELDS
            if getattr(rep, k) is None
        }
        if rep.destination is None and rep.place is not None:
            # A movement's destination told by a later report keeps the merged event a line on the map.
            fill["destination"] = next((m.destination for m in self.members if m.destination), None)
        # Each source's best report counts once: independent reports make the event surer.
        best: dict[str, float] = {}
        for m in self.members:
            if m.confidence is not None:
                best[m.source] = max(best.get(m.source, 0.0), m.confidence)
        if best:
            fill["confidence"] = combined(list(best.values()))
        return replace(
            rep,
            sources=tuple(s for s, _ in self.pairs),
            quotes=tuple(q for _, q in self.pairs),
            **fill,
        )


def merge_kind(e: Event) -> str:
    """The part of an event every match needs equal: its canonical type and its status."""
    return f"{canonical_type(e.type)}|{e.status}"


def may_merge(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> bool:
    """True unless two spans of one ``merge_kind`` can never match (``same_event`` needs both tests).

    Events linked by this relation, directly or through others, form the groups a merge can touch:
    the merge of such a closed group equals the whole merge restricted to it (the store's incremental
    merge recomputes only those).
    """
    (a0, a1), (b0, b1) = a, b
    return not (a0 > b1 or b0 > a1) and abs((a1 - a0).days - (b1 - b0).days) <= _LIKE_SPAN_DAYS


def merge_events(events: Sequence[Event], max_km: float = settings.DEDUP_MAX_KM) -> list[Event]:
    """Merge reports of the same event; returns events sorted by (date, id) with ``sources``/``quotes`` set.

    Events match when their canonical types and statuses agree, their date ranges overlap, their places
    lie within ``max_km`` (or both are unknown and the dates are equal) and their destinations agree
    when both are known. The earliest-published report is kept as the merged event, with every
    source and quote, earliest first. Deterministic: the input order does not matter.
    """
    merged = [m for m, _ in merge_groups(events, max_km)]
    merged.sort(key=lambda e: (e.date, e.id))
    return merged


_PlaceKey = tuple[str, float, float] | None  # what ``_near`` reads of a place (None: unlocated)


def _key(p: Place | None) -> _PlaceKey:
    return None if p is None else (p.id, p.lat, p.lon)


def _near_keys(events: Sequence[Event], max_km: float) -> dict[_PlaceKey, frozenset[_PlaceKey]]:
    """For every place of ``events``, the places ``_near`` joins it with (itself included), found through a
    1-degree grid and the place ids instead of by comparing every pair of places."""
    places: dict[_PlaceKey, Place] = {}
    for e in events:
        if e.place is not None:
            places.setdefault(_key(e.place), e.place)
    grid: dict[tuple[int, int], list[_PlaceKey]] = defaultdict(list)
    by_id: dict[str, list[_PlaceKey]] = defaultdict(list)
    for k, p in places.items():
        by_id[p.id].append(k)
        if math.isfinite(p.lat) and math.isfinite(p.lon):
            grid[math.floor(p.lat), math.floor(p.lon)].append(k)
    out: dict[_PlaceKey, frozenset[_PlaceKey]] = {None: frozenset([None])}
    dlat = 1.1 * max_km / 110.0  # a degree of latitude is more than 110 km; 10 % to spare
    for k, p in places.items():
        found = set(by_id[p.id])
        if math.isfinite(p.lat) and math.isfinite(p.lon):
            edge = abs(p.lat) + dlat
            dlon = dlat / math.cos(math.radians(edge)) if edge < 80 else 360.0
            if dlon < 90 and p.lon - dlon >= -180 and p.lon + dlon <= 180:
                for y in range(math.floor(p.lat - dlat), math.floor(p.lat + dlat) + 1):
                    for x in range(math.floor(p.lon - dlon), math.floor(p.lon + dlon) + 1):
                        found.update(q for q in grid.get((y, x), ()) if _near(p, places[q], max_km))
            else:  # near a pole or the antimeridian: every place
                found.update(q for q in places if _near(p, places[q], max_km))
        out[k] = frozenset(found)
    return out


def merge_groups(events: Sequence[Event], max_km: float = settings.DEDUP_MAX_KM) -> list[tuple[Event, list[int]]]:
    """``merge_events`` with its membership: (merged event, indexes into ``events`` of its reports,
    the kept report first), in the order the clusters formed.

    Each report joins the first cluster (in the order they formed) whose first report it is the same
    event as; the clusters it is compared with are only those of its kind whose days overlap its own
    and whose first report's place ``_near`` joins with its place (no other can match it)."""
    clusters: list[_Cluster] = []
    members: list[list[int]] = []
    near = _near_keys(events, max_km)
    # Index: (kind, status, day, first report's place) -> clusters whose range covers that day; long
    # ranges kept apart, by (kind, status, place).
    by_day: dict[tuple[str, str, dt.date, _PlaceKey], list[_Cluster]] = defaultdict(list)
    long: dict[tuple[str, str, _PlaceKey], list[_Cluster]] = defaultdict(list)
    for i in _in_merge_order(events):
        e = events[i]
        kind = (canonical_type(e.type), e.status)
        start, end = e.span
        days = (end - start).days
        here = _key(e.place)
        places = near[here]
        found: dict[int, _Cluster] = {c.order: c for q in places for c in long.get((*kind, q), ())}
        if days <= _MAX_INDEXED_DAYS:
            for d in range(days + 1):
                day = start + dt.timedelta(days=d)
                for q in places:
                    found.update((c.order, c) for c in by_day.get((*kind, day, q), ()))
        else:
            found.update((c.order, c) for c in clusters
                         if (canonical_type(c.rep.type), c.rep.status) == kind and _key(c.rep.place) in places)
        candidates = [found[k] for k in sorted(found)]
        target = next((c for c in candidates if c.accepts(e, max_km)), None)
        if target is not None:
            target.add(e)
            members[target.order].append(i)
            continue
        c = _Cluster(e, len(clusters))
        clusters.append(c)
        members.append([i])
        if days <= _MAX_INDEXED_DAYS:
            for d in range(days + 1):
                by_day[(*kind, start + dt.timedelta(days=d), here)].append(c)
        else:
            long[(*kind, here)].append(c)
    return [(c.event(), members[c.order]) for c in clusters]
