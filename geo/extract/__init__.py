"""Extraction: an article's text in, its dated, located, typed events out.

The flow: ``document`` (normalise once; ``tokens`` and their cues from ``data/*.csv``, places from the
gazetteer, dates from ``geo.dates``) → ``clauses`` (sentences and clauses) → ``events`` (a trigger per
clause, its date, ``places`` and ``counts``) → ``merge`` (what the article tells twice is one event).
"""

from .events import extract_events
from .merge import merge_within_article
from .version import EXTRACTOR_VERSION

__all__ = ["EXTRACTOR_VERSION", "extract_events", "merge_within_article"]
