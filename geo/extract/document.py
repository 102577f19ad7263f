"""The article as the extractor sees it: normalised once, with its tokens, cues, places and dates."""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

from gazetteer import find_places, get_place, resolve
from gazetteer.models import Mention, Place
from gazetteer.normalize import normalize_with_offsets

from ..core.data import read_rows
from ..core.settings import HOME_COUNTRY
from ..dates import DateSpan, find_dates, older_items_offset
from .clauses import Span
from .tokens import DATA_DIR, Hit, Token, tokenize, triggers

OTHERS_WINDOW = 4  # tokens between a foreign-forces word and the state it names ("القوات الروسية")


@dataclass
class Document:
    """One article read once: normalised once, tokenised, with its cues, places and dates."""

    text: str
    published: dt.date
    source: str
    tokens: list[Token]
    hits: list[Hit]
    mentions: list[Mention]
    dates: list[DateSpan]
    older_from: int | None
    main_country: Place | None

    def __post_init__(self) -> None:
        # hits and spans sorted by position, so a clause takes its share with two bisections
        self.hits.sort(key=lambda h: (h.first, h.last))
        self._hit_firsts = [h.first for h in self.hits]
        self._token_starts = [t.start for t in self.tokens]
        self._date_starts = [d.start for d in self.dates]
        self._mention_starts = [m.start for m in self.mentions]
        self.date_tokens = frozenset(
            i for d in self.dates
            for i in range(self.token_at(d.start), self.token_at(d.end))
        )
        # The article's foreign forces are all another state's ("بدء موسكو في مغادرة قاعدتها"): it names
        # Russian, Turkish or Israeli ones, and each word it has for foreign forces stands by such a name
        # ("المستشارين والجنود الروس"), or it has none.
        others = [h.first for h in self.hits if h.entry.role == "other_actor"]
        context = [h.first for h in self.hits if h.entry.role == "context"]
        self.others_forces = bool(others) and len(others) >= len(context) and all(
            any(abs(o - c) <= OTHERS_WINDOW for o in others) for c in context)

    def token_at(self, pos: int) -> int:
        """Index of the first token starting at or after ``pos`` (as ``token_index``, without a key per step)."""
        return bisect_left(self._token_starts, pos)

    def has_role(self, i: int, role: str) -> bool:
        """True when a cue of ``role`` starts at token ``i``."""
        return any(h.entry.role == role for h in self.hits_between(i, i))

    def hits_between(self, t0: int, t1: int) -> list[Hit]:
        """Hits whose first token is in ``t0..t1``."""
        return self.hits[bisect_left(self._hit_firsts, t0) : bisect_right(self._hit_firsts, t1)]

    def dates_in(self, span: Span) -> list[DateSpan]:
        return self.dates[bisect_left(self._date_starts, span.start) : bisect_left(self._date_starts, span.end)]

    def story(self, pos: int) -> tuple[int, int]:
        """The span of the story ``pos`` is in: the page's own, or the appended older stories."""
        if self.older_from is not None and pos >= self.older_from:
            return self.older_from, len(self.text)
        return 0, self.older_from if self.older_from is not None else len(self.text)

    def mentions_before(self, pos: int) -> list[Mention]:
        return self.mentions[: bisect_left(self._mention_starts, pos)]

    def mentions_in(self, span: Span) -> list[Mention]:
        lo = bisect_left(self._mention_starts, span.start)
        return self.mentions[lo : bisect_left(self._mention_starts, span.end)]


def token_index(tokens: list[Token], pos: int) -> int:
    """Index of the first token starting at or after ``pos``."""
    return bisect_left(tokens, pos, key=lambda t: t.start)


def main_country(mentions: list[Mention]) -> Place | None:
    """The country the article is about: the most-mentioned country among all mentions' countries."""
    votes: Counter[str] = Counter()
    by_code: dict[str, Place] = {}
    for m in mentions:
        # a named base or town says more about where the story is than a country used as an actor
        if m.place.kind == "country":
            by_code[m.place.country] = m.place
            votes[m.place.country] += 1
        elif m.place.country:
            votes[m.place.country] += 2
    # The collection is about the home country: it wins whenever a place in it is named beyond the
    # country itself; otherwise ties go to it ("القوات الأميركية ... الفصائل الموالية لإيران").
    if any(m.place.country == HOME_COUNTRY and m.place.kind != "country" for m in mentions):
        ranked = [HOME_COUNTRY]
    else:
        ranked = sorted(votes, key=lambda c: (-votes[c], c != HOME_COUNTRY))
    for code in ranked:
        if code in by_code:
            return by_code[code]
        try:
            return get_place(f"country:{code}")
        except KeyError:
            continue
    return None


def with_marked_places(text: str, tokens: list[Token], hits: list[Hit], mentions: list[Mention]) -> list[Mention]:
    """Add places the curated list lacks but a marker names ("قضاء الرميثة", "ناحية الإسكندرية"):
    the word after the marker is resolved with the whole gazetteer, GeoNames included."""
    taken = [(m.start, m.end) for m in mentions]
    extra: list[Mention] = []
    for h in hits:
        if h.entry.role != "place_marker":
            continue
        i = h.last + 1
        if i >= len(tokens) or any(a <= tokens[i].start < b for a, b in taken):
            continue
        two_words = i + 1 < len(tokens) and tokens[i + 1].start - tokens[i].end <= 2
        for j in ((i + 1, i) if two_words else (i,)):  # "ابو غريب" before "ابو"
            start, end = tokens[i].start, tokens[j].end
            place = resolve(text[start:end])
            if place is not None and place.precision in {"site", "city", "district"}:
                extra.append(Mention(start, end, text[start:end], place))
                taken.append((start, end))
                break
    return sorted([*mentions, *extra], key=lambda m: m.start) if extra else mentions


# A wire dateline opens a line: a few words (the filing place, maybe a date), the agency in brackets, a dash:
# "BAGHDAD, Feb 8 (Reuters) -", "بغداد، العراق (CNN)--". The place there is where the report was filed.
_DATELINE = re.compile(
    r"(?m)^[^\n()]{1,60}\([^()\n]{1,20}\)[^\S\n]*[-–—]+"  # "بغداد (الأناضول) -", "BAGHDAD, Feb 8 (Reuters) -"
    r"|^[A-Z][A-Z.'\-]+(?: [A-Z][A-Z.'\-]+){0,2}(?:,[^\n—–]{0,30})?[^\S\n]+[—–-]+[^\S\n]"  # "SULAIMANI — "
    r"|^[A-Z][A-Z.'\-]+(?: [A-Z][A-Z.'\-]+){0,2}:[^\S\n]"  # "FALLUJAH: " (Arab News)
    r"|^[\u0621-\u064a]+(?: [\u0621-\u064a]+)?[^\S\n]*[-–—][^\S\n]"  # "بغداد - ", "دير الزور – "
    r"|^[^\S\n]*date \d{4}-\d{2}-\d{2}(?!\d)"  # a saved page's own stamp, "date 2025-08-20" before the headline
)


_Found = TypeVar("_Found", Mention, DateSpan)
FILED_DAYS = 2  # a page may come out this many days after its wire dateline


@cache
def _agency_dateline() -> re.Pattern[str]:
    """A line opening with a few words and a wire agency's name in brackets, no dash after it (agencies.csv)."""
    names = sorted((r["name"] for r in read_rows(DATA_DIR / "agencies.csv")), key=len, reverse=True)
    return re.compile(r"(?m)^[^\n()]{1,60}\((?:" + "|".join(map(re.escape, names)) + r")\)(?=[^\S\n]+\S)")


def dateline_spans(text: str) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in _DATELINE.finditer(text)]
    taken = {a for a, _ in spans}
    return sorted(spans + [(m.start(), m.end()) for m in _agency_dateline().finditer(text) if m.start() not in taken])


def outside_datelines(found: list[_Found], spans: list[tuple[int, int]]) -> list[_Found]:
    """The place mentions or dates that start outside the wire datelines (``dateline_spans``): a dateline
    names where the report was filed and when, not where or when its events happened."""
    if not spans:
        return found
    return [x for x in found if not any(a <= x.start < b for a, b in spans)]


@cache
def coalition_sites() -> frozenset[str]:
    """Places that are the coalition's own besides its bases (hosts.csv: airports with a coalition section,
    the embassy, the Green Zone)."""
    return frozenset(r["place_id"] for r in read_rows(DATA_DIR / "hosts.csv"))


def coalition_place(place: Place) -> bool:
    """One of the coalition's own places: a base, or a site of ``coalition_sites``."""
    return place.is_base or place.id in coalition_sites()


@cache
def _capitals() -> dict[str, str]:
    return {r["country"]: r["place_id"] for r in read_rows(DATA_DIR / "capitals.csv")}


def with_capital(text: str, tokens: list[Token], hits: list[Hit], mentions: list[Mention],
                 country: Place | None) -> list[Mention]:
    """"العاصمة" / "the capital" with no place named right after it: the capital of the article's country."""
    capital_id = _capitals().get(country.country) if country is not None else None
    if capital_id is None:
        return mentions
    starts = {m.start for m in mentions}
    extra = []
    for h in hits:
        if h.entry.role != "capital_word":
            continue
        nxt = tokens[h.last + 1].start if h.last + 1 < len(tokens) else None
        if nxt in starts:
            continue  # "العاصمة بغداد": the name is there
        first, last = tokens[h.first], tokens[h.last]
        if any(m.start <= first.start < m.end for m in mentions):
            continue
        extra.append(Mention(first.start, last.end, text[first.start:last.end], get_place(capital_id)))
    return sorted([*mentions, *extra], key=lambda m: m.start) if extra else mentions


_BASE_JOINS = {"at", "in", "near", "of", "في", "ب"}


def with_named_bases(text: str, tokens: list[Token], hits: list[Hit], mentions: list[Mention]) -> list[Mention]:
    """A town named as the place of a base ("the air base at Balad", "مطار في أربيل") is that base when the
    gazetteer knows one by the town's name ("Balad Air Base", "Erbil airport")."""
    words = {h.first: h for h in hits if h.entry.role == "base_word"}
    out = []
    for m in mentions:
        if m.place.precision not in {"city", "district"} or not words:
            out.append(m)
            continue
        i = bisect_left(tokens, m.start, key=lambda t: t.start)
        j = i - 1
        if j >= 0 and tokens[j].norm in _BASE_JOINS:
            j -= 1
        base = words.get(j)
        if base is not None:
            word = text[tokens[base.first].start : tokens[base.last].end]
            wider = text[tokens[base.first - 1].start : tokens[base.last].end] if base.first else word  # "air base"
            site = next((p for name in (f"{m.surface} {word}", f"{word} {m.surface}", f"{m.surface} {wider}")
                         if (p := resolve(name)) is not None and p.precision == "site"), None)
            if site is not None:
                m = Mention(m.start, m.end, m.surface, site)
        out.append(m)
    return out


def filed_on(text: str, published: dt.date, lines: list[tuple[int, int]]) -> dt.date:
    """The report day: a wire dateline's own day when the page came out a day or two after it ("Baghdad,
    Feb 16 (IANS)" on a page of Feb 17: "tonight (Monday)" is Feb 15); else the publication date."""
    if not lines:
        return published
    a, b = lines[0]
    for d in find_dates(text[:b], published):
        if a <= d.start < b and d.precision == "day" and 0 < (published - d.date).days <= FILED_DAYS:
            return d.date
    return published


def read_document(text: str, published: dt.date, source: str) -> Document | None:
    """The article with everything found in it, or None when it names neither foreign forces nor a base
    or airport they use (a withdrawal there is from parliament, an attack is on anyone: out of this map's scope).

    The text is normalised here, once; the tokenizer, the place finder and the date finder share it.
    """
    norm, offsets = normalize_with_offsets(text)
    index = offsets.to_list(len(norm))
    tokens = tokenize(text, (norm, index))
    hits = triggers().find(tokens)
    lines = dateline_spans(text)
    found = outside_datelines(find_places(text, normalized=(norm, offsets)), lines)
    mentions = with_named_bases(text, tokens, hits, with_marked_places(text, tokens, hits, found))
    # an airport with a coalition section counts only for an attack on it: flights and teams leave it too
    attacked = any(h.entry.type == "attack" and h.entry.role == "trigger" for h in hits)
    if not any(h.entry.role == "context" for h in hits) and not any(
            m.place.is_base or (attacked and m.place.id in coalition_sites()) for m in mentions):
        return None
    older = older_items_offset(text, normalized=(norm, index))
    published = filed_on(text, published, lines)
    country = main_country(mentions)
    mentions = with_capital(text, tokens, hits, mentions, country)
    return Document(
        text=text,
        published=published,
        source=source,
        tokens=tokens,
        hits=hits,
        mentions=mentions,
        dates=outside_datelines(find_dates(text, published, older_from=older, normalized=(norm, index)), lines),
        older_from=older,
        main_country=country,
    )
