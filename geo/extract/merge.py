"""Events of one article that tell the same thing become one (titles repeat the lead)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from functools import cache

from gazetteer import precision_rank
from gazetteer.index import haversine_km

from ..core.data import read_rows
from ..core.models import Event
from ..core.taxonomy import STRIKE_TYPES, canonical_type
from .places import COARSE_PRECISIONS, adjacent_sites, contains
from .tokens import DATA_DIR

DATE_RANK = {"day": 0, "range": 1, "month": 2, "year": 3}
SAME_STRIKE_KM = 12.0  # two strike mentions of one day this close are one strike told at two neighbouring towns


def _same_day(a: Event, b: Event) -> bool:
    return a.date_precision == b.date_precision == "day" and a.date == b.date


def _quotes(a: Event, b: Event) -> tuple[str, ...]:
    """Every quote of both, each once, in the order told."""
    return tuple(dict.fromkeys((*a.all_quotes, *b.all_quotes)))


@cache
def _distinct_words() -> tuple[str, ...]:
    return tuple(r["word"] for r in read_rows(DATA_DIR / "distinct.csv"))


def _tells_another(a: Event, b: Event) -> bool:
    """One of the two says it is another event ("the second within 24 hours", "a similar attack")."""
    quotes = [q.lower() for q in (*a.all_quotes, *b.all_quotes)]
    return any(w in q for q in quotes for w in _distinct_words())


def _coarse_within(a: Event, b: Event) -> bool:
    """One is told at a country (or region) that holds the other's place."""
    pa, pb = a.place, b.place
    if pa is None or pb is None:
        return False
    return ((pa.precision in COARSE_PRECISIONS and contains(pa, pb))
            or (pb.precision in COARSE_PRECISIONS and contains(pb, pa)))


def _mergeable(a: Event, b: Event) -> bool:
    if canonical_type(a.type) != canonical_type(b.type) or a.status != b.status:
        return False
    a0, a1 = a.span
    b0, b1 = b.span
    # An undated mention ("لم تعلن أي جهة مسؤوليتها عن الهجوم") refers back to the dated one.
    anaphoric = not a.date_text or not b.date_text
    if not anaphoric and (a0 > b1 or b0 > a1):
        # A statement made on Friday and reported on Saturday: one day apart, same place.
        # A destination told in one of them only does not make two movements (the later check refuses two
        # different destinations).
        # (or told at the country once and at its town once: "أعلنت سنتكوم، السبت، عن تنفيذ ضربة في سوريا"
        # after the strike near Idlib on Friday)
        near = (a.date_precision == b.date_precision == "day" and abs((a.date - b.date).days) <= 1
                and ((a.place and a.place.id) == (b.place and b.place.id) or _coarse_within(a, b))
                and not _tells_another(a, b))
        if not near:
            return False
    if a.destination and b.destination and a.destination.id != b.destination.id:
        return False
    pa, pb = a.place, b.place
    if pa is None or pb is None or pa.id == pb.id:
        return not (a.type == "presence" and pa != pb)
    if a.type in {"presence"}:
        return False
    if a.type in STRIKE_TYPES and "region" in {pa.precision, pb.precision} and _same_day(a, b):
        return True  # "US forces were attacked in the Middle East on Friday" and the base named for Friday
    if a.type in STRIKE_TYPES and _same_day(a, b) and adjacent_sites(pa, pb):
        return True  # one strike told at the base and at the airport it lies in
    if (a.type in STRIKE_TYPES and _same_day(a, b) and {pa.precision, pb.precision} <= {"city", "site"}
            and haversine_km(pa.lat, pa.lon, pb.lat, pb.lon) <= SAME_STRIKE_KM and not _tells_another(a, b)):
        return True  # "الغارة ... قرب مدينة إدلب" then "واستهدفت الغارة السيارة عند مدخل مدينة بنش" (8 km)
    if anaphoric and a.type in STRIKE_TYPES and {pa.precision, pb.precision} & COARSE_PRECISIONS:
        # "the attack ... in the Middle East", "a drone attack on US forces in Syria" after the base was named
        return True
    # A base inside the country: the same event only if one is a bare mention or both are dated alike
    # ("withdrew from Speicher on 28 May" is not "withdrew 184 troops from Iraq last month").
    if not anaphoric and a.date_precision != b.date_precision:
        return False
    return contains(pa, pb) or contains(pb, pa)


def _handed_over_on_leaving(a: Event, b: Event) -> bool:
    """"Withdrew from the base and handed it over": the withdrawal is the handover's, one event."""
    if {a.type, b.type} != {"withdrawal", "handover"} or a.status != b.status:
        return False
    # the same base or town ("انسحبت ... من القائم وسلمت منشآتها"), the same day; leaving a country and
    # handing over equipment in it are two things
    if not (a.place is not None and b.place is not None and a.place.id == b.place.id
            and a.place.precision not in COARSE_PRECISIONS):
        return False
    hand, left = (a, b) if a.type == "handover" else (b, a)
    # ("the third site the coalition has left this month": the month holds the day it was handed over)
    within = (left.date_precision in {"month", "range"} and hand.date_precision == "day"
              and left.span[0] <= hand.date <= left.span[1])
    return _same_day(a, b) or within


def _better(a: Event, b: Event) -> Event:
    """Merge ``b`` into ``a`` keeping the finer place and date, the larger counts, every quote."""
    def rank(e: Event) -> tuple[int, bool, bool, int, int]:
        # finer place, a known destination, a stated date, finer date, then the fuller sentence
        return (precision_rank(e.geo_precision), e.destination is None, not e.date_text,
                DATE_RANK.get(e.date_precision, 4), -len(e.quote))

    def date_rank(e: Event) -> tuple[bool, int]:
        return not e.date_text, DATE_RANK.get(e.date_precision, 4)

    prim, other = (b, a) if rank(b) < rank(a) else (a, b)
    changes: dict[str, object] = {}
    # the finer date; between equals, the one told first (the lead dates the event, later lines the statements)
    # (but a country-level mention, often the statement's day, does not date the event told at its place)
    coarse_other = other.geo_precision in COARSE_PRECISIONS and prim.geo_precision not in COARSE_PRECISIONS
    if date_rank(other) < date_rank(prim) or (date_rank(other) == date_rank(prim) and other.start < prim.start
                                              and not coarse_other):
        changes.update(date=other.date, end_date=other.end_date, date_precision=other.date_precision,
                       date_text=other.date_text)
    for k, v in other.counts().items():
        if getattr(prim, k) is None or getattr(prim, k) < v:
            changes[k] = v
    if prim.destination is None and other.destination is not None:
        changes["destination"] = other.destination
    if prim.weapon is None and other.weapon is not None:
        changes["weapon"] = other.weapon
    changes["quotes"] = _quotes(a, b)
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
            if story(o) == story(e) and _handed_over_on_leaving(o, e):
                hand, left = (o, e) if o.type == "handover" else (e, o)
                out[i] = dataclasses.replace(hand, quotes=_quotes(hand, left))
                break
            if story(o) == story(e) and _mergeable(o, e):
                out[i] = _better(o, e)
                break
        else:
            out.append(e)
    return sorted(out, key=lambda e: e.start)
