"""Every filtered event as one compact JSON payload for the page's own time control (``static/timeapp.js``).

The browser gets the events once (column arrays of small integers: days since ``d0``, place, style,
type, destination) and filters, clusters and plays them itself, so moving the window or a Play step never
reruns Streamlit. Strings from articles are escaped here, once. Quotes travel with the events only for
small collections (``INLINE_QUOTES_MAX``); above it the page asks the host for one event's details when it
is selected, which keeps 100,000 events near 3 MB instead of 40.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from typing import Any

from gazetteer.models import Place
from geo.core.models import Event
from geo.core.taxonomy import EVENT_TYPES

from .escape import esc
from .features import MAX_QUOTE_CHARS, marker_style
from .style import COARSE, STATUS_STYLE, TYPE_LABEL, TYPE_STYLE

INLINE_QUOTES_MAX = 5000
DATE_PRECISIONS = ("day", "month", "year", "range")

# Where an event known only to a country is counted: beside the country's name on the basemap (a marked
# badge, never a pin at a centroid that would read as a town). Places not listed use their own point.
# Keyed by ISO country code; the basemap's country names sit just above these points (layers.py).
COUNTRY_ANCHORS: dict[str, tuple[float, float]] = {
    "IQ": (31.35, 42.4),
    "SY": (35.05, 38.4),
    "IR": (33.75, 48.3),
    "SA": (27.25, 43.5),
    "KW": (29.1, 47.6),
    "JO": (30.75, 36.6),
    "TR": (38.55, 38.5),
}


def place_kind(p: Place) -> str:
    """How the page draws a place: ``point`` (site/city/district), ``region`` (governorate/region: a count
    on the region) or ``country`` (a count beside the country's name)."""
    if p.precision == "country":
        return "country"
    if p.precision in COARSE:
        return "region"
    return "point"


def anchor(p: Place) -> tuple[float, float]:
    """The point a place's events are drawn at (and movements start from)."""
    if p.precision == "country" and p.country in COUNTRY_ANCHORS:
        return COUNTRY_ANCHORS[p.country]
    return p.lat, p.lon


def detail(e: Event) -> dict[str, Any]:
    """One event's popup text, escaped (sent inline for small collections, on selection otherwise)."""
    quote = e.quote if len(e.quote) <= MAX_QUOTE_CHARS else e.quote[:MAX_QUOTE_CHARS] + "…"
    out: dict[str, Any] = {
        "q": esc(quote),
        "src": esc(" · ".join(e.all_sources)),
        "pub": esc(e.published.isoformat()),
    }
    if counts := ", ".join(f"{k} {v}" for k, v in e.counts().items()):
        out["n"] = esc(counts)
    if e.confidence is not None:
        out["cf"] = f"{e.confidence:.2f}"
    return out


def _base_timeline(b: Any, d0: dt.date) -> list[list[Any]]:
    """A base's status runs as [first day, status, when (text), source, last day, curated] (days since
    ``d0``); the page writes the sentence for the window's end, so no label tells of later reports."""
    rows = []
    for h in b.history:
        when = str(h.date.year) if h.precision == "year" else h.date.isoformat()
        rows.append([(h.date - d0).days, h.status, when, esc(h.source), (h.last - d0).days, int(h.curated)])
    return rows


def map_payload(
    events: Sequence[Event],
    bases: Iterable[Any] = (),
    *,
    inline_quotes: bool | None = None,
) -> dict[str, Any]:
    """The page's data: places, shared styles, events as columns, bases with their status history.

    ``e.d``/``e.e``: first/last day (days since ``d0``); ``e.p``: place index (-1 none); ``e.y``: style
    index; ``e.t``: type index; ``e.k``: destination place index (-1 none); ``e.x``: date precision
    index. ``ids`` are the events' export ids in payload order (the page reports a selection by index, a
    review by id).
    """
    keyed = _keyed(events)  # each id once: a sha1 per access
    evs = [e for _, _, e in keyed]
    d0 = evs[0].date if evs else dt.date.today()
    place_ix: dict[str, int] = {}
    places: list[list[Any]] = []

    def pix(p: Place | None) -> int:
        if p is None:
            return -1
        if p.id not in place_ix:
            lat, lon = anchor(p)
            place_ix[p.id] = len(places)
            places.append([esc(p.name), round(lat, 5), round(lon, 5), place_kind(p), esc(p.province or "")])
        return place_ix[p.id]

    style_ix: dict[tuple[Any, ...], int] = {}
    styles: list[dict[str, Any]] = []
    type_ix = {t: i for i, t in enumerate(EVENT_TYPES)}
    cols: dict[str, list[int]] = {k: [] for k in ("d", "e", "p", "y", "t", "k", "x")}
    for e in evs:
        key = (e.type, e.geo_precision in COARSE, e.date_precision, e.status == "planned")
        if key not in style_ix:
            style_ix[key] = len(styles)
            styles.append(marker_style(e))
        first = (e.date - d0).days
        cols["d"].append(first)
        cols["e"].append((e.last_date - d0).days - first)  # mostly 0: short in JSON
        cols["p"].append(pix(e.place))
        cols["y"].append(style_ix[key])
        cols["t"].append(type_ix.get(e.type, len(EVENT_TYPES)))
        cols["k"].append(pix(e.destination) if e.destination is not None else -1)
        cols["x"].append(DATE_PRECISIONS.index(e.date_precision) if e.date_precision in DATE_PRECISIONS else 0)

    inline = len(evs) <= INLINE_QUOTES_MAX if inline_quotes is None else inline_quotes
    base_rows = []
    for b in bases:
        p = b.place
        base_rows.append(
            {
                "id": p.id,
                "name": esc(p.name),
                "ar": esc(p.name_ar),
                "lat": p.lat,
                "lon": p.lon,
                "h": _base_timeline(b, d0),
                "nev": len(b.evidence),
            }
        )
    return {
        "d0": d0.isoformat(),
        "n": len(evs),
        "types": [[t, TYPE_STYLE[t][0], esc(TYPE_LABEL[t])] for t in EVENT_TYPES],
        "status": {k: [v[0], esc(v[1])] for k, v in STATUS_STYLE.items()},
        "dps": list(DATE_PRECISIONS),
        "places": places,
        "styles": styles,
        "ev": cols,
        "ids": [i for _, i, _ in keyed],
        "details": [detail(e) for e in evs] if inline else None,
        "bases": base_rows,
    }


def _keyed(events: Sequence[Event]) -> list[tuple[dt.date, str, Event]]:
    return keyed_by_date(events)


def keyed_by_date(events: Sequence[Event]) -> list[tuple[dt.date, str, Event]]:
    """``(date, id, event)`` sorted by (date, id), as ``sorted`` would give them; a store's answer is in
    that order already, which one pass confirms (no sort of 100,000 tuples on every first map)."""
    keyed = [(e.date, e.id, e) for e in events]
    if all(a[:2] < b[:2] for a, b in itertools.pairwise(keyed)):
        return keyed
    return sorted(keyed, key=lambda t: (t[0], t[1]))


def ordered(events: Sequence[Event]) -> list[Event]:
    """The events in payload order (index ``i`` of the page's report is ``ordered(events)[i]``)."""
    return [e for _, _, e in _keyed(events)]


def ordered_ids(events: Sequence[Event]) -> list[str]:
    """The events' ids in payload order."""
    return [i for _, i, _ in _keyed(events)]
