"""Opt-in online geocoding with Nominatim (OpenStreetMap) through geopy.

Never used unless asked for (``resolve(name, online=True)`` or ``GEO_ONLINE_GEOCODER=1``), never in
tests. Answers are kept in an on-disk JSON cache (misses too) and requests are spaced by geopy's
``RateLimiter`` to respect Nominatim's usage policy (at most one request per second).
"""

from __future__ import annotations

import json
import logging
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import settings
from .errors import GeocoderUnavailable
from .models import Place

log = logging.getLogger("gazetteer.online")

# Nominatim "addresstype" -> (kind, precision); anything else is kept at region precision so an
# unknown kind of answer is never presented as a precise point.
_TYPES: dict[str, tuple[str, str]] = {
    "country": ("country", "country"),
    "state": ("province", "governorate"), "province": ("province", "governorate"),
    "county": ("district", "district"), "district": ("district", "district"),
    "city": ("city", "city"), "town": ("city", "city"), "village": ("city", "city"),
    "hamlet": ("city", "city"), "suburb": ("district", "district"), "neighbourhood": ("district", "district"),
    "aeroway": ("airport", "site"), "military": ("military_base", "site"),
}

_lock = threading.Lock()
_geocode: Callable[..., Any] | None = None


def _load_cache(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _save_cache(path: Path, cache: dict[str, Any]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # a temp file of its own per writer, then an atomic rename: two processes never mix their writes
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, suffix=".tmp",
                                         delete=False) as tmp:
            tmp.write(json.dumps(cache, ensure_ascii=False, indent=0))
        Path(tmp.name).replace(path)
    except OSError as exc:
        log.warning("cannot write the geocoder cache %s: %s", path, exc)


def _geocoder() -> Callable[..., Any]:
    global _geocode
    if _geocode is None:
        try:
            from geopy.extra.rate_limiter import RateLimiter
            from geopy.geocoders import Nominatim
        except ImportError as exc:
            raise GeocoderUnavailable("geopy is not installed (pip install geopy)") from exc
        nominatim = Nominatim(user_agent=settings.ONLINE_USER_AGENT, timeout=settings.ONLINE_TIMEOUT_S)
        _geocode = RateLimiter(nominatim.geocode, min_delay_seconds=settings.ONLINE_MIN_DELAY_S,
                               max_retries=1, swallow_exceptions=False)
    return _geocode


def place_from_nominatim(query: str, raw: dict[str, Any]) -> Place | None:
    """A Nominatim JSON answer (``jsonv2`` with ``addressdetails``) as a low-confidence Place."""
    try:
        lat, lon = float(raw["lat"]), float(raw["lon"])
    except (KeyError, TypeError, ValueError):
        return None
    kind, precision = _TYPES.get(str(raw.get("addresstype") or raw.get("type") or ""), ("region", "region"))
    address = raw.get("address") or {}
    return Place(
        id=f"osm:{raw.get('osm_type', '')}/{raw.get('osm_id', '')}",
        name=str(raw.get("name") or raw.get("display_name") or query).split(",")[0],
        lat=lat, lon=lon, kind=kind, precision=precision,
        province=str(address.get("state", "")), country=str(address.get("country_code", "")).upper(),
        source=f"Nominatim/OpenStreetMap: {raw.get('display_name', '')} (ODbL)",
        confidence="low", origin="online",
    )


def geocode(name: str, *, cache_file: Path | None = None) -> Place | None:
    """Look ``name`` up with Nominatim (cached on disk); GeocoderUnavailable if that cannot be done."""
    path = cache_file or settings.ONLINE_CACHE_FILE
    with _lock:
        cache = _load_cache(path)
        if name in cache:
            raw = cache[name]
            return place_from_nominatim(name, raw) if raw else None
        geocode_fn = _geocoder()
        try:
            from geopy.exc import GeopyError
        except ImportError as exc:  # pragma: no cover - _geocoder() would have failed first
            raise GeocoderUnavailable("geopy is not installed") from exc
        try:
            loc = geocode_fn(name, exactly_one=True, addressdetails=True, language="en",
                             country_codes=list(settings.ONLINE_COUNTRY_CODES))
        except (GeopyError, OSError) as exc:
            raise GeocoderUnavailable(f"Nominatim did not answer ({type(exc).__name__}: {exc})") from exc
        raw = loc.raw if loc is not None else None
        cache[name] = raw
        _save_cache(path, cache)
    return place_from_nominatim(name, raw) if raw else None
