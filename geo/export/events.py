"""The events layer: one GeoJSON Feature (or frame row) per event, with ``Event.to_dict()`` properties."""

from __future__ import annotations

import hashlib
import json
import math
import operator
import struct
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from functools import cache
from json.encoder import encode_basestring
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import NOT_UTF8, ExportError
from ..core.models import DEPRECATED_NAMES, FIELD_DEFAULTS, PROPERTIES, Event, EventColumns
from .arrow import array, finite, scalar, utf8_texts
from .files import DECIMALS, _dumps, cycles_uncollected, dump_json, export_pages, format_for, rounded

if TYPE_CHECKING:
    import geopandas as gpd
    import pyarrow as pa

PAGE = 5000  # events per chunk of a streamed export
# GeoParquet columns whose values seldom repeat: written without a dictionary (Parquet tries one per
# column and falls back; for these the try only costs time).
UNIQUE_COLUMNS = ("id", "quote", "quotes", "sources")


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
                        parquet_schema, UNIQUE_COLUMNS)




# ---------------------------------------------------------------- the fast path: columns, no Event per row
COLUMN_FORMATS = ("geojson", "parquet")  # what ``export_columns`` writes; the others take Events
# How each property is made from ``EventColumns``: a stored field as it is, review state at its default
# (pages of columns come only from stores without decisions), or derived below as ``PROPERTIES`` derives it.
_DERIVED = ("id", "place", "place_id", "province", "destination", "destination_id", "lat", "lon", "geo_precision",
            "sources")
_PLAIN = {p.name: p.field for p in PROPERTIES if p.column and p.field and p.name not in _DERIVED}
_DEFAULTS = {p.name: FIELD_DEFAULTS[p.name] for p in PROPERTIES
             if not p.column and p.name in FIELD_DEFAULTS and p.name not in _DERIVED}
_UNKNOWN = [p.name for p in PROPERTIES if p.name not in _PLAIN and p.name not in _DEFAULTS and p.name not in _DERIVED]


def _coordinate(v: float) -> float | None:
    c = _clean(v)
    return None if c is None else rounded(c)


def _ids(c: Mapping[str, Sequence[Any]], pids: Sequence[Any], dids: Sequence[Any]) -> list[str]:
    """``Event.id`` of every row (the hash of its type, day, places, source, offset and quote), one C
    loop per step (``map``) rather than a Python one per row."""
    keys = map("|".join, zip(c["type"], c["date"], _or_empty(pids), _or_empty(dids), c["source"],
                             map(str, c["start"]), c["quote"], strict=True))
    digests = map(_HEX, map(hashlib.sha1, map(str.encode, keys)))
    return list(map(_FIRST16, digests))


_HEX = operator.methodcaller("hexdigest")
_FIRST16 = operator.itemgetter(slice(16))


def _or_empty(values: Sequence[str | None]) -> Sequence[str]:
    return [v or "" for v in values] if None in values else values  # type: ignore[return-value]


# The columns that follow from a row's (place, destination) pair alone.
_BY_PLACE = ("place", "place_id", "province", "destination", "destination_id", "lat", "lon", "geo_precision")


def _property_columns(page: EventColumns, by_place: bool = True,
                      skip: Collection[str] = ()) -> dict[str, Sequence[Any]]:
    """Every export column (``_columns()``) of the page but the lists (sources, quotes) and the stored
    fields named in ``skip``, as ``event_properties`` gives it row by row (without the ``_BY_PLACE``
    ones unless ``by_place``)."""
    if _UNKNOWN:  # a new property must be taught to this path (tests/export/test_fast_export.py)
        raise RuntimeError(f"the column export does not know the properties {', '.join(_UNKNOWN)}")
    c, n = page.columns, len(page)
    out: dict[str, Sequence[Any]] = {}
    for name, fld in _PLAIN.items():
        if name not in skip:
            out[name] = c[fld]
    for name, value in _DEFAULTS.items():
        out[name] = [value] * n
    out["confidence"] = finite(out["confidence"])
    out["id"] = c["event_id"] if "event_id" in c else _ids(c, c["place_id"], c["destination_id"])
    if by_place:
        pairs, rows = _pairs(page)
        for name, values in _by_place(page, pairs).items():
            out[name] = list(map(values.__getitem__, rows))
    for old, new in DEPRECATED_NAMES.items():
        out[old] = out[new]
    return out


def _pairs(page: EventColumns) -> tuple[list[tuple[str | None, str | None]], list[int]]:
    """The page's distinct (place, destination) pairs, and each row's number among them."""
    keys = list(zip(page.columns["place_id"], page.columns["destination_id"], strict=True))
    number = {k: i for i, k in enumerate(dict.fromkeys(keys))}
    return list(number), list(map(number.__getitem__, keys))


def _by_place(page: EventColumns, pairs: Sequence[tuple[str | None, str | None]]) -> dict[str, list[Any]]:
    """Each ``_BY_PLACE`` column's value for every pair, in the pairs' order."""
    places = page.places
    out: dict[str, list[Any]] = {name: [] for name in _BY_PLACE}
    for pid, did in pairs:
        values: dict[str, Any] = {"place": None, "province": None, "lat": None, "lon": None, "geo_precision": "none"}
        if pid is not None:
            p = places[pid]
            values.update(place=p.name, province=p.province, lat=_coordinate(p.lat), lon=_coordinate(p.lon),
                          geo_precision=p.precision)
        values.update(place_id=pid, destination=places[did].name if did is not None else None, destination_id=did)
        for name in _BY_PLACE:
            out[name].append(values[name])
    return out


def _stored_list(text: str | None) -> list[str] | None:
    """The items of a stored JSON list of texts written as ``json.dumps`` writes it with no escape
    (what the writers store), found by splitting; None for any other text (it is parsed instead).
    Such a text holds no ``"`` inside its items, so every ``"`` between the brackets is part of a
    ``", "`` between two items."""
    if text is None or len(text) < 4 or "\\" in text or text[:2] != '["' or text[-2:] != '"]':
        return None
    inner = text[2:-2]
    return inner.split('", "') if inner.count('"') == 2 * inner.count('", "') else None


def _list_column(page: EventColumns, name: str) -> list[list[Any]]:
    """The page's lists ``name`` (sources or quotes), from their stored text where the store gave it."""
    texts = page.lists.get(name)
    if texts is None:
        return [list(v) for v in page.columns[name]]
    out: list[list[Any]] = []
    parsed = None
    for t in texts:
        items = _stored_list(t) if t and t != "[]" else []
        if items is None:
            if parsed is None:
                parsed = page.columns[name]
            items = list(parsed[len(out)])
        out.append(items)
    return out


def _vertices(page: EventColumns) -> tuple[list[tuple[str | None, str | None]], dict[Any, Any]]:
    """Each row's (place, destination) key and ``Event.geometry()`` of every distinct key."""
    keys = list(zip(page.columns["place_id"], page.columns["destination_id"], strict=True))
    return keys, {key: _geometry(page, key) for key in set(keys)}


def _geometry(page: EventColumns, key: tuple[str | None, str | None]) -> tuple[tuple[float, float], ...]:
    """``Event.geometry()`` of a row whose (place, destination) is ``key``."""
    pid, did = key
    if pid is None:
        return ()
    p = page.places[pid]
    d = page.places[did] if did is not None else None
    return ((p.lon, p.lat),) if d is None else ((p.lon, p.lat), (d.lon, d.lat))


_null = "null"


def _json_value(v: Any) -> str:
    """``v`` as ``json.dumps`` writes it inside the export (compact, Arabic unescaped, no NaN)."""
    t = type(v)
    if t is str:
        return encode_basestring(v)
    if v is None:
        return _null
    if t is int:
        return int.__repr__(v)
    if t is float:
        if not math.isfinite(v):  # as allow_nan=False: never a NaN in the file
            raise ValueError("Out of range float values are not JSON compliant: " + repr(v))
        return float.__repr__(v)
    if t is list and all(type(x) is str for x in v):
        return "[" + ",".join(map(encode_basestring, v)) + "]"
    return _dumps(v)


def _json_column(values: Sequence[Any]) -> list[str]:
    """Every value of a column as JSON text; a column of text or integers is encoded once per distinct
    value (of one type only: 1 and 1.0, 0.0 and -0.0 are equal keys but not the same JSON)."""
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if kinds <= {str} or kinds == {int}:
        encoded = {v: _json_value(v) for v in set(values)}
        return list(map(encoded.__getitem__, values))
    return list(map(_json_value, values))


def _json_lists(values: list[list[Any]]) -> list[str]:
    """A column of lists (sources, quotes) as JSON text: lists of texts joined directly."""
    out = []
    for v in values:
        try:
            out.append("[" + ",".join(map(encode_basestring, v)) + "]")
        except TypeError:  # not all texts
            out.append(_dumps(v))
    return out


def _json_list_texts(page: EventColumns, name: str, single: Sequence[Any]) -> list[str]:
    """The JSON text of each row's ``name`` list as ``event_properties`` gives it (the one ``single``
    value when the list is empty): a stored text without escapes is the same text, compact."""
    texts = page.lists.get(name)
    if texts is None:
        return _json_lists([v if v else [x] for v, x in zip(page.columns[name], single, strict=True)])
    out = []
    for t, x in zip(texts, single, strict=True):
        if not t or t == "[]":
            out.append(_json_lists([[x]])[0])
        elif _stored_list(t) is not None:
            out.append(t.replace('", "', '","'))
        else:
            v = list(page.columns[name][len(out)])
            out.append(_json_lists([v if v else [x]])[0])
    return out


def columns_geojson(page: EventColumns) -> str:
    """``event_features`` of the page's events as the text ``stream_geojson`` writes for them (features
    joined by commas), built column by column from a per-row template rather than a dict per row."""
    cols = _property_columns(page)
    keys, shapes = _vertices(page)
    geometry: dict[Any, str] = {}
    for key, vertices in shapes.items():
        shape = None
        if len(vertices) == 1:
            shape = {"type": "Point", "coordinates": [rounded(vertices[0][0]), rounded(vertices[0][1])]}
        elif vertices:
            shape = {"type": "LineString", "coordinates": [[rounded(x), rounded(y)] for x, y in vertices]}
        geometry[key] = _dumps(shape)
    names = _columns()
    # coordinates are the place's: encoded once per place
    coords = {k: (_json_value(_coordinate(p.lat)), _json_value(_coordinate(p.lon))) for k, p in page.places.items()}
    pids = page.columns["place_id"]
    special = {"lat": [coords[k][0] if k is not None else _null for k in pids],
               "lon": [coords[k][1] if k is not None else _null for k in pids],
               "sources": _json_list_texts(page, "sources", cols["source"]),
               "quotes": _json_list_texts(page, "quotes", cols["quote"])}
    parts = ['{"type":"Feature","id":%s,"geometry":%s,"properties":{']
    columns = [_json_column(cols["id"]), list(map(geometry.__getitem__, keys))]
    for i, name in enumerate(names):
        sep = "," if i else ""
        if name in _DEFAULTS:  # the same for every row: written into the template
            parts.append(f"{sep}{encode_basestring(name)}:{_json_value(_DEFAULTS[name])}".replace("%", "%%"))
            continue
        parts.append(f"{sep}{encode_basestring(name)}:%s".replace("%", "%%").replace("%%s", "%s"))
        columns.append(columns[0] if name == "id" else special[name] if name in special else _json_column(cols[name]))
    template = "".join(parts) + "}}"
    return ",".join([template % row for row in zip(*columns, strict=True)])


# A stored list of texts as ``json.dumps`` writes it when no text needs an escape: what ``_stored_list`` splits.
_STORED_LIST = r'^\["[^"\\]*(", "[^"\\]*)*"\]$'


def _joined_lists(page: EventColumns, name: str, single: pa.Array, stored: pa.Array | None) -> pa.Array:
    """Each row's ``name`` list joined with " | " (``single`` where it is empty), as ``events_table``
    writes it: for ``stored`` texts (the page's ``lists``) without escapes, their inner separators
    replaced, in Arrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if stored is not None:
        t = stored
        empty = pc.or_kleene(pc.is_null(t), pc.equal(t, scalar("[]")))
        plain = pc.match_substring_regex(t, _STORED_LIST)
        if pc.all(pc.or_kleene(empty, plain)).as_py() is not False:
            inner = pc.utf8_slice_codeunits(t, 2, -2)
            return pc.if_else(empty, single, pc.replace_substring(inner, '", "', " | "))
    joined = [" | ".join(v) if v else x for v, x in zip(_list_column(page, name), single.to_pylist(), strict=True)]
    return array(joined, pa.string())


_LISTS = (("sources", "source"), ("quotes", "quote"))  # each list column, and the value of an empty one


def pending_columns_table(page: EventColumns) -> Callable[[], pa.Table]:
    """``columns_table`` in two steps: the arrays made from the page's values now (that takes the
    interpreter), and the function returned, which finishes the table with Arrow's kernels (the lists
    joined, the columns of each row's places taken from those of the page's few places, the texts
    given as UTF-8 checked): ``stream_parquet`` calls it on its writer's thread, where it takes no time
    from the next page."""
    import numpy as np
    import pyarrow as pa

    schema = parquet_schema()
    made: dict[int, pa.Array] = {}  # a column under two names (the deprecated ones) is built once
    arrays = {}
    encoded = {name: utf8_texts(values) for name, values in page.utf8.items()}  # copied, not decoded
    for n, values in _property_columns(page, by_place=False, skip=encoded).items():
        if id(values) not in made:
            made[id(values)] = array(values, schema.field(n).type)
        arrays[n] = made[id(values)]
    arrays.update((name, a) for name, a in encoded.items() if name in _PLAIN)
    pairs, rows = _pairs(page)
    at = pa.Array.from_buffers(pa.int32(), len(rows), [None, pa.py_buffer(np.array(rows, np.int32))])
    by_place = {name: array(values, schema.field(name).type) for name, values in _by_place(page, pairs).items()}
    by_place["geometry"] = array([_wkb(_geometry(page, key)) for key in pairs], pa.binary())
    stored: dict[str, pa.Array | None] = {}  # the lists' stored texts
    for name, _ in _LISTS:
        if name in encoded:
            stored[name] = encoded[name]
        else:
            texts = page.lists.get(name)
            stored[name] = None if texts is None else array(texts, pa.string())

    def finish() -> pa.Table:
        for texts in encoded.values():
            try:
                texts.validate(full=True)  # UTF-8, as decoding would have found it
            except pa.ArrowInvalid as exc:
                raise ExportError(NOT_UTF8.format(exc)) from None
        for name, values in by_place.items():
            arrays[name] = values.take(at)
        for name, single in _LISTS:
            arrays[name] = _joined_lists(page, name, arrays[single], stored[name])
        return pa.Table.from_arrays([arrays[n] for n in schema.names], schema=schema)

    return finish


def columns_table(page: EventColumns) -> pa.Table:
    """``events_table`` of the page's events, column by column (Arrow arrays from the columns, no
    Python value per cell where the column is the store's own)."""
    return pending_columns_table(page)()


def export_columns(pages: Iterable[EventColumns], out: str | Path, fmt: str | None = None) -> int:
    """``export_events`` for pages of columns (``Store.iter_columns``): the same GeoJSON or GeoParquet
    file, written without an Event per row; ExportError for the other formats (they take Events)."""
    f = format_for(out, fmt)
    if f not in COLUMN_FORMATS:
        raise ExportError(f"pages of columns export as {' or '.join(COLUMN_FORMATS)} only, not {f}; pass Events")
    with cycles_uncollected():
        return export_pages(out, f, "events", pages, columns_geojson, None, pending_columns_table, parquet_schema,
                            UNIQUE_COLUMNS)
