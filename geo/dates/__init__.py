"""Dates: every date expression of a text as a ``DateSpan``, resolved against the publication date.

The flow: ``lexicon`` (CSV vocabulary) → ``patterns`` (regexes, each paired with a handler in
``handlers``, which use the calendar arithmetic of ``days``) → ``finder`` (selection, ranges, anchors).
"""

from .days import hijri_to_gregorian
from .finder import LINE_BREAK, find_dates, older_item_start, older_items_offset, parse_date_line
from .spans import DateSpan

__all__ = ["LINE_BREAK", "DateSpan", "find_dates", "hijri_to_gregorian", "older_item_start",
           "older_items_offset", "parse_date_line"]
