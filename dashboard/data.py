"""The dashboard's only doorway to the project: the store, queries, base status, export, gazetteer, ingest."""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gazetteer
from gazetteer.models import Place
from geo import events as geo_events
from geo import export
from geo.core.errors import GeoError
from geo.core.models import Event
from geo.events import BaseStatus
from geo.ingest import ingest_paths, open_seeded_store

BBox = tuple[float, float, float, float]


def store_path() -> str | None:
    """The store the user asked for (``GEO_STORE``), or None for the project's default store."""
    return os.environ.get("GEO_STORE") or None


def load_events(path: str | Path | None = None) -> list[Event]:
    """Every stored event (deduplicated, sorted by date).

    The events are long-lived (the app caches them until the store changes) and hold no reference cycles,
    so the cyclic garbage collector is kept out of the way: paused while they are built, then told to leave
    every object that exists now alone (``gc.freeze``). At 100,000 events, full collections over the
    growing heap took 2 s of the first page's 8 (nine of them), and later ones walked the events again on
    a rerun. Reference counting still frees them when the cache lets them go.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        with open_seeded_store(path) as store:
            events = list(store.events())
    finally:
        if was:
            gc.enable()
    gc.freeze()
    return events


def query_events(path: str | Path | None = None, **filters: Any) -> list[Event]:
    """Only the events that pass ``filters`` (``geo.store`` ``Filters``: start, end, types, governorates,
    sources, min_precision, min_confidence, bbox), answered by the store in SQL; ``limit``/``offset`` page."""
    with open_seeded_store(path) as store:
        return store.query(**filters)


def event_counts(path: str | Path | None, by: str, **filters: Any) -> list[tuple[str, int]]:
    """Counts per "governorate" or "week" (or "type") in SQL, for the map at low zoom and the timeline."""
    with open_seeded_store(path) as store:
        return store.aggregate(by, **filters)


def store_overview(path: str | Path | None = None) -> dict[str, Any]:
    """Count, first and last day, sources, governorates and types of the stored events, without loading them."""
    with open_seeded_store(path) as store:
        return store.overview()


def store_stamp(path: str | Path | None) -> str:
    """The store's fingerprint (row counts), so cached loaders notice new articles — also ones written
    by another process into a WAL file, or into a shared PostGIS store."""
    with open_seeded_store(path) as store:
        return store.fingerprint()


def bases_status(events: Sequence[Event], at: dt.date | None = None) -> list[BaseStatus]:
    """``geo.events.bases_status``: each base's status (present/handed_over/withdrawn/unknown) at ``at``."""
    return list(geo_events.bases_status(list(events), at=at))


def events_geojson(events: Sequence[Event]) -> dict[str, Any]:
    """``geo.export.events_geojson``: the ``geo export`` GeoJSON FeatureCollection."""
    result: dict[str, Any] = export.events_geojson(list(events))
    return result


def geojson_bytes(events: Sequence[Event]) -> bytes:
    """The download: exactly ``events_geojson(events)``, UTF-8 with Arabic unescaped."""
    return json.dumps(events_geojson(events), ensure_ascii=False, allow_nan=False).encode("utf-8")


def csv_bytes(events: Sequence[Event]) -> bytes:
    """The CSV download: exactly what ``geo export --format csv`` writes for these events."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "events.csv"
        export.export_events(list(events), out, fmt="csv")
        return out.read_bytes()


def resolve_place(name: str) -> Place | None:
    """``gazetteer.resolve``."""
    return gazetteer.resolve(name)


def governorate_places() -> list[Place]:
    """Province points from the gazetteer (labels on the offline basemap)."""
    return [p for p in gazetteer.places() if p.precision == "governorate" and p.country in ("IQ", "")]


def town_places() -> list[Place]:
    """Towns of Iraq for the basemap's labels at zoom >= 8: curated cities, then GeoNames' (deduplicated)."""
    from gazetteer.geonames import geonames_index

    curated = [p for p in gazetteer.places() if p.precision == "city" and p.country == "IQ"]
    seen = {p.id for p in curated}
    extra = [p for p in geonames_index().by_id.values() if p.country == "IQ" and p.precision == "city"]
    return curated + [p for p in extra if p.id not in seen and not seen.add(p.id)]  # type: ignore[func-returns-value]


def ingest_files(
    paths: Sequence[Path], store: str | Path | None, published: dt.date, outlet: str | None = None
) -> tuple[bool, str]:
    """Ingest saved articles into the store (labelled with ``outlet`` when given): (stored?, one line).
    A store that refuses the write (read-only, full, damaged) is a line for the user, not a traceback."""
    try:
        report = ingest_paths(list(paths), store=store, published=published, source=outlet)
    except GeoError as exc:
        return False, f"Nothing was stored: {exc}"
    return True, str(report.summary())


def dates_used(paths: Sequence[Path], published: dt.date) -> list[str]:
    """For each file, the publication date ingest gives it and why (the planner's own rule, run twice:
    without the user's date, a file that still gets one carries its own)."""
    from geo.ingest.plan import plan_file

    out = []
    for path in paths:
        own, _ = plan_file(Path(path), {}, None, None, "")
        if own:
            when = own[0].article.published
            why = "found in the file (its metadata or a date line), which wins over the date you gave"
            if when == published:
                why = "found in the file, the same as the date you gave"
            out.append(f"{Path(path).name}: dated {when.isoformat()}, {why}.")
        else:
            out.append(f"{Path(path).name}: dated {published.isoformat()}, the date you gave (the file has none).")
    return out
