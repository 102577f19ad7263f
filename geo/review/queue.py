"""The review queue: unreviewed events, the least sure and the most consequential first."""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Sequence

from ..core.models import Event
from ..core.taxonomy import STRIKE_TYPES

REVIEWED = frozenset({"confirmed", "corrected", "added"})


def impact(e: Event) -> int:
    """2 for an attack or strike with casualties and for a base handover, 1 for other strikes and
    movements, 0 for statements and presence: a wrong one of these misleads the most."""
    if e.type in STRIKE_TYPES:
        return 2 if (e.killed or 0) + (e.wounded or 0) > 0 else 1
    if e.type == "handover":
        return 2
    return 1 if e.type in ("withdrawal", "redeployment") else 0


def priority(e: Event) -> float:
    """Doubt times consequence: (1 - confidence) x (1 + impact); an event without confidence is in full doubt."""
    doubt = 1.0 - (e.confidence if e.confidence is not None else 0.0)
    return doubt * (1 + impact(e))


def needs_review(events: Iterable[Event], limit: int | None = None) -> list[Event]:
    """Unreviewed events, highest ``priority`` first (then the earlier date, then the id); the first
    ``limit`` of them when given (a heap, not a sort of every event)."""
    todo = [e for e in events if e.review_status == "unreviewed"]
    if limit is not None:
        return heapq.nsmallest(limit, todo, key=_queue_order)  # == sorted(todo, key=...)[:limit]
    return sorted(todo, key=_queue_order)


def _queue_order(e: Event) -> tuple[float, dt.date, str]:
    return -priority(e), e.date, e.id


def reviewed_only(events: Sequence[Event]) -> list[Event]:
    """Events an analyst confirmed, corrected or added."""
    return [e for e in events if e.review_status in REVIEWED]


def review_counts(events: Iterable[Event]) -> dict[str, int]:
    """{"reviewed": n, "unreviewed": m} over ``events`` (rejected ones are not counted: they are off the map)."""
    out = {"reviewed": 0, "unreviewed": 0}
    for e in events:
        if e.review_status in REVIEWED:
            out["reviewed"] += 1
        elif e.review_status == "unreviewed":
            out["unreviewed"] += 1
    return out
