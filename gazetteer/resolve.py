"""Resolve a place name (Arabic or Latin, any common spelling) to a Place.

One path whatever the source, best evidence first:

1. curated names and aliases, compared in normalised form (``arabic_key`` / ``latin_key``);
2. curated, after peeling place-type words ("محافظة X", "قاعدة X", "X air base", "X Governorate")
   and toggling the article (الحرير / حرير); "محافظة <capital>" means the governorate;
3. the GeoNames fallback (exact names only);
4. fuzzy matching of Latin spellings against curated names (rapidfuzz, conservative);
5. only when asked (``online=True`` or ``GEO_ONLINE_GEOCODER=1``): the Nominatim geocoder.

GeoNames exact names come before fuzzy curated matches so that "al-Baghdadi" finds the town
rather than a fuzzy "Baghdad". Unknown names give None, never a guess.
"""

from __future__ import annotations

import functools
import logging
import os
import re

from . import settings
from .errors import GeocoderUnavailable
from .geonames import geonames_index
from .index import Gazetteer, arabic_key, gazetteer, latin_key, lookup_key, rank
from .models import Place
from .normalize import is_arabic

log = logging.getLogger("gazetteer.resolve")

_MAX_NAME = 200
_DIGITS = re.compile(r"\d+")


def places() -> list[Place]:
    """Every curated place, in file order (the dashboard draws the ``is_base`` ones)."""
    return list(gazetteer().places.values())


def get_place(place_id: str) -> Place:
    """The place with this id (curated, or ``geonames:<id>``); KeyError with a clear message otherwise."""
    g = gazetteer()
    if place_id in g.places:
        return g.places[place_id]
    if isinstance(place_id, str) and place_id.startswith("geonames:"):
        found = geonames_index().by_id.get(place_id)
        if found:
            return found
    raise KeyError(f"unknown place id {place_id!r}; ids look like 'country:IQ', 'gov:babil' or 'ain_al_asad' "
                   f"(see gazetteer.places())")


def _clean(name: object) -> str | None:
    if not isinstance(name, str):
        return None
    s = name.strip()
    if not s or len(s) > _MAX_NAME:
        return None
    return s


def _online_enabled(online: bool) -> bool:
    return online or os.environ.get("GEO_ONLINE_GEOCODER", "0") == "1"


def resolve(name: str, *, online: bool = False) -> Place | None:
    """The best place for ``name`` or None; see the module docstring for the order of evidence."""
    s = _clean(name)
    if s is None:
        return None
    return _resolve(s, _online_enabled(online))


@functools.lru_cache(maxsize=settings.RESOLVE_CACHE_SIZE)
def _resolve(name: str, online: bool) -> Place | None:
    found = _offline_candidates(name, first_only=True)
    if found:
        return found[0]
    return _online(name) if online else None


def candidates(name: str, limit: int = 5) -> list[Place]:
    """Every place ``name`` may mean, best first (offline sources only)."""
    s = _clean(name)
    if s is None or limit <= 0:
        return []
    return _offline_candidates(s, first_only=False)[:limit]


def _pick(found: list[Place], want: str | None) -> list[Place]:
    """Order ``found`` so the wanted kind of place (province/site/city) comes first."""
    if not want:
        return found
    kinds = {"province": {"province"}, "city": {"city", "town", "district"},
             "site": {"air_base", "military_base", "base", "airport", "site"}}[want]
    return sorted(found, key=lambda p: (p.kind not in kinds, rank(p)))


def _as_governorate(g: Gazetteer, found: list[Place]) -> list[Place]:
    """'محافظة X': X itself if a governorate, else the governorate whose capital X is; nothing else."""
    out = []
    for p in found:
        if p.kind == "province":
            out.append(p)
        elif p.id in g.capital_of:
            out.append(g.places[g.capital_of[p.id]])
    return out


def _variants(g: Gazetteer, name: str) -> list[tuple[str, str | None]]:
    """(key, wanted kind) pairs to try after the plain key: type words peeled, article toggled."""
    m = g.morphology
    arabic = is_arabic(name)
    key = lookup_key(name)
    out: list[tuple[str, str | None]] = []
    prefixes, suffixes = (m.ar_prefixes, m.ar_suffixes) if arabic else (m.en_prefixes, m.en_suffixes)
    rests: list[tuple[str, str | None]] = [(key, None)]
    for pre, pto in prefixes.items():
        if key.startswith(pre + " "):
            rests.append((key[len(pre) + 1:], pto))
    for base, want in list(rests):
        for suf, sto in suffixes.items():
            if base.endswith(" " + suf):
                rests.append((base[: -len(suf) - 1], want or sto))
    for rest, kind in rests:
        if rest != key or kind:
            out.append((rest, kind))
        if arabic and len(rest) > len(m.article) + 1:
            if rest.startswith(m.article):
                out.append((rest[len(m.article):], kind))
            else:
                out.append((m.article + rest, kind))
    return [(k, to) for k, to in dict.fromkeys(out) if k]


def _lookup(g: Gazetteer, index_ar: dict[str, list[Place]], index_la: dict[str, list[Place]],
            name: str, variants: list[tuple[str, str | None]]) -> list[Place]:
    arabic = is_arabic(name)
    index = index_ar if arabic else index_la
    key = lookup_key(name)
    out: list[Place] = list(index.get(key, ()))
    for k, want in variants:
        found = index.get(k, [])
        if want == "province":
            found = _as_governorate(g, found)
        out.extend(_pick(found, want))
    return out


def _fuzzy(g: Gazetteer, name: str, variants: list[tuple[str, str | None]]) -> list[Place]:
    """Latin spellings close to a curated name; refuses digit changes and word extensions (Iraqi≠Iraq)."""
    if is_arabic(name):
        return []
    from rapidfuzz import fuzz, process

    out: list[Place] = []
    for key in [latin_key(name), *(k for k, _ in variants)]:
        if len(key) < settings.FUZZY_MIN_LENGTH:
            continue
        for choice, _score, _ in process.extract(key, list(g.latin), scorer=fuzz.ratio,
                                                 score_cutoff=settings.FUZZY_MIN_SCORE, limit=5):
            if _DIGITS.findall(choice) != _DIGITS.findall(key):
                continue  # "Union 2" is not "Union III"/"Union 3"; "Tower 21" is not "Tower 22"
            short, long_ = sorted((choice, key), key=len)
            if long_.startswith(short) and long_[len(short):] != "h":
                continue  # "Baghdadi", "Iraqi", "Syrian" are other words (only a final -h is a spelling)
            out.extend(g.latin[choice])
    return out


def _offline_candidates(name: str, *, first_only: bool) -> list[Place]:
    g = gazetteer()
    variants = _variants(g, name)
    stages = [lambda: _lookup(g, g.arabic, g.latin, name, variants)]
    key = lookup_key(name)
    if key not in g.stoplist:
        stages.append(lambda: _geonames(g, name, variants))
    stages.append(lambda: _fuzzy(g, name, variants))
    out: list[Place] = []
    for stage in stages:
        for p in stage():
            if p not in out:
                out.append(p)
        if out and first_only:
            break
    return out


def _geonames(g: Gazetteer, name: str, variants: list[tuple[str, str | None]]) -> list[Place]:
    gn = geonames_index()
    # Type words ask for a kind GeoNames cities are not (a "قاعدة X" is not the town X): only
    # plain names and article toggles are looked up there.
    plain = [(k, w) for k, w in variants if w in (None, "city")]
    return [p for p in _lookup(g, gn.arabic, gn.latin, name, plain) if arabic_key(p.name) not in g.stoplist]


_warned = False


def _online(name: str) -> Place | None:
    global _warned
    from .online import geocode

    try:
        return geocode(name)
    except GeocoderUnavailable as exc:
        if not _warned:
            log.warning("online geocoder unavailable: %s", exc)
            _warned = True
        return None
