"""One handler per date pattern: a regex match becomes a candidate span."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .days import (
    add_months,
    day_month_year,
    hijri_to_gregorian,
    last_day,
    month_span,
    month_year,
    part_of_month,
    part_of_year,
    safe_date,
    weekday_date,
)
from .lexicon import DateLexicon, lexicon_key

if TYPE_CHECKING:
    from .patterns import Patterns




@dataclass(slots=True)
class Cand:
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
    same_month: bool = False  # "26 من الشهر ذاته": a day of the month of the date told before


@dataclass(slots=True)
class Ctx:
    norm: str
    pub: dt.date
    lex: DateLexicon
    cue_cache: dict[int, bool]
    pats: Patterns  # the compiled regexes (``patterns.compiled()``), which pair with these handlers

    def future_cue(self, pos: int) -> bool:
        """A future verb/cue in the same clause shortly before ``pos`` ("سينتهي بنهاية ...")."""
        hit = self.cue_cache.get(pos)
        if hit is None:
            lo = max(0, pos - 70)
            window = self.norm[lo:pos]
            cut = max(window.rfind(ch) for ch in ".!?؟\n،;:")
            if cut >= 0:
                window = window[cut + 1 :]
            hit = self.pats.future_cue.search(window) is not None
            self.cue_cache[pos] = hit
        return hit


Handler = Callable[[re.Match[str], Ctx], "Cand | None"]


def _g(m: re.Match[str], name: str) -> str | None:
    return m.groupdict().get(name)


def _start(m: re.Match[str]) -> int:
    """Span start without the attached clitic ("واليوم" -> "اليوم")."""
    return m.end("cl") if _g(m, "cl") is not None else m.start()


def _is_deadline(m: re.Match[str], ctx: Ctx) -> bool:
    """"بحلول/لغاية/حتى ..." or "بنهاية" (a "by" clitic on a part word)."""
    if _g(m, "dl") is not None:
        return True
    return ctx.lex.has(_g(m, "cl"), "by_clitic") and ctx.lex.role_in(_g(m, "part"), "part_") == "part_late"


def _month_of(m: re.Match[str], ctx: Ctx, a: str, b: str, c: str) -> tuple[int, bool] | None:
    """Month number from a (possibly double) month group; second value: a partner name was given."""
    name = _g(m, a)
    if name is None:
        return None
    lex = ctx.lex
    month = lex.months.get(_spaced(name))
    if month is None:
        return None
    partner = _g(m, b) or _g(m, c)
    if partner is not None and lex.months.get(_spaced(partner)) == month:
        return month, True
    return month, False


def _spaced(s: str) -> str:
    """A matched group (already normalized) in lexicon-key form: single spaces."""
    return " ".join(s.split())


def _marker_dir(ctx: Ctx, mk: str | None) -> str | None:
    if mk is None:
        return None
    for role in ("past", "future", "current", "pre_past", "pre_future", "pre_current"):
        if ctx.lex.has(mk, role):
            return role.removeprefix("pre_")
    return None


def _rel_year(m: re.Match[str], ctx: Ctx) -> int | None:
    """"من العام الماضي" / "من هذا العام" / "من نهاية العام الجاري" after a month."""
    if _g(m, "ry") is None:
        return None
    if _g(m, "rythis") is not None:
        return ctx.pub.year
    d = _marker_dir(ctx, _g(m, "rymk"))
    return ctx.pub.year + {"past": -1, "future": 1}.get(d or "current", 0)


def _year_of(m: re.Match[str], ctx: Ctx) -> int | None:
    y = _g(m, "y")
    if y is None:
        return None
    v = int(y)
    return v if 1900 <= v <= ctx.pub.year + 30 else -1


def h_abs(m: re.Match[str], ctx: Ctx) -> Cand | None:
    """Day (or day range) + month [+ year].

    "04 نوفمبر 2021", "من 1 إلى 5 حزيران", "31 ديسمبر/ كانون الأول".
    """
    mm = _month_of(m, ctx, "m1", "m1b", "m1c")
    if mm is None:
        return None
    month = mm[0]
    od = _g(m, "od")
    d = ctx.lex.ordinals.get(_spaced(od), 0) if od is not None else int(m.group("d"))
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


def _day_or_range(m: re.Match[str], ctx: Ctx, month: int, first: int, last: int | None, year: int | None,
                  future: bool, relative: bool, explicit: bool) -> Cand | None:
    """A day ("5 June") or a day range ("1 to 5 June") of ``month``; a year the text does not write is
    inferred from the first day (the most recent before publication, or the next when a future cue)."""
    if year is None:
        inferred = day_month_year(ctx.pub, month, first, future or ctx.future_cue(_start(m)))
        if inferred is None:
            return None
        year = inferred.year
    day = safe_date(year, month, first)
    end = safe_date(year, month, last) if last is not None else None
    if day is None or (last is not None and (end is None or last <= first)):
        return None
    deadline = _is_deadline(m, ctx)
    kind = "deadline" if deadline else "absolute"
    return Cand(_start(m), m.end(), day, end, "range" if end else "day", kind, future, relative,
                 year_explicit=explicit, deadline=deadline)


def h_mdy(m: re.Match[str], ctx: Ctx) -> Cand | None:
    """English "April 18, 2021", "on June 5", "April 3-5"."""
    month = ctx.lex.months.get(_spaced(m.group("m1")))
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


def h_num(m: re.Match[str], ctx: Ctx) -> Cand | None:
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
    day = safe_date(y, mo, d)
    if day is None:
        return None
    deadline = _is_deadline(m, ctx)
    return Cand(_start(m), m.end(), day, None, "day", "deadline" if deadline else "absolute",
                 deadline=deadline)


def h_month(m: re.Match[str], ctx: Ctx) -> Cand | None:
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
    name1 = _spaced(m.group("m1"))
    context = (first[1] or second is not None or year is not None or rel_year is not None
               or direction is not None or part is not None or _g(m, "mw") is not None
               or _g(m, "dl") is not None)
    english, pinned = lex.month_lang.get(name1) == "en", _g(m, "pin") is not None
    if not context and name1 in lex.ambiguous_months and not (english and pinned):
        # "مارس" (he practised), "آب" (father), "may": only taken with context ("in May": a capital M is
        # checked by find_dates)
        return None
    if not context and english and not pinned:
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
            year = month_year(ctx.pub, m1, direction)
        if part is not None:
            a, b = part_of_month(year, m1, part)
            prec = "range"
        else:
            a, b = month_span(year, m1)
            prec = "month"
    else:
        m2 = second[0]
        if year is not None:  # the year is written after the second month
            y2 = year
            y1 = y2 if m1 <= m2 else y2 - 1
        elif direction == "future" or (direction is None and ctx.future_cue(_start(m))):
            y1 = month_year(ctx.pub, m1, "future" if direction else "upcoming")
            y2 = y1 if m2 >= m1 else y1 + 1
        else:
            y2 = month_year(ctx.pub, m2, direction or "recent")
            y1 = y2 if m1 <= m2 else y2 - 1
        a, b = month_span(y1, m1)[0], month_span(y2, m2)[1]
        prec = "range"
    deadline = _is_deadline(m, ctx)
    cur = part == "part_late" and (direction == "current" or _g(m, "rythis") is not None)
    return Cand(_start(m), m.end(), a, b, prec, "deadline" if deadline else "month", future,
                 relative, end_of_current=cur, year_explicit=not relative, deadline=deadline)


def h_weekday(m: re.Match[str], ctx: Ctx) -> Cand | None:
    """"الأحد", "مساء الأحد", "اليوم الخميس", "الأحد المقبل", "on Sunday", "last Sunday"."""
    wd = ctx.lex.weekdays.get(_spaced(m.group("wd")))
    if wd is None:
        return None
    direction = _marker_dir(ctx, _g(m, "mk")) or _marker_dir(ctx, _g(m, "pmk"))
    mode = {"future": "future", "past": "strict"}.get(direction or "", "past")
    day = weekday_date(ctx.pub, wd, mode)
    deadline = _is_deadline(m, ctx)
    return Cand(_start(m), m.end(), day, None, "day", "deadline" if deadline else "weekday",
                 future=mode == "future", relative=True, wide_in_older=True, deadline=deadline,
                 weekday=wd if direction is None else None)


def h_relday(m: re.Match[str], ctx: Ctx) -> Cand | None:
    """"اليوم", "أمس", "أول أمس", "مساء اليوم", "الليلة الماضية", "yesterday", "غدا"."""
    hit = ctx.lex.relative["day"].get(_spaced(m.group("rel")))
    if hit is None:
        return None
    pats = ctx.pats
    if pats.day_not_after.match(ctx.norm, m.end()) or pats.day_not_before.search(
            ctx.norm, max(0, m.start() - 12), _start(m)):
        return None  # "اليوم التالي" (the next day), "في ذلك اليوم" (on that day)
    if hit[0] == "weekend":
        # "over the weekend": the last one before the report, as the copy's language counts it
        last = 6 if m.group("rel").isascii() else 5  # Sunday, or Saturday
        end = ctx.pub - dt.timedelta(days=(ctx.pub.weekday() - last) % 7)
        return Cand(_start(m), m.end(), end - dt.timedelta(days=1), end, "range", "relative",
                    relative=True, wide_in_older=True)
    day = ctx.pub + dt.timedelta(days=hit[1])
    deadline = _is_deadline(m, ctx)
    return Cand(_start(m), m.end(), day, None, "day", "deadline" if deadline else "relative",
                 future=hit[1] > 0, relative=True, wide_in_older=True, deadline=deadline)


def h_relunit(m: re.Match[str], ctx: Ctx) -> Cand | None:
    """"الشهر الماضي", "العام الجاري", "هذا العام", "نهاية العام", "بنهاية العام", "next month"."""
    lex = ctx.lex
    unit = lex.relative["unit"].get(_spaced(m.group("u")))
    if unit is None:
        return None
    part = lex.role_in(_g(m, "part"), "part_")
    direction = _marker_dir(ctx, _g(m, "mk")) or _marker_dir(ctx, _g(m, "pre"))
    day = _g(m, "d")
    if direction is None and day is not None and unit[0] == "month" and lex.has(_g(m, "mk"), "same"):
        # the month is filled in by find_dates from the date told before; the report's month meanwhile
        a = dt.date(ctx.pub.year, ctx.pub.month, min(int(day), last_day(ctx.pub.year, ctx.pub.month)))
        return Cand(_start(m), m.end(), a, None, "day", "relative", relative=True, same_month=True)
    if direction is None:
        if part is None:
            return None  # "العام" alone is an adjective ("الرأي العام"), not a date
        direction = "current"
    pub = ctx.pub
    shift = {"past": -1, "future": 1}.get(direction, 0)
    u = unit[0]
    if u == "month":
        y, mo = add_months(pub.year, pub.month, shift)
        if day is not None and 1 <= int(day) <= last_day(y, mo):
            a = b = dt.date(y, mo, int(day))  # "في الـ15 من الشهر الجاري": a day of that month
            return Cand(_start(m), m.end(), a, None, "day", "relative", future=a > pub, relative=True)
        if part:
            a, b = part_of_month(y, mo, part)
            prec = "range"
        else:
            (a, b), prec = month_span(y, mo), "month"
    elif u == "year":
        y = pub.year + shift
        if part:
            (a, b), prec = part_of_year(y, part), "range"
        else:
            a, b, prec = dt.date(y, 1, 1), dt.date(y, 12, 31), "year"
    else:  # week: the Iraqi week runs Sunday..Saturday
        sunday = pub - dt.timedelta(days=(pub.weekday() + 1) % 7) + dt.timedelta(days=7 * shift)
        a, b, prec = sunday, sunday + dt.timedelta(days=6), "range"
    deadline = _is_deadline(m, ctx)
    return Cand(_start(m), m.end(), a, b, prec, "deadline" if deadline else "relative",
                 future=shift > 0, relative=True,
                 end_of_current=part == "part_late" and shift == 0, deadline=deadline)


def h_plural(m: re.Match[str], ctx: Ctx) -> Cand | None:
    """"خلال الأشهر الماضية", "الأيام المقبلة", "the past few months": a window at publication."""
    word = _g(m, "pl") or _g(m, "pl2")
    if word is None:
        return None
    hit = ctx.lex.relative["plural"].get(_spaced(word))
    if hit is None:
        return None
    direction = _marker_dir(ctx, _g(m, "mk")) or _marker_dir(ctx, _g(m, "pmk"))
    if direction not in ("past", "future"):
        return None
    unit, n = hit
    counted = _g(m, "pn") or _g(m, "pn2")
    if counted is not None and lexicon_key(counted) in ctx.lex.cardinals and n != 1:
        n = ctx.lex.cardinals[lexicon_key(counted)]  # "the past two weeks" ("the past 24 hours" stays a day)
    pub = ctx.pub
    if direction == "past":
        if unit == "month":
            y, mo = add_months(pub.year, pub.month, -n)
            a = dt.date(y, mo, 1)
        elif unit == "year":
            a = dt.date(pub.year - n, 1, 1)
        else:
            a = pub - dt.timedelta(days=n * (7 if unit == "week" else 1))
        return Cand(_start(m), m.end(), a, pub, "range", "relative", relative=True)
    if unit == "month":
        y, mo = add_months(pub.year, pub.month, n)
        b = dt.date(y, mo, last_day(y, mo))
    elif unit == "year":
        b = dt.date(pub.year + n, 12, 31)
    else:
        b = pub + dt.timedelta(days=n * (7 if unit == "week" else 1))
    # "الأيام المقبلة", "the next few days": a future the text gives no date for
    return Cand(_start(m), m.end(), pub + dt.timedelta(days=1), b, "range", "vague",
                 future=True, relative=True)


def h_year(m: re.Match[str], ctx: Ctx) -> Cand | None:
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
        return Cand(_start(m), m.end(), a, b, "range", "deadline" if deadline else "hijri",
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
        (a, b), prec = part_of_year(y, part), "range"
    else:
        a, b, prec = dt.date(y, 1, 1), dt.date(y, 12, 31), "year"
    return Cand(start, m.end(), a, b, prec, "deadline" if deadline else "year", deadline=deadline)


def h_ago(m: re.Match[str], ctx: Ctx) -> Cand | None:
    """"قبل يومين", "منذ 3 أيام", "بعد أسبوع", "3 days ago"."""
    lex = ctx.lex
    cu = _g(m, "cu") or _g(m, "cu2")
    if cu is None:
        return None
    hit = lex.relative["count"].get(_spaced(cu))
    if hit is None:
        return None
    unit, n = hit
    num = _g(m, "n") or _g(m, "n2")
    if num is not None and num.isdigit():
        n = int(num)
    elif num is not None and lexicon_key(num) in lex.cardinals:  # "قبل ثلاثة أيام", "two weeks ago"
        if lex.has(_g(m, "ago"), "after_future"):
            return None  # "بعد ثلاثة أيام فقط من قصف": counted from another event, not from the report
        n = lex.cardinals[lexicon_key(num)]
    elif num is not None:  # "a week ago"
        n = max(n, 1)
    if n <= 0 or n > 400:
        return None
    sign = 1 if lex.has(_g(m, "ago"), "after_future") else -1
    pub = ctx.pub
    if unit == "day" and _g(m, "hedge") is not None:  # "قبل نحو ثلاثة أيام": about that day, give +-1
        d = pub + dt.timedelta(days=sign * n)
        a, b, prec = d - dt.timedelta(days=1), d + dt.timedelta(days=1), "range"
        if sign < 0:
            b = min(b, pub)
    elif unit == "day":
        d = pub + dt.timedelta(days=sign * n)
        a, b, prec = d, None, "day"
    elif unit == "week":  # "a week ago" is not a precise day: give +-3 days
        c = pub + dt.timedelta(days=sign * 7 * n)
        a, b, prec = c - dt.timedelta(days=3), c + dt.timedelta(days=3), "range"
    elif unit == "month":
        y, mo = add_months(pub.year, pub.month, sign * n)
        (a, b), prec = month_span(y, mo), "month"
    else:
        a, b, prec = dt.date(pub.year + sign * n, 1, 1), dt.date(pub.year + sign * n, 12, 31), "year"
    return Cand(_start(m), m.end(), a, b, prec, "relative", future=sign > 0, relative=True,
                 wide_in_older=unit in ("day", "week"))
