"""Pure event filters shared by the store, the CLI and the dashboard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from gazetteer.models import Place, precision_rank

from ..core.models import Event

BBox = tuple[float, float, float, float]  # minlon, minlat, maxlon, maxlat


def _in_bbox(p: Place | None, bbox: BBox) -> bool:
    return p is not None and bbox[0] <= p.lon <= bbox[2] and bbox[1] <= p.lat <= bbox[3]


def _folded(values: Iterable[str] | None) -> set[str] | None:
    return None if values is None else {v.casefold() for v in values}


def filter_events(
    events: Sequence[Event],
    start: dt.date | None = None,
    end: dt.date | None = None,
    types: Iterable[str] | None = None,
    governorates: Iterable[str] | None = None,
    bbox: BBox | None = None,
    sources: Iterable[str] | None = None,
    min_precision: str | None = None,
    min_confidence: float | None = None,
    precisions: Iterable[str] | None = None,
) -> list[Event]:
    """Events that pass every given filter, in their input order.

    - ``start``/``end``: the event's [date, end_date] overlaps [start, end] (either bound may be open).
    - ``types``: event types; ``governorates``: the place's province (case-insensitive).
    - ``bbox``: (minlon, minlat, maxlon, maxlat); a movement passes when either end lies inside.
    - ``sources``: any of the event's sources; ``min_precision``: geo precision at least this fine
      ("site" < "city" < ... < "country"); unlocated events fail it.
    - ``min_confidence``: the event's confidence at least this (events without one fail it).
    - ``precisions``: the place's precision is one of these (unlocated events fail it).

    The store answers the same questions in SQL (``geo.store`` ``query``); this is their definition.
    """
    type_set = set(types) if types is not None else None
    gov_set = _folded(governorates)
    src_set = set(sources) if sources is not None else None
    max_rank = precision_rank(min_precision) if min_precision else None
    prec_set = set(precisions) if precisions is not None else None
    out = []
    for e in events:
        if start is not None and e.last_date < start:
            continue
        if end is not None and e.date > end:
            continue
        if type_set is not None and e.type not in type_set:
            continue
        if gov_set is not None and (e.place is None or e.place.province.casefold() not in gov_set):
            continue
        if bbox is not None and not (_in_bbox(e.place, bbox) or _in_bbox(e.destination, bbox)):
            continue
        if src_set is not None and src_set.isdisjoint(e.all_sources):
            continue
        if max_rank is not None and (e.place is None or precision_rank(e.place.precision) > max_rank):
            continue
        if prec_set is not None and (e.place is None or e.place.precision not in prec_set):
            continue
        if min_confidence is not None and (e.confidence is None or e.confidence < min_confidence):
            continue
        out.append(e)
    return out
