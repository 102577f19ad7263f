"""Calendar arithmetic: month lengths and parts, weekdays and years resolved against a publication date."""

from __future__ import annotations

import calendar
import datetime as dt
import math


def last_day(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def month_span(y: int, m: int) -> tuple[dt.date, dt.date]:
    return dt.date(y, m, 1), dt.date(y, m, last_day(y, m))


def add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def safe_date(y: int, m: int, d: int) -> dt.date | None:
    if not (1 <= y <= 9999 and 1 <= m <= 12 and 1 <= d <= 31):
        return None
    if d > last_day(y, m):
        return None
    return dt.date(y, m, d)


def part_of_month(y: int, m: int, part: str) -> tuple[dt.date, dt.date]:
    """early = 1-10, mid = 11-20, late = 21-last."""
    last = last_day(y, m)
    if part == "part_early":
        return dt.date(y, m, 1), dt.date(y, m, 10)
    if part == "part_mid":
        return dt.date(y, m, 11), dt.date(y, m, 20)
    return dt.date(y, m, 21), dt.date(y, m, last)


def part_of_year(y: int, part: str) -> tuple[dt.date, dt.date]:
    if part == "part_early":
        return month_span(y, 1)
    if part == "part_mid":
        return dt.date(y, 6, 1), dt.date(y, 7, 31)
    return month_span(y, 12)


HIJRI_EPOCH = dt.date(622, 7, 19).toordinal()  # 1 Muharram 1 AH (civil epoch), proleptic Gregorian


def hijri_to_gregorian(y: int, m: int = 1, d: int = 1) -> dt.date:
    """Tabular (arithmetical) Islamic calendar; within a day or two of the observed calendar."""
    days = (d - 1) + math.ceil(29.5 * (m - 1)) + (y - 1) * 354 + (3 + 11 * y) // 30
    return dt.date.fromordinal(HIJRI_EPOCH + days)


def weekday_date(pub: dt.date, wd: int, mode: str) -> dt.date:
    """mode "past": the publication day or the most recent before; "strict": strictly before;
    "future": strictly after."""
    if mode == "future":
        ahead = (wd - pub.weekday()) % 7 or 7
        return pub + dt.timedelta(days=ahead)
    back = (pub.weekday() - wd) % 7
    if mode == "strict" and back == 0:
        back = 7
    return pub - dt.timedelta(days=back)


def month_year(pub: dt.date, m: int, direction: str) -> int:
    """Year of a month named without a year. direction: past (strictly before the publication
    month), future (strictly after), current (publication year), recent (on or before),
    upcoming (on or after)."""
    if direction == "past":
        return pub.year if m < pub.month else pub.year - 1
    if direction == "future":
        return pub.year if m > pub.month else pub.year + 1
    if direction == "current":
        return pub.year
    if direction == "upcoming":
        return pub.year if m >= pub.month else pub.year + 1
    return pub.year if m <= pub.month else pub.year - 1


def day_month_year(pub: dt.date, m: int, d: int, forward: bool) -> dt.date | None:
    """A day+month without year: the most recent on or before publication (or the next on or
    after it when ``forward``). Feb 29 walks to the nearest leap year."""
    step = 1 if forward else -1
    for k in range(9):
        c = safe_date(pub.year + step * k, m, d)
        if c is None:
            continue
        if (forward and c >= pub) or (not forward and c <= pub):
            return c
    return None
