"""The bases layer: each curated base's status (``geo.events.bases_status``) as GeoJSON or a frame."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gazetteer.models import Place

from ..core.models import Event
from ..events import UNKNOWN, BaseStatus, bases_status
from .files import export_to, rounded

if TYPE_CHECKING:
    import geopandas as gpd


def _properties(b: BaseStatus) -> dict[str, Any]:
    p = b.place
    return {
        "id": p.id,
        "name": p.name,
        "name_ar": p.name_ar,
        "kind": p.kind,
        "province": p.province,
        "lat": rounded(p.lat),
        "lon": rounded(p.lon),
        "status": b.status,
        "since": b.since.isoformat() if b.since else None,
        "evidence": [e.id for e in b.evidence],
        "evidence_quotes": [e.quote for e in b.evidence],
        "evidence_sources": [e.source for e in b.evidence],
        "timeline": [{"date": d.isoformat(), "status": s, "event_id": e.id} for d, s, e in b.timeline],
        # Curated (sourced, data/base_history.csv) and extracted status runs: what the popup reads.
        "status_text": b.history[-1].label if b.history else None,
        "history": [
            {"date": h.date.isoformat(), "precision": h.precision, "status": h.status, "last": h.last.isoformat(),
             "label": h.label, "source": h.source, "curated": h.curated}
            for h in b.history
        ],
    }


def bases_geojson(events: Sequence[Event], at: dt.date | None = None) -> dict[str, Any]:
    """A FeatureCollection of base points with their status, evidence and timeline."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": b.place.id,
                "geometry": {"type": "Point", "coordinates": [rounded(b.place.lon), rounded(b.place.lat)]},
                "properties": _properties(b),
            }
            for b in bases_status(events, at)
        ],
    }


def bases_frame(events: Sequence[Event], at: dt.date | None = None) -> gpd.GeoDataFrame:
    """Bases as a GeoDataFrame (EPSG:4326); list properties joined with " | ", timeline as JSON text."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    statuses = bases_status(events, at)
    rows = []
    for b in statuses:
        d = _properties(b)
        for k in ("evidence", "evidence_quotes", "evidence_sources"):
            d[k] = " | ".join(d[k])
        d["timeline"] = json.dumps(d["timeline"], ensure_ascii=False)
        d["history"] = json.dumps(d["history"], ensure_ascii=False)
        rows.append(d)
    cols = list(_properties(BaseStatus(Place("", "", 0.0, 0.0, "base", "site"), UNKNOWN, None, ())))
    geometry = [shapely.Point(b.place.lon, b.place.lat) for b in statuses]
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=cols), geometry=geometry, crs="EPSG:4326")


def export_bases(events: Sequence[Event], out: str | Path, fmt: str | None = None,
                 at: dt.date | None = None) -> int:
    """Write the bases' status at ``at`` (None: latest) as geojson, gpkg, csv or parquet; returns the count."""
    fc = bases_geojson(events, at=at)
    return export_to(out, fmt, "bases", len(fc["features"]), lambda: fc, lambda: bases_frame(events, at=at))
