"""Events from an article: triggers (data) linked to places, dates and counts in the same clause.

Every word list lives in ``geo/lexicon/triggers.csv`` (roles: trigger, talk, irrealis, negation,
generic, planned, destination, origin, locative, locator, anaphor, clause_break, context, ...). An
article that names neither foreign forces nor a base they use gives no events (a withdrawal there is
from parliament). For each clause of each sentence:

1. trigger words give candidate event types; a wish, demand or opinion earlier in the clause, a
   negation or a demonstrative just before the trigger ("هذا الهجوم" refers back) cancels it; a habitual
   cue cancels attacks; some words count only next to a named site ("سلّم" is also "peace");
2. a plan/talk word just before a movement turns it into an agreement ("خطة لإعادة انتشار"), unless the
   movement has its own future verb ("under the plan, troops will leave ...": a planned withdrawal);
3. the date is the finest, nearest date of the clause (a deadline for a future verb), else a day date
   stated earlier in the sentence, else the previous sentence's day for "وقال/وأضاف" continuations, else
   the report date (or, inside appended older stories, an honest range ending at it);
4. places: locators ("الملاصق لمطار ...") and containers (the governorate of a named base) are dropped;
   foreign places count only where the text puts the event there ("في بروكسل"); a definite noun with no
   name ("المعسكر ذاته") points back to the last site named; for movements the place after "من" is the
   origin and the place after "باتجاه/إلى" the destination; presence and attacks give one event per
   named site; other events take the single most precise place, else the article's country;
5. events of one story that describe the same thing are merged (titles repeat the lead; an undated
   mention refers back to the dated one).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import logging
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gazetteer import find_places, precision_rank, resolve
from gazetteer.models import Mention, Place
from gazetteer.normalize import normalize_with_map

from .counts import find_counts
from .dates import DateSpan, find_dates, older_item_start, older_items_offset
from .errors import InputError
from .models import Event
from .patterns import Hit, Token, tokenize, triggers
from .segment import Span, clauses, sentences
from .settings import HOME_COUNTRY
from .taxonomy import MOVEMENT_TYPES, canonical_type

log = logging.getLogger("geo.extract")


def _rules_version() -> str:
    """"geo-" + a short hash of the rules (this code, the date finder, every lexicon and place list):
    it changes whenever extraction can change, so stored events say which rules made them."""
    root = Path(__file__).resolve().parent
    files = [root / "extract.py", root / "dates.py", root / "patterns.py", root / "counts.py",
             root / "segment.py", *sorted((root / "lexicon").glob("*.csv")),
             *sorted((root.parent / "gazetteer" / "data").glob("*.csv"))]
    h = hashlib.sha1()
    for f in files:
        with contextlib.suppress(OSError):
            h.update(f.read_bytes())
    return "geo-" + h.hexdigest()[:12]


EXTRACTOR_VERSION = _rules_version()

IRREALIS_WINDOW = 40  # tokens before a trigger (in its clause) in which a wish/demand cancels it
NEGATION_WINDOW = 3  # tokens before a trigger in which a negation cancels it
NOT_ATTACK_WINDOW = 3  # "صواريخ باتريوت": air defence next to a rocket word
TALK_WINDOW = 8  # tokens before a movement trigger in which a plan/talk word makes it an agreement
PLANNED_BEFORE, PLANNED_AFTER = 3, 2
DATE_MAX_CHARS = 140  # a clause date farther than this from the trigger belongs to something else
DESTINATION_WINDOW = 2  # tokens between a destination cue and the place
TO_IRAQI_WINDOW = 6  # tokens after a movement word in which "to Iraqi forces" makes it a handover
LOCATOR_WINDOW = 3
ANTECEDENT_MAX_CHARS = 2500  # how far back a definite noun ("القاعدة") may point
# One event per named site for these ("انسحبت من قاعدتي عين الأسد وحرير": two withdrawals).
_SITE_TYPES = {"presence", "attack", "airstrike", "withdrawal", "handover"}
# Processes: "بدأت القوات، منذ الأحد، سحب ..." dates their start with "منذ".
_PROCESS_TYPES = {"withdrawal", "redeployment", "handover"}
_DATE_RANK = {"day": 0, "range": 1, "month": 2, "year": 3}
_BASE_KINDS = {"air_base", "military_base", "base", "airport"}


@dataclass
class _Doc:
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
        self._date_starts = [d.start for d in self.dates]
        self._mention_starts = [m.start for m in self.mentions]
        self.date_tokens = frozenset(
            i for d in self.dates
            for i in range(_token_index(self.tokens, d.start), _token_index(self.tokens, d.end))
        )

    def has_role(self, i: int, role: str) -> bool:
        """True when a cue of ``role`` starts at token ``i``."""
        return any(h.entry.role == role for h in self.hits_between(i, i))

    def hits_between(self, t0: int, t1: int) -> list[Hit]:
        """Hits whose first token is in ``t0..t1``."""
        return self.hits[bisect_left(self._hit_firsts, t0) : bisect_right(self._hit_firsts, t1)]

    def dates_in(self, span: Span) -> list[DateSpan]:
        return self.dates[bisect_left(self._date_starts, span.start) : bisect_left(self._date_starts, span.end)]

    def mentions_in(self, span: Span) -> list[Mention]:
        lo = bisect_left(self._mention_starts, span.start)
        return self.mentions[lo : bisect_left(self._mention_starts, span.end)]


def _token_index(tokens: list[Token], pos: int) -> int:
    """Index of the first token starting at or after ``pos``."""
    return bisect_left(tokens, pos, key=lambda t: t.start)


def _main_country(mentions: list[Mention]) -> Place | None:
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
            from gazetteer import get_place

            return get_place(f"country:{code}")
        except KeyError:
            continue
    return None


def _with_marked_places(text: str, tokens: list[Token], hits: list[Hit], mentions: list[Mention]) -> list[Mention]:
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


def _contains(big: Place, small: Place) -> bool:
    """True when ``small`` lies inside ``big`` by the gazetteer's admin fields."""
    if big.id == small.id or precision_rank(big.precision) <= precision_rank(small.precision):
        return False
    if big.kind == "country":
        return bool(small.country) and small.country == big.country
    if big.precision == "governorate":
        return bool(small.province) and small.province == big.province
    if big.precision == "city" and small.precision == "site":
        return bool(small.province) and small.province == big.province
    return False


def _clause_breaks(doc: _Doc, sent: Span) -> list[int]:
    t0 = _token_index(doc.tokens, sent.start)
    t1 = _token_index(doc.tokens, sent.end) - 1
    return [doc.tokens[h.first].start for h in doc.hits_between(t0, t1) if h.entry.role == "clause_break"]


def _cue_near(hits: list[Hit], role: str, first: int, before: int, after: int = 0) -> bool:
    return any(h.entry.role == role and first - before <= h.last and h.first <= first + after and h.first != first
               for h in hits)


def _pick_date(doc: _Doc, clause: Span, sent: Span, anchor: int, etype: str,
               planned: bool = False) -> DateSpan | None:
    def key(d: DateSpan) -> tuple[bool, int, int]:
        # a future verb ("will end", "سينتهي") takes the deadline over the day it was announced
        return (planned and d.status != "planned", _DATE_RANK.get(d.precision, 4), abs(d.start - anchor))

    def usable(d: DateSpan) -> bool:
        # "منذ 2014" says since when a state holds; "قبل عام 2003" is before the event, not its date;
        # "بعد يوم من ..." counts from another event.
        if d.since and etype not in _PROCESS_TYPES:
            return False
        i = _token_index(doc.tokens, d.start)
        if d.status == "occurred" and (doc.has_role(i, "date_before") or (i and doc.has_role(i - 1, "date_before"))):
            return False
        j = _token_index(doc.tokens, d.end)
        return not (doc.has_role(i, "date_after") and doc.has_role(j, "date_of"))

    in_clause = [d for d in doc.dates_in(clause) if usable(d)
                 and abs(d.start - anchor) <= DATE_MAX_CHARS]
    if in_clause:
        return min(in_clause, key=key)
    # The report date of a sentence comes before its clauses ("وقال X، الأحد، إن ..."); a date after
    # this clause belongs to another clause's event.
    in_sent = [d for d in doc.dates_in(sent) if usable(d) and d.start < clause.start
               and d.precision == "day" and d.status == "occurred"]
    return min(in_sent, key=key) if in_sent else None


def _default_date(doc: _Doc, pos: int) -> tuple[dt.date, dt.date | None, str, str]:
    """The report date, or for an appended older story an honest range that ends at it."""
    if doc.older_from is not None and pos >= doc.older_from:
        return older_item_start(doc.published), doc.published, "range", ""
    return doc.published, None, "day", ""


def _places(doc: _Doc, clause: Span, etype: str, trig: Hit, toks: tuple[int, int]) -> tuple[list[Place], Place | None]:
    """(places of the event, destination) for a trigger in a clause."""
    ms = doc.mentions_in(clause)
    cue_hits = doc.hits_between(toks[0], toks[1])
    trig_pos = doc.tokens[trig.first].start

    def preceded_by(m: Mention, role: str, window: int) -> bool:
        i = _token_index(doc.tokens, m.start)
        return any(h.entry.role == role and i - window <= h.last < i for h in cue_hits)

    destination: Place | None = None
    if etype in MOVEMENT_TYPES:
        for m in ms:
            if m.start > trig_pos and preceded_by(m, "destination", DESTINATION_WINDOW):
                destination = m.place
                ms = [x for x in ms if x is not m]
                break
    kept = [m for m in ms if not preceded_by(m, "locator", LOCATOR_WINDOW)] or ms
    main = doc.main_country
    if main is not None:
        # Foreign capitals and countries are usually actors ("بين بغداد وواشنطن", "الولايات المتحدة"),
        # not where it happened: keep one only when the text places the event there ("في بروكسل").
        kept = [m for m in kept if m.place.country == main.country or m.place.precision == "site"
                or preceded_by(m, "locative", 2)
                or (etype in MOVEMENT_TYPES and preceded_by(m, "origin", 1))]
    if etype in MOVEMENT_TYPES:
        # A movement starts where the text says it came from ("من العراق"), else at a named site.
        origins = [m for m in kept if preceded_by(m, "origin", 1)]
        kept = origins or [m for m in kept if m.place.precision == "site"]
    places = list(dict.fromkeys(m.place for m in kept))
    places = [p for p in places if not any(_contains(p, q) for q in places)]
    # A GeoNames town has no governorate on record, so it cannot be checked against one the text also
    # names ("قضاء الرميثة بمحافظة المثنى"): the curated place is the one to trust.
    curated = [p for p in places if p.origin == "curated"]
    if curated:
        places = curated
    if destination is not None and any(p.id == destination.id for p in places):
        places = [p for p in places if p.id != destination.id]
    if etype in _SITE_TYPES:
        sites = [p for p in places if p.precision == "site" and (etype != "presence" or p.kind in _BASE_KINDS)]
        if etype == "presence":
            return sites, None
        if len(sites) > 1:
            return sites, destination
        towns = [p for p in places if p.precision in {"site", "city"}]
        if etype == "airstrike" and len(towns) > 1:
            return towns, None  # "غارات على مواقع في مدينتي البوكمال والميادين": one strike per town
    if not places:
        antecedent = _antecedent(doc, cue_hits)
        if antecedent is not None:
            return [antecedent], destination
        if destination is not None and main is not None and destination.country == main.country:
            return [destination], None  # "تعزيزات إلى قاعدة حرير": where they went is all we know
        return ([main] if main is not None else []), destination
    best = min(places, key=lambda p: (precision_rank(p.precision),
                                      min(abs(m.start - trig_pos) for m in kept if m.place == p)))
    if destination is not None and best.id == destination.id:
        destination = None
    return [best], destination


def _trigger_ok(doc: _Doc, hits: list[Hit], h: Hit, has_site: bool, has_object: bool) -> bool:
    """A trigger counts unless a wish/demand precedes it in the clause, a negation or a demonstrative
    ("هذا الهجوم": a reference to an event told elsewhere) stands just before it, or it needs a site."""
    role = h.entry.role
    if not (role == "trigger" or (role == "trigger_site" and has_site)
            or (role == "trigger_object" and (has_site or has_object))):
        return False
    return not (
        _cue_near(hits, "irrealis", h.first, IRREALIS_WINDOW)
        or _cue_near(hits, "negation", h.first, NEGATION_WINDOW)
        or _cue_near(hits, "demonstrative", h.first, 1)
    )


def _is_site(doc: _Doc, m: Mention) -> bool:
    """A named base or airport, also when the place record is a town that names a base ("قاعدة القائم")."""
    if m.place.precision == "site":
        return True
    return doc.has_role(_token_index(doc.tokens, m.start), "base_word")


def _antecedent(doc: _Doc, hits: list[Hit]) -> Place | None:
    """The site a definite noun points back to ("المعسكر ذاته", "the base"): the last site named before
    it in the same story, preferring one of the same kind (base or airport)."""
    for h in hits:
        if h.entry.role != "anaphor":
            continue
        tok = doc.tokens[h.first]
        before = doc.tokens[h.first - 1].norm if h.first else ""
        if "ال" not in tok.norm and not tok.norm.startswith("the") and before != "the":
            continue  # indefinite: "قاعدة عسكرية" is not a reference
        if before.endswith("تنظيم"):
            continue  # تنظيم القاعدة is al-Qaeda
        older = doc.older_from is not None and tok.start >= doc.older_from
        lo = doc.older_from if older and doc.older_from is not None else 0
        sites = [m.place for m in doc.mentions[: bisect_left(doc._mention_starts, tok.start)]
                 if m.place.precision == "site" and m.start >= max(lo, tok.start - ANTECEDENT_MAX_CHARS)]
        if not sites:
            continue
        want_airport = h.entry.type == "airport"
        same_kind = [p for p in sites if (p.kind == "airport") == want_airport]
        return (same_kind or sites)[-1]
    return None


def _events_in_clause(doc: _Doc, sent: Span, clause: Span, prev_date: DateSpan | None,
                      continuation: bool) -> tuple[list[Event], DateSpan | None]:
    t0 = _token_index(doc.tokens, clause.start)
    t1 = _token_index(doc.tokens, clause.end) - 1
    if t1 < t0:
        return [], None
    hits = doc.hits_between(t0, t1)
    has_site = any(_is_site(doc, m) for m in doc.mentions_in(clause)) or _antecedent(doc, hits) is not None
    has_object = any(h.entry.role == "equipment" for h in hits)
    trig_hits = [h for h in hits if _trigger_ok(doc, hits, h, has_site, has_object)]
    if not trig_hits:
        return [], None
    trig = max(trig_hits, key=lambda h: (h.entry.priority, -h.first))
    chosen = [trig]
    # "انسحبت من قاعدة K1 وسلّمتها إلى ...": leaving a base and handing it over are two events.
    pair = {"withdrawal": "handover", "handover": "withdrawal"}.get(trig.entry.type)
    second = [h for h in trig_hits if h.entry.type == pair]
    if second:
        chosen.append(max(second, key=lambda h: (h.entry.priority, -h.first)))
    events: list[Event] = []
    date: DateSpan | None = None
    for t in chosen:
        evs, d = _event_for(doc, sent, clause, hits, trig_hits, t, (t0, t1), prev_date, continuation)
        events += evs
        date = date or d
    return events, date


def _event_for(doc: _Doc, sent: Span, clause: Span, hits: list[Hit], trig_hits: list[Hit], trig: Hit,
               toks: tuple[int, int], prev_date: DateSpan | None,
               continuation: bool) -> tuple[list[Event], DateSpan | None]:
    etype = trig.entry.type
    if etype in MOVEMENT_TYPES and _cue_near(hits, "political", trig.first + 4, 4):
        return [], None  # "انسحاب الكتلة من البرلمان": a political withdrawal
    if etype in {"attack", "airstrike"} and (
        any(h.entry.role == "generic" for h in hits)
        or _cue_near(hits, "not_attack", trig.first, NOT_ATTACK_WINDOW, NOT_ATTACK_WINDOW)
    ):
        return [], None
    if etype in MOVEMENT_TYPES and _cue_near(hits, "to_iraqi", trig.first, 0, TO_IRAQI_WINDOW):
        etype = "handover"  # "نقلت إلى قوات الأمن العراقية معدات": moved into Iraqi hands
    planned_cue = _cue_near(hits, "planned", trig.first, PLANNED_BEFORE, PLANNED_AFTER)
    # "a plan to withdraw" is an agreement; "under the plan, forces will leave" is a planned withdrawal
    if (etype in MOVEMENT_TYPES | {"handover"} and not planned_cue
            and _cue_near(hits, "talk", trig.first, TALK_WINDOW)):
        etype = "agreement"
    anchor = doc.tokens[trig.first].start
    date = _pick_date(doc, clause, sent, anchor, etype, planned_cue)
    if date is None and continuation and prev_date is not None and prev_date.precision == "day":
        date = prev_date  # "وقال ... الأحد" then "وأضاف ...": the same statement, the same day
    if date is not None:
        status = "planned" if (date.status == "planned" or date.date > doc.published) else "occurred"
        d0, d1, prec, dtext = date.date, date.end_date, date.precision, date.text
    else:
        if planned_cue:
            return [], None  # "سوف ينسحبون": a future with no date is too vague to map
        status = "occurred"
        d0, d1, prec, dtext = _default_date(doc, anchor)
    places, destination = _places(doc, clause, etype, trig, toks)
    if etype == "presence" and not places:
        rest = Span(clause.start, sent.end)
        places, _ = _places(doc, rest, etype, trig, (toks[0], _token_index(doc.tokens, sent.end) - 1))
    if etype == "presence" and not places:
        return [], date
    counts = find_counts(doc.tokens, *toks, skip=doc.date_tokens)
    if etype not in {"presence", "withdrawal", "redeployment"}:
        counts.pop("troops", None)  # "مقتل أربعة عناصر" counts the dead, not the force
    if len(places) > 1:
        counts = {}  # "2500 soldiers across three bases" is not 2500 at each
    weapon = None
    if etype in {"attack", "airstrike"}:
        weapon = next((h.entry.weapon for h in sorted(trig_hits, key=lambda h: -h.entry.priority)
                       if h.entry.weapon and h.entry.type == trig.entry.type), None)
    q = clause if clause.end - clause.start >= 25 else sent
    quote = doc.text[q.start : q.end]
    events = [
        Event(
            type=etype,
            date=d0,
            end_date=d1,
            date_precision=prec,
            status=status,
            quote=quote,
            start=q.start,
            end=q.end,
            source=doc.source,
            published=doc.published,
            place=p,
            destination=destination,
            weapon=weapon,
            trigger=doc.text[doc.tokens[trig.first].start : doc.tokens[trig.last].end],
            date_text=dtext,
            rockets=counts.get("rockets"),
            killed=counts.get("killed"),
            wounded=counts.get("wounded"),
            troops=counts.get("troops"),
            vehicles=counts.get("vehicles"),
            shipments=counts.get("shipments"),
        )
        for p in (places or [None])  # type: ignore[list-item]
    ]
    return events, date


def _date_range(e: Event) -> tuple[dt.date, dt.date]:
    return e.date, e.end_date or e.date


def _mergeable(a: Event, b: Event) -> bool:
    if canonical_type(a.type) != canonical_type(b.type) or a.status != b.status:
        return False
    a0, a1 = _date_range(a)
    b0, b1 = _date_range(b)
    # An undated mention ("لم تعلن أي جهة مسؤوليتها عن الهجوم") refers back to the dated one.
    anaphoric = not a.date_text or not b.date_text
    if not anaphoric and (a0 > b1 or b0 > a1):
        # A statement made on Friday and reported on Saturday: one day apart, same place.
        near = (a.date_precision == b.date_precision == "day" and abs((a.date - b.date).days) <= 1
                and a.place == b.place and a.destination == b.destination)
        if not near:
            return False
    if a.destination and b.destination and a.destination.id != b.destination.id:
        return False
    pa, pb = a.place, b.place
    if pa is None or pb is None or pa.id == pb.id:
        return not (a.type == "presence" and pa != pb)
    if a.type in {"presence"}:
        return False
    # A base inside the country: the same event only if one is a bare mention or both are dated alike
    # ("withdrew from Speicher on 28 May" is not "withdrew 184 troops from Iraq last month").
    if not anaphoric and a.date_precision != b.date_precision:
        return False
    return _contains(pa, pb) or _contains(pb, pa)


def _better(a: Event, b: Event) -> Event:
    """Merge ``b`` into ``a`` keeping the finer place and date, the larger counts, every quote."""
    def rank(e: Event) -> tuple[int, bool, bool, int, int]:
        # finer place, a known destination, a stated date, finer date, then the fuller sentence
        return (precision_rank(e.geo_precision), e.destination is None, not e.date_text,
                _DATE_RANK.get(e.date_precision, 4), -len(e.quote))

    def date_rank(e: Event) -> tuple[bool, int]:
        return not e.date_text, _DATE_RANK.get(e.date_precision, 4)

    prim, other = (b, a) if rank(b) < rank(a) else (a, b)
    changes: dict[str, object] = {}
    if date_rank(other) < date_rank(prim):
        changes.update(date=other.date, end_date=other.end_date, date_precision=other.date_precision,
                       date_text=other.date_text)
    for k, v in other.counts().items():
        if getattr(prim, k) is None or getattr(prim, k) < v:
            changes[k] = v
    if prim.destination is None and other.destination is not None:
        changes["destination"] = other.destination
    if prim.weapon is None and other.weapon is not None:
        changes["weapon"] = other.weapon
    quotes = tuple(dict.fromkeys((*(a.quotes or (a.quote,)), *(b.quotes or (b.quote,)))))
    changes["quotes"] = quotes
    return dataclasses.replace(prim, **changes)  # type: ignore[arg-type]


def merge_within_article(events: Sequence[Event], older_from: int | None = None) -> list[Event]:
    """Merge events of one article that report the same thing (titles repeat the lead).

    Events of the appended older stories (from ``older_from`` on) are never merged with the page's own.
    """

    def story(e: Event) -> bool:
        return older_from is not None and e.start >= older_from

    out: list[Event] = []
    for e in events:
        for i, o in enumerate(out):
            if story(o) == story(e) and _mergeable(o, e):
                out[i] = _better(o, e)
                break
        else:
            out.append(e)
    return sorted(out, key=lambda e: e.start)


def _check(text: object, published: object) -> dt.date:
    if not isinstance(text, str):
        raise InputError(f"extract_events needs text as str, got {type(text).__name__}; decode the file first")
    if isinstance(published, dt.datetime):
        return published.date()
    if isinstance(published, dt.date):
        return published
    if isinstance(published, str):
        try:
            return dt.date.fromisoformat(published)
        except ValueError:
            pass
    raise InputError(f"published must be a date (YYYY-MM-DD), got {published!r}")


def extract_events(text: str, published: dt.date, source: str = "") -> list[Event]:
    """Dated, located, typed events of one article, each with the quote that supports it.

    Parameters
    ----------
    text : the article (Arabic or English), as written.
    published : its publication date; weekdays and "أمس/الماضي" are resolved against it.
    source : a label carried into every event (outlet and date, URL, file name...).
    """
    pub = _check(text, published)
    if not text.strip():
        return []
    normalized = normalize_with_map(text)  # shared by the tokenizer and the date finder
    tokens = tokenize(text, normalized)
    hits = triggers().find(tokens)
    mentions = _with_marked_places(text, tokens, hits, find_places(text))
    older = older_items_offset(text)
    if not any(h.entry.role == "context" for h in hits) and not any(m.place.is_base for m in mentions):
        # Neither foreign forces nor a base they use is named: a withdrawal here is from parliament,
        # an attack is on anyone. Out of this map's scope.
        log.debug("%s: no foreign forces or bases named; no events", source or "article")
        return []
    doc = _Doc(
        text=text,
        published=pub,
        source=source,
        tokens=tokens,
        hits=hits,
        mentions=mentions,
        dates=find_dates(text, pub, older_from=older, normalized=normalized),
        older_from=older,
        main_country=_main_country(mentions),
    )
    events: list[Event] = []
    prev_date: DateSpan | None = None
    for sent in sentences(text):
        first_tok = _token_index(tokens, sent.start)
        continuation = first_tok < len(tokens) and any(
            h.entry.role == "continuation" for h in doc.hits_between(first_tok, first_tok)
        )
        sent_date: DateSpan | None = None
        for clause in clauses(sent, _clause_breaks(doc, sent)):
            evs, d = _events_in_clause(doc, sent, clause, prev_date, continuation)
            events.extend(evs)
            sent_date = sent_date or d
        sent_dates = [d for d in doc.dates_in(sent) if d.precision == "day"]
        prev_date = sent_date or (sent_dates[0] if sent_dates else (prev_date if continuation else None))
    return merge_within_article(events, older)
