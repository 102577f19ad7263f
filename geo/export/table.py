"""A fixed-width table of events for the terminal (``geo events``)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from ..core.models import Event

QUOTE_WIDTH = 60
_BIDI_CONTROLS = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0xFEFF]
)


def _width(s: str) -> int:
    """Terminal columns: combining marks (tashkeel) take none, East Asian wide characters two."""
    w = 0
    for c in s:
        if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf"):
            continue
        w += 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
    return w


def _clip(s: str, width: int) -> str:
    if _width(s) <= width:
        return s
    out, w = [], 0
    for c in s:
        cw = _width(c)
        if w + cw > width - 1:
            break
        out.append(c)
        w += cw
    return "".join(out) + "…"


def _pad(s: str, width: int) -> str:
    return s + " " * max(0, width - _width(s))


def _cell(s: object) -> str:
    # One line per event, and no bidi overrides from an article reordering the terminal.
    return " ".join(str(s).split()).translate(_BIDI_CONTROLS)


def _when(e: Event) -> str:
    if e.end_date and e.end_date != e.date:
        return f"{e.date.isoformat()}..{e.end_date.isoformat()}"
    return e.date.isoformat()


def format_table(events: Sequence[Event], quote_width: int = QUOTE_WIDTH) -> str:
    """Date, precision, type, status, place, geo precision, counts, source and a clipped quote per event.

    The quote (Arabic, right-to-left) comes last so a terminal's bidi reordering cannot shift the
    other columns.
    """
    if not events:
        return "no events"
    header = ("date", "prec", "type", "status", "place", "geo", "counts", "source", "quote")
    rows = []
    for e in events:
        place = e.place.name if e.place else "-"
        if e.destination is not None:
            place = f"{place} -> {e.destination.name}"
        counts = " ".join(f"{k}={v}" for k, v in e.counts().items()) or "-"
        n = len(e.sources)
        source = e.source + (f" (+{n - 1})" if n > 1 else "")
        rows.append(
            tuple(
                _cell(x)
                for x in (
                    _when(e),
                    e.date_precision,
                    e.type,
                    e.status,
                    _clip(place, 40),
                    e.geo_precision,
                    counts,
                    _clip(source, 40),
                    _clip(_cell(e.quote), quote_width),
                )
            )
        )
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for r in [header, *rows]:
        lines.append("  ".join(_pad(c, w) for c, w in zip(r[:-1], widths, strict=True)) + "  " + r[-1])
    lines.append(f"{len(events)} events")
    return "\n".join(lines)
