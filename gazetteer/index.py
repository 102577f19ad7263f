"""Load the curated place data (CSV files in ``gazetteer/data``) and index it for lookup and text search.

Everything is built once per process (``functools.cache``): the curated index at first use, the
GeoNames fallback only when a lookup misses the curated places.
"""

from __future__ import annotations

import csv
import functools
import importlib.resources
import io
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from math import asin, cos, radians, sin, sqrt
from typing import Any

from . import settings
from .errors import GazetteerDataError
from .models import PRECISIONS, Place
from .normalize import is_arabic, normalize, normalize_latin

log = logging.getLogger("gazetteer.index")

PLACE_COLUMNS = ("id", "name", "name_ar", "aliases", "kind", "precision", "lat", "lon", "province", "country",
                 "source", "confidence")
KINDS = frozenset(settings.KIND_PRIORITY)
RULE_KINDS = frozenset({"not_in_text", "not_after", "not_before", "only_after", "nisba"})
_ID_RE = re.compile(r"^(?:country:[A-Z]{2}|gov:[a-z0-9_]+|[a-z0-9_]+)$")

# Characters that the text search treats as spaces; a 1:1 translation so offsets survive.
_TEXT_FOLD = tuple("-‐‑‒–—_/\n\r\f\v")
_SPACES_RE = re.compile(r"  +")
_NON_WORD_RE = re.compile(r"[^\w' ]+")


def text_fold(norm: str) -> str:
    """Fold already-normalised text for the matcher: hyphens, slashes and line breaks become spaces."""
    for ch in _TEXT_FOLD:  # a few str.replace calls are ~10x faster than str.translate here
        if ch in norm:
            norm = norm.replace(ch, " ")
    return norm


def find_key(alias: str) -> str:
    """The form of ``alias`` that the text matcher looks for (normalised, punctuation-folded)."""
    return _SPACES_RE.sub(" ", text_fold(normalize(alias))).strip()


def arabic_key(name: str) -> str:
    """Lookup key of an Arabic name: normalised, punctuation dropped, spaces collapsed."""
    return " ".join(_NON_WORD_RE.sub(" ", text_fold(normalize(name))).split())


def latin_key(name: str) -> str:
    """Lookup key of a Latin name (see ``normalize_latin``)."""
    return " ".join(_NON_WORD_RE.sub(" ", normalize_latin(name)).split())


def lookup_key(name: str) -> str:
    """The lookup key of a name in either script."""
    return arabic_key(name) if is_arabic(name) else latin_key(name)


def rank(place: Place) -> tuple[int, int, int]:
    """Sort key among places that share a name: curated, then most specific kind, then confidence."""
    return (
        settings.ORIGIN_PRIORITY.get(place.origin, 9),
        settings.KIND_PRIORITY.get(place.kind, 9),
        settings.CONFIDENCE_PRIORITY.get(place.confidence, 9),
    )


# --- data files ---------------------------------------------------------------------------------


def _read_csv(filename: str) -> list[dict[str, str]]:
    path = importlib.resources.files(settings.DATA_PACKAGE) / settings.DATA_DIR / filename
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GazetteerDataError(f"gazetteer data file missing: {filename}") from None
    try:
        rows = csv.DictReader(io.StringIO(text))
        return [{k: (v or "").strip() for k, v in row.items() if k} for row in rows]
    except csv.Error as exc:
        raise GazetteerDataError(f"{filename}: not a valid CSV file ({exc})") from None


def _split(value: str) -> list[str]:
    return [a.strip() for a in value.split(";") if a.strip()]


def parse_places(rows: Iterable[dict[str, str]], filename: str = settings.PLACES_FILE) -> list[Place]:
    """Validate place rows, collecting every problem before failing with one GazetteerDataError."""
    problems: list[str] = []
    out: list[Place] = []
    seen: set[str] = set()
    for n, row in enumerate(rows, start=2):
        where = f"{filename}:{n}"
        missing = [c for c in PLACE_COLUMNS if c not in row]
        if missing:
            problems.append(f"{where}: missing columns {missing}")
            continue
        pid = row["id"]
        if not _ID_RE.match(pid):
            problems.append(f"{where}: bad id {pid!r} (country:XX, gov:slug or a lower-case slug)")
        if pid in seen:
            problems.append(f"{where}: duplicate id {pid!r}")
        seen.add(pid)
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError
        except ValueError:
            problems.append(f"{where}: bad coordinates {row['lat']!r},{row['lon']!r}")
            continue
        if row["kind"] not in KINDS:
            problems.append(f"{where}: unknown kind {row['kind']!r} (one of {sorted(KINDS)})")
        if row["precision"] not in PRECISIONS:
            problems.append(f"{where}: unknown precision {row['precision']!r} (one of {PRECISIONS})")
        if row["confidence"] not in settings.CONFIDENCE_PRIORITY:
            problems.append(f"{where}: confidence must be high, medium or low, not {row['confidence']!r}")
        if row["country"] and not re.fullmatch(r"[A-Z]{2}", row["country"]):
            problems.append(f"{where}: country must be an ISO 3166-1 alpha-2 code, not {row['country']!r}")
        if not row["name"] or not row["source"]:
            problems.append(f"{where}: name and source are required")
        if row["name_ar"] and not is_arabic(row["name_ar"]):
            problems.append(f"{where}: name_ar {row['name_ar']!r} is not Arabic")
        out.append(Place(
            id=pid, name=row["name"], lat=lat, lon=lon, kind=row["kind"], precision=row["precision"],
            name_ar=row["name_ar"], province=row["province"], country=row["country"],
            aliases=tuple(_split(row["aliases"])), source=row["source"], confidence=row["confidence"],
        ))
    if problems:
        raise GazetteerDataError(f"{len(problems)} problem(s) in gazetteer data: " + "; ".join(problems))
    return out


@dataclass(frozen=True)
class Morphology:
    """Clitics and place-type words, from morphology.csv."""

    proclitics: frozenset[str]
    article: str
    ar_prefixes: dict[str, str]  # normalised prefix word(s) -> applies_to (province/site/city)
    ar_suffixes: dict[str, str]
    en_prefixes: dict[str, str]
    en_suffixes: dict[str, str]

    lam_proclitics: frozenset[str] = frozenset()  # those ending in the lam that swallows the article's alif
    latin_articles: frozenset[str] = frozenset()  # "al", "ar", ... as transliterated
    duals: dict[str, tuple[str, ...]] = field(default_factory=dict)  # "قاعده" -> ("قاعدتي", "قاعدتين", ...)


def parse_morphology(rows: Iterable[dict[str, str]]) -> Morphology:
    procl: set[str] = set()
    latin_articles: set[str] = set()
    article = ""
    maps: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    duals: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        role, form, lang = row["role"], row["form"], row["lang"]
        if role == "proclitic":
            procl.add(normalize(form))
        elif role == "article":
            article = normalize(form)
        elif role == "latin_article":
            latin_articles.add(form.lower())
        elif role in ("type_prefix", "type_suffix"):
            key = arabic_key(form) if lang == "ar" else latin_key(form)
            maps[(role, lang)][key] = row["applies_to"]
        elif role == "dual_prefix":
            duals[arabic_key(row["applies_to"])].append(form)
        else:
            raise GazetteerDataError(f"{settings.MORPHOLOGY_FILE}: unknown role {role!r}")
    if not article or not procl:
        raise GazetteerDataError(f"{settings.MORPHOLOGY_FILE}: needs an article and proclitics")
    lam = article[-1:]
    return Morphology(
        frozenset(procl), article,
        maps[("type_prefix", "ar")], maps[("type_suffix", "ar")],
        maps[("type_prefix", "en")], maps[("type_suffix", "en")],
        frozenset(p for p in procl if p.endswith(lam)),  # ل + ال is written لل
        frozenset(latin_articles),
        {k: tuple(v) for k, v in duals.items()},
    )


@dataclass(frozen=True)
class Rule:
    """A context rule for one alias in running text (context_rules.csv)."""

    kind: str
    words: frozenset[str] = frozenset()


# --- the curated index --------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    """One form the text matcher looks for, and what a match means."""

    place: Place
    key: str  # as it appears in text_fold(normalize(text))
    latin: bool
    lam: bool = False  # the article-initial key with its alif swallowed by a preceding lam (للعراق)
    case: str = ""  # "exact": acronym letters must match the case ("US", not "us"); "initial": capitalised
    letters: str = ""  # for case == "exact": the alias's letters and digits as written
    rules: tuple[Rule, ...] = ()


@dataclass
class Gazetteer:
    places: dict[str, Place]
    morphology: Morphology
    stoplist: frozenset[str]  # arabic_key / latin_key forms that never become places
    arabic: dict[str, list[Place]] = field(default_factory=dict)  # arabic_key -> places, best first
    latin: dict[str, list[Place]] = field(default_factory=dict)  # latin_key -> places, best first
    patterns: dict[str, list[Pattern]] = field(default_factory=dict)  # find key -> patterns, best first
    capital_of: dict[str, str] = field(default_factory=dict)  # city id -> governorate id
    automaton: Any = None


def _names(place: Place) -> list[str]:
    names = [place.name, *([place.name_ar] if place.name_ar else []), *place.aliases]
    # "Kirkuk (city)" is a display name; "Kirkuk" is how it is written.
    if "(" in place.name:
        names.append(place.name.split("(")[0].strip())
    return list(dict.fromkeys(names))


def add_key(index: dict[str, list[Place]], key: str, place: Place) -> None:
    if key and place not in index.setdefault(key, []):
        index[key].append(place)


def parse_rules(
    rows: Iterable[dict[str, str]], places: dict[str, Place]
) -> dict[tuple[str, str], list[Rule]]:
    problems: list[str] = []
    rules: dict[tuple[str, str], list[Rule]] = defaultdict(list)
    for n, row in enumerate(rows, start=2):
        where = f"{settings.RULES_FILE}:{n}"
        pid, alias, kind = row["place_id"], row["alias"], row["rule"]
        place = places.get(pid)
        if place is None:
            problems.append(f"{where}: unknown place id {pid!r}")
            continue
        if alias not in _names(place):
            problems.append(f"{where}: {alias!r} is not a name of {pid}")
        if kind not in RULE_KINDS:
            problems.append(f"{where}: unknown rule {kind!r} (one of {sorted(RULE_KINDS)})")
        words = frozenset(find_key(w) for w in _split(row["words"]))
        if kind in ("not_after", "not_before", "only_after") and not words:
            problems.append(f"{where}: rule {kind} needs words")
        rules[(pid, find_key(alias))].append(Rule(kind, words))
    if problems:
        raise GazetteerDataError(f"{len(problems)} problem(s) in gazetteer rules: " + "; ".join(problems))
    return rules


def _case_of(alias: str) -> tuple[str, str]:
    """How strictly a Latin alias's case must match in running text."""
    letters = "".join(c for c in alias if c.isalnum())
    if letters and letters.upper() == letters and sum(c.isalpha() for c in letters) <= 5:
        return "exact", letters  # acronyms: "US" is not "us", "IZ" is not "iz"
    if " " not in find_key(alias):
        return "initial", ""  # single words are proper nouns: "Hit" the town, not "hit"
    return "", ""


def _generated(place: Place, g: Gazetteer) -> Iterator[tuple[str, Place]]:
    """Type-prefixed forms: "محافظة X" and "X Governorate" for governorates and their capitals, "مدينة X"."""
    m = g.morphology
    if place.kind == "province":
        names = _names(place)
        cap = next((c for c, gov in g.capital_of.items() if gov == place.id), None)
        if cap:
            names += _names(g.places[cap])
        for name in names:
            if is_arabic(name):
                for pre, to in m.ar_prefixes.items():
                    if to == "province" and not arabic_key(name).startswith(pre):
                        yield f"{pre} {name}", place
            else:
                for suf, to in m.en_suffixes.items():
                    if to == "province":
                        yield f"{name} {suf}", place
    elif place.kind in ("city", "town"):
        for name in _names(place):
            if is_arabic(name):
                for pre, to in m.ar_prefixes.items():
                    if to == "city" and not arabic_key(name).startswith(pre):
                        yield f"{pre} {name}", place
    if place.precision == "site" and m.duals:
        # "من قاعدتي العمر وكونيكو": the dual of a site's type word names the site as "قاعدة العمر" does
        for name in _names(place):
            head, _, rest = name.partition(" ")
            if rest and is_arabic(name):
                for dual in m.duals.get(arabic_key(head), ()):
                    yield f"{dual} {rest}", place


def build(places: list[Place], morphology: Morphology, rule_rows: Iterable[dict[str, str]],
          stop_rows: Iterable[dict[str, str]], capitals: dict[str, str]) -> Gazetteer:
    """Build lookup dictionaries and the Aho-Corasick automaton over every curated name."""
    import ahocorasick

    by_id = {p.id: p for p in places}
    problems = [f"capital {c!r} of {g!r} is not a place" for g, c in capitals.items() if c not in by_id]
    if problems:
        raise GazetteerDataError("; ".join(problems))
    g = Gazetteer(places=by_id, morphology=morphology, stoplist=frozenset(
        arabic_key(r["word"]) if is_arabic(r["word"]) else latin_key(r["word"]) for r in stop_rows))
    g.capital_of = {c: gov for gov, c in capitals.items()}
    rules = parse_rules(rule_rows, by_id)

    pats: dict[str, list[Pattern]] = defaultdict(list)
    m = morphology
    for place in places:
        forms = [(n, True) for n in _names(place)] + [(n, False) for n, _ in _generated(place, g)]
        for name, own in forms:
            if is_arabic(name):
                add_key(g.arabic, arabic_key(name), place)
            else:
                add_key(g.latin, latin_key(name), place)
            key = find_key(name)
            prules = tuple(rules.get((place.id, key), ())) if own else ()
            if any(r.kind == "not_in_text" for r in prules) or len(key) < 2:
                continue
            if is_arabic(name):
                pats[key].append(Pattern(place, key, latin=False, rules=prules))
                if key.startswith(m.article) and len(key) > len(m.article) + 1:
                    lam_key = key[len(m.article) - 1:]
                    pats[lam_key].append(Pattern(place, lam_key, latin=False, lam=True, rules=prules))
            else:
                case, letters = _case_of(name)
                pats[key].append(Pattern(place, key, latin=True, case=case, letters=letters, rules=prules))
                first, _, rest = key.partition(" ")
                if first in m.latin_articles and rest and not case:
                    # "Al Anbar" is also written "Anbar" in English text.
                    case2, letters2 = _case_of(rest)
                    pats[rest].append(Pattern(place, rest, latin=True, case=case2, letters=letters2, rules=prules))
    for index in (g.arabic, g.latin):
        for places_ in index.values():
            places_.sort(key=rank)
    automaton = ahocorasick.Automaton()
    for key, plist in pats.items():
        plist.sort(key=lambda p: rank(p.place))
        # One place per written form: the best-ranked (a bare "بغداد" is the city).
        g.patterns[key] = [p for p in plist if p.place == plist[0].place]
        automaton.add_word(key, key)
    automaton.make_automaton()
    g.automaton = automaton
    _check_conflicts(g)
    return g


def _check_conflicts(g: Gazetteer) -> None:
    """Two curated places of the same rank must not share a name: the data would be ambiguous."""
    problems = []
    for index in (g.arabic, g.latin):
        for key, lst in index.items():
            if len(lst) > 1 and rank(lst[0]) == rank(lst[1]):
                problems.append(f"{key!r} names both {lst[0].id} and {lst[1].id}")
    if problems:
        raise GazetteerDataError(f"ambiguous names in {settings.PLACES_FILE}: " + "; ".join(sorted(problems)))


@functools.cache
def gazetteer() -> Gazetteer:
    """The curated gazetteer, loaded and indexed once per process."""
    rows = _read_csv(settings.PLACES_FILE)
    places = parse_places(rows)
    capitals = {r["id"]: r["capital"] for r in rows if r.get("capital")}
    g = build(places, parse_morphology(_read_csv(settings.MORPHOLOGY_FILE)), _read_csv(settings.RULES_FILE),
              _read_csv(settings.STOPLIST_FILE), capitals)
    log.debug("gazetteer: %d places, %d patterns", len(g.places), len(g.patterns))
    return g


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = radians(lat1), radians(lat2)
    a = sin((p2 - p1) / 2) ** 2 + cos(p1) * cos(p2) * sin(radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * asin(sqrt(a))
