"""Export events as GeoJSON (RFC 7946), GeoPackage, CSV or GeoParquet."""

from __future__ import annotations

import datetime as dt
import json
import math
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ExportError
from .models import Event
from .taxonomy import COUNT_FIELDS

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "FORMATS",
    "events_frame",
    "events_geojson",
    "export_bases",
    "export_events",
    "format_for",
    "write_geojson",
]

FORMATS: tuple[str, ...] = ("geojson", "gpkg", "csv", "parquet")
_SUFFIXES = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
    ".csv": "csv",
    ".parquet": "parquet",
    ".geoparquet": "parquet",
}
DECIMALS = 6  # ~0.1 m: finer digits are noise for places known to a site at best


def format_for(out: str | Path, fmt: str | None = None) -> str:
    """The export format: ``fmt`` if given, else from the file suffix; ExportError if unknown."""
    if fmt:
        if fmt not in FORMATS:
            raise ExportError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
        return fmt
    suffix = Path(out).suffix.lower()
    if suffix not in _SUFFIXES:
        raise ExportError(
            f"cannot tell the format of {Path(out).name!r} from its suffix; "
            "use .geojson, .gpkg, .csv or .parquet, or pass --format"
        )
    return _SUFFIXES[suffix]


def _check_target(out: Path, fmt: str) -> None:
    if not out.parent.exists():
        raise ExportError(f"folder {out.parent} does not exist; create it or choose another -o")
    if out.is_dir():
        raise ExportError(f"{out} is a folder; give a file name such as {out / ('events.' + fmt)}")
    if out.exists():  # whatever the format: writing over the event store would lose it
        try:
            con = sqlite3.connect(f"file:{out}?mode=ro", uri=True)
            try:
                is_store = con.execute(
                    "SELECT 1 FROM sqlite_master WHERE type='table' AND name='store_meta'"
                ).fetchone()
            finally:
                con.close()
        except sqlite3.DatabaseError:
            is_store = None
        if is_store:
            raise ExportError(f"{out} is an event store, not an export; choose another -o")


def _r(x: float) -> float:
    return round(x, DECIMALS)


def _clean(value: Any) -> Any:
    # RFC 7946 / allow_nan=False: a NaN or infinity can only be "unknown".
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def event_geometry(e: Event) -> dict[str, Any] | None:
    """Point at the place, LineString origin→destination for a movement, None when unlocated."""
    if e.place is None:
        return None
    origin = [_r(e.place.lon), _r(e.place.lat)]
    if e.destination is not None:
        return {"type": "LineString", "coordinates": [origin, [_r(e.destination.lon), _r(e.destination.lat)]]}
    return {"type": "Point", "coordinates": origin}


def event_properties(e: Event) -> dict[str, Any]:
    props = {k: _clean(v) for k, v in e.to_dict().items()}
    for k in ("lat", "lon"):
        if props.get(k) is not None:
            props[k] = _r(props[k])
    props["quotes"] = list(e.quotes or (e.quote,))
    return props


def events_geojson(events: Sequence[Event]) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection with one Feature per event (``id`` = event id)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": e.id, "geometry": event_geometry(e), "properties": event_properties(e)}
            for e in events
        ],
    }


def _dump(obj: dict[str, Any], path: Path) -> None:
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text + "\n", encoding="utf-8")
    tmp.replace(path)  # a reader never sees half a file


def write_geojson(events: Sequence[Event], path: str | Path) -> int:
    """Write ``events_geojson(events)`` as UTF-8 with Arabic unescaped; returns the feature count."""
    p = Path(path)
    _dump(events_geojson(events), p)
    return len(events)


def _frame_geometry(e: Event) -> Any:
    import shapely

    if e.place is None:
        return None
    if e.destination is not None:
        return shapely.LineString([(e.place.lon, e.place.lat), (e.destination.lon, e.destination.lat)])
    return shapely.Point(e.place.lon, e.place.lat)


def events_frame(events: Sequence[Event]) -> gpd.GeoDataFrame:
    """A GeoDataFrame (EPSG:4326) with ``to_dict()`` columns; lists joined with " | "."""
    import geopandas as gpd
    import pandas as pd

    rows = []
    for e in events:
        d = e.to_dict()
        d["sources"] = " | ".join(d["sources"])
        d["quotes"] = " | ".join(e.quotes or (e.quote,))
        rows.append(d)
    df = pd.DataFrame(rows, columns=_columns())
    for k in (*COUNT_FIELDS, "start", "end"):
        df[k] = df[k].astype("Int64")
    for k in ("lat", "lon"):
        df[k] = df[k].astype("float64").round(DECIMALS)
    geometry = [_frame_geometry(e) for e in events]
    return gpd.GeoDataFrame(df, geometry=geometry, crs="EPSG:4326")


def _columns() -> list[str]:
    """The frame's columns, taken from a dummy event so empty exports keep their schema."""
    import datetime as dt

    d = Event("attack", dt.date(2000, 1, 1), "", 0, 0, "", dt.date(2000, 1, 1)).to_dict()
    return [*d, "quotes"]


def _write_frame(frame: gpd.GeoDataFrame, out: Path, fmt: str, layer: str) -> None:
    if fmt == "gpkg":
        # pyogrio replaces this layer and leaves the file's other layers (events/bases) alone.
        frame.to_file(out, layer=layer, driver="GPKG", engine="pyogrio")
    elif fmt == "parquet":
        frame.to_parquet(out, index=False)
    elif fmt == "csv":
        table = frame.drop(columns="geometry")
        table["geometry_wkt"] = frame.geometry.to_wkt(rounding_precision=DECIMALS)
        # utf-8-sig: the BOM makes Excel read the Arabic as UTF-8.
        table.to_csv(out, index=False, encoding="utf-8-sig")
    else:  # pragma: no cover - format_for rejects the rest
        raise ExportError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


def _export(
    out: str | Path,
    fmt: str | None,
    layer: str,
    count: int,
    geojson: Callable[[], dict[str, Any]],
    frame: Callable[[], gpd.GeoDataFrame],
) -> int:
    p = Path(out)
    f = format_for(p, fmt)
    _check_target(p, f)
    try:
        if f == "geojson":
            _dump(geojson(), p)
        else:
            _write_frame(frame(), p, f, layer)
    except OSError as exc:
        raise ExportError(f"cannot write {p} ({exc.strerror or exc}); check the path and free space") from None
    return count


def export_events(events: Sequence[Event], out: str | Path, fmt: str | None = None) -> int:
    """Write events as geojson, gpkg (layer "events"), csv (lat/lon + WKT) or parquet; returns the count."""
    return _export(out, fmt, "events", len(events), lambda: events_geojson(events), lambda: events_frame(events))


def export_bases(events: Sequence[Event], out: str | Path, fmt: str | None = None,
                 at: dt.date | None = None) -> int:
    """The bases' status over time (see ``geo.bases.export_bases``); returns the number of bases."""
    from .bases import export_bases as _export_bases  # geo.bases builds on this module

    return _export_bases(events, out, fmt, at=at)
