"""Where an event happened: the places of its clause, filtered, ranked, or found by reference."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from gazetteer import get_place, precision_rank
from gazetteer.index import haversine_km
from gazetteer.models import Mention, Place

from ..core.data import read_rows
from ..core.taxonomy import MOVEMENT_TYPES, STRIKE_TYPES
from .clauses import Span
from .document import Document
from .tokens import DATA_DIR, Hit, triggers

DESTINATION_WINDOW = 2  # tokens between a destination cue and the place
LOCATOR_WINDOW = 3
DISTANCE_WINDOW = 2  # "كلم عن [العاصمة] بغداد"
LAUNCH_WINDOW = 10  # "انطلقت من [معاقل ميليشيا الحرس الثوري الإيراني المتمركزة في مدينة] اللاذقية"
ORIGIN_DESCRIBED_WINDOW = 8  # tokens from "من" to the place when a description stands between
ANTECEDENT_MAX_CHARS = 2500  # how far back a definite noun ("القاعدة") may point
# One event per named site for these ("انسحبت من قاعدتي عين الأسد وحرير": two withdrawals).
_SITE_TYPES = {"presence", "attack", "airstrike", "withdrawal", "handover"}
_BASE_KINDS = {"air_base", "military_base", "base", "airport"}
# Places too coarse to be where a strike hit when the story names a base there.
CITY_SITE_KM = 60  # how far from a town's point a base may lie and still be "at" that town
CITY_QUARTER_KM = 15  # how far from a city's point a "district" record may lie and still be a quarter of it
QUARTER_SITE_KM = 5.0  # a site this close to a quarter's point (same governorate) lies in it
COARSE_PRECISIONS = frozenset({"country", "region"})
# Two sites this close are one target when a strike on both is told for the same day ("the Victory base at
# Baghdad airport", "the diplomatic support centre at the airport"): neighbours, not two attacks.
ADJACENT_SITE_KM = 8
_LIST_LEVEL = {"city": 10, "district": 10, "governorate": 10}


def adjacent_sites(a: Place, b: Place) -> bool:
    """Two site-level places within ``ADJACENT_SITE_KM`` of each other (a base and the airport it is in)."""
    return (a.precision == b.precision == "site"
            and haversine_km(a.lat, a.lon, b.lat, b.lon) <= ADJACENT_SITE_KM)


def contains(big: Place, small: Place) -> bool:
    """True when ``small`` lies inside ``big`` by the gazetteer's admin fields."""
    if big.id == small.id:
        return False
    if big.precision == "city" and small.precision == "district":
        # a quarter of the city ("المنطقة الخضراء وسط بغداد"), not a district of the governorate
        return _near_in_province(big, small, CITY_QUARTER_KM)
    if precision_rank(big.precision) <= precision_rank(small.precision):
        return False
    if big.kind == "country":
        return bool(small.country) and small.country == big.country
    if big.precision == "governorate":
        return bool(small.province) and small.province == big.province
    if big.precision == "city" and small.precision == "site":
        # a base by the town ("Balad air base", "مطار بغداد"), not anywhere in its governorate (al-Qaim is
        # 300 km from al-Taqaddum, both in Anbar)
        return _near_in_province(big, small, CITY_SITE_KM)
    if big.precision == "district" and small.precision == "site":
        # a compound inside a quarter (the US embassy in the Green Zone), not a base elsewhere in the district
        return _near_in_province(big, small, QUARTER_SITE_KM)
    return False


def _near_in_province(big: Place, small: Place, km: float) -> bool:
    return (bool(small.province) and small.province == big.province
            and haversine_km(big.lat, big.lon, small.lat, small.lon) <= km)


def event_places(doc: Document, clause: Span, etype: str, trig: Hit,
                 toks: tuple[int, int]) -> tuple[list[Place], Place | None]:
    """(places of the event, destination) for a trigger in a clause."""
    places, destination = _event_places(doc, clause, etype, trig, toks)
    if etype in STRIKE_TYPES | MOVEMENT_TYPES and any(p.kind == "country" for p in places):
        # "airstrikes in eastern Syria", "قاعدة شمال شرقي سوريا": the part the text names, not the country's centre
        part = _compass_part(doc, doc.hits_between(toks[0], toks[1]), doc.mentions_in(clause))
        if part is not None:
            places = [country_parts().get((p.country, part[1]), p) if p.id == part[0].id else p for p in places]
    return places, destination


def _event_places(doc: Document, clause: Span, etype: str, trig: Hit,
                  toks: tuple[int, int]) -> tuple[list[Place], Place | None]:
    ms = doc.mentions_in(clause)
    cue_hits = doc.hits_between(toks[0], toks[1])
    trig_pos = doc.tokens[trig.first].start

    def preceded_by(m: Mention, role: str, window: int, skip: set[int] | frozenset[int] = frozenset()) -> bool:
        # a date between the cue and the place belongs to the cue's phrase ("In February, U.S. warplanes");
        # ``skip``: tokens that, right after the cue, undo it
        i = doc.token_at(m.start)
        # only the cues that can end in the window (bisected: one long clause may hold thousands of them)
        near = doc.hits_between(max(toks[0], i - window - triggers().max_span), min(toks[1], i - 1))
        return any(h.entry.role == role and i - window <= h.last < i and h.last + 1 not in skip
                   and not any(k in doc.date_tokens for k in range(h.last + 1, i)) for h in near)

    # "ردا على استهداف ... عين الأسد، شنت طائرات أمريكية غارات في القائم": the occasion's places are not
    # the event's (the phrase runs from the cue to the trigger, or to the next comma after it)
    occasions: list[tuple[int, int]] = []  # found once, not per mention (a long clause made that quadratic)
    for h in cue_hits:
        if h.entry.role != "background":
            continue
        lo = doc.tokens[h.first].start
        if lo < trig_pos:
            hi = trig_pos
        else:
            comma = min((i for i in (doc.text.find("،", lo, clause.end), doc.text.find(",", lo, clause.end))
                         if i >= 0), default=clause.end)
            hi = comma
        occasions.append((lo, hi))

    def in_occasion(m: Mention) -> bool:
        return any(lo <= m.start < hi for lo, hi in occasions)

    ms = [m for m in ms if not in_occasion(m)] or ms
    # "Nasiriya-Baghdad road", "طريق السماوة - الديوانية": a road's far end is not a second place
    ms = [m for i, m in enumerate(ms) if not (i and _ROAD_JOIN.fullmatch(doc.text[ms[i - 1].end : m.start]))]
    destination: Place | None = None
    if etype in MOVEMENT_TYPES:
        for m in ms:
            if m.start > trig_pos and preceded_by(m, "destination", DESTINATION_WINDOW):
                destination = m.place
                # "إلى قاعدة حرير في أربيل": Erbil only locates the destination
                ms = [x for x in ms if x is not m and not contains(x.place, m.place)]
                break
    # "Victory, adjoining the airport": the place after a locator only locates the one named before it;
    # "rockets impacted near Camp Victory": with nothing named before, it is where it happened
    # (a country named before is an actor, "قاعدة للتحالف بقيادة الولايات المتحدة بالقرب من مطار أربيل")
    # ("في شمال شرق الأردن قرب حدود سوريا": a country the text places it in is no actor either)
    # (an item of an enumeration is no locator: "الأول قرب الناصرية والثاني قرب الديوانية")
    # ("in eastern Syria ... in the vicinity of Al-Tanf Garrison": a finer place after a locator is where it was)
    kept = [m for m in ms if not (preceded_by(m, "locator", LOCATOR_WINDOW)
                                  and any(o.start < m.start and (o.place.kind != "country"
                                                                 or preceded_by(o, "locative", 4))
                                          and precision_rank(m.place.precision) >= precision_rank(o.place.precision)
                                          for o in ms)
                                  and not any(o.start < m.start and _listed_after(doc, o, m) for o in ms))]
    kept = kept or ms
    # "في منطقة جرف الصخر بمحافظة بابل جنوب بغداد": Baghdad only says where Jurf al-Sakhar is
    # ("في شمال شرق الأردن", "in northern Iraq": a part of the place, which stays where it happened)
    def part_of(m: Mention) -> bool:
        # "شمال شرقي سوريا" with no "في" is still inside a country (north of a town is outside it)
        i = doc.token_at(m.start)
        return any(h.entry.role == "direction" and h.last == i - 1 and h.first > 0
                   and (doc.tokens[h.first - 1].norm in _IN_WORDS or m.place.kind == "country") for h in cue_hits)

    kept = [m for m in kept if not preceded_by(m, "direction", 1) or part_of(m)] or kept
    # "القاعدة التي تبعد نحو 64 كلم عن العاصمة بغداد", "20 km from Kirkuk": the point a distance is counted from
    # (with nothing else named, the base the story names is where, when there is one: "القاعدة التي تبعد ...")
    away = [m for m in kept if not preceded_by(m, "distance_ref", DISTANCE_WINDOW)]
    kept = away if away or antecedent(doc, cue_hits) is not None else kept
    if etype in STRIKE_TYPES:
        # "الصواريخ انطلقت من معاقل الميليشيا في مدينة اللاذقية", "rockets fired from Zummar": where they came
        # from is the first place after the cue ("... من بلدة زمار باتجاه قاعدة خراب الجير": not the target)
        launched = set()
        for h in cue_hits:
            if h.entry.role == "launch_site":
                after = [m for m in kept if h.last < doc.token_at(m.start) <= h.last + LAUNCH_WINDOW]
                launched |= {id(m) for m in after[:1]}
        kept = [m for m in kept if id(m) not in launched]
    main = doc.main_country
    if main is not None:
        # Foreign capitals and countries are usually actors ("بين بغداد وواشنطن", "الولايات المتحدة"),
        # not where it happened: keep one only when the text places the event there ("في بروكسل"),
        # also, for strikes, as the next item of such a list ("attacks in Iraq and Syria"; "بين بغداد
        # وواشنطن" stays two actors).
        located: list[Mention] = []
        for m in kept:
            if (m.place.country == main.country or m.place.precision == "site" or preceded_by(m, "locative", 2)
                    or (etype in MOVEMENT_TYPES and preceded_by(m, "origin", 1))
                    or (etype in STRIKE_TYPES and located and _listed_after(doc, located[-1], m))):
                located.append(m)
        kept = located
    if etype in MOVEMENT_TYPES:
        # A movement starts where the text says it came from ("من العراق"), else at a named site.
        origins = [m for m in kept if preceded_by(m, "origin", 1)]
        if not origins:  # "من قاعدة عسكرية في منطقة أبو غريب": the first place of the described origin
            # ("إخلاء القواعد من مستشاري التحالف في العراق": "من" + the forces says of whom, not from where)
            forces_at = {h.first for h in cue_hits if h.entry.role == "forces"}
            origins = [m for m in kept if preceded_by(m, "origin", ORIGIN_DESCRIBED_WINDOW, skip=forces_at)][:1]
        for m in kept:  # "من عين الأسد ومطار بغداد": every item of the origin list
            if origins and m.start > origins[-1].start and _listed_after(doc, origins[-1], m):
                origins.append(m)
        if not origins:  # a named site, and the towns listed with it ("in Baghdad and at Ain al-Asad")
            at_sites = [m for m in kept if m.place.precision == "site"]
            listed = [m for m in kept if any(_listed_after(doc, m, s) or _listed_after(doc, s, m) for s in at_sites)]
            origins = sorted({id(m): m for m in at_sites + listed}.values(), key=lambda m: m.start)
        if not origins:  # "المهمة العسكرية للتحالف في سوريا ستستمر حتى سبتمبر 2026": where they are now
            # (before the date: "... حتى 2026 لدعم العمليات في سوريا" names a purpose)
            cut = min((d.start for d in doc.dates_in(clause) if d.start > trig_pos), default=clause.end)
            origins = [m for m in kept if m.start < cut and preceded_by(m, "locative", 2)][:1]
        kept = origins
    places = list(dict.fromkeys(m.place for m in kept))
    places = [p for p in places if not any(contains(p, q) for q in places)]
    # A GeoNames town has no governorate on record, so it cannot be checked against one the text also
    # names ("قضاء الرميثة بمحافظة المثنى"): the curated place is the one to trust.
    curated = [p for p in places if p.origin == "curated"]
    if curated:
        places = curated
    if destination is not None and any(p.id == destination.id for p in places):
        places = [p for p in places if p.id != destination.id]
    if etype in _SITE_TYPES:
        # "قاعدة القائم", "al-Qaim base": a town that names a base (not "the US base": a country is no site)
        named_bases = {m.place.id for m in kept if m.place.precision in {"city", "district"} and is_site(doc, m)}
        sites = [p for p in places if (p.precision == "site" or (etype != "presence" and p.id in named_bases))
                 and (etype != "presence" or p.kind in _BASE_KINDS)]
        if etype == "presence":
            if not sites:  # "350 personnel were stationed at this base": the base the story named
                site = antecedent(doc, cue_hits)
                sites = [site] if site is not None and site.kind in _BASE_KINDS else []
            return sites, None
        if len(sites) > 1:
            return sites, destination
        if etype in MOVEMENT_TYPES and len(places) > 1 and all(p.precision in {"site", "city"} for p in places):
            return places, destination  # the sites and the towns listed with them: one move from each
        towns = [p for p in places if p.precision in {"site", "city"}]
        if etype == "airstrike" and len(towns) > 1:
            return towns, None  # "غارات على مواقع في مدينتي البوكمال والميادين": one strike per town
    if not places or all(p.precision not in {"site"} for p in places):
        # "a base in northern Iraq that hosts coalition troops", "an air base in Kirkuk", "the base": the site
        # the article names (inside the place the clause gives, when it gives one)
        site = antecedent(doc, cue_hits) or described_site(doc, cue_hits, _compass_part(doc, cue_hits, ms))
        if site is not None and all(contains(p, site) or p.precision in COARSE_PRECISIONS for p in places):
            return [site], destination
    if etype in STRIKE_TYPES and len(places) > 1:
        # "عبوات ناسفة استهدفت أرتالاً في النجف وكربلاء والمثنى": one event per place of the list (towns
        # and governorates are one level: the press names a governorate by its capital)
        level = min(_LIST_LEVEL.get(p.precision, precision_rank(p.precision)) for p in places)
        same = [p for p in places if _LIST_LEVEL.get(p.precision, precision_rank(p.precision)) == level]
        if len(same) > 1:
            return same, destination
    if not places:
        if (destination is not None and etype in MOVEMENT_TYPES
                and not any(h.entry.role == "arrival" and h.first <= trig.last and h.last >= trig.first
                            for h in cue_hits)):
            # "soldiers who have withdrawn have been transferred to Erbil": they left the story's base
            origin = _main_base(doc, trig_pos, exclude=destination)
            if origin is not None:
                return [origin], destination
        if destination is not None and main is not None and destination.country == main.country:
            return [destination], None  # "تعزيزات إلى قاعدة حرير": where they went is all we know
        return ([main] if main is not None else []), destination
    best = min(places, key=lambda p: (precision_rank(p.precision),
                                      min(abs(m.start - trig_pos) for m in kept if m.place == p)))
    if etype in STRIKE_TYPES and best.kind == "country":
        # "the drone strike that killed three U.S. troops in Jordan": the one base the story names there
        site = _only_site_in(doc, best, trig_pos)
        part = _compass_part(doc, cue_hits, ms)
        if site is not None and (part is None or _lies(site, part)):
            best = site
    if destination is not None and best.id == destination.id:
        destination = None
    return [best], destination


_LIST_JOINS = {"and", "or", "و", ",", "،"}
_ROAD_JOIN = re.compile(r"\s*[-–—]\s*")
_IN_WORDS = {"في", "وفي", "in", "the"}  # "في شمال شرق الأردن", "in (the) north of Iraq"


_LIST_PREPOSITIONS = {"at", "in", "في", "ب"}
# "الأول قرب الناصرية والثاني قرب الديوانية": an enumeration names one item per ordinal
_ENUMERATION = {"الثاني", "الثانية", "الثالث", "الثالثة", "الآخر", "الاخر", "الأخرى", "الاخرى"}
_ENUMERATION_LINKS = _LIST_PREPOSITIONS | {"قرب", "بالقرب", "كان", "كانت", "وقع", "near"}


def _listed_after(doc: Document, prev: Mention, m: Mention) -> bool:
    """True when ``m`` follows ``prev`` as the next item of a list ("Iraq and Syria", "العراق وسوريا",
    "in Baghdad and at Ain al-Asad", "في بغداد وفي عين الأسد")."""
    between = doc.text[prev.end : m.start].strip()
    if between in _LIST_JOINS:
        return True
    words = between.replace("،", " , ").replace(",", " , ").split()
    if words and words[0].startswith("و") and len(words[0]) > 1:  # "وفي": the conjunction is a clitic
        words = ["و", words[0][1:], *words[1:]]
    if len(words) >= 2 and words[0] in _LIST_JOINS and words[1] in _ENUMERATION:
        rest = words[2:]  # "والثاني قرب", "والآخر في", "والثاني كان قرب"; a "محافظة/مدينة" word belongs to the name
        return all(w in _ENUMERATION_LINKS for w in rest) and len(rest) <= 2
    return len(words) == 2 and words[0] in _LIST_JOINS and words[1] in _LIST_PREPOSITIONS


def is_site(doc: Document, m: Mention) -> bool:
    """A named base or airport, also when the place record is a town that names a base ("قاعدة القائم")."""
    if m.place.precision == "site":
        return True
    i = doc.token_at(m.start)
    after = doc.token_at(m.end)  # "al-Qaim base": the base word follows in English
    return (doc.has_role(i, "base_word") or (i > 0 and doc.has_role(i - 1, "base_word"))
            or doc.has_role(after, "base_word"))


def _story_bases(doc: Document, pos: int) -> list[Place]:
    """The bases the story around ``pos`` names, in text order (repeats kept: they count)."""
    lo, hi = doc.story(pos)
    return [m.place for m in doc.mentions
            if lo <= m.start < hi and m.place.precision == "site" and m.place.kind in _BASE_KINDS]


def _only_site_in(doc: Document, country: Place, pos: int) -> Place | None:
    """The single base of ``country`` that the story around ``pos`` names, if there is exactly one."""
    sites = {p.id: p for p in _story_bases(doc, pos) if p.country == country.country}
    return next(iter(sites.values())) if len(sites) == 1 else None


def _most_named(bases: list[Place]) -> Place | None:
    """The place named most often (the first of those on a tie), or None."""
    if not bases:
        return None
    counts = Counter(p.id for p in bases)  # insertion order is text order: max keeps the first on a tie
    best = max(counts, key=counts.__getitem__)
    return next(p for p in bases if p.id == best)


def _main_base(doc: Document, pos: int, exclude: Place) -> Place | None:
    """The base the story around ``pos`` names most often (the first on a tie), other than ``exclude``
    and, when that is abroad, outside its country (a move toward Kuwait did not start at a camp there)."""
    home = doc.main_country.country if doc.main_country is not None else None
    bases = [p for p in _story_bases(doc, pos) if p.id != exclude.id
             and (p.country != exclude.country or exclude.country == home)]
    return _most_named(bases)


COMPASS_DEGREES = 1.0  # degrees from a country's centre to be in its "west", "north"... (Balad is not "northern Iraq")
_COMPASS = {"N": (1, 0), "S": (-1, 0), "E": (0, 1), "W": (0, -1), "NE": (1, 1), "NW": (1, -1), "SE": (-1, 1),
            "SW": (-1, -1)}


def _compass_part(doc: Document, hits: list[Hit], ms: list[Mention]) -> tuple[Place, str] | None:
    """("western Iraq") -> (Iraq, "W"): a compass word right before a country mention of the clause."""
    for m in ms:
        if m.place.kind != "country":
            continue
        i = doc.token_at(m.start)
        for h in hits:
            if h.entry.role == "compass" and h.last == i - 1:
                return m.place, h.entry.type
    return None


@cache
def country_parts() -> dict[tuple[str, str], Place]:
    """(country, compass point) -> the part as a region (data/country_parts.csv: the mean point of its places)."""
    parts = {}
    for r in read_rows(DATA_DIR / "country_parts.csv"):
        members = [get_place(i) for i in r["members"].split(";")]
        parts[(r["country"], r["compass"])] = Place(
            id=f"part:{r['country']}:{r['compass']}", name=r["name"], name_ar=r["name_ar"], kind="country_part",
            precision="region", country=r["country"], source=f"mean of {r['members']} ({r['source']})",
            lat=round(sum(m.lat for m in members) / len(members), 4),
            lon=round(sum(m.lon for m in members) / len(members), 4))
    return parts


def _lies(base: Place, part: tuple[Place, str]) -> bool:
    country, point = part
    dlat, dlon = _COMPASS[point]
    return (base.country == country.country
            and (dlat == 0 or (base.lat - country.lat) * dlat > COMPASS_DEGREES)
            and (dlon == 0 or (base.lon - country.lon) * dlon > COMPASS_DEGREES))


_BASE_MODIFIERS = frozenset({"military", "air", "army", "airfield"})  # "al-Qaim military base" names al-Qaim


def described_site(doc: Document, hits: list[Hit], part: tuple[Place, str] | None = None) -> Place | None:
    """The site an indefinite description points to ("قاعدة عسكرية تستضيف قوات أمريكية", "a military base in
    northern Iraq"): the base the story names most often (the first of those, on a tie), before or after;
    with a part of a country named ("in western Iraq"), only a base that lies there."""
    # "Ain al-Asad air base", "al-Qaim military base": the word names a base. Before a town's name it describes
    # one there ("قاعدة الحبانية" is al-Taqaddum): the story's base inside the town is the site.
    def in_a_name(h: Hit) -> bool:
        pos = doc.tokens[h.first].start
        return any(m.start <= pos < m.end
                   or 0 <= pos - m.end <= 1
                   or (m.end <= pos and doc.text[m.end:pos].strip().lower() in _BASE_MODIFIERS)
                   for m in doc.mentions_in(Span(pos - 200, pos + 200)))

    if not any(h.entry.role == "base_word" and not in_a_name(h) for h in hits):
        return None
    bases = _story_bases(doc, doc.tokens[hits[0].first].start)
    if part is not None:
        bases = [p for p in bases if _lies(p, part)]
    return _most_named(bases)


def antecedent(doc: Document, hits: list[Hit]) -> Place | None:
    """The site a definite noun points back to ("المعسكر ذاته", "the base"): the last site named before
    it in the same story, preferring one of the same kind (base or airport)."""
    for h in hits:
        if h.entry.role != "anaphor":
            continue
        tok = doc.tokens[h.first]
        before = doc.tokens[h.first - 1].norm if h.first else ""
        if ("ال" not in tok.norm and not tok.norm.startswith("the") and tok.norm not in ("this", "that")
                and before not in ("the", "this", "that")):
            continue  # indefinite: "قاعدة عسكرية" is not a reference
        if before.endswith("تنظيم"):
            continue  # تنظيم القاعدة is al-Qaeda
        older = doc.older_from is not None and tok.start >= doc.older_from
        lo = doc.older_from if older and doc.older_from is not None else 0
        sites = [m.place for m in doc.mentions_before(tok.start)
                 if m.place.precision == "site" and m.start >= max(lo, tok.start - ANTECEDENT_MAX_CHARS)]
        if not sites:
            continue
        want_airport = h.entry.type == "airport"
        same_kind = [p for p in sites if (p.kind == "airport") == want_airport]
        return (same_kind or sites)[-1]
    return None
