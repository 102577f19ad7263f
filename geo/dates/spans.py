"""The value the date finder returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DateSpan:
    """One date expression found in a text."""

    start: int  # offsets into the ORIGINAL text
    end: int
    text: str  # text[start:end]
    date: dt.date  # start of the period
    end_date: dt.date | None  # inclusive last day for month/year/range; None for a single day
    precision: str  # "day" | "month" | "year" | "range"
    status: str  # "occurred" | "planned"
    # "absolute" | "weekday" | "relative" | "vague" (the coming days) | "month" | "year" | "deadline" | "hijri"
    kind: str
    resolved: bool = True  # False: a relative word inside appended older stories
    since: bool = False  # after "منذ"/"since": a state holds from this date, not an event on it
