"""The map as a Streamlit component that stays on the page: ``static/component/`` (no npm build).

Streamlit keeps a component's iframe across reruns, so the map is only rebuilt when its script changes
(a filter changed), and even then the page keeps the view. Everything else Python says — the time window,
the selected event (with its quote), a view to fit (governorate filter, place search) — arrives as small
arguments the page applies without redrawing. The page answers with its state (window, view, selection)
on pause, on a brush of the timeline and on a click, never per Play step; when asked (``report_drawn``),
also once after its first map is painted, so the app can send what lies below the map after it.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import streamlit.components.v1 as components

COMPONENT_DIR = Path(__file__).parent / "static" / "component"


@cache
def _component() -> Any:
    return components.declare_component("geo_map", path=str(COMPONENT_DIR))


def script_key(script: bytes) -> str:
    return hashlib.sha1(script).hexdigest()[:16]


def geo_map(
    map_id: str,
    script: bytes,
    *,
    height: int,
    window: tuple[str, str] | None,
    view: list[float] | None = None,
    selected: dict[str, Any] | None = None,
    fit: dict[str, Any] | None = None,
    step: str = "month",
    speed: float = 1.0,
    mode: str = "moving",
    review: bool = False,
    report_drawn: bool = False,
    key: str = "geo_map",
    on_change: Any = None,
) -> dict[str, Any] | None:
    """Show the map; returns the page's last report (``window``, ``view``, ``select``, ``seq``...) or None.

    With ``review`` the event popups carry Confirm / Reject / Edit; a click reports
    ``{"review": {"id": ..., "action": "confirm" | "reject" | "edit"}}`` (``edit`` also selects the event).
    With ``report_drawn`` the page reports ``{"drawn": true, ...}`` once, after its first map is painted
    (the app holds back what lies below the map until then).
    """
    value: dict[str, Any] | None = _component()(
        map_id=map_id,
        script=script,  # bytes: sent as a binary argument, decoded once per change on the page
        key=key,
        # ``key`` is Streamlit's; the page compares ``script_key`` to know when to rebuild
        height=height,
        window=list(window) if window else None,
        view=view,
        selected=selected,
        fit=fit,
        step=step,
        speed=speed,
        mode=mode,
        review=review,  # popups offer Confirm / Reject / Edit (the dashboard may write)
        report_drawn=report_drawn,
        default=None,
        on_change=on_change,
        **{"skey": script_key(script)},
    )
    return value
