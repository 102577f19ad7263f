"""Events across articles: one event per happening (``merge``), questions over them (``query``), and
what they say about each base (``bases``)."""

from .bases import HANDED_OVER, PRESENT, UNKNOWN, WITHDRAWN, BaseStatus, bases_status
from .merge import LIKE_SPAN_DAYS, may_merge, merge_events, merge_groups, merge_kind, place_km, same_event
from .query import filter_events

__all__ = ["HANDED_OVER", "LIKE_SPAN_DAYS", "PRESENT", "UNKNOWN", "WITHDRAWN", "BaseStatus", "bases_status",
           "filter_events", "may_merge", "merge_events", "merge_groups", "merge_kind", "place_km", "same_event"]
