"""Export files: the format from the suffix, a safe target, and the writers shared by every layer."""

from __future__ import annotations

import gc
import json
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import ExportError

if TYPE_CHECKING:
    import geopandas as gpd
    import pyarrow as pa

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


def rounded(x: float) -> float:
    return round(x, DECIMALS)


def dump_json(obj: dict[str, Any], path: Path) -> None:
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text + "\n", encoding="utf-8")
    tmp.replace(path)  # a reader never sees half a file


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


def export_to(
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
            dump_json(geojson(), p)
        else:
            _write_frame(frame(), p, f, layer)
    except OSError as exc:
        raise ExportError(f"cannot write {p} ({exc.strerror or exc}); check the path and free space") from None
    return count




# ---------------------------------------------------------------- streamed: one chunk in memory at a time
@contextmanager
def _replacing(p: Path) -> Iterator[Path]:
    """A temporary file beside ``p`` that replaces it when the block succeeds (a reader never sees half)."""
    tmp = p.with_name(p.name + ".tmp")
    try:
        yield tmp
        tmp.replace(p)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def cycles_uncollected() -> Iterator[None]:
    """The cycle collector paused for the block (and left as it was after): an export from columns
    makes a tuple per row and a list per column, none in a cycle, and the collections their numbers
    set off (every 700 new objects) were a tenth of its time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def stream_geojson(pages: Iterable[list[dict[str, Any]] | str], p: Path) -> int:
    """A FeatureCollection written feature by feature, as ``dump_json`` would write it whole. A page is
    its features, or their JSON text already joined by commas (then counted as one)."""
    n = 0
    with _replacing(p) as tmp, open(tmp, "w", encoding="utf-8") as f:
        f.write('{"type":"FeatureCollection","features":[')
        for features in pages:
            if features:  # one dumps per page: "[a,b]" without its brackets
                f.write(("," if n else "") + (features if isinstance(features, str) else _dumps(features)[1:-1]))
                n += 1 if isinstance(features, str) else len(features)
        f.write("]}\n")
    return n


def _arrow_table(frame: gpd.GeoDataFrame, schema: pa.Schema) -> pa.Table:
    import pyarrow as pa
    import shapely

    data = frame.drop(columns="geometry")
    table = pa.Table.from_pandas(data, schema=schema.remove(schema.get_field_index("geometry")),
                                 preserve_index=False)
    wkb = shapely.to_wkb(frame.geometry.values, output_dimension=2)
    return table.append_column(schema.field("geometry"), pa.array(wkb, type=pa.binary()))


def stream_parquet(tables: Iterable[pa.Table | Callable[[], pa.Table]], p: Path, schema: pa.Schema,
                   unique: Collection[str] = ()) -> None:
    """GeoParquet written a row group per chunk, under one fixed schema; the columns named in ``unique``
    (values that seldom repeat) without a dictionary, which for them only costs time.

    Each chunk is written on a second thread while the next one is made: Arrow writes without the GIL,
    so on a second core the writing costs no time of the export. A chunk may be a function that
    finishes its table: it is called on that thread too (for work that runs without the GIL as well)."""
    from concurrent.futures import Future, ThreadPoolExecutor

    import pyarrow.parquet as pq

    dictionary = [n for n in schema.names if n not in unique] if unique else True
    with (_replacing(p) as tmp, pq.ParquetWriter(tmp, schema, use_dictionary=dictionary) as writer,
          ThreadPoolExecutor(1, thread_name_prefix="parquet") as pool):

        def write(table: pa.Table | Callable[[], pa.Table]) -> None:
            writer.write_table(table() if callable(table) else table)

        pending: Future[None] | None = None
        for table in tables:
            if pending is not None:
                pending.result()  # one chunk in flight: memory stays one page ahead at most
            pending = pool.submit(write, table)
        if pending is not None:
            pending.result()


def stream_frames(
    frames: Iterable[gpd.GeoDataFrame], p: Path, fmt: str, layer: str, empty: gpd.GeoDataFrame,
    schema: Callable[[], pa.Schema],
) -> None:
    """Write frames (chunks of one layer) one after the other; ``empty`` gives the schema when none come.

    GeoParquet: one row group per chunk under the fixed ``schema()``; CSV: appended under one header;
    GeoPackage: the layer replaced by the first chunk, the others appended.
    """
    if fmt == "parquet":
        fixed = schema()
        stream_parquet((_arrow_table(frame, fixed) for frame in frames), p, fixed)
        return
    first = True
    if fmt == "csv":
        with _replacing(p) as tmp:
            for frame in frames:
                _append_csv(frame, tmp, first)
                first = False
            if first:
                _append_csv(empty, tmp, True)
        return
    for frame in frames:
        if first:
            _write_frame(frame, p, fmt, layer)
        else:
            frame.to_file(p, layer=layer, driver="GPKG", engine="pyogrio", append=True)
        first = False
    if first:
        _write_frame(empty, p, fmt, layer)


def _append_csv(frame: gpd.GeoDataFrame, p: Path, first: bool) -> None:
    table = frame.drop(columns="geometry")
    table["geometry_wkt"] = frame.geometry.to_wkt(rounding_precision=DECIMALS)
    # utf-8-sig: the BOM (first chunk only) makes Excel read the Arabic as UTF-8.
    table.to_csv(p, index=False, encoding="utf-8-sig" if first else "utf-8", mode="w" if first else "a",
                 header=first)


def export_pages(
    out: str | Path,
    fmt: str | None,
    layer: str,
    pages: Iterable[Any],
    features: Callable[[Any], list[dict[str, Any]] | str],
    frame: Callable[[Any], gpd.GeoDataFrame] | None,
    table: Callable[[Any], pa.Table | Callable[[], pa.Table]] | None,
    schema: Callable[[], pa.Schema],
    unique: Collection[str] = (),
) -> int:
    """``export_to`` for an answer streamed in pages: only one page's rows are in memory at a time.

    A page is a list of rows (Events, bases) or anything with a length that ``features``/``table`` take
    (``EventColumns``); ``frame`` may be None when only GeoJSON and GeoParquet are asked for.
    """
    p = Path(out)
    f = format_for(p, fmt)
    _check_target(p, f)
    count = 0

    def counted() -> Iterator[Any]:
        nonlocal count
        for page in pages:
            count += len(page)
            yield page

    try:
        if f == "geojson":
            stream_geojson((features(page) for page in counted()), p)
            return count
        if f == "parquet" and table is not None:  # straight to Arrow: no pandas frame in between
            stream_parquet((table(page) for page in counted() if page), p, schema(), unique)
            return count
        if frame is None:  # pragma: no cover - the callers check the format first
            raise ExportError(f"cannot write {f} from these pages; use .geojson or .parquet")
        stream_frames((frame(page) for page in counted() if page), p, f, layer, frame([]), schema)
    except OSError as exc:
        raise ExportError(f"cannot write {p} ({exc.strerror or exc}); check the path and free space") from None
    return count
