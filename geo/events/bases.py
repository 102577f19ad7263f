"""Each curated base's coalition status over time, derived from events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from gazetteer import places
from gazetteer.models import Place

from ..core.models import Event
from ..core.taxonomy import canonical_type
from .merge import place_km

# A site-precision place this close to a base is the base under another gazetteer entry.
SAME_SITE_KM = 1.0
PRESENT, HANDED_OVER, WITHDRAWN, UNKNOWN = "present", "handed_over", "withdrawn", "unknown"


@dataclass(frozen=True)
class BaseStatus:
    place: Place
    status: str  # "present" | "handed_over" | "withdrawn" | "unknown"
    since: dt.date | None
    evidence: tuple[Event, ...] = field(repr=False)  # events that set the status, latest last
    # Every event that set or confirmed a status, in date order: (date, status, event).
    timeline: tuple[tuple[dt.date, str, Event], ...] = field(default=(), repr=False)


def _is(p: Place | None, base: Place) -> bool:
    if p is None:
        return False
    if p.id == base.id:
        return True
    return p.precision == "site" and place_km(p, base) <= SAME_SITE_KM


def _implied(e: Event, base: Place) -> tuple[str, bool] | None:
    """(status, strong) that ``e`` implies for ``base``, or None when it says nothing about it."""
    if e.status != "occurred":
        return None  # plans and promises do not move troops
    kind = canonical_type(e.type)
    if kind == "withdrawal":  # withdrawals and redeployments
        if _is(e.destination, base):
            return PRESENT, True  # troops moved to this base
        if _is(e.place, base):
            return WITHDRAWN, True
        return None
    if not _is(e.place, base):
        return None
    if e.type == "presence":
        return PRESENT, True
    if e.type == "handover":
        return HANDED_OVER, True
    if e.type == "attack":
        # Weaker evidence: militias aim at bases where coalition troops are, but an attack after a
        # handover hits Iraqi forces, so an attack never overturns a handover or a withdrawal.
        return PRESENT, False
    return None


def _status_of(base: Place, events: Sequence[Event], at: dt.date | None) -> BaseStatus:
    timeline: list[tuple[dt.date, str, Event]] = []
    for e in sorted(events, key=lambda e: (e.date, e.id)):
        if at is not None and e.date > at:
            break
        implied = _implied(e, base)
        if implied is None:
            continue
        status, strong = implied
        current = timeline[-1][1] if timeline else UNKNOWN
        if not strong and current in (HANDED_OVER, WITHDRAWN):
            continue
        timeline.append((e.date, status, e))
    if not timeline:
        return BaseStatus(base, UNKNOWN, None, (), ())
    status = timeline[-1][1]
    run: list[tuple[dt.date, str, Event]] = []
    for entry in reversed(timeline):
        if entry[1] != status:
            break
        run.append(entry)
    run.reverse()
    return BaseStatus(base, status, run[0][0], tuple(e for _, _, e in run), tuple(timeline))


def _bases() -> list[Place]:
    return sorted((p for p in places() if p.is_base), key=lambda p: (p.name, p.id))


def bases_status(events: Sequence[Event], at: dt.date | None = None) -> list[BaseStatus]:
    """One ``BaseStatus`` per curated base (sorted by name), as of ``at`` (None = latest evidence)."""
    return [_status_of(base, events, at) for base in _bases()]
