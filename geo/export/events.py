"""The events layer: one GeoJSON Feature (or frame row) per event, with ``Event.to_dict()`` properties."""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.models import DEPRECATED_NAMES, PROPERTIES, Event
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
    # Types from PROPERTIES, never from the values: an all-null count stays an integer column.
    for k, kind in _kinds().items():
        if kind == "int":
            df[k] = df[k].astype("Int64")
        elif kind == "real":
            df[k] = df[k].astype("float64")
        elif kind in ("text", "date"):
            df[k] = df[k].astype("object")
    for k in ("lat", "lon"):
        df[k] = df[k].astype("float64").round(DECIMALS)
    geometry = [shapely_geometry(e) for e in events]
    return gpd.GeoDataFrame(df, geometry=geometry, crs="EPSG:4326")


def _columns() -> list[str]:
    """The frame's columns: every property, so empty exports keep their schema."""
    return [*(p.name for p in PROPERTIES), *DEPRECATED_NAMES, "quotes"]


def _kinds() -> dict[str, str]:
    """Each column's kind, from ``PROPERTIES`` (the old names of renamed ones too)."""
    kinds = {p.name: p.kind for p in PROPERTIES}
    kinds.update({old: kinds[new] for old, new in DEPRECATED_NAMES.items()})
    return kinds


DATA = Path(__file__).parent / "data"
_PANDAS = {"int": ("int64", "Int64"), "real": ("float64", "float64")}  # kind -> (pandas_type, numpy_type)


@cache
def parquet_schema() -> pa.Schema:
    """The GeoParquet (1.0) schema of the events layer, fixed by ``PROPERTIES`` (so every chunk, and every
    export, has the same column types): WKB geometry in WGS84, and the pandas metadata that gives
    ``geopandas.read_parquet`` the frame ``events_frame`` makes (nullable integers as Int64)."""
    import pyarrow as pa

    arrow = {"int": pa.int64(), "real": pa.float64()}
    kinds = _kinds()
    names = _columns()
    fields = [pa.field(n, arrow.get(kinds.get(n, "text"), pa.string())) for n in names]
    fields.append(pa.field("geometry", pa.binary()))
    crs = json.loads((DATA / "epsg4326.projjson").read_text(encoding="utf-8"))
    geo = {"version": "1.0.0", "primary_column": "geometry",
           "columns": {"geometry": {"encoding": "WKB", "geometry_types": [], "crs": crs}}}
    columns = [{"name": n, "field_name": n, "metadata": None,
                "pandas_type": _PANDAS.get(kinds.get(n, "text"), ("unicode", "object"))[0],
                "numpy_type": _PANDAS.get(kinds.get(n, "text"), ("unicode", "object"))[1]} for n in names]
    columns.append({"name": "geometry", "field_name": "geometry", "pandas_type": "bytes", "numpy_type": "object",
                    "metadata": None})
    pandas = {"index_columns": [], "column_indexes": [], "columns": columns,
              "creator": {"library": "pyarrow", "version": pa.__version__}}
    return pa.schema(fields, metadata={b"geo": json.dumps(geo).encode(), b"pandas": json.dumps(pandas).encode()})


_WKB: dict[tuple[float, ...], bytes] = {}  # points and lines between places, encoded once


def _wkb(vertices: tuple[tuple[float, float], ...]) -> bytes | None:
    if not vertices:
        return None
    key = tuple(v for xy in vertices for v in xy)
    blob = _WKB.get(key)
    if blob is None:
        if len(_WKB) > 100_000:
            _WKB.clear()
        # little-endian WKB: a Point (type 1) or a two-vertex LineString (type 2)
        blob = _WKB[key] = (struct.pack("<BIdd", 1, 1, *key) if len(key) == 2
                            else struct.pack("<BII4d", 1, 2, 2, *key))
    return blob


def events_table(events: Sequence[Event]) -> pa.Table:
    """The events as an Arrow table of ``parquet_schema()``: what ``events_frame`` holds, without pandas."""
    import pyarrow as pa

    schema = parquet_schema()
    names = _columns()
    cols: dict[str, list[Any]] = {n: [] for n in names}
    geometry = []
    for e in events:
        d = e.to_dict()
        d["sources"] = " | ".join(d["sources"])
        d["quotes"] = " | ".join(e.all_quotes)
        for k in _REAL:
            v = d[k]
            if v is not None:
                v = _clean(v)
                d[k] = round(v, DECIMALS) if v is not None and k in ("lat", "lon") else v
        for n in names:
            cols[n].append(d[n])
        geometry.append(_wkb(e.geometry()))
    cols["geometry"] = geometry
    return pa.Table.from_pydict(cols, schema=schema)


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
    return export_pages(out, fmt, "events", (list(p) for p in pages), event_features, events_frame, events_table,
                        parquet_schema)


