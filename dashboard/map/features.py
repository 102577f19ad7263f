"""How one event looks on the page (shared by many events: sent once per style by ``payload``)."""

from __future__ import annotations

from typing import Any

from geo.core.models import Event

from .escape import esc
from .style import COARSE, DATE_FADE, TYPE_LABEL, TYPE_STYLE

MAX_QUOTE_CHARS = 400  # in the popup; the table shows the whole quote


def marker_style(e: Event) -> dict[str, Any]:
    """How one event's marker looks: colour/shape by type, dashed and translucent when the place is coarse,
    hollow when planned, faded when the date is vague. Shared by many events (sent once per style)."""
    color, shape = TYPE_STYLE.get(e.type, ("#555555", "circle"))
    fade = DATE_FADE.get(e.date_precision, 0.6)
    coarse = e.geo_precision in COARSE
    light = coarse or e.status == "planned"
    return {
        "c": color,
        "s": shape,
        "r": 7 if coarse else 6,
        "fo": round((0.3 if light else 0.9) * fade, 2),
        "op": round(max(fade, 0.5), 2),
        "lc": color if light else "#ffffff",
        "w": 1.6 if light else 1,
        "d": coarse,
        "k": f"ev-marker ev-{e.type}",
        "tl": esc(TYPE_LABEL.get(e.type, e.type)),
    }
