"""Pure helpers between the app's state and the map component: the map's script for a set of filters,
the view to fit, the selected event as the page wants it. No Streamlit here (tests call these directly)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from geo.core.models import Event

from . import data, filters
from .map import build_map, map_script, payload_ids
from .map.payload import detail


@cache
def labels() -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """The basemap's governorate and town labels (the same for every store: built once per process)."""
    return tuple(data.governorate_places()), tuple(data.town_places())


def map_parts(
    events: Sequence[Event],
    all_events: Sequence[Event],
    govs: Sequence[str] = (),
    mark: tuple[float, float, str] | None = None,
    online: bool = False,
    bases: Sequence[Any] | None = None,
) -> tuple[str, bytes, list[str]]:
    """``(map_id, script, ids)``: the folium map of ``events`` (every date) with every base's history
    (``bases``, or from ``all_events``), as the component's script; ``ids[i]`` is the page's event ``i``."""
    if bases is None:
        bases = data.bases_status(all_events, at=None)
    if govs:
        bases = [b for b in bases if b.place.province in govs]
    governorates, towns = labels()
    m = build_map(events, bases, governorates=governorates, towns=towns, mark=mark, online_tiles=online)
    map_id, script = map_script(m)
    return map_id, script.encode("utf-8"), payload_ids(m)


def fit(events: Sequence[Event], govs: Sequence[str], mark: tuple[float, float, str] | None, seq: int) -> dict:
    """The view to fit: the searched place, else the filtered governorates' located events."""
    if mark is not None:
        return {"seq": seq, "center": [mark[0], mark[1]], "zoom": 9}
    pts = [(e.lat, e.lon) for e in events if e.lat is not None and e.lon is not None and e.geo_precision != "country"]
    if not pts:
        pts = [(p.lat, p.lon) for p in data.governorate_places() if p.province in govs or p.name in govs]
    if not pts:
        return {"seq": seq}
    lats = [p[0] for p in pts]
    lons = [p[1] for p in pts]
    pad = 0.15
    return {"seq": seq, "bounds": [[min(lats) - pad, min(lons) - pad], [max(lats) + pad, max(lons) + pad]]}


def selected(ids: Sequence[str], visible: Sequence[Event], sel: str | None, fly: bool, seq: int) -> dict | None:
    """The selected event for the page: its index in the payload, its popup text, whether to fly there."""
    if not sel or sel not in ids:
        return None
    e = next((e for e in visible if e.id == sel), None)
    if e is None:
        return None
    return {"i": list(ids).index(sel), "det": detail(e), "fly": fly, "seq": seq}


def status_at(bases: Sequence[Any], day: Any) -> dict[str, str]:
    """Each base's status on ``day`` from its history (what the page shows at the window's end; the same
    as ``bases_status(events, at=day)``, without another pass over the events)."""
    out = {}
    for b in bases:
        steps = [h for h in b.history if h.date <= day]
        out[b.place.id] = steps[-1].status if steps else "unknown"
    return out


@dataclass(frozen=True)
class Options:
    """The sidebar's choices and the collection's date range (computed once per store state)."""

    types: list[str]
    governorates: list[str]
    outlets: list[str]
    bounds: tuple[dt.date, dt.date]


def options(events: Sequence[Event]) -> Options:
    return Options(filters.types_present(events), filters.governorates(events), filters.outlets(events),
                   filters.date_bounds(events))
