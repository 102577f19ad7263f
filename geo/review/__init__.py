"""Analyst review: decisions (``model``) kept apart from the extractor's output, attached to the
reports they were made on and applied on read (``apply``), made by ``decide``, exchanged as JSON lines
(``exchange``), and the needs-review ``queue``."""

from .apply import ReviewedView, apply_reviews, attach, similarity
from .decide import add, decide, reviewer_file, reviewer_name, set_reviewer
from .exchange import Conflict, conflicts, read_reviews, write_reviews
from .model import CORRECTABLE, DECISIONS, Anchor, Review, anchor_of, current, point_place
from .queue import impact, needs_review, priority, review_counts, reviewed_only

__all__ = ["CORRECTABLE", "DECISIONS", "Anchor", "Conflict", "Review", "ReviewedView", "add", "anchor_of",
           "apply_reviews", "attach", "conflicts", "current", "decide", "impact", "needs_review", "point_place",
           "priority", "read_reviews", "review_counts", "reviewed_only", "reviewer_file", "reviewer_name",
           "set_reviewer", "similarity", "write_reviews"]
