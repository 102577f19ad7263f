"""The embedded event store: one GeoPackage file, written with the stdlib ``sqlite3``.

The file opens as it is in QGIS or with pyogrio: layers ``events`` (points), ``movements``
(origin→destination lines) and ``places`` (points), plus the attribute table ``articles`` that keeps
every article's raw text so each event traces back to its words.

It also holds ``merged_events`` (the cross-article merge as rows, kept up to date by every write, each
report in ``events`` pointing at its merged row) with plain SQLite R*Trees over their places and days,
so questions (``query``, ``aggregate``) are answered by the database.

Writes are one transaction per article or per batch (``add_articles``; each article all-or-nothing;
``BEGIN IMMEDIATE``; WAL; a busy timeout), so an interrupted ingest leaves a consistent store and two
ingests at once neither corrupt it nor duplicate articles.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import struct
import time
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import shapely

from gazetteer.models import Place

from ..core.errors import StoreError
from ..core.models import Event
from .base import MERGE_VERSION, Article, EventReads, Filters, Seed, box_degrees, now, point_encoder, seeds_of
from .columns import (
    EVENT_COLS,
    EVENT_COLUMNS,
    MERGED_COLS,
    MERGED_COLUMNS,
    MOVE_COLS,
    MOVE_COLUMNS,
    PLACE_COLS,
    PLACE_COLUMNS,
    column_defs,
    event_places,
    event_values,
    merged_values,
    missing_columns,
    movement_line,
    movement_values,
    place_values,
)

log = logging.getLogger("geo.store")
GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
GPKG_USER_VERSION = 10300  # GeoPackage 1.3
SRS_ID = 4326
BUSY_TIMEOUT_MS = 60_000
SCHEMA_VERSION = 1

_SRS_WKT = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,'
    'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
    'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]'
)


_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE IF NOT EXISTS gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
  srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE IF NOT EXISTS articles (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE, path TEXT, source TEXT, outlet TEXT, url TEXT, title TEXT,
  published DATE, text TEXT NOT NULL, encoding TEXT, ingested_at DATETIME, extractor_version TEXT);
CREATE TABLE IF NOT EXISTS places (
  fid INTEGER PRIMARY KEY AUTOINCREMENT, {column_defs(PLACE_COLUMNS, "gpkg", SRS_ID)}, UNIQUE (id));
CREATE TABLE IF NOT EXISTS events (
  fid INTEGER PRIMARY KEY AUTOINCREMENT, {column_defs(EVENT_COLUMNS, "gpkg", SRS_ID)},
  FOREIGN KEY (article_id) REFERENCES articles(id), UNIQUE (event_id, article_id));
CREATE INDEX IF NOT EXISTS events_article ON events(article_id);
CREATE INDEX IF NOT EXISTS events_date ON events(date);
CREATE TABLE IF NOT EXISTS movements (
  fid INTEGER PRIMARY KEY AUTOINCREMENT, {column_defs(MOVE_COLUMNS, "gpkg", SRS_ID)},
  FOREIGN KEY (article_id) REFERENCES articles(id), UNIQUE (event_id, article_id));
CREATE INDEX IF NOT EXISTS movements_article ON movements(article_id);
CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT);
"""

# The stored cross-article merge and the indexes the questions use. Plain SQLite R*Trees (the GeoPackage
# rtree extension's triggers need SpatiaLite functions): ``merged_rtree`` over each merged event's
# envelope (both ends of a movement) and its days, ``events_span`` over each report's (merge kind, days, place).
_MERGE_SCHEMA = f"""
CREATE INDEX IF NOT EXISTS events_source ON events(source);
CREATE INDEX IF NOT EXISTS events_merged ON events(merged_fid);
CREATE TABLE IF NOT EXISTS merged_events (
  fid INTEGER PRIMARY KEY AUTOINCREMENT, {column_defs(MERGED_COLUMNS, "gpkg", SRS_ID)});
CREATE INDEX IF NOT EXISTS merged_date ON merged_events(date, event_id);
CREATE INDEX IF NOT EXISTS merged_type ON merged_events(type, date);
CREATE INDEX IF NOT EXISTS merged_province ON merged_events(province);
CREATE INDEX IF NOT EXISTS merged_last ON merged_events(last_date);
CREATE VIRTUAL TABLE IF NOT EXISTS merged_rtree USING rtree(id, minx, maxx, miny, maxy, mint, maxt);
CREATE VIRTUAL TABLE IF NOT EXISTS events_span USING rtree(id, mink, maxk, mint, maxt, minx, maxx, miny, maxy);
"""
_MERGED_LAYER = ("merged_events", "features", "POINT", "Events after merging the reports of several articles")
# An unlocated event's place in ``merged_rtree``: outside every bounding box a question can ask.
_NOWHERE = 1000.0
_DAY0 = dt.date(1900, 1, 1).toordinal()

_LAYERS = (
    # table, data_type, geometry type or None, description
    ("events", "features", "POINT", "Events (attacks, withdrawals, handovers, ...) at their place"),
    ("movements", "features", "LINESTRING", "Withdrawals/redeployments from origin to destination"),
    ("places", "features", "POINT", "Gazetteer places referenced by events"),
    ("articles", "attributes", None, "Ingested articles with their raw text"),
    _MERGED_LAYER,
)


def _day(d: str | dt.date) -> int:
    """Days since 1900: exact in the R*Tree's 32-bit floats."""
    return (d if isinstance(d, dt.date) else dt.date.fromisoformat(d[:10])).toordinal() - _DAY0


def _span_row(fid: int, kind: str, d0: str, d1: str, lon: float | None, lat: float | None) -> tuple[Any, ...]:
    """A report's ``events_span`` entry: (merge kind, days, place), unlocated ones all at ``_NOWHERE``."""
    x, y = (_NOWHERE, _NOWHERE) if lon is None or lat is None else (lon, lat)
    return (fid, _kind_code(kind), _kind_code(kind), _day(d0), _day(d1), x, x, y, y)


def _kind_code(kind: str) -> int:
    """A merge kind as an R*Tree coordinate (20 bits: exact in a float; a clash only widens a search)."""
    return zlib.crc32(kind.encode("utf-8")) & 0xFFFFF


# ---------------------------------------------------------------- GeoPackage geometry
def gpkg_geometry(geom: shapely.Geometry | None) -> bytes | None:
    """GeoPackage binary: "GP", version 0, flags (little endian; envelope unless a point), srs, WKB."""
    if geom is None:
        return None
    if geom.is_empty:
        return b"GP" + struct.pack("<BBi", 0, 0b10001, SRS_ID) + shapely.to_wkb(geom, byte_order=1)
    if isinstance(geom, shapely.Point):
        header = b"GP" + struct.pack("<BBi", 0, 0b00001, SRS_ID)
    else:
        minx, miny, maxx, maxy = geom.bounds
        header = b"GP" + struct.pack("<BBi4d", 0, 0b00011, SRS_ID, minx, maxx, miny, maxy)
    return header + shapely.to_wkb(geom, byte_order=1, output_dimension=2)


def parse_gpkg_geometry(blob: bytes | None) -> shapely.Geometry | None:
    """Inverse of ``gpkg_geometry`` (any envelope kind, either byte order)."""
    if not blob:
        return None
    if blob[:2] != b"GP":
        raise StoreError("a geometry in the store is not GeoPackage binary; rebuild the store")
    flags = blob[3]
    env_bytes = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get((flags >> 1) & 0b111, 0)
    return shapely.from_wkb(blob[8 + env_bytes :])


Written = list[int | str | None]  # per article: events added, None (stored already) or why it was not stored
_point = point_encoder(lambda lon, lat: gpkg_geometry(shapely.Point(lon, lat)))


class Store(EventReads):
    """An open store; use ``open_store`` (a context manager) rather than this class directly."""

    def _as_utf8(self) -> str | None:
        # SQLite holds the texts as UTF-8 (unless a file was made UTF-16 elsewhere: those come decoded)
        return "CAST({} AS BLOB)" if self.conn.execute("PRAGMA encoding").fetchone()[0] == "UTF-8" else None

    def _fingerprint(self) -> Any:
        # count and last row id change with every write, also by another process (WAL or not)
        return self.conn.execute(
            "SELECT (SELECT count(*) FROM events), (SELECT coalesce(max(fid), 0) FROM events),"
            " (SELECT count(*) FROM articles)"
        ).fetchone()

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only  # a file without write permission: read it, refuse to write (guard.py)
        self._cache: list[Event] | None = None
        try:
            target = f"file:{quote(str(self.path))}?mode=ro" if read_only else self.path
            self.conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, uri=read_only)
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._init_retrying()
        except sqlite3.OperationalError:  # disk full, read-only, locked: open_store says which
            if hasattr(self, "conn"):
                self.conn.close()
            raise
        except sqlite3.DatabaseError as exc:
            if hasattr(self, "conn"):
                self.conn.close()
            raise StoreError(f"{self.path} is not a usable event store ({exc}); pass another --store file") from None

    def _init_retrying(self) -> None:
        # Two processes creating one new store race on the switch to WAL, which SQLite reports as
        # "database is locked" without waiting on the busy handler: try again until the timeout.
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self._init()
                return
            except sqlite3.OperationalError as exc:
                if ("locked" not in str(exc) and "busy" not in str(exc)) or time.monotonic() > deadline:
                    raise
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                time.sleep(0.05)

    # -------------------------------------------------------- setup
    def _init(self) -> None:
        c = self.conn
        # One read transaction, so both come from the same snapshot while another process creates it.
        c.execute("BEGIN")
        try:
            app_id = c.execute("PRAGMA application_id").fetchone()[0]
            tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            c.execute("COMMIT")
        if tables and app_id != GPKG_APPLICATION_ID:
            raise sqlite3.DatabaseError("it is an SQLite file but not a GeoPackage")
        if tables and "articles" not in tables and "gpkg_contents" in tables:
            # A GeoPackage made by another tool: adding our tables to it would mix data.
            raise sqlite3.DatabaseError("it is a GeoPackage of another program")
        c.execute("PRAGMA journal_mode = WAL")
        c.execute("PRAGMA synchronous = NORMAL")
        c.execute("PRAGMA foreign_keys = ON")
        if "store_meta" in tables:
            have = {r[1] for r in c.execute("PRAGMA table_info(events)")}
            added = missing_columns(have, EVENT_COLUMNS, "gpkg", SRS_ID)
            if added:  # a store from an older version: its new properties start empty
                with self.transaction():
                    for clause in added:
                        c.execute(f"ALTER TABLE events {clause}")
                    # ... and so do its merged events': they are made again from the reports
                    c.execute("DELETE FROM store_meta WHERE key = 'merge_version'")
            if self._merge_version() != MERGE_VERSION:
                with self.transaction():
                    self._create_merge_schema(c)
                    have = {r[1] for r in c.execute("PRAGMA table_info(merged_events)")}
                    for clause in missing_columns(have, MERGED_COLUMNS, "gpkg", SRS_ID):
                        c.execute(f"ALTER TABLE merged_events {clause}")
                    self._register_layer(c, *_MERGED_LAYER)
                    self._rebuild_merged(c)
                    c.execute("INSERT OR REPLACE INTO store_meta VALUES ('merge_version', ?)", (MERGE_VERSION,))
            return
        with self.transaction():
            c.execute(f"PRAGMA application_id = {GPKG_APPLICATION_ID}")
            c.execute(f"PRAGMA user_version = {GPKG_USER_VERSION}")
            # One statement at a time: executescript() would commit the open transaction.
            for stmt in _SCHEMA.split(";"):
                if stmt.strip():
                    c.execute(stmt)
            self._create_merge_schema(c)
            srs = [
                (
                    "Undefined cartesian SRS",
                    -1,
                    "NONE",
                    -1,
                    "undefined",
                    "undefined cartesian coordinate reference system",
                ),
                (
                    "Undefined geographic SRS",
                    0,
                    "NONE",
                    0,
                    "undefined",
                    "undefined geographic coordinate reference system",
                ),
                (
                    "WGS 84 geodetic",
                    SRS_ID,
                    "EPSG",
                    4326,
                    _SRS_WKT,
                    "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid",
                ),
            ]
            c.executemany("INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?,?,?,?,?,?)", srs)
            for layer in _LAYERS:
                self._register_layer(c, *layer)
            c.execute("INSERT OR REPLACE INTO store_meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            c.execute("INSERT OR REPLACE INTO store_meta VALUES ('merge_version', ?)", (MERGE_VERSION,))

    def _merge_version(self) -> str | None:
        row = self.conn.execute("SELECT value FROM store_meta WHERE key = 'merge_version'").fetchone()
        return row[0] if row else None

    @staticmethod
    def _create_merge_schema(c: sqlite3.Connection) -> None:
        for stmt in _MERGE_SCHEMA.split(";"):
            if stmt.strip():
                c.execute(stmt)

    @staticmethod
    def _register_layer(c: sqlite3.Connection, table: str, kind: str, gtype: str | None, desc: str) -> None:
        c.execute(
            "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description,"
            " min_x, min_y, max_x, max_y, srs_id) VALUES (?,?,?,?,?,?,?,?,?)",
            (table, kind, table, desc, *((38.0, 29.0, 49.0, 38.0) if gtype else (None,) * 4),
             SRS_ID if gtype else None),
        )
        if gtype:
            c.execute("INSERT OR IGNORE INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)",
                      (table, gtype, SRS_ID))

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``: takes the write lock up front, waits if busy)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._cache = self._sql_cache = None

    # -------------------------------------------------------- writes
    def has_article(self, article_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def _insert_article(self, article: Article) -> None:
        self.conn.execute(
            "INSERT INTO articles (id, path, source, outlet, url, title, published, text, encoding,"
            " ingested_at, extractor_version) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (article.id, article.path, article.source, article.outlet, article.url, article.title,
             article.published.isoformat(), article.text, article.encoding, now(), article.extractor_version),
        )

    def add_article(self, article: Article, events: Sequence[Event]) -> int | None:
        """Store an article and its events in one transaction, the stored merge updated with them.

        Returns the number of events added, or None when the article was already stored (by anyone).
        """
        with self.transaction() as c:
            if self.has_article(article.id):
                return None
            self._insert_article(article)
            added = self._insert_events(article.id, events, article.extractor_version)
            self._remerge(c, seeds_of(events))
            return added

    def add_articles(self, batch: Sequence[tuple[Article, Sequence[Event]]]) -> list[int | str | None]:
        """Store many articles in one transaction (one commit, one merge update for the batch).

        Each article is all-or-nothing (a savepoint): per article, the events added, None when it was
        stored already, or the reason it could not be stored (the others are stored anyway).
        """
        with self.transaction() as c:
            # Fast: the whole batch in a few statements. Should any row fail, the batch is written
            # again article by article, a savepoint each, so only the failing article is left out.
            c.execute("SAVEPOINT batch")
            try:
                out, seeds = self._bulk_insert(batch)
            except sqlite3.OperationalError:
                raise  # the store's fault (read-only, disk full, locked), not an article's: one line for all
            except sqlite3.Error as exc:
                log.debug("batch of %d failed (%s); writing it article by article", len(batch), exc)
                c.execute("ROLLBACK TO batch")
                out, seeds = self._one_by_one(batch)
            finally:
                c.execute("RELEASE batch")
            self._remerge(c, seeds)
        return out

    def _one_by_one(self, batch: Sequence[tuple[Article, Sequence[Event]]]) -> tuple[Written, set[Seed]]:
        out: list[int | str | None] = []
        seeds: set[Seed] = set()
        c = self.conn
        for article, events in batch:
            if self.has_article(article.id):
                out.append(None)
                continue
            c.execute("SAVEPOINT article")
            try:
                self._insert_article(article)
                added = self._insert_events(article.id, events, article.extractor_version)
            except sqlite3.OperationalError:
                raise
            except sqlite3.Error as exc:
                c.execute("ROLLBACK TO article")
                out.append(f"not stored ({exc})")
            else:
                out.append(added)
                seeds |= seeds_of(events)
            finally:
                c.execute("RELEASE article")
        return out, seeds

    def _bulk_insert(self, batch: Sequence[tuple[Article, Sequence[Event]]]) -> tuple[Written, set[Seed]]:
        c = self.conn
        ids = [a.id for a, _ in batch]
        stored: set[str] = set()
        for i in range(0, len(ids), 900):
            part = ids[i : i + 900]
            stored |= {r[0] for r in c.execute(
                f"SELECT id FROM articles WHERE id IN ({', '.join('?' * len(part))})", part)}
        out: list[int | str | None] = []
        arts, rows, moves, chosen = [], [], [], []
        stamp = now()
        for article, events in batch:
            if article.id in stored:
                out.append(None)
                continue
            stored.add(article.id)  # an article twice in one batch is stored once
            kept = list({e.id: e for e in reversed(events)}.values())[::-1]  # INSERT OR IGNORE: first wins
            arts.append((article.id, article.path, article.source, article.outlet, article.url, article.title,
                         article.published.isoformat(), article.text, article.encoding, stamp,
                         article.extractor_version))
            for e in kept:
                rows.append((_point(e.place), *event_values(article.id, e, article.extractor_version)))
                line = movement_line(e)
                if line is not None:
                    moves.append((gpkg_geometry(line), *movement_values(article.id, e)))
            chosen += [(article.id, e) for e in kept]
            out.append(len(kept))
        if not arts:
            return out, set()
        c.executemany(
            "INSERT INTO articles (id, path, source, outlet, url, title, published, text, encoding,"
            " ingested_at, extractor_version) VALUES (?,?,?,?,?,?,?,?,?,?,?)", arts)
        self._upsert_places(event_places([e for _, e in chosen]))
        # The merge first: the new reports are then written once, already pointing at their merged events.
        merged = self._remerge(c, seeds_of(e for _, e in chosen), new=chosen)
        last = c.execute("SELECT coalesce(max(fid), 0) FROM events").fetchone()[0]
        c.executemany(f"INSERT INTO events ({', '.join(EVENT_COLS)}) VALUES ({', '.join('?' * len(EVENT_COLS))})",
                      [(*r[:-1], fid) for r, fid in zip(rows, merged, strict=True)])
        c.executemany(f"INSERT INTO movements ({', '.join(MOVE_COLS)}) VALUES ({', '.join('?' * len(MOVE_COLS))})",
                      moves)
        spans = c.execute("SELECT fid, merge_kind, date, last_date, lon, lat FROM events WHERE fid > ?", (last,))
        c.executemany("INSERT INTO events_span VALUES (?,?,?,?,?,?,?,?,?)", [_span_row(*r) for r in spans])
        return out, set()

    def replace_events(self, article_id: str, events: Sequence[Event], extractor_version: str = "") -> int:
        """Replace an article's events (reprocessing) in one transaction; the article row is untouched."""
        with self.transaction() as c:
            seeds, stale = self._drop_events(article_id)
            added = self._insert_events(article_id, events, extractor_version)
            self._remerge(c, seeds | seeds_of(events), stale)
            return added

    def remove_article(self, article_id: str) -> bool:
        """Delete an article with its events in one transaction, the stored merge updated; False if absent."""
        with self.transaction() as c:
            if not self.has_article(article_id):
                return False
            seeds, stale = self._drop_events(article_id)
            c.execute("DELETE FROM articles WHERE id = ?", (article_id,))
            self._remerge(c, seeds, stale)
            return True

    def _drop_events(self, article_id: str) -> tuple[set[Seed], set[int]]:
        seeds, stale = self._old_reports(self.conn, article_id)
        c = self.conn
        c.execute("DELETE FROM events_span WHERE id IN (SELECT fid FROM events WHERE article_id = ?)", (article_id,))
        c.execute("DELETE FROM events WHERE article_id = ?", (article_id,))
        c.execute("DELETE FROM movements WHERE article_id = ?", (article_id,))
        return seeds, stale

    def _upsert_places(self, places: Iterable[Place]) -> None:
        rows = [(_point(p), *place_values(p)) for p in places]
        cols = ", ".join(PLACE_COLS)
        updates = ", ".join(f"{k} = excluded.{k}" for k in PLACE_COLS if k != "id")
        self.conn.executemany(
            f"INSERT INTO places ({cols}) VALUES ({', '.join('?' * len(PLACE_COLS))})"
            f" ON CONFLICT(id) DO UPDATE SET {updates}",
            rows,
        )

    def _insert_events(self, article_id: str, events: Sequence[Event], version: str) -> int:
        self._upsert_places(event_places(events))
        rows, moves = [], []
        for e in events:
            rows.append((_point(e.place), *event_values(article_id, e, version)))
            line = movement_line(e)
            if line is not None:
                moves.append((gpkg_geometry(line), *movement_values(article_id, e)))
        before = self.conn.total_changes
        self.conn.executemany(
            f"INSERT OR IGNORE INTO events ({', '.join(EVENT_COLS)}) VALUES ({', '.join('?' * len(EVENT_COLS))})",
            rows,
        )
        added = self.conn.total_changes - before
        self.conn.executemany(
            f"INSERT OR IGNORE INTO movements ({', '.join(MOVE_COLS)}) VALUES ({', '.join('?' * len(MOVE_COLS))})",
            moves,
        )
        if added:
            spans = self.conn.execute(
                "SELECT fid, merge_kind, date, last_date, lon, lat FROM events WHERE article_id = ?", (article_id,))
            self.conn.executemany("INSERT OR REPLACE INTO events_span VALUES (?,?,?,?,?,?,?,?,?)",
                                  [_span_row(*r) for r in spans])
        return added

    # -------------------------------------------------------- the stored merge (EventReads' hooks)
    def _span_rows(self, c: Any, probes: Sequence[Seed]) -> list[tuple[Any, ...]]:
        out: list[tuple[Any, ...]] = []
        for i, (kind, (d0, d1), place_id, lon, lat) in enumerate(probes):
            k = _kind_code(kind)
            if place_id is None or lon is None or lat is None:
                x0 = x1 = y0 = y1 = _NOWHERE
            else:
                dx, dy = box_degrees(lat)
                x0, x1, y0, y1 = lon - dx, lon + dx, lat - dy, lat + dy
            rows = c.execute(
                "SELECT e.fid, e.date, e.last_date, e.place_id, e.lon, e.lat FROM events e"
                " WHERE e.merge_kind = ? AND e.fid IN (SELECT id FROM events_span WHERE mink <= ? AND maxk >= ?"
                " AND mint <= ? AND maxt >= ? AND minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?)",
                (kind, k, k, _day(d1), _day(d0), x1, x0, y1, y0),
            )
            out += [(i, *r) for r in rows]
        return out

    def _delete_merged(self, c: Any, fids: Sequence[int]) -> None:
        for i in range(0, len(fids), 900):
            chunk = list(fids[i : i + 900])
            marks = ", ".join("?" * len(chunk))
            c.execute(f"DELETE FROM merged_events WHERE fid IN ({marks})", chunk)
            c.execute(f"DELETE FROM merged_rtree WHERE id IN ({marks})", chunk)

    def _alloc_merged(self, c: Any, n: int) -> list[int]:
        # Ids given here (we hold the write lock), so one executemany stores them all.
        seq = c.execute("SELECT seq FROM sqlite_sequence WHERE name = 'merged_events'").fetchone()
        top = c.execute("SELECT coalesce(max(fid), 0) FROM merged_events").fetchone()[0]
        first = max(seq[0] if seq else 0, top) + 1
        return list(range(first, first + n))

    def _insert_merged(self, c: Any, rows: Sequence[tuple[int, Event, str, int]]) -> None:
        values, boxes = [], []
        for fid, e, article_id, reports in rows:
            values.append((fid, _point(e.place), *merged_values(article_id, e, reports)))
            xs = [x for x, _ in e.geometry()] or [_NOWHERE]
            ys = [y for _, y in e.geometry()] or [_NOWHERE]
            boxes.append((fid, min(xs), max(xs), min(ys), max(ys), _day(e.date), _day(e.last_date)))
        c.executemany(f"INSERT INTO merged_events (fid, {', '.join(MERGED_COLS)})"
                      f" VALUES ({', '.join('?' * (len(MERGED_COLS) + 1))})", values)
        c.executemany("INSERT INTO merged_rtree VALUES (?,?,?,?,?,?,?)", boxes)

    def _set_pointers(self, c: Any, pairs: Sequence[tuple[int, int]]) -> None:
        c.executemany("UPDATE events SET merged_fid = ? WHERE fid = ?", pairs)

    def _reindex_spans(self, c: Any) -> None:
        c.execute("DROP TABLE IF EXISTS events_span")  # its dimensions may be an older version's
        self._create_merge_schema(c)
        rows = c.execute("SELECT fid, merge_kind, date, last_date, lon, lat FROM events").fetchall()
        c.executemany("INSERT INTO events_span VALUES (?,?,?,?,?,?,?,?,?)", [_span_row(*r) for r in rows])

    def _time_clause(self, f: Filters, paged: int = 0) -> tuple[list[str], list[Any], str]:
        conds: list[str] = []
        params: list[Any] = []
        box: list[str] = []
        box_params: list[Any] = []
        if f.end is not None:
            box.append("mint <= ?")
            box_params.append(_day(f.end))
            conds.append("m.date <= ?")
            params.append(f.end.isoformat())
        if f.start is not None:
            box.append("maxt >= ?")
            box_params.append(_day(f.start))
            conds.append("m.last_date >= ?")
            params.append(f.start.isoformat())
        if f.bbox is not None:
            x0, y0, x1, y1 = f.bbox
            box += ["minx <= ?", "maxx >= ?", "miny <= ?", "maxy >= ?"]
            box_params += [x1, x0, y1, y0]
            conds.append("((m.lon BETWEEN ? AND ? AND m.lat BETWEEN ? AND ?)"
                         " OR (m.dest_lon BETWEEN ? AND ? AND m.dest_lat BETWEEN ? AND ?))")
            params += [x0, x1, y0, y1] * 2
        if box:
            rtree = f"SELECT id FROM merged_rtree WHERE {' AND '.join(box)}"
            # The R*Tree only narrows: the conditions above decide. Read in pages, a wide answer is
            # better found along the date index each page continues on: the R*Tree subquery would be
            # answered whole again for every page (106,336 events in 22 pages: 3.5 s instead of 1).
            if paged:
                n = self.conn.execute(f"SELECT count(*) FROM ({rtree} LIMIT {2 * paged + 1})", box_params).fetchone()
                if n and n[0] > 2 * paged:
                    return conds, params, ""
            conds.insert(0, f"m.fid IN ({rtree})")
            params = box_params + params
        return conds, params, ""

    def _week_expr(self) -> str:
        return "date(m.date, '-6 days', 'weekday 1')"

    # -------------------------------------------------------- reads
    def article_rows(self) -> list[tuple[str, str, dt.date, str, str]]:
        """(id, text, published, source, path) of every article in ingest order (for reprocessing)."""
        rows = self.conn.execute("SELECT id, text, published, source, path FROM articles ORDER BY fid")
        return [(r[0], r[1], dt.date.fromisoformat(r[2][:10]), r[3] or "", r[4] or "") for r in rows]

    def articles(self) -> list[dict[str, Any]]:
        """Article rows without their text, in ingest order, each with its stored event count."""
        cur = self.conn.execute(
            "SELECT a.id, a.path, a.source, a.outlet, a.url, a.title, a.published, a.encoding,"
            " a.ingested_at, a.extractor_version, (SELECT count(*) FROM events e WHERE e.article_id = a.id)"
            " FROM articles a ORDER BY a.fid"
        )
        names = [d[0] for d in cur.description[:-1]] + ["events"]
        return [dict(zip(names, r, strict=True)) for r in cur]
