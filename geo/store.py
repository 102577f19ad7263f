"""The embedded event store: one GeoPackage file, written with the stdlib ``sqlite3``.

The file opens as it is in QGIS or with pyogrio: layers ``events`` (points), ``movements``
(origin→destination lines) and ``places`` (points), plus the attribute table ``articles`` that keeps
every article's raw text so each event traces back to its words.

Writes are one transaction per article (``BEGIN IMMEDIATE``; WAL; a busy timeout), so an interrupted
ingest leaves a consistent store and two ingests at once neither corrupt it nor duplicate articles.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import struct
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self, TypeAlias

import shapely

from gazetteer.models import Place

from . import settings
from .dedup import merge_events
from .errors import StoreError
from .models import Event
from .query import filter_events
from .taxonomy import COUNT_FIELDS

if TYPE_CHECKING:
    from .store_postgis import PostgisStore

log = logging.getLogger(__name__)

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

_COUNT_COLS = ", ".join(f"{k} INTEGER" for k in COUNT_FIELDS)

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
  fid INTEGER PRIMARY KEY AUTOINCREMENT, geom POINT,
  id TEXT NOT NULL UNIQUE, name TEXT, name_ar TEXT, kind TEXT, precision TEXT,
  lat REAL, lon REAL, province TEXT, country TEXT, origin TEXT, confidence TEXT);
CREATE TABLE IF NOT EXISTS events (
  fid INTEGER PRIMARY KEY AUTOINCREMENT, geom POINT,
  event_id TEXT NOT NULL, article_id TEXT NOT NULL REFERENCES articles(id),
  type TEXT NOT NULL, date DATE NOT NULL, end_date DATE, date_precision TEXT, status TEXT,
  place_id TEXT, place TEXT, province TEXT, destination_id TEXT, destination TEXT,
  geo_precision TEXT, lat REAL, lon REAL, actor TEXT, target TEXT, weapon TEXT, {_COUNT_COLS},
  quote TEXT, quote_start INTEGER, quote_end INTEGER, source TEXT, published DATE,
  trigger TEXT, date_text TEXT, extractor_version TEXT,
  UNIQUE (event_id, article_id));
CREATE INDEX IF NOT EXISTS events_article ON events(article_id);
CREATE INDEX IF NOT EXISTS events_date ON events(date);
CREATE TABLE IF NOT EXISTS movements (
  fid INTEGER PRIMARY KEY AUTOINCREMENT, geom LINESTRING,
  event_id TEXT NOT NULL, article_id TEXT NOT NULL REFERENCES articles(id),
  type TEXT, date DATE, end_date DATE, status TEXT, origin TEXT, destination TEXT, source TEXT,
  UNIQUE (event_id, article_id));
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

EVENT_COLS = (
    "geom",
    "event_id",
    "article_id",
    "type",
    "date",
    "end_date",
    "date_precision",
    "status",
    "place_id",
    "place",
    "province",
    "destination_id",
    "destination",
    "geo_precision",
    "lat",
    "lon",
    "actor",
    "target",
    "weapon",
    *COUNT_FIELDS,
    "quote",
    "quote_start",
    "quote_end",
    "source",
    "published",
    "trigger",
    "date_text",
    "extractor_version",
)
PLACE_COLS = (
    "geom",
    "id",
    "name",
    "name_ar",
    "kind",
    "precision",
    "lat",
    "lon",
    "province",
    "country",
    "origin",
    "confidence",
)
MOVE_COLS = (
    "geom",
    "event_id",
    "article_id",
    "type",
    "date",
    "end_date",
    "status",
    "origin",
    "destination",
    "source",
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


# ---------------------------------------------------------------- articles
@dataclass(frozen=True)
class Article:
    """An article row: ``id`` is the sha256 of its normalised text."""

    id: str
    text: str
    published: dt.date
    source: str
    path: str = ""
    outlet: str = ""
    url: str = ""
    title: str = ""
    encoding: str = "utf-8"
    extractor_version: str = ""


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _date(s: str | dt.date | None) -> dt.date | None:
    if isinstance(s, dt.date):  # PostgreSQL hands back dates, SQLite ISO strings
        return s
    return dt.date.fromisoformat(s[:10]) if s else None


# ---------------------------------------------------------------- rows <-> objects (shared by both backends)
# Every ``*_values`` tuple lines up with its ``*_COLS`` minus the leading "geom": each backend encodes
# the geometry its own way (GeoPackage binary here, EWKB/WKB in PostGIS) and puts it in front.
PLACE_READ_COLS = (
    *("id", "name", "lat", "lon", "kind", "precision"),
    *("name_ar", "province", "country", "origin", "confidence"),
)
EVENT_READ_COLS = tuple(c for c in EVENT_COLS if c not in ("geom", "event_id", "extractor_version"))


def place_values(p: Place) -> tuple[Any, ...]:
    return (p.id, p.name, p.name_ar, p.kind, p.precision, p.lat, p.lon, p.province, p.country, p.origin, p.confidence)


def event_values(article_id: str, e: Event, version: str) -> tuple[Any, ...]:
    return (
        e.id,
        article_id,
        e.type,
        e.date.isoformat(),
        _iso(e.end_date),
        e.date_precision,
        e.status,
        e.place.id if e.place else None,
        e.place.name if e.place else None,
        e.place.province if e.place else None,
        e.destination.id if e.destination else None,
        e.destination.name if e.destination else None,
        e.geo_precision,
        e.lat,
        e.lon,
        e.actor,
        e.target,
        e.weapon,
        *(getattr(e, k) for k in COUNT_FIELDS),
        e.quote,
        e.start,
        e.end,
        e.source,
        e.published.isoformat(),
        e.trigger,
        e.date_text,
        version,
    )


def movement_line(e: Event) -> shapely.LineString | None:
    """The origin→destination line of a movement, None for any other event."""
    if e.place is None or e.destination is None:
        return None
    return shapely.LineString([(e.place.lon, e.place.lat), (e.destination.lon, e.destination.lat)])


def movement_values(article_id: str, e: Event) -> tuple[Any, ...]:
    assert e.place is not None and e.destination is not None
    return (
        e.id,
        article_id,
        e.type,
        e.date.isoformat(),
        _iso(e.end_date),
        e.status,
        e.place.name,
        e.destination.name,
        e.source,
    )


def event_places(events: Sequence[Event]) -> list[Place]:
    """The distinct places (origins and destinations) of ``events``, sorted by id (a stable lock order)."""
    found = {p.id: p for e in events for p in (e.place, e.destination) if p is not None}
    return [found[k] for k in sorted(found)]


def row_to_place(r: Sequence[Any]) -> Place:
    """A ``PLACE_READ_COLS`` row as a Place."""
    return Place(
        id=r[0],
        name=r[1] or "",
        lat=r[2],
        lon=r[3],
        kind=r[4] or "",
        precision=r[5] or "",
        name_ar=r[6] or "",
        province=r[7] or "",
        country=r[8] or "",
        origin=r[9] or "curated",
        confidence=r[10] or "high",
    )


def row_to_event(r: Sequence[Any], places: dict[str, Place]) -> tuple[str, Event]:
    """An ``EVENT_READ_COLS`` row as (article id, Event), its places looked up in ``places``."""
    d: dict[str, Any] = dict(zip(EVENT_READ_COLS, r, strict=True))
    published = _date(d["published"])
    assert published is not None
    event = Event(
        type=d["type"],
        date=_date(d["date"]) or published,
        quote=d["quote"] or "",
        start=d["quote_start"] or 0,
        end=d["quote_end"] or 0,
        source=d["source"] or "",
        published=published,
        date_precision=d["date_precision"] or "day",
        end_date=_date(d["end_date"]),
        status=d["status"] or "occurred",
        place=places.get(d["place_id"]) if d["place_id"] else None,
        destination=places.get(d["destination_id"]) if d["destination_id"] else None,
        actor=d["actor"],
        target=d["target"],
        weapon=d["weapon"],
        **{k: d[k] for k in COUNT_FIELDS},
        trigger=d["trigger"] or "",
        date_text=d["date_text"] or "",
    )
    return d["article_id"], event


TABLES = ("articles", "events", "movements", "places")


class EventReads:
    """What both backends share: the reads written once (with the driver's placeholder), and the
    deduplicated, filtered views derived from ``raw_events()``.

    ``_fingerprint()`` names the stored state cheaply; the merged events are cached until it changes.
    """

    _cache: list[Event] | None = None
    _cache_key: Any = None

    conn: Any
    path: Any
    _param = "?"  # the driver's placeholder: sqlite3 takes "?", psycopg "%s"

    def _places(self) -> dict[str, Place]:
        rows = self.conn.execute(f"SELECT {', '.join(PLACE_READ_COLS)} FROM places")
        return {r[0]: row_to_place(r) for r in rows}

    def raw_events(self) -> list[tuple[str, Event]]:
        """Every stored (article id, event) as extracted, before cross-article deduplication."""
        # Events first: an event's places are committed with (or before) it, so they are all found.
        rows = self.conn.execute(f"SELECT {', '.join(EVENT_READ_COLS)} FROM events ORDER BY fid").fetchall()
        places = self._places()
        return [row_to_event(r, places) for r in rows]

    def article_text(self, article_id: str) -> str:
        row = self.conn.execute(f"SELECT text FROM articles WHERE id = {self._param}", (article_id,)).fetchone()
        if row is None:
            raise StoreError(f"no article {article_id!r} in {self.path}; list them with Store.articles()")
        return str(row[0])

    def counts(self) -> dict[str, int]:
        """Rows per table, plus ``merged_events`` (events after deduplication)."""
        out = {}
        for t in TABLES:
            row = self.conn.execute(f"SELECT count(*) FROM {t}").fetchone()
            out[t] = int(row[0]) if row else 0
        out["merged_events"] = len(self.all_events())
        return out

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def article_ids(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT id FROM articles")}

    def _fingerprint(self) -> Any:
        return None

    def fingerprint(self) -> str:
        """A cheap name for the stored state: it changes whenever events are written (any process)."""
        return repr(self._fingerprint())

    def all_events(self) -> list[Event]:
        """Every event after cross-article deduplication, sorted by (date, id); cached until a write."""
        key = self._fingerprint()
        if self._cache is None or key != self._cache_key:
            self._cache = merge_events([e for _, e in self.raw_events()])
            self._cache_key = key
        return list(self._cache)

    def events(
        self,
        start: dt.date | None = None,
        end: dt.date | None = None,
        types: Iterable[str] | None = None,
        governorates: Iterable[str] | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        sources: Iterable[str] | None = None,
    ) -> list[Event]:
        """Deduplicated events that pass the filters (see ``geo.query.filter_events``), by date."""
        return filter_events(
            self.all_events(),
            start=start,
            end=end,
            types=types,
            governorates=governorates,
            bbox=bbox,
            sources=sources,
        )


class Store(EventReads):
    """An open store; use ``open_store`` (a context manager) rather than this class directly."""

    def _fingerprint(self) -> Any:
        # count and last row id change with every write, also by another process (WAL or not)
        return self.conn.execute(
            "SELECT (SELECT count(*) FROM events), (SELECT coalesce(max(fid), 0) FROM events),"
            " (SELECT count(*) FROM articles)"
        ).fetchone()

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._cache: list[Event] | None = None
        try:
            self.conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._init_retrying()
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
                    _now(),
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


AnyStore: TypeAlias = "Store | PostgisStore"
URL_SCHEMES = ("postgresql://", "postgres://")


def is_url(target: str | Path | None) -> bool:
    """True when ``target`` names a PostGIS server (``postgresql://user@host:port/db``), not a file."""
    return isinstance(target, str) and target.startswith(URL_SCHEMES)


def _resolve(path: str | Path | None) -> tuple[str | Path, bool]:
    """The store to open (a Path or a postgresql:// URL) and whether it is the default store."""
    if path is None or str(path) == "":
        import os

        # Read at call time so GEO_STORE set after import (tests, the dashboard launcher) counts.
        env = os.environ.get("GEO_STORE")
        if env and is_url(env):
            return env, True
        return (Path(env) if env else settings.DEFAULT_STORE), True
    return (path if is_url(path) else Path(path)), False


def _no_articles(p: Path) -> bool:
    try:
        con = sqlite3.connect(f"file:{p}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT count(*) FROM articles").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return False  # not a store yet (or not ours): Store() will say so
    return not row or not row[0]


def _seed(target: str | Path) -> None:
    from .ingest import ingest_paths

    log.info("building the default store %s from %s", target, settings.SEEDS_DIR)
    ingest_paths([settings.SEEDS_DIR], store=target)


@contextmanager
def open_store(path: str | Path | None = None, *, seed: bool = True, create: bool = True) -> Iterator[AnyStore]:
    """Open (creating if needed) the store at ``path``; None means the default store (``GEO_STORE``).

    With ``create=False`` (the read-only commands) a store file that does not exist is an error rather
    than a new empty store: a typo in ``--store`` must not look like an empty collection.

    ``path`` is a GeoPackage file, or a ``postgresql://`` URL for the shared PostGIS store
    (``geo.store_postgis.PostgisStore``, same methods). The default store, when it does not exist yet
    (or holds no article), is built from ``settings.SEEDS_DIR`` first.
    """
    target, is_default = _resolve(path)
    if isinstance(target, str):
        from .store_postgis import PostgisStore

        pg = PostgisStore(target)
        try:
            if is_default and seed and settings.SEEDS_DIR.is_dir() and not pg.article_count():
                _seed(target)
            yield pg
        finally:
            pg.close()
        return
    p = target
    if p.is_dir():
        raise StoreError(f"{p} is a folder; pass a store file such as {p / 'events.gpkg'}")
    if not create and not is_default and not p.exists():
        raise StoreError(f"no store at {p}; build one with: geo ingest FOLDER --store {p}")
    fresh = not p.exists() or p.stat().st_size == 0
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create {p.parent} ({exc.strerror}); pass another --store file") from None
    if is_default and seed and settings.SEEDS_DIR.is_dir() and (fresh or _no_articles(p)):
        _seed(p)  # also when an earlier first run was cut short before its first article
    store = Store(p)
    try:
        yield store
    finally:
        store.close()
