"""Dates in Arabic (and English) news, resolved against the article's publication date.

``find_dates(text, published)`` finds every date expression the press writes: explicit dates
("04 نوفمبر 2021", "2021/06/05", "31 ديسمبر/ كانون الأول 2021", "April 18, 2021"), months with
the double Levantine/MSA names ("تموز/ يوليو", "آذار مارس ونيسان أبريل الماضيين"), weekdays
("مساء الأحد", "اليوم الخميس"), relative words ("أمس", "الشهر الماضي", "نهاية العام الجاري",
"خلال الأشهر الماضية") and deadlines ("بحلول", "لغاية 31 ديسمبر"). Each becomes a ``DateSpan``
with offsets into the original text, a date (the start of the period), an inclusive end date
for periods, a precision and a status ("planned" for the future).

How it works: one ``normalize_with_map`` pass, a handful of compiled regexes built from the CSV
lexicons in ``geo/dates/data/*.csv`` (no spelling lives in this code), one small handler per
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

import datetime as dt
import re
from bisect import bisect_left

from gazetteer.normalize import normalize_with_map, original_span

from .days import last_day, safe_date
from .handlers import Cand, Ctx, Handler
from .lexicon import DateLexicon, lexicon
from .patterns import compiled
from .spans import DateSpan

_BEFORE, _AFTER = 80, 60  # chars of context a generator may need around an anchor
_WS = re.compile(r"\s")


def _regions(norm: str, anchor: re.Pattern[str] | None = None) -> list[tuple[int, int]]:
    r"""Stretches of ``norm`` around date anchors, merged; the generators scan only these.

    Regions end at whitespace so no word is cut (a cut word would pass ``(?!\w)``). A date
    expression whose words are separated by more than ~60 blank characters may be missed.
    """
    out: list[tuple[int, int]] = []
    for m in (anchor or compiled().anchor).finditer(norm):
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


def _candidates(norm: str, pub: dt.date, gens: tuple[tuple[re.Pattern[str], Handler], ...]) -> list[Cand]:
    pats = compiled()
    ctx = Ctx(norm, pub, lexicon(), {}, pats)
    out: list[Cand] = []
    by_anchor: dict[re.Pattern[str], list[tuple[int, int]]] = {}
    for pat, handler in gens:
        anchor = pats.anchors.get(pat, pats.anchor)
        regions = by_anchor.get(anchor)
        if regions is None:
            regions = by_anchor[anchor] = _regions(norm, anchor)
        for m in (m for lo, hi in regions for m in pat.finditer(norm, lo, hi)):
            try:
                cand = handler(m, ctx)
            except (ValueError, OverflowError):  # a date pushed outside 1..9999: not a date
                continue
            if cand is not None and cand.nend > cand.nstart:
                out.append(cand)
    return out


def _select(cands: list[Cand]) -> list[Cand]:
    """Non-overlapping, longest first (ties: earlier start, then generator order)."""
    order = sorted(range(len(cands)), key=lambda i: (-(cands[i].nend - cands[i].nstart), cands[i].nstart, i))
    # The taken spans are disjoint, so sorted by start they are sorted by end too: only the last one that
    # starts before a candidate ends can overlap it (one bisection, not a scan of all: that was quadratic).
    starts: list[int] = []
    ends: list[int] = []
    chosen: list[Cand] = []
    for i in order:
        c = cands[i]
        k = bisect_left(starts, c.nend)
        if k and ends[k - 1] > c.nstart:
            continue
        starts.insert(k, c.nstart)
        ends.insert(k, c.nend)
        chosen.append(c)
    chosen.sort(key=lambda c: c.nstart)
    return chosen


_OVERNIGHT_GAP = re.compile(r"\s*/?\s*")


def _merge_ranges(norm: str, spans: list[Cand]) -> list[Cand]:
    """"من 28 تموز إلى 3 آب 2024", "بين 3 آب و5 أيلول", "June 3 to June 5": two day dates -> one range."""
    pats = compiled()
    out: list[Cand] = []
    i = 0
    while i < len(spans):
        a = spans[i]
        if i + 1 < len(spans):
            b = spans[i + 1]
            gap = norm[a.nend : b.nstart]
            if (a.kind == b.kind == "weekday" and (b.date - a.date).days == 1
                    and (_OVERNIGHT_GAP.fullmatch(gap) or pats.merge_to.fullmatch(gap))):
                # "ليل الأربعاء الخميس", "ليلة الثلاثاء/الأربعاء": overnight, both days are right
                out.append(Cand(a.nstart, b.nend, a.date, b.date, "range", "weekday", a.future or b.future,
                                a.relative and b.relative, a.wide_in_older or b.wide_in_older))
                i += 2
                continue
            ok = a.precision == "day" and b.precision == "day" and a.kind in ("absolute", "deadline") \
                and b.kind in ("absolute", "deadline")
            between = pats.before_between.search(norm[max(0, a.nstart - 20) : a.nstart]) is not None
            if ok and (pats.merge_to.fullmatch(gap) or (between and pats.merge_and.fullmatch(gap))):
                start = a.date
                if not a.year_explicit and b.year_explicit:  # "من 28 تموز إلى 3 آب 2024"
                    same_year = (a.date.month, a.date.day) <= (b.date.month, b.date.day)
                    y = b.date.year if same_year else b.date.year - 1
                    start = safe_date(y, a.date.month, a.date.day) or a.date
                if start < b.date:
                    out.append(Cand(a.nstart, b.nend, start, b.date, "range", b.kind, a.future or b.future,
                                     a.relative and b.relative, year_explicit=b.year_explicit,
                                     deadline=a.deadline or b.deadline))
                    i += 2
                    continue
        out.append(a)
        i += 1
    return out


_ANCHOR_REACH = 600  # normalized chars: how far back an explicit date anchors a bare weekday


def _anchor_weekdays(spans: list[Cand], pub: dt.date) -> None:
    """A bare weekday repeating the weekday of a recent explicit date is that date.

    "ويوم الأربعاء 31 تموز 2024، أفاد ... يوم الأربعاء" (published Thursday 15 August): the
    second Wednesday is 31 July, not 14 August. A day word (اليوم/أمس) in between re-anchors
    the reader on the publication date and breaks the chain.
    """
    anchor: Cand | None = None
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


def _finish(c: Cand, ctx: Ctx, in_older: bool) -> tuple[dt.date, dt.date | None, str, str, bool]:
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
    pats = compiled()
    ctx = Ctx(norm, published, lexicon(), {}, compiled())
    chosen = _merge_ranges(norm, _select(_candidates(norm, published, pats.generators)))
    _anchor_weekdays(chosen, published)
    _same_month(norm, chosen)
    out: list[DateSpan] = []
    lex = lexicon()
    for c in chosen:
        s, e = original_span(index, c.nstart, c.nend)
        if _lowercase_month(text[s:e], lex):
            continue  # "Tower 22 may have been": an English month the writer did not capitalise is a word
        in_older = older_from is not None and s >= older_from
        date, end, prec, status, resolved = _finish(c, ctx, in_older)
        since = pats.before_since.search(norm, max(0, c.nstart - 12), c.nstart) is not None
        out.append(DateSpan(s, e, text[s:e], date, end, prec, status, c.kind, resolved, since))
    return out


def _same_month(norm: str, chosen: list[Cand]) -> None:
    """"انسحبت في 19 آذار ... وفي 26 من الشهر ذاته": the day is in the month of the last date before it
    (day or month precision, in the text order); with none before, the cand is dropped."""
    prev: Cand | None = None
    for c in sorted(chosen, key=lambda c: c.nstart):
        if c.same_month:
            if prev is None:
                chosen.remove(c)
                continue
            y, mo = prev.date.year, prev.date.month
            day = min(c.date.day, last_day(y, mo))
            c.date = dt.date(y, mo, day)
            c.same_month = False
        elif c.precision in ("day", "month"):
            prev = c


_LATIN_WORD = re.compile(r"[A-Za-z]+")


def _lowercase_month(span: str, lex: DateLexicon) -> bool:
    """True when ``span`` reads an ambiguous English month ("may", "march") written in lower case."""
    return any(w.islower() and w in lex.ambiguous_months and lex.month_lang.get(w) == "en"
               for w in _LATIN_WORD.findall(span))


def older_items_offset(text: str, normalized: tuple[str, list[int]] | None = None) -> int | None:
    """Offset where appended older stories begin ("أخبار أخرى", "اقرأ أيضا", "Read also"...), or None.

    The heading must open a line (after optional punctuation/bullets): the same words inside a
    sentence are prose, not a heading.
    """
    if not text:
        return None
    norm, index = normalized or normalize_with_map(text)
    m = compiled().older.search(norm)
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
    cands = [c for c in _candidates(norm, dt.date(2100, 1, 1), compiled().head)
             if c.precision == "day" and c.year_explicit]
    if not cands:
        return None

    def alone(c: Cand) -> bool:
        """The date is (nearly) all of its line: a date line, not a date in a title."""
        lo = norm.rfind("\n", 0, c.nstart) + 1
        hi = norm.find("\n", c.nend)
        line = norm[lo : hi if hi >= 0 else len(norm)]
        return len(line.strip()) - (c.nend - c.nstart) <= 14  # room for "- 10:30" or "Published:"

    cands.sort(key=lambda c: (not alone(c), c.nstart, -(c.nend - c.nstart)))
    return cands[0].date
