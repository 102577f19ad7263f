"""The dashboard's only doorway to the project: the store, queries, base status, export, gazetteer, ingest."""

from __future__ import annotations

import datetime as dt
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
from geo.core.models import Event
from geo.events import BaseStatus
from geo.ingest import ingest_paths, open_seeded_store

BBox = tuple[float, float, float, float]


def store_path() -> str | None:
    """The store the user asked for (``GEO_STORE``), or None for the project's default store."""
    return os.environ.get("GEO_STORE") or None


def load_events(path: str | Path | None = None) -> list[Event]:
    """Every stored event (deduplicated, sorted by date)."""
    with open_seeded_store(path) as store:
        return list(store.events())


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


def ingest_files(paths: Sequence[Path], store: str | Path | None, published: dt.date) -> str:
    """Ingest saved articles into the store; returns the report's one-line summary."""
    report = ingest_paths(list(paths), store=store, published=published)
    return str(report.summary())
