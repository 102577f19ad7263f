"""The one place that knows the event taxonomy."""

from __future__ import annotations

EVENT_TYPES: tuple[str, ...] = (
    "attack",
    "airstrike",
    "withdrawal",
    "redeployment",
    "handover",
    "agreement",
    "announcement",
    "presence",
)

# Movements have an origin (place) and may have a destination; exported as LineStrings.
MOVEMENT_TYPES: frozenset[str] = frozenset({"withdrawal", "redeployment"})

# Strikes: what hits a place (one event per place of a list; tallies, habits and air defence cancel them).
STRIKE_TYPES: frozenset[str] = frozenset({"attack", "airstrike"})

# Types an evaluator treats as the same event (the gold's analysts disagree on these).
EQUIVALENT_TYPES: dict[str, str] = {
    "redeployment": "withdrawal",
    "announcement": "agreement",
}

STATUSES: tuple[str, ...] = ("occurred", "planned")
DATE_PRECISIONS: tuple[str, ...] = ("day", "range", "month", "year")

COUNT_FIELDS: tuple[str, ...] = ("rockets", "killed", "wounded", "troops", "vehicles", "shipments")

# An analyst's review of an event (geo.review): its state, and the properties every export carries.
REVIEW_STATUSES: tuple[str, ...] = ("unreviewed", "confirmed", "corrected", "rejected", "added")
REVIEW_FIELDS: tuple[str, ...] = ("review_status", "reviewed_by", "reviewed_at", "review_note")

# Base status over time, derived from events (dashboard and bases export).
BASE_STATUSES: tuple[str, ...] = ("present", "handed_over", "withdrawn", "unknown")


def canonical_type(event_type: str) -> str:
    """Fold equivalent types together for matching."""
    return EQUIVALENT_TYPES.get(event_type, event_type)
