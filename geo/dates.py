"""Dates in Arabic (and English) news, resolved against the article's publication date.

``find_dates(text, published)`` finds every date expression the press writes: explicit dates
("04 نوفمبر 2021", "2021/06/05", "31 ديسمبر/ كانون الأول 2021", "April 18, 2021"), months with
the double Levantine/MSA names ("تموز/ يوليو", "آذار مارس ونيسان أبريل الماضيين"), weekdays
("مساء الأحد", "اليوم الخميس"), relative words ("أمس", "الشهر الماضي", "نهاية العام الجاري",
"خلال الأشهر الماضية") and deadlines ("بحلول", "لغاية 31 ديسمبر"). Each becomes a ``DateSpan``
with offsets into the original text, a date (the start of the period), an inclusive end date
for periods, a precision and a status ("planned" for the future).

How it works: one ``normalize_with_map`` pass, a handful of compiled regexes built from the CSV
lexicons in ``geo/lexicon/dates_*.csv`` (no spelling lives in this code), one small handler per
pattern that turns a match into a candidate, then longest-match-wins and a range-merge pass.

Conventions (documented choices):
- A day is never invented: month-only -> precision "month", year-only -> "year".
- Parts of a month: early (مطلع/بداية/أوائل) = 1st-10th, mid (منتصف) = 11th-20th,
  late (نهاية/أواخر) = 20th-last day, precision "range". Parts of a year: early = January,
  mid = June-July, late = December.
- Two coordinated months ("آذار مارس ونيسان أبريل الماضيين", "شهري يوليو وأغسطس المقبلين") give
  ONE span: a range from the first day of the first month to the last day of the second.
- Weekdays are never resolved into the future unless marked (المقبل/next): the publication
  weekday is the publication day, otherwise the most recent such day before it.
  "ليلة الجمعة" resolves to the Friday. "الأحد الماضي" is strictly before publication.
- "الليلة الماضية" / "أمس" = publication - 1 (precision day).
- "في وقت سابق" (earlier) yields no span: the caller falls back to the report date.
- "خلال الأشهر الماضية" = first day of the month six months back .. publication (range).
- A span whose status is "occurred" never starts after publication, and its ``end_date`` is
  capped at publication ("العام الجاري" in a past sentence = Jan 1 .. publication).
- Spans inside appended older stories (offset >= ``older_from``): weekdays and day words
  (اليوم/أمس) get ``resolved=False`` and a wide range (Jan 1 of the publication year, or 90 days
  back if that is earlier, .. publication); month/year relatives keep their resolution but get
  ``resolved=False``; explicit dates are unaffected.
- Hijri years ("1445 هـ") become a Gregorian range by the tabular (arithmetical) calendar.
- A bare weekday repeating the weekday of an explicit date shortly before it is that date
  ("يوم الأربعاء 31 تموز 2024 ... الأربعاء" -> 31 July, not the Wednesday before publication).
- "منذ"/"since" is left out of the span and reported as ``since=True`` (a state holds from then).
- Ordinal days ("الخامس من حزيران") are read; "اليوم التالي"/"في ذلك اليوم" are not today.

Speed: the generators only scan text around "anchors" (month, weekday and period words, years,
numeric dates), found by one trie regex; a property test checks this changes no result.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from gazetteer.normalize import normalize_with_map, original_span

from .dates_lexicon import Lexicon, lexicon, trie_alt

__all__ = ["DateSpan", "find_dates", "hijri_to_gregorian", "older_item_start", "older_items_offset",
           "parse_date_line"]


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
    kind: str  # "absolute" | "weekday" | "relative" | "month" | "year" | "deadline" | "hijri"
    resolved: bool = True  # False: a relative word inside appended older stories
    since: bool = False  # after "منذ"/"since": a state holds from this date, not an event on it


# ------------------------------------------------------------------------------------------------
# Calendar helpers


def _last_day(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def _month_span(y: int, m: int) -> tuple[dt.date, dt.date]:
    return dt.date(y, m, 1), dt.date(y, m, _last_day(y, m))


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    if not (1 <= y <= 9999 and 1 <= m <= 12 and 1 <= d <= 31):
        return None
    if d > _last_day(y, m):
        return None
    return dt.date(y, m, d)


def _part_of_month(y: int, m: int, part: str) -> tuple[dt.date, dt.date]:
    """early = 1-10, mid = 11-20, late = 20-last (the press's "نهاية" reaches back to the 20th)."""
    last = _last_day(y, m)
    if part == "part_early":
        return dt.date(y, m, 1), dt.date(y, m, 10)
    if part == "part_mid":
        return dt.date(y, m, 11), dt.date(y, m, 20)
    return dt.date(y, m, 20), dt.date(y, m, last)


def _part_of_year(y: int, part: str) -> tuple[dt.date, dt.date]:
    if part == "part_early":
        return _month_span(y, 1)
    if part == "part_mid":
        return dt.date(y, 6, 1), dt.date(y, 7, 31)
    return _month_span(y, 12)


_HIJRI_EPOCH = dt.date(622, 7, 19).toordinal()  # 1 Muharram 1 AH (civil epoch), proleptic Gregorian


def hijri_to_gregorian(y: int, m: int = 1, d: int = 1) -> dt.date:
    """Tabular (arithmetical) Islamic calendar; within a day or two of the observed calendar."""
    days = (d - 1) + math.ceil(29.5 * (m - 1)) + (y - 1) * 354 + (3 + 11 * y) // 30
    return dt.date.fromordinal(_HIJRI_EPOCH + days)


def _weekday_date(pub: dt.date, wd: int, mode: str) -> dt.date:
    """mode "past": the publication day or the most recent before; "strict": strictly before;
    "future": strictly after."""
    if mode == "future":
        ahead = (wd - pub.weekday()) % 7 or 7
        return pub + dt.timedelta(days=ahead)
    back = (pub.weekday() - wd) % 7
    if mode == "strict" and back == 0:
        back = 7
    return pub - dt.timedelta(days=back)


def _month_year(pub: dt.date, m: int, direction: str) -> int:
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


def _day_month_year(pub: dt.date, m: int, d: int, forward: bool) -> dt.date | None:
    """A day+month without year: the most recent on or before publication (or the next on or
    after it when ``forward``). Feb 29 walks to the nearest leap year."""
    step = 1 if forward else -1
    for k in range(9):
        c = _safe_date(pub.year + step * k, m, d)
        if c is None:
            continue
        if (forward and c >= pub) or (not forward and c <= pub):
            return c
    return None


# ------------------------------------------------------------------------------------------------
# Candidates


@dataclass(slots=True)
class _Cand:
    """A match in the normalized text before overlap resolution."""

    nstart: int
    nend: int
    date: dt.date
    end_date: dt.date | None
    precision: str
    kind: str
    future: bool = False  # an explicit future marker (المقبل, next, بعد) or a forward inference
    relative: bool = False  # resolved against the publication date
    wide_in_older: bool = False  # weekday/day word: replaced by a wide range in older items
    end_of_current: bool = False  # "نهاية العام الجاري": planned while that end is ahead
    year_explicit: bool = True
    deadline: bool = False
    weekday: int | None = None  # an unmarked weekday, which a nearby explicit date may anchor


@dataclass(slots=True)
class _Ctx:
    norm: str
    pub: dt.date
    lex: Lexicon
    cue_cache: dict[int, bool]

    def future_cue(self, pos: int) -> bool:
        """A future verb/cue in the same clause shortly before ``pos`` ("سينتهي بنهاية ...")."""
        hit = self.cue_cache.get(pos)
        if hit is None:
            lo = max(0, pos - 70)
            window = self.norm[lo:pos]
            cut = max(window.rfind(ch) for ch in ".!?؟\n،;:")
            if cut >= 0:
                window = window[cut + 1 :]
            hit = _patterns().future_cue.search(window) is not None
            self.cue_cache[pos] = hit
        return hit


Handler = Callable[[re.Match[str], _Ctx], "_Cand | None"]


def _g(m: re.Match[str], name: str) -> str | None:
    return m.groupdict().get(name)


def _start(m: re.Match[str]) -> int:
    """Span start without the attached clitic ("واليوم" -> "اليوم")."""
    return m.end("cl") if _g(m, "cl") is not None else m.start()


def _is_deadline(m: re.Match[str], ctx: _Ctx) -> bool:
    """"بحلول/لغاية/حتى ..." or "بنهاية" (a "by" clitic on a part word)."""
    if _g(m, "dl") is not None:
        return True
    return ctx.lex.has(_g(m, "cl"), "by_clitic") and ctx.lex.role_in(_g(m, "part"), "part_") == "part_late"


def _month_of(m: re.Match[str], ctx: _Ctx, a: str, b: str, c: str) -> tuple[int, bool] | None:
    """Month number from a (possibly double) month group; second value: a partner name was given."""
    name = _g(m, a)
    if name is None:
        return None
    lex = ctx.lex
    month = lex.months.get(_key(name))
    if month is None:
        return None
    partner = _g(m, b) or _g(m, c)
    if partner is not None and lex.months.get(_key(partner)) == month:
        return month, True
    return month, False


def _key(s: str) -> str:
    return " ".join(s.split())


def _marker_dir(ctx: _Ctx, mk: str | None) -> str | None:
    if mk is None:
        return None
    for role in ("past", "future", "current", "pre_past", "pre_future", "pre_current"):
        if ctx.lex.has(mk, role):
            return role.removeprefix("pre_")
    return None


def _rel_year(m: re.Match[str], ctx: _Ctx) -> int | None:
    """"من العام الماضي" / "من هذا العام" / "من نهاية العام الجاري" after a month."""
    if _g(m, "ry") is None:
        return None
    if _g(m, "rythis") is not None:
        return ctx.pub.year
    d = _marker_dir(ctx, _g(m, "rymk"))
    return ctx.pub.year + {"past": -1, "future": 1}.get(d or "current", 0)


def _year_of(m: re.Match[str], ctx: _Ctx) -> int | None:
    y = _g(m, "y")
    if y is None:
        return None
    v = int(y)
    return v if 1900 <= v <= ctx.pub.year + 30 else -1


def _h_abs(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """Day (or day range) + month [+ year].

    "04 نوفمبر 2021", "من 1 إلى 5 حزيران", "31 ديسمبر/ كانون الأول".
    """
    mm = _month_of(m, ctx, "m1", "m1b", "m1c")
    if mm is None:
        return None
    month = mm[0]
    od = _g(m, "od")
    d = ctx.lex.ordinals.get(_key(od), 0) if od is not None else int(m.group("d"))
    d1 = int(m.group("d1")) if _g(m, "d1") else None
    year = _year_of(m, ctx)
    if year == -1:
        return None
    rel_year = _rel_year(m, ctx)
    direction = _marker_dir(ctx, _g(m, "mk"))
    future = direction == "future"
    explicit = year is not None
    relative = False
    if year is None and rel_year is not None:
        year, relative = rel_year, True
    if year is None and direction == "current":  # "31 ديسمبر الجاري": this month of this year
        year, relative = ctx.pub.year, True
    # "من 1 إلى 5 حزيران": d1 is the first day; a written day with an inferred year stays "resolved"
    first, last = (d1, d) if d1 is not None else (d, None)
    return _day_or_range(m, ctx, month, first, last, year, future, relative, explicit)


def _day_or_range(m: re.Match[str], ctx: _Ctx, month: int, first: int, last: int | None, year: int | None,
                  future: bool, relative: bool, explicit: bool) -> _Cand | None:
    """A day ("5 June") or a day range ("1 to 5 June") of ``month``; a year the text does not write is
    inferred from the first day (the most recent before publication, or the next when a future cue)."""
    if year is None:
        inferred = _day_month_year(ctx.pub, month, first, future or ctx.future_cue(_start(m)))
        if inferred is None:
            return None
        year = inferred.year
    day = _safe_date(year, month, first)
    end = _safe_date(year, month, last) if last is not None else None
    if day is None or (last is not None and (end is None or last <= first)):
        return None
    deadline = _is_deadline(m, ctx)
    kind = "deadline" if deadline else "absolute"
    return _Cand(_start(m), m.end(), day, end, "range" if end else "day", kind, future, relative,
                 year_explicit=explicit, deadline=deadline)


def _h_mdy(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """English "April 18, 2021", "on June 5", "April 3-5"."""
    month = ctx.lex.months.get(_key(m.group("m1")))
    if month is None:
        return None
    d = int(m.group("d"))
    d2 = int(m.group("d2")) if _g(m, "d2") else None
    year = _year_of(m, ctx)
    if year == -1:
        return None
    explicit = year is not None
    future = _marker_dir(ctx, _g(m, "pmk")) == "future"
    return _day_or_range(m, ctx, month, d, d2, year, future, False, explicit)


def _h_num(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """"2021/06/05", "2021-06-05", "05/06/2021" (day first, as the Arabic press writes)."""
    if _g(m, "Y"):
        y, mo, d = int(m.group("Y")), int(m.group("M")), int(m.group("D"))
    else:
        a, b, y = int(m.group("a")), int(m.group("b")), int(m.group("Y2"))
        d, mo = a, b
        if b > 12 >= a:  # "06/25/2021": only month-first reading is valid
            d, mo = b, a
    if not 1900 <= y <= 2100:
        return None
    day = _safe_date(y, mo, d)
    if day is None:
        return None
    deadline = _is_deadline(m, ctx)
    return _Cand(_start(m), m.end(), day, None, "day", "deadline" if deadline else "absolute",
                 deadline=deadline)


def _h_month(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """Month(s) without a day: "أبريل الماضي", "نهاية تموز/ يوليو الماضي", "شهري يوليو وأغسطس المقبلين"."""
    lex = ctx.lex
    first = _month_of(m, ctx, "m1", "m1b", "m1c")
    if first is None:
        return None
    second = _month_of(m, ctx, "m2", "m2b", "m2c")
    year = _year_of(m, ctx)
    if year == -1:
        return None
    rel_year = _rel_year(m, ctx)
    direction = _marker_dir(ctx, _g(m, "mk")) or _marker_dir(ctx, _g(m, "pmk"))
    part = lex.role_in(_g(m, "part"), "part_")
    name1 = _key(m.group("m1"))
    context = (first[1] or second is not None or year is not None or rel_year is not None
               or direction is not None or part is not None or _g(m, "mw") is not None
               or _g(m, "dl") is not None)
    if not context and name1 in lex.ambiguous_months:
        return None  # "مارس" (he practised), "آب" (father), "may": only taken with context
    if not context and lex.month_lang.get(name1) == "en" and _g(m, "pin") is None:
        return None  # a bare English month name needs "in July"/"last July"
    m1 = first[0]
    relative = year is None  # no written year: resolved against publication
    future = direction == "future"
    if year is None and rel_year is not None:
        year = rel_year
    if second is None:
        if year is None:
            if direction is None:
                direction = "upcoming" if ctx.future_cue(_start(m)) else "recent"
            year = _month_year(ctx.pub, m1, direction)
        if part is not None:
            a, b = _part_of_month(year, m1, part)
            prec = "range"
        else:
            a, b = _month_span(year, m1)
            prec = "month"
    else:
        m2 = second[0]
        if year is not None:  # the year is written after the second month
            y2 = year
            y1 = y2 if m1 <= m2 else y2 - 1
        elif direction == "future" or (direction is None and ctx.future_cue(_start(m))):
            y1 = _month_year(ctx.pub, m1, "future" if direction else "upcoming")
            y2 = y1 if m2 >= m1 else y1 + 1
        else:
            y2 = _month_year(ctx.pub, m2, direction or "recent")
            y1 = y2 if m1 <= m2 else y2 - 1
        a, b = _month_span(y1, m1)[0], _month_span(y2, m2)[1]
        prec = "range"
    deadline = _is_deadline(m, ctx)
    cur = part == "part_late" and (direction == "current" or _g(m, "rythis") is not None)
    return _Cand(_start(m), m.end(), a, b, prec, "deadline" if deadline else "month", future,
                 relative, end_of_current=cur, year_explicit=not relative, deadline=deadline)


def _h_weekday(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """"الأحد", "مساء الأحد", "اليوم الخميس", "الأحد المقبل", "on Sunday", "last Sunday"."""
    wd = ctx.lex.weekdays.get(_key(m.group("wd")))
    if wd is None:
        return None
    direction = _marker_dir(ctx, _g(m, "mk")) or _marker_dir(ctx, _g(m, "pmk"))
    mode = {"future": "future", "past": "strict"}.get(direction or "", "past")
    day = _weekday_date(ctx.pub, wd, mode)
    deadline = _is_deadline(m, ctx)
    return _Cand(_start(m), m.end(), day, None, "day", "deadline" if deadline else "weekday",
                 future=mode == "future", relative=True, wide_in_older=True, deadline=deadline,
                 weekday=wd if direction is None else None)


def _h_relday(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """"اليوم", "أمس", "أول أمس", "مساء اليوم", "الليلة الماضية", "yesterday", "غدا"."""
    hit = ctx.lex.relative["day"].get(_key(m.group("rel")))
    if hit is None:
        return None
    pats = _patterns()
    if pats.day_not_after.match(ctx.norm, m.end()) or pats.day_not_before.search(
            ctx.norm, max(0, m.start() - 12), _start(m)):
        return None  # "اليوم التالي" (the next day), "في ذلك اليوم" (on that day)
    day = ctx.pub + dt.timedelta(days=hit[1])
    deadline = _is_deadline(m, ctx)
    return _Cand(_start(m), m.end(), day, None, "day", "deadline" if deadline else "relative",
                 future=hit[1] > 0, relative=True, wide_in_older=True, deadline=deadline)


def _h_relunit(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """"الشهر الماضي", "العام الجاري", "هذا العام", "نهاية العام", "بنهاية العام", "next month"."""
    lex = ctx.lex
    unit = lex.relative["unit"].get(_key(m.group("u")))
    if unit is None:
        return None
    part = lex.role_in(_g(m, "part"), "part_")
    direction = _marker_dir(ctx, _g(m, "mk")) or _marker_dir(ctx, _g(m, "pre"))
    if direction is None:
        if part is None:
            return None  # "العام" alone is an adjective ("الرأي العام"), not a date
        direction = "current"
    pub = ctx.pub
    shift = {"past": -1, "future": 1}.get(direction, 0)
    u = unit[0]
    if u == "month":
        y, mo = _add_months(pub.year, pub.month, shift)
        if part:
            a, b = _part_of_month(y, mo, part)
            prec = "range"
        else:
            (a, b), prec = _month_span(y, mo), "month"
    elif u == "year":
        y = pub.year + shift
        if part:
            (a, b), prec = _part_of_year(y, part), "range"
        else:
            a, b, prec = dt.date(y, 1, 1), dt.date(y, 12, 31), "year"
    else:  # week: the Iraqi week runs Sunday..Saturday
        sunday = pub - dt.timedelta(days=(pub.weekday() + 1) % 7) + dt.timedelta(days=7 * shift)
        a, b, prec = sunday, sunday + dt.timedelta(days=6), "range"
    deadline = _is_deadline(m, ctx)
    return _Cand(_start(m), m.end(), a, b, prec, "deadline" if deadline else "relative",
                 future=shift > 0, relative=True,
                 end_of_current=part == "part_late" and shift == 0, deadline=deadline)


def _h_plural(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """"خلال الأشهر الماضية", "الأيام المقبلة", "the past few months": a window at publication."""
    word = _g(m, "pl") or _g(m, "pl2")
    if word is None:
        return None
    hit = ctx.lex.relative["plural"].get(_key(word))
    if hit is None:
        return None
    direction = _marker_dir(ctx, _g(m, "mk")) or _marker_dir(ctx, _g(m, "pmk"))
    if direction not in ("past", "future"):
        return None
    unit, n = hit
    pub = ctx.pub
    if direction == "past":
        if unit == "month":
            y, mo = _add_months(pub.year, pub.month, -n)
            a = dt.date(y, mo, 1)
        elif unit == "year":
            a = dt.date(pub.year - n, 1, 1)
        else:
            a = pub - dt.timedelta(days=n * (7 if unit == "week" else 1))
        return _Cand(_start(m), m.end(), a, pub, "range", "relative", relative=True)
    if unit == "month":
        y, mo = _add_months(pub.year, pub.month, n)
        b = dt.date(y, mo, _last_day(y, mo))
    elif unit == "year":
        b = dt.date(pub.year + n, 12, 31)
    else:
        b = pub + dt.timedelta(days=n * (7 if unit == "week" else 1))
    return _Cand(_start(m), m.end(), pub + dt.timedelta(days=1), b, "range", "relative",
                 future=True, relative=True)


def _h_year(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """"عام 2020", "في 2020", "منذ عام 2014", "نهاية 2021", "1445 هـ"."""
    lex = ctx.lex
    y = int(m.group("y"))
    suf = _g(m, "suf")
    part = lex.role_in(_g(m, "part"), "part_")
    deadline = _is_deadline(m, ctx)
    if suf is not None and lex.has(suf, "hijri_suffix"):
        if not 1300 <= y <= 1500:
            return None
        a = hijri_to_gregorian(y)
        b = hijri_to_gregorian(y + 1) - dt.timedelta(days=1)
        return _Cand(_start(m), m.end(), a, b, "range", "deadline" if deadline else "hijri",
                     deadline=deadline)
    has_context = any(_g(m, g) is not None for g in ("dl", "part", "since", "in", "yw", "suf"))
    start = _start(m)
    if _g(m, "since") is not None:  # the span starts after "منذ", which find_dates reports as since=True
        start = next(m.start(g) for g in ("in", "yw", "y") if _g(m, g) is not None)
    if not has_context or not 1900 <= y <= ctx.pub.year + 30:
        return None
    y2 = int(m.group("y2")) if _g(m, "y2") else None
    if y2 is not None and y < y2 <= ctx.pub.year + 30:  # "بين عامي 2003 و2011"
        a, b, prec = dt.date(y, 1, 1), dt.date(y2, 12, 31), "range"
    elif y2 is not None:
        return None
    elif part:
        (a, b), prec = _part_of_year(y, part), "range"
    else:
        a, b, prec = dt.date(y, 1, 1), dt.date(y, 12, 31), "year"
    return _Cand(start, m.end(), a, b, prec, "deadline" if deadline else "year", deadline=deadline)


def _h_ago(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """"قبل يومين", "منذ 3 أيام", "بعد أسبوع", "3 days ago"."""
    lex = ctx.lex
    cu = _g(m, "cu") or _g(m, "cu2")
    if cu is None:
        return None
    hit = lex.relative["count"].get(_key(cu))
    if hit is None:
        return None
    unit, n = hit
    num = _g(m, "n") or _g(m, "n2")
    if num is not None and num.isdigit():
        n = int(num)
    elif num is not None:  # "a week ago"
        n = max(n, 1)
    if n <= 0 or n > 400:
        return None
    sign = 1 if lex.has(_g(m, "ago"), "after_future") else -1
    pub = ctx.pub
    if unit == "day":
        d = pub + dt.timedelta(days=sign * n)
        a, b, prec = d, None, "day"
    elif unit == "week":  # "a week ago" is not a precise day: give +-3 days
        c = pub + dt.timedelta(days=sign * 7 * n)
        a, b, prec = c - dt.timedelta(days=3), c + dt.timedelta(days=3), "range"
    elif unit == "month":
        y, mo = _add_months(pub.year, pub.month, sign * n)
        (a, b), prec = _month_span(y, mo), "month"
    else:
        a, b, prec = dt.date(pub.year + sign * n, 1, 1), dt.date(pub.year + sign * n, 12, 31), "year"
    return _Cand(_start(m), m.end(), a, b, prec, "relative", future=sign > 0, relative=True,
                 wide_in_older=unit in ("day", "week"))


# ------------------------------------------------------------------------------------------------
# Patterns


@dataclass(frozen=True)
class _Patterns:
    generators: tuple[tuple[re.Pattern[str], Handler], ...]
    head: tuple[tuple[re.Pattern[str], Handler], ...]  # explicit-date generators for date lines
    future_cue: re.Pattern[str]
    anchor: re.Pattern[str]
    merge_to: re.Pattern[str]
    merge_and: re.Pattern[str]
    before_between: re.Pattern[str]
    before_since: re.Pattern[str]
    day_not_after: re.Pattern[str]
    day_not_before: re.Pattern[str]
    older: re.Pattern[str]


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    """Compile every regex once from the lexicon."""
    lex = lexicon()
    w = lex.words

    def alt(*roles: str) -> str:
        return trie_alt([x for r in roles for x in w.get(r, [])])

    def word(*roles: str) -> str:
        return alt(*roles) + r"(?!\w)"

    month = trie_alt(list(lex.months)) + r"(?!\w)"
    month_en = trie_alt([k for k, v in lex.month_lang.items() if v == "en"]) + r"(?!\w)"
    weekday = trie_alt(list(lex.weekdays)) + r"(?!\w)"
    post = word("past", "future", "current")
    pre = word("pre_past", "pre_future", "pre_current")
    part = word("part_early", "part_mid", "part_late")
    ordinal = trie_alt(list(lex.ordinals)) + r"(?!\w)"
    year_noun = trie_alt([k for k, (u, _) in lex.relative["unit"].items() if u == "year"]) + r"(?!\w)"

    lb = r"(?<![\w/.\-])"
    cl = rf"(?P<cl>{alt('clitic')})?"
    dl = rf"(?:(?P<dl>{word('deadline')})\s+)?"
    sep = r"(?:\s*-\s*|\s+)"

    def monthx(s: str) -> str:
        """A month, possibly doubled: "تموز/ يوليو", "نيسان أبريل", "يونيو (حزيران)"."""
        return (rf"(?P<m{s}>{month})(?:\s*[/\\(–\-]\s*(?P<m{s}b>{month})(?:\s*\))?"
                rf"|\s+(?P<m{s}c>{month}))?")

    year_num = rf"(?:(?:{word('of')}\s+)?(?:(?P<yw>{word('year_word')})\s+)?(?P<y>\d{{4}})(?!\d)" \
               rf"(?:\s*{word('ad_suffix')})?)"
    rel_year = (rf"(?P<ry>(?:{word('of')}\s+)?(?:{part}\s+)?"
                rf"(?:(?P<rythis>{word('pre_current')})\s+{year_noun}"
                rf"|{year_noun}\s+(?P<rymk>{post})))")
    yearspec = rf"(?:[\s،,]*(?:{year_num}|{rel_year}))?"
    wkphrase = (rf"(?:{word('part_of_day')}\s+)?(?:(?:{word('today', 'on')})\s+)?"
                rf"(?:(?:{word('part_of_day', 'day_word')})\s+)?{weekday}(?:\s+{word('part_of_day')})?")
    wkpfx = rf"(?:{wkphrase}[\s،,]+(?:{word('corresponding')}\s+)?)?"

    g_abs = (rf"{lb}{cl}{dl}{wkpfx}(?:(?P<part>{part})\s+)?(?:{word('from', 'between')}\s+)?"
             rf"(?:(?P<d1>\d{{1,2}})\s*(?:{alt('to', 'and')}|[-–])\s*)?"
             rf"(?:(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)\s*(?:{word('of')}\s+)?"
             rf"|(?P<od>{ordinal})\s+{word('of')}\s+)(?:{word('month_word')}\s+)?"
             rf"{monthx('1')}{yearspec}(?:\s+(?P<mk>{post}))?")
    g_mdy = (rf"{lb}{cl}{dl}{wkpfx}(?:(?P<part>{part}){sep})?(?:(?P<pmk>{pre})\s+)?"
             rf"(?P<m1>{month_en})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)"  # "Jan. 20"
             rf"(?:(?:\s*[-–]\s*|\s+{word('to')}\s+)(?P<d2>\d{{1,2}})(?!\d))?"
             rf"(?:\s*,?\s*(?P<y>\d{{4}})(?!\d))?")
    g_num = (rf"{lb}{cl}{dl}{wkpfx}"
             rf"(?:(?P<Y>\d{{4}})(?P<s1>[/.\-])(?P<M>\d{{1,2}})(?P=s1)(?P<D>\d{{1,2}})"
             rf"|(?P<a>\d{{1,2}})(?P<s2>[/.\-])(?P<b>\d{{1,2}})(?P=s2)(?P<Y2>\d{{4}}))(?![\d/])")
    g_month = (rf"{lb}{cl}{dl}(?:(?P<pin>{word('in')})\s+)?(?:(?P<part>{part}){sep}(?:{word('of')}\s+)?)?"
               rf"(?:(?P<pmk>{pre})\s+)?(?:(?P<mw>{word('month_word')})\s+)?"
               rf"{monthx('1')}(?:\s*(?:{alt('and')}|[,،])\s*{monthx('2')})?{yearspec}"
               rf"(?:\s+(?P<mk>{post}))?")
    g_weekday = (rf"{lb}{cl}{dl}(?:(?P<pmk>{pre})\s+)?(?:{word('part_of_day')}\s+)?"
                 rf"(?:(?:{word('today', 'on')})\s+)?(?:(?:{word('part_of_day', 'day_word')})\s+)?"
                 rf"(?P<wd>{weekday})"
                 rf"(?:\s+(?P<mk>{post}))?(?:\s+{word('part_of_day')})?")
    day_rel = trie_alt(list(lex.relative["day"])) + r"(?!\w)"
    g_relday = (rf"{lb}{cl}{dl}(?:(?:{word('part_of_day', 'day_word')})\s+)?(?P<rel>{day_rel})"
                rf"(?:\s+{word('part_of_day')})?")
    unit = trie_alt(list(lex.relative["unit"])) + r"(?!\w)"
    g_relunit = (rf"{lb}{cl}{dl}(?:(?P<part>{part}){sep}(?:{word('of')}\s+)?)?(?:{word('det')}\s+)?"
                 rf"(?:(?P<pre>{pre})\s+)?(?P<u>{unit})(?:\s+(?P<mk>{post}))?")
    plural = trie_alt(list(lex.relative["plural"])) + r"(?!\w)"
    g_plural = (rf"{lb}{cl}(?:{word('in')}\s+)?(?:{word('det')}\s+)?"
                rf"(?:(?P<pl>{plural})\s+(?P<mk>{post})"
                rf"|(?P<pmk>{pre})\s+(?:{word('few')}\s+)?(?P<pl2>{plural}))")
    g_year = (rf"{lb}{cl}{dl}(?:(?P<part>{part}){sep}(?:{word('of')}\s+)?)?"
              rf"(?:(?P<since>{word('since')})\s+)?(?:(?P<in>{word('in')})\s+)?"
              rf"(?:(?P<yw>{word('year_word')})\s+)?(?P<y>\d{{4}})(?!\d)"
              rf"(?:\s*(?P<suf>{word('ad_suffix', 'hijri_suffix')}))?"
              rf"(?:\s*(?:{alt('to', 'and')}|[-–])\s*(?P<y2>\d{{4}})(?!\d)(?:\s*{word('ad_suffix')})?)?")
    count = trie_alt(list(lex.relative["count"])) + r"(?!\w)"
    g_ago = (rf"{lb}{cl}(?:(?P<ago>{word('ago_past', 'after_future')})\s+(?:(?P<n>\d{{1,3}})\s+)?"
             rf"(?P<cu>{count})(?!\s*\d)"
             rf"|(?P<n2>\d{{1,3}}|{word('one')})\s+(?P<cu2>{count})\s+{word('ago_post')})")

    def c(p: str) -> re.Pattern[str]:
        return re.compile(p)

    gens: tuple[tuple[re.Pattern[str], Handler], ...] = (
        (c(g_abs), _h_abs),
        (c(g_mdy), _h_mdy),
        (c(g_num), _h_num),
        (c(g_month), _h_month),
        (c(g_weekday), _h_weekday),
        (c(g_relday), _h_relday),
        (c(g_relunit), _h_relunit),
        (c(g_plural), _h_plural),
        (c(g_year), _h_year),
        (c(g_ago), _h_ago),
    )
    cues = trie_alt(w.get("future_cue", []))
    return _Patterns(
        generators=gens,
        head=gens[:3],
        future_cue=c(rf"(?<!\w){cl}{cues}(?!\w)"),
        # every date expression contains one of these: a month, weekday or period word, a year,
        # or a numeric date; only the text around them is scanned by the generators
        anchor=c(rf"(?<![^\W\d])(?:{alt('clitic')})?"  # a digit may touch a month: "5آب"
                 rf"{trie_alt([*lex.months, *lex.weekdays, *(k for t in lex.relative.values() for k in t)])}"
                 rf"(?!\w)|\d{{4}}|\d{{1,4}}[/.\-]\d"),
        merge_to=c(rf"\s*(?:{alt('to')}|[-–])\s*"),
        merge_and=c(rf"\s*{alt('and')}\s*"),
        before_between=c(rf"(?<!\w)(?:{alt('clitic')})?{alt('from', 'between')}\s+$"),
        before_since=c(rf"(?<!\w)(?:{alt('clitic')})?{alt('since')}\s+$"),
        day_not_after=c(rf"\s+{word('day_not_after')}"),
        day_not_before=c(rf"(?<!\w){word('day_not_before')}\s+$"),
        older=c(rf"(?m)^[^\w\n]*(?:(?P<h>{alt('older_heading')})[^\w\n]*$"
                rf"|(?P<p>{alt('older_prefix')})(?!\w))"),
    )


# ------------------------------------------------------------------------------------------------
# Selection and resolution


_BEFORE, _AFTER = 80, 60  # chars of context a generator may need around an anchor
_WS = re.compile(r"\s")


def _regions(norm: str) -> list[tuple[int, int]]:
    r"""Stretches of ``norm`` around date anchors, merged; the generators scan only these.

    Regions end at whitespace so no word is cut (a cut word would pass ``(?!\w)``). A date
    expression whose words are separated by more than ~60 blank characters may be missed.
    """
    out: list[tuple[int, int]] = []
    for m in _patterns().anchor.finditer(norm):
        lo, hi = max(0, m.start() - _BEFORE), m.end() + _AFTER
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    n = len(norm)
    snapped: list[tuple[int, int]] = []
    for lo, hi in out:
        if hi >= n:
            hi = n
        else:
            ws = _WS.search(norm, hi)
            hi = ws.start() if ws else n
        if snapped and lo <= snapped[-1][1]:
            snapped[-1] = (snapped[-1][0], hi)
        else:
            snapped.append((lo, hi))
    return snapped


def _candidates(norm: str, pub: dt.date, gens: tuple[tuple[re.Pattern[str], Handler], ...]) -> list[_Cand]:
    ctx = _Ctx(norm, pub, lexicon(), {})
    out: list[_Cand] = []
    regions = _regions(norm)
    for pat, handler in gens:
        for m in (m for lo, hi in regions for m in pat.finditer(norm, lo, hi)):
            try:
                cand = handler(m, ctx)
            except (ValueError, OverflowError):  # a date pushed outside 1..9999: not a date
                continue
            if cand is not None and cand.nend > cand.nstart:
                out.append(cand)
    return out


def _select(cands: list[_Cand]) -> list[_Cand]:
    """Non-overlapping, longest first (ties: earlier start, then generator order)."""
    order = sorted(range(len(cands)), key=lambda i: (-(cands[i].nend - cands[i].nstart), cands[i].nstart, i))
    taken: list[tuple[int, int]] = []
    chosen: list[_Cand] = []
    for i in order:
        c = cands[i]
        if any(c.nstart < e and s < c.nend for s, e in taken):
            continue
        taken.append((c.nstart, c.nend))
        chosen.append(c)
    chosen.sort(key=lambda c: c.nstart)
    return chosen


def _merge_ranges(norm: str, spans: list[_Cand]) -> list[_Cand]:
    """"من 28 تموز إلى 3 آب 2024", "بين 3 آب و5 أيلول", "June 3 to June 5": two day dates -> one range."""
    pats = _patterns()
    out: list[_Cand] = []
    i = 0
    while i < len(spans):
        a = spans[i]
        if i + 1 < len(spans):
            b = spans[i + 1]
            gap = norm[a.nend : b.nstart]
            ok = a.precision == "day" and b.precision == "day" and a.kind in ("absolute", "deadline") \
                and b.kind in ("absolute", "deadline")
            between = pats.before_between.search(norm[max(0, a.nstart - 20) : a.nstart]) is not None
            if ok and (pats.merge_to.fullmatch(gap) or (between and pats.merge_and.fullmatch(gap))):
                start = a.date
                if not a.year_explicit and b.year_explicit:  # "من 28 تموز إلى 3 آب 2024"
                    same_year = (a.date.month, a.date.day) <= (b.date.month, b.date.day)
                    y = b.date.year if same_year else b.date.year - 1
                    start = _safe_date(y, a.date.month, a.date.day) or a.date
                if start < b.date:
                    out.append(_Cand(a.nstart, b.nend, start, b.date, "range", b.kind, a.future or b.future,
                                     a.relative and b.relative, year_explicit=b.year_explicit,
                                     deadline=a.deadline or b.deadline))
                    i += 2
                    continue
        out.append(a)
        i += 1
    return out


_ANCHOR_REACH = 600  # normalized chars: how far back an explicit date anchors a bare weekday


def _anchor_weekdays(spans: list[_Cand], pub: dt.date) -> None:
    """A bare weekday repeating the weekday of a recent explicit date is that date.

    "ويوم الأربعاء 31 تموز 2024، أفاد ... يوم الأربعاء" (published Thursday 15 August): the
    second Wednesday is 31 July, not 14 August. A day word (اليوم/أمس) in between re-anchors
    the reader on the publication date and breaks the chain.
    """
    anchor: _Cand | None = None
    reach = 0  # end of the anchor's chain (the anchor or the last weekday it resolved)
    for c in spans:
        if c.precision == "day" and c.year_explicit and not c.relative and c.date <= pub:
            anchor, reach = c, c.nend
        elif c.weekday is not None and anchor is not None:
            if c.nstart - reach <= _ANCHOR_REACH and anchor.date.weekday() == c.weekday:
                c.date, c.relative, c.wide_in_older = anchor.date, False, False
                reach = c.nend
            else:
                anchor = None
        elif c.relative and c.precision == "day":
            anchor = None


def older_item_start(pub: dt.date) -> dt.date:
    """Start of the window for an unresolvable weekday in older items: Jan 1 of the publication
    year, or 90 days back when that is earlier (an article of early January)."""
    return min(dt.date(pub.year, 1, 1), pub - dt.timedelta(days=90))


_wide_start = older_item_start  # the extractor's earlier import name


def _finish(c: _Cand, ctx: _Ctx, in_older: bool) -> tuple[dt.date, dt.date | None, str, str, bool]:
    """Status, capping and the older-items rule -> (date, end_date, precision, status, resolved)."""
    pub = ctx.pub
    date, end, prec = c.date, c.end_date, c.precision
    resolved = True
    if in_older and c.relative:
        resolved = False
        if c.wide_in_older:
            if c.future:
                date, end = _wide_start(pub), pub + dt.timedelta(days=365)
            else:
                date, end = _wide_start(pub), pub
            prec = "range"
    last = end or date
    planned = (
        date > pub
        or (c.future and last >= pub)
        or (c.end_of_current and last > pub)  # "نهاية العام الجاري" said before that end
        or (last >= pub and (c.deadline or last > pub) and ctx.future_cue(c.nstart))
    )
    if not planned and end is not None and end > pub:
        end = pub  # occurred: the period cannot extend past the report
    return date, end, prec, "planned" if planned else "occurred", resolved


LINE_BREAK = "\u00b6"  # a pilcrow: neither a space nor a word character to the patterns


def find_dates(
    text: str,
    published: dt.date,
    *,
    older_from: int | None = None,
    normalized: tuple[str, list[int]] | None = None,
) -> list[DateSpan]:
    """All date expressions, sorted by start, non-overlapping (longest wins).

    Weekdays and اليوم/أمس/الماضي are resolved against ``published``. Spans at offsets
    >= ``older_from`` (appended older stories, see ``older_items_offset``) are not resolved
    against the page date: weekdays/day words get ``resolved=False`` and a wide range, explicit
    dates are unaffected. ``normalized`` may pass a precomputed ``normalize_with_map(text)``.
    Never raises on arbitrary text.
    """
    if not text:
        return []
    norm, index = normalized if normalized is not None else normalize_with_map(text)
    # A date never spans a line break ("صباح السبت" ending a headline, then the date line): a
    # one-character stand-in that \s does not match keeps every offset where it was.
    norm = norm.replace("\n", LINE_BREAK)
    pats = _patterns()
    ctx = _Ctx(norm, published, lexicon(), {})
    chosen = _merge_ranges(norm, _select(_candidates(norm, published, pats.generators)))
    _anchor_weekdays(chosen, published)
    out: list[DateSpan] = []
    for c in chosen:
        s, e = original_span(index, c.nstart, c.nend)
        in_older = older_from is not None and s >= older_from
        date, end, prec, status, resolved = _finish(c, ctx, in_older)
        since = pats.before_since.search(norm, max(0, c.nstart - 12), c.nstart) is not None
        out.append(DateSpan(s, e, text[s:e], date, end, prec, status, c.kind, resolved, since))
    return out


def older_items_offset(text: str) -> int | None:
    """Offset where appended older stories begin ("أخبار أخرى", "اقرأ أيضا", "Read also"...), or None.

    The heading must open a line (after optional punctuation/bullets): the same words inside a
    sentence are prose, not a heading.
    """
    if not text:
        return None
    norm, index = normalize_with_map(text)
    m = _patterns().older.search(norm)
    if m is None:
        return None
    g = "h" if m.group("h") is not None else "p"
    return original_span(index, m.start(g), m.end(g))[0]


def parse_date_line(text: str) -> dt.date | None:
    """A publication date line near the head of an article (first ~600 chars): "04 نوفمبر 2021",
    "السبت 2021/06/05", "18 ابريل 2021", "2021-06-05", "June 5, 2021". Only full dates with a
    written year count; the first one wins. None when there is none."""
    head = text[:600] if text else ""
    if not head:
        return None
    norm, _ = normalize_with_map(head)
    cands = [c for c in _candidates(norm, dt.date(2100, 1, 1), _patterns().head)
             if c.precision == "day" and c.year_explicit]
    if not cands:
        return None

    def alone(c: _Cand) -> bool:
        """The date is (nearly) all of its line: a date line, not a date in a title."""
        lo = norm.rfind("\n", 0, c.nstart) + 1
        hi = norm.find("\n", c.nend)
        line = norm[lo : hi if hi >= 0 else len(norm)]
        return len(line.strip()) - (c.nend - c.nstart) <= 14  # room for "- 10:30" or "Published:"

    cands.sort(key=lambda c: (not alone(c), c.nstart, -(c.nend - c.nstart)))
    return cands[0].date

