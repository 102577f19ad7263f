"""The events layer: one GeoJSON Feature (or frame row) per event, with ``Event.to_dict()`` properties."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.models import PROPERTIES, Event
from ..core.taxonomy import COUNT_FIELDS
from .files import DECIMALS, dump_json, export_pages, rounded

if TYPE_CHECKING:
    import geopandas as gpd
    import pyarrow as pa

PAGE = 5000  # events per chunk of a streamed export


def _clean(value: Any) -> Any:
    # RFC 7946 / allow_nan=False: a NaN or infinity can only be "unknown".
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def event_geometry(e: Event) -> dict[str, Any] | None:
    """Point at the place, LineString origin→destination for a movement, None when unlocated."""
    vertices = [[rounded(x), rounded(y)] for x, y in e.geometry()]
    if not vertices:
        return None
    if len(vertices) == 2:
        return {"type": "LineString", "coordinates": vertices}
    return {"type": "Point", "coordinates": vertices[0]}


_REAL = tuple(p.name for p in PROPERTIES if p.kind == "real")  # the only values that can be NaN


def event_properties(e: Event) -> dict[str, Any]:
    props = e.to_dict()
    for k in _REAL:
        v = props[k]
        if v is not None:
            v = _clean(v)
            props[k] = rounded(v) if v is not None and k in ("lat", "lon") else v
    props["quotes"] = list(e.all_quotes)
    return props


def event_features(events: Sequence[Event]) -> list[dict[str, Any]]:
    """One GeoJSON Feature per event (``id`` = event id)."""
    out = []
    for e in events:
        props = event_properties(e)
        out.append({"type": "Feature", "id": props["id"], "geometry": event_geometry(e), "properties": props})
    return out


def events_geojson(events: Sequence[Event]) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection with one Feature per event (``id`` = event id)."""
    return {"type": "FeatureCollection", "features": event_features(events)}


def write_geojson(events: Sequence[Event], path: str | Path) -> int:
    """Write ``events_geojson(events)`` as UTF-8 with Arabic unescaped; returns the feature count."""
    p = Path(path)
    dump_json(events_geojson(events), p)
    return len(events)


def shapely_geometry(e: Event) -> Any:
    """``Event.geometry()`` as a shapely Point or LineString (None when unlocated)."""
    import shapely

    vertices = e.geometry()
    if not vertices:
        return None
    return shapely.LineString(vertices) if len(vertices) == 2 else shapely.Point(vertices[0])


def events_frame(events: Sequence[Event]) -> gpd.GeoDataFrame:
    """A GeoDataFrame (EPSG:4326) with ``to_dict()`` columns; lists joined with " | "."""
    import geopandas as gpd
    import pandas as pd

    rows = []
    for e in events:
        d = e.to_dict()
        d["sources"] = " | ".join(d["sources"])
        d["quotes"] = " | ".join(e.all_quotes)
        rows.append(d)
    df = pd.DataFrame(rows, columns=_columns())
    for k in (*COUNT_FIELDS, "start", "end"):
        df[k] = df[k].astype("Int64")
    for k in ("lat", "lon"):
        df[k] = df[k].astype("float64").round(DECIMALS)
    geometry = [shapely_geometry(e) for e in events]
    return gpd.GeoDataFrame(df, geometry=geometry, crs="EPSG:4326")


def _columns() -> list[str]:
    """The frame's columns: every property, so empty exports keep their schema."""
    return [*(p.name for p in PROPERTIES), "quotes"]


@cache
def parquet_schema() -> pa.Schema:
    """The GeoParquet schema of the events layer, fixed by ``PROPERTIES`` (so every chunk, and every
    export, has the same column types), with geopandas' GeoParquet metadata (CRS, WKB encoding)."""
    import pyarrow as pa
    from geopandas.io.arrow import _geopandas_to_arrow

    base = _geopandas_to_arrow(events_frame([]), index=False).schema
    arrow = {"int": pa.int64(), "real": pa.float64()}
    kinds = {p.name: p.kind for p in PROPERTIES}
    fields = [f if f.name == "geometry" else pa.field(f.name, arrow.get(kinds.get(f.name, "text"), pa.string()))
              for f in base]
    geo = json.loads(base.metadata[b"geo"])
    for col in geo["columns"].values():
        col["geometry_types"] = []  # any: Points, LineStrings (movements) and nulls
        col.pop("bbox", None)
    return pa.schema(fields, metadata={**base.metadata, b"geo": json.dumps(geo).encode()})


def export_events(events: Sequence[Event] | Iterable[Sequence[Event]], out: str | Path, fmt: str | None = None) -> int:
    """Write events as geojson, gpkg (layer "events"), csv (lat/lon + WKT) or parquet; returns the count.

    ``events`` is a list, or pages of events (``store.iter_query``): the file is written a page at a
    time, so an export of any size needs the memory of one page.
    """
    if isinstance(events, Sequence) and (not events or isinstance(events[0], Event)):
        seq = list(events)
        pages: Iterable[Sequence[Event]] = (seq[i : i + PAGE] for i in range(0, len(seq), PAGE))
    else:
        pages = events  # type: ignore[assignment]
    return export_pages(out, fmt, "events", (list(p) for p in pages), event_features, events_frame, parquet_schema)


