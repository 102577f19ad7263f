"""Every date regex, compiled once from the lexicon and paired with its handler."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .handlers import Handler, h_abs, h_ago, h_mdy, h_month, h_num, h_plural, h_relday, h_relunit, h_weekday, h_year
from .lexicon import lexicon, trie_alt


@dataclass(frozen=True)
class Patterns:
    generators: tuple[tuple[re.Pattern[str], Handler], ...]
    head: tuple[tuple[re.Pattern[str], Handler], ...]  # explicit-date generators for date lines
    future_cue: re.Pattern[str]
    anchor: re.Pattern[str]
    # each generator's own anchor (a superset of what any of its matches must contain): a generator scans
    # only the text around its anchors, not around every date word (most find nothing in most regions)
    anchors: dict[re.Pattern[str], re.Pattern[str]]
    merge_to: re.Pattern[str]
    merge_and: re.Pattern[str]
    before_between: re.Pattern[str]
    before_since: re.Pattern[str]
    day_not_after: re.Pattern[str]
    day_not_before: re.Pattern[str]
    older: re.Pattern[str]


@lru_cache(maxsize=1)
def compiled() -> Patterns:
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
    post = word("past", "future", "current", "same")
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
             rf"(?:(?:ال)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)\s*(?:{word('of')}\s+)?"  # "الـ19 من آذار"
             rf"|(?P<od>{ordinal})\s+{word('of')}\s+)(?:{word('month_word')}\s+)?"
             rf"{monthx('1')}{yearspec}(?:\s+(?P<mk>{post}))?")
    g_mdy = (rf"{lb}{cl}{dl}{wkpfx}(?:(?P<part>{part}){sep})?(?:(?P<pmk>{pre})\s+)?"
             rf"(?P<m1>{month_en})(?:\.\s*|\s+)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)"  # "Jan. 20", "Sept.11"
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
                 rf"(?:(?:{word('today', 'on')})(?:\s+|\s*\(\s*))?(?:(?:{word('part_of_day', 'day_word')})\s+)?"
                 rf"(?P<wd>{weekday})"
                 rf"(?:\s+(?P<mk>{post}))?(?:\s+{word('part_of_day')})?")
    day_rel = trie_alt(list(lex.relative["day"])) + r"(?!\w)"
    g_relday = (rf"{lb}{cl}{dl}(?:(?:{word('part_of_day', 'day_word')})\s+)?(?P<rel>{day_rel})"
                rf"(?:\s+{word('part_of_day')})?")
    unit = trie_alt(list(lex.relative["unit"])) + r"(?!\w)"
    g_relunit = (rf"{lb}{cl}{dl}(?:(?P<part>{part}){sep}(?:{word('of')}\s+)?)?"
                 # a day of that month: "الـ15 من الشهر الجاري", "the 15th of last month"
                 rf"(?:(?:ال)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)\s+(?:{word('of')}\s+)?)?"
                 rf"(?:{word('det')}\s+)?"
                 rf"(?:(?P<pre>{pre})\s+)?(?P<u>{unit})(?:\s+(?P<mk>{post}))?")
    plural = trie_alt(list(lex.relative["plural"])) + r"(?!\w)"
    cardinal = trie_alt(list(lex.cardinals)) + r"(?!\w)"
    # ("الأيام الثلاثة الماضية", "the past two weeks": a window of that many units)
    g_plural = (rf"{lb}{cl}(?:{word('in')}\s+)?(?:{word('det')}\s+)?"
                rf"(?:(?P<pl>{plural})(?:\s+(?:ال)?(?P<pn>{cardinal}))?\s+(?P<mk>{post})"
                rf"|(?P<pmk>{pre})\s+(?:{word('few')}\s+|(?P<pn2>{cardinal})\s+)?(?P<pl2>{plural}))")
    g_year = (rf"{lb}{cl}{dl}(?:(?P<part>{part}){sep}(?:{word('of')}\s+)?)?"
              rf"(?:(?P<since>{word('since')})\s+)?(?:(?P<in>{word('in')})\s+)?"
              rf"(?:(?P<yw>{word('year_word')})\s+)?(?P<y>\d{{4}})(?!\d)"
              rf"(?:\s*(?P<suf>{word('ad_suffix', 'hijri_suffix')}))?"
              rf"(?:\s*(?:{alt('to', 'and')}|[-–])\s*(?P<y2>\d{{4}})(?!\d)(?:\s*{word('ad_suffix')})?)?")
    count = trie_alt(list(lex.relative["count"])) + r"(?!\w)"
    # ("قبل نحو أسبوع", "منذ حوالي ثلاثة أيام": a hedge before the count; "two weeks ago")
    g_ago = (rf"{lb}{cl}(?:(?P<ago>{word('ago_past', 'after_future')})\s+(?:(?P<hedge>{word('ago_hedge')})\s+)?"
             rf"(?:(?P<n>\d{{1,3}}|{cardinal})\s+)?"
             rf"(?P<cu>{count})(?!\s*\d)"
             rf"|(?P<n2>\d{{1,3}}|{word('one')}|{cardinal})\s+(?P<cu2>{count})\s+{word('ago_post')})")

    def c(p: str) -> re.Pattern[str]:
        return re.compile(p)

    gens: tuple[tuple[re.Pattern[str], Handler], ...] = (
        (c(g_abs), h_abs),
        (c(g_mdy), h_mdy),
        (c(g_num), h_num),
        (c(g_month), h_month),
        (c(g_weekday), h_weekday),
        (c(g_relday), h_relday),
        (c(g_relunit), h_relunit),
        (c(g_plural), h_plural),
        (c(g_year), h_year),
        (c(g_ago), h_ago),
    )
    months_any = c(trie_alt(list(lex.months)))
    own: dict[Handler, re.Pattern[str]] = {  # what every match of each generator contains
        h_abs: months_any, h_month: months_any,
        h_mdy: c(trie_alt([k for k, v in lex.month_lang.items() if v == "en"])),
        h_num: c(r"\d{1,4}[/.\-]\d"), h_year: c(r"\d{4}"),
        h_weekday: c(trie_alt(list(lex.weekdays))),
        h_relday: c(trie_alt(list(lex.relative["day"]))), h_relunit: c(trie_alt(list(lex.relative["unit"]))),
        h_plural: c(trie_alt(list(lex.relative["plural"]))), h_ago: c(trie_alt(list(lex.relative["count"]))),
    }
    cues = trie_alt(w.get("future_cue", []))
    return Patterns(
        generators=gens,
        head=gens[:3],
        anchors={pat: own[handler] for pat, handler in gens},
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
