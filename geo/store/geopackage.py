"""The embedded event store: one GeoPackage file, written with the stdlib ``sqlite3``.

The file opens as it is in QGIS or with pyogrio: layers ``events`` (points), ``movements``
(origin→destination lines) and ``places`` (points), plus the attribute table ``articles`` that keeps
every article's raw text so each event traces back to its words.

Writes are one transaction per article (``BEGIN IMMEDIATE``; WAL; a busy timeout), so an interrupted
ingest leaves a consistent store and two ingests at once neither corrupt it nor duplicate articles.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import struct
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import shapely

from gazetteer.models import Place

from ..core.errors import StoreError
from ..core.models import Event
from .base import Article, EventReads, now
from .columns import (
    EVENT_COLS,
    EVENT_COLUMNS,
    MOVE_COLS,
    MOVE_COLUMNS,
    PLACE_COLS,
    PLACE_COLUMNS,
    column_defs,
    event_places,
    event_values,
    missing_columns,
    movement_line,
    movement_values,
    place_values,
)

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

_LAYERS = (
    # table, data_type, geometry type or None, description
    ("events", "features", "POINT", "Events (attacks, withdrawals, handovers, ...) at their place"),
    ("movements", "features", "LINESTRING", "Withdrawals/redeployments from origin to destination"),
    ("places", "features", "POINT", "Gazetteer places referenced by events"),
    ("articles", "attributes", None, "Ingested articles with their raw text"),
)


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


def _point(p: Place | None) -> bytes | None:
    return gpkg_geometry(shapely.Point(p.lon, p.lat)) if p is not None else None


class Store(EventReads):
    """An open store; use ``open_store`` (a context manager) rather than this class directly."""

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
            return
        with self.transaction():
            c.execute(f"PRAGMA application_id = {GPKG_APPLICATION_ID}")
            c.execute(f"PRAGMA user_version = {GPKG_USER_VERSION}")
            # One statement at a time: executescript() would commit the open transaction.
            for stmt in _SCHEMA.split(";"):
                if stmt.strip():
                    c.execute(stmt)
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
            for table, kind, gtype, desc in _LAYERS:
                c.execute(
                    "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description,"
                    " min_x, min_y, max_x, max_y, srs_id) VALUES (?,?,?,?,?,?,?,?,?)",
                    (
                        table,
                        kind,
                        table,
                        desc,
                        *((38.0, 29.0, 49.0, 38.0) if gtype else (None,) * 4),
                        SRS_ID if gtype else None,
                    ),
                )
                if gtype:
                    c.execute(
                        "INSERT OR IGNORE INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)",
                        (table, gtype, SRS_ID),
                    )
            c.execute("INSERT OR REPLACE INTO store_meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

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
            self._cache = None

    # -------------------------------------------------------- writes
    def has_article(self, article_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def add_article(self, article: Article, events: Sequence[Event]) -> int | None:
        """Store an article and its events in one transaction.

        Returns the number of events added, or None when the article was already stored (by anyone).
        """
        with self.transaction() as c:
            if self.has_article(article.id):
                return None
            c.execute(
                "INSERT INTO articles (id, path, source, outlet, url, title, published, text, encoding,"
                " ingested_at, extractor_version) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    article.id,
                    article.path,
                    article.source,
                    article.outlet,
                    article.url,
                    article.title,
                    article.published.isoformat(),
                    article.text,
                    article.encoding,
                    now(),
                    article.extractor_version,
                ),
            )
            return self._insert_events(article.id, events, article.extractor_version)

    def replace_events(self, article_id: str, events: Sequence[Event], extractor_version: str = "") -> int:
        """Replace an article's events (reprocessing) in one transaction; the article row is untouched."""
        with self.transaction() as c:
            c.execute("DELETE FROM events WHERE article_id = ?", (article_id,))
            c.execute("DELETE FROM movements WHERE article_id = ?", (article_id,))
            return self._insert_events(article_id, events, extractor_version)

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
        return added

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
