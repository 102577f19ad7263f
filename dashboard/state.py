"""The dashboard's state in the URL (``st.query_params``), so an analyst can send a link to the same map.

Keys: ``w0``/``w1`` the window, ``type``/``gov``/``outlet`` (comma lists), ``prec``, ``conf``, ``sel`` (an
event's export id), ``q`` (place search), ``step``/``speed``/``mode`` (playback) and ``lat``/``lon``/``z``
(the view: written by the map page itself on every pan, without a rerun; kept as they are here).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from geo.core.models import Event

from . import filters

VIEW_KEYS = ("lat", "lon", "z")
STEPS = ("day", "week", "month", "quarter")
SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
MODES = ("moving", "cumulative")


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _list(text: str | None, allowed: Sequence[str]) -> list[str]:
    return [v for v in (text or "").split(",") if v in allowed]


def from_query(q: Mapping[str, str], bounds: tuple[dt.date, dt.date], events: Sequence[Event]) -> dict[str, Any]:
    """Session-state values for what the URL asks (unknown or malformed values are ignored)."""
    out: dict[str, Any] = {}
    a, b = _date(q.get("w0")), _date(q.get("w1"))
    if a or b:
        a = max(a or bounds[0], bounds[0])
        b = min(b or bounds[1], bounds[1])
        if a <= b:
            out["window"] = (a, b)
    # The choices are only listed when the URL names some (a pass over every event each: 0.1 s at 100k).
    if q.get("type") and (types := _list(q["type"], filters.types_present(events))):
        out["types"] = types
    if q.get("gov") and (govs := _list(q["gov"], filters.governorates(events))):
        out["govs"] = govs
    if q.get("outlet") and (outlets := _list(q["outlet"], filters.outlets(events))):
        out["srcs"] = outlets
    if q.get("prec") in filters.PRECISION_CHOICES:
        out["min_prec"] = q["prec"]
    try:
        conf = float(q.get("conf", ""))
        if 0.0 <= conf <= 1.0:
            out["min_conf"] = conf
    except ValueError:
        pass
    if q.get("sel"):
        out["sel"] = q["sel"]
        out["_sel_fly"] = True
    if q.get("q"):
        out["place_q"] = q["q"]
    play = {"step": "month", "speed": 1.0, "mode": "moving"}
    if q.get("step") in STEPS:
        play["step"] = q["step"]
    try:
        if float(q.get("speed", "")) in SPEEDS:
            play["speed"] = float(q["speed"])
    except ValueError:
        pass
    if q.get("mode") in MODES:
        play["mode"] = q["mode"]
    out["play"] = play
    try:
        view = [float(q["lat"]), float(q["lon"]), float(q["z"])]
        if -90 <= view[0] <= 90 and -180 <= view[1] <= 180 and 1 <= view[2] <= 18:
            out["_url_view"] = view
    except (KeyError, ValueError):
        pass
    return out


def to_query(
    current: Mapping[str, str],
    *,
    bounds: tuple[dt.date, dt.date],
    window: tuple[dt.date, dt.date],
    types: Sequence[str],
    govs: Sequence[str],
    srcs: Sequence[str],
    prec: str,
    min_conf: float,
    sel: str | None,
    query: str,
    play: Mapping[str, Any],
) -> dict[str, str]:
    """The URL for this state; the view keys the page wrote are carried over unchanged."""
    out: dict[str, str] = {k: current[k] for k in VIEW_KEYS if k in current}
    if tuple(window) != tuple(bounds):
        out["w0"], out["w1"] = window[0].isoformat(), window[1].isoformat()
    if types:
        out["type"] = ",".join(types)
    if govs:
        out["gov"] = ",".join(govs)
    if srcs:
        out["outlet"] = ",".join(srcs)
    if prec and prec != "any":
        out["prec"] = prec
    if min_conf:
        out["conf"] = f"{min_conf:g}"
    if sel:
        out["sel"] = sel
    if query:
        out["q"] = query
    if play.get("step", "month") != "month":
        out["step"] = str(play["step"])
    if float(play.get("speed", 1.0)) != 1.0:
        out["speed"] = f"{float(play['speed']):g}"
    if play.get("mode", "moving") != "moving":
        out["mode"] = str(play["mode"])
    return out


def from_report(
    report: Mapping[str, Any], ids_by_key: Mapping[str, Sequence[str]], bounds: tuple[dt.date, dt.date],
    play: Mapping[str, Any],
) -> dict[str, Any]:
    """Session-state updates for what the map page reported (pause, a brush, a click): its window (clipped
    to the collection), playback settings, view, and the selected event's id (the page names it by its
    index in the payload whose key it quotes; a report about an older payload selects nothing)."""
    out: dict[str, Any] = {}
    w = report.get("window")
    if w:
        a, b = _date(w[0]), _date(w[1])
        if a and b:
            a, b = max(a, bounds[0]), min(b, bounds[1])
            if a <= b:
                out["window"] = (a, b)
    out["play"] = {
        "step": report["step"] if report.get("step") in STEPS else play.get("step", "month"),
        "speed": float(report["speed"]) if report.get("speed") in SPEEDS else play.get("speed", 1.0),
        "mode": report["mode"] if report.get("mode") in MODES else play.get("mode", "moving"),
    }
    if report.get("view"):
        out["_view"] = list(report["view"])
    if report.get("drawn"):  # the first map is painted: what lies below it may come (app.py)
        out["_map_drawn"] = True
    i, ids = report.get("select"), ids_by_key.get(str(report.get("key")))
    if isinstance(i, int) and ids is not None and 0 <= i < len(ids):
        out["sel"] = ids[i]
        out["_sel_fly"] = False
    return out


def from_table(rows: Sequence[int], ids: Sequence[str]) -> dict[str, Any]:
    """Session-state updates for a table row selected: its event, and the map flies to it."""
    if rows and 0 <= rows[0] < len(ids):
        return {"sel": ids[rows[0]], "_sel_fly": True}
    return {}
