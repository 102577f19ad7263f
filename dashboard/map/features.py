"""Events and bases as GeoJSON-like feature dicts for the browser (no folium here).

Strings from articles are escaped here, once; the page's JS only concatenates them into popups.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from geo.core.models import Event

from .escape import esc
from .style import AREA_M, COARSE, DATE_FADE, STATUS_STYLE, TYPE_LABEL, TYPE_STYLE

MAX_QUOTE_CHARS = 400  # in the popup; the table shows the whole quote
FAN_MAX = 36  # markers fanned out around one place (radius ~45 px); more stack up and get a count badge


def _fan_offsets(n: int, inner: float = 0.0, spacing: float = 7.5) -> list[tuple[float, float]]:
    """Pixel offsets on a sunflower (Vogel) spiral: n markers at one place stay apart and readable.

    ``inner`` keeps a hole in the middle (around a base's square); otherwise the first sits on the place.
    Past ``FAN_MAX`` the spiral starts again, so a place never spreads far from where it is.
    """
    golden = math.pi * (3 - math.sqrt(5))
    first = 1 if inner else 0
    ring = []
    for k in range(first, first + min(n, FAN_MAX)):
        r = inner + spacing * math.sqrt(k - first) if inner else spacing * math.sqrt(k)
        ring.append((round(r * math.cos(k * golden), 1), round(r * math.sin(k * golden), 1)))
    return [ring[i % FAN_MAX] for i in range(n)]


def _merc_y(lat: float) -> float:
    lat = max(min(lat, 85.0), -85.0)
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def bearing_screen(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Direction from 1 to 2 on a Web-Mercator map, degrees clockwise from up (conformal: any zoom)."""
    return math.degrees(math.atan2(lon2 - lon1, _merc_y(lat2) - _merc_y(lat1))) % 360


def _counts_text(e: Event) -> str:
    return ", ".join(f"{k} {v}" for k, v in e.counts().items())


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


def popup_properties(e: Event) -> dict[str, Any]:
    """The escaped text one event carries to the browser (popup and tooltip); empty fields are left out."""
    date_text = e.date.isoformat() + (f" – {e.end_date.isoformat()}" if e.end_date else "")
    quote = e.quote if len(e.quote) <= MAX_QUOTE_CHARS else e.quote[:MAX_QUOTE_CHARS] + "…"
    props: dict[str, Any] = {
        "q": esc(quote),
        "pl": esc(e.place.name if e.place else "unknown"),
        "gp": esc(e.geo_precision),
        "da": esc(date_text),
        "dp": esc(e.date_precision),
        "src": esc(" · ".join(e.all_sources)),
        "pub": esc(e.published.isoformat()),
    }
    if e.destination is not None:
        props["de"] = esc(e.destination.name)
    if e.status != "occurred":
        props["st"] = esc(e.status)
    if counts := _counts_text(e):
        props["n"] = esc(counts)
    if e.confidence is not None:
        props["cf"] = f"{e.confidence:.2f}"
    return props


def _style_index(table: dict[tuple[Any, ...], int], styles: list[dict[str, Any]], e: Event) -> int:
    """Index of ``marker_style(e)`` in ``styles``, keyed by the only fields the style depends on."""
    key = (e.type, e.geo_precision in COARSE, e.date_precision, e.status == "planned")
    if key not in table:
        table[key] = len(styles)
        styles.append(marker_style(e))
    return table[key]


def event_features(events: Sequence[Event], bases_at: Iterable[str] = ()) -> dict[str, Any]:
    """GeoJSON features for the event markers (with their shared ``styles``), uncertainty discs, and
    movement lines with arrowheads."""
    base_ids = set(bases_at)
    by_place: dict[str, list[Event]] = {}
    for e in events:
        if e.place is not None:
            by_place.setdefault(e.place.id, []).append(e)

    markers: list[dict[str, Any]] = []
    styles: list[dict[str, Any]] = []
    style_ids: dict[tuple[Any, ...], int] = {}
    areas: list[dict[str, Any]] = []
    moves: list[dict[str, Any]] = []
    stacks: list[dict[str, Any]] = []
    for pid, evs in by_place.items():
        place = evs[0].place
        assert place is not None
        # A base's own square stays visible in the middle; its events fan out around it.
        offsets = _fan_offsets(len(evs), inner=11.0 if pid in base_ids else 0.0)
        point = {"type": "Point", "coordinates": [place.lon, place.lat]}
        if len(evs) > FAN_MAX:
            stacks.append({"type": "Feature", "geometry": point, "properties": {"n": len(evs)}})
        prec = place.precision
        if prec in AREA_M:
            colors = sorted({TYPE_STYLE.get(e.type, ("#555555", ""))[0] for e in evs})
            areas.append(
                {
                    "type": "Feature",
                    "geometry": point,
                    "properties": {"area": AREA_M[prec], "c": colors[0] if len(colors) == 1 else "#555555"},
                }
            )
        for e, off in zip(evs, offsets, strict=True):
            props = popup_properties(e)
            props["y"] = _style_index(style_ids, styles, e)
            style = styles[props["y"]]
            if off != (0.0, 0.0):
                props["off"] = list(off)
            markers.append({"type": "Feature", "geometry": point, "properties": props})
            dest = e.destination
            if dest is not None and (dest.lat, dest.lon) != (place.lat, place.lon):
                tip = esc(f"{TYPE_LABEL.get(e.type, e.type)} · {e.date.isoformat()} · {place.name} → {dest.name}")
                common = {"c": style["c"], "tip": tip, "planned": e.status == "planned"}
                line = {"type": "LineString", "coordinates": [[place.lon, place.lat], [dest.lon, dest.lat]]}
                moves.append({"type": "Feature", "geometry": line, "properties": {**common, "k": "ev-line"}})
                # The arrowhead sits just short of the destination, so it does not hide what is there.
                head = [
                    round(place.lon + 0.9 * (dest.lon - place.lon), 5),
                    round(place.lat + 0.9 * (dest.lat - place.lat), 5),
                ]
                rot = round(bearing_screen(place.lat, place.lon, dest.lat, dest.lon), 1)
                moves.append(
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": head},
                        "properties": {**common, "k": "ev-arrow", "rot": rot},
                    }
                )
    return {"markers": markers, "styles": styles, "areas": areas, "moves": moves, "stacks": stacks}


def base_features(bases: Iterable[Any]) -> list[dict[str, Any]]:
    """GeoJSON features for the bases, coloured by status (BaseStatus: place, status, since, evidence)."""
    feats = []
    for b in bases:
        p = b.place
        fill, label = STATUS_STYLE.get(b.status, STATUS_STYLE["unknown"])
        since = f" since {b.since.isoformat()}" if b.since else ""
        last = b.evidence[-1] if b.evidence else None
        props = {
            "id": p.id,
            "status": b.status,
            "c": fill,
            "k": f"base-marker base-{b.status}",
            "tip": esc(f"{p.name} — {label}{since}"),
            "name": esc(p.name),
            "ar": esc(p.name_ar),
            "lbl": esc(label + since),
            "nev": len(b.evidence),
            "q": esc(last.quote[:MAX_QUOTE_CHARS]) if last else "",
            "src": esc(f"{last.source}, {last.published.isoformat()}") if last else "",
        }
        feats.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
                "properties": props,
            }
        )
    return feats
