"""The shared event store: the embedded store's schema and behaviour on a PostgreSQL + PostGIS server.

``open_store("postgresql://user@host:5432/db")`` (or ``GEO_STORE`` set to such a URL) returns a
``PostgisStore``; it has the methods of ``geo.store.Store`` and gives the same results:

- tables ``articles`` (content-hash id, raw text), ``events`` (``geometry(Point, 4326)`` + every Event
  field), ``movements`` (``geometry(LineString, 4326)``), ``places`` (points) and ``store_meta``; a GIST
  index on every geometry, btree indexes on the events' date, type and article;
- one transaction per article; the article id is unique, so an ingest run twice, or two ingests at once
  from several machines, store each article once and together hold the union;
- ``events()`` is ``geo.events.merge_events`` over the raw rows, filtered by ``geo.events.filter_events``,
  exactly as the embedded store (the row <-> Event conversion is shared: ``geo.store.columns``).

Uses psycopg 3. The role needs CREATE on the database the first time (tables are created on first
use); ``CREATE EXTENSION postgis`` needs a superuser or the database owner, once per database.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import shapely

from gazetteer.models import Place

from ..core.errors import StoreError
from ..core.models import Event
from .base import Article, EventReads
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
from .geopackage import SCHEMA_VERSION, SRS_ID

log = logging.getLogger("geo.store")
SCHEMA_LOCK = 0x67656F  # pg_advisory_xact_lock key: one process creates the schema at a time
RETRIES = 5  # a deadlock or serialization failure is retried (the transaction had no effect)

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS articles (
  fid bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE, path text, source text, outlet text, url text, title text,
  published date, text text NOT NULL, encoding text, ingested_at timestamptz, extractor_version text);
CREATE TABLE IF NOT EXISTS places (
  fid bigserial PRIMARY KEY, {column_defs(PLACE_COLUMNS, "postgis", SRS_ID)}, UNIQUE (id));
CREATE TABLE IF NOT EXISTS events (
  fid bigserial PRIMARY KEY, {column_defs(EVENT_COLUMNS, "postgis", SRS_ID)},
  FOREIGN KEY (article_id) REFERENCES articles(id), UNIQUE (event_id, article_id));
CREATE INDEX IF NOT EXISTS events_article ON events (article_id);
CREATE INDEX IF NOT EXISTS events_date ON events (date);
CREATE INDEX IF NOT EXISTS events_type ON events (type);
CREATE INDEX IF NOT EXISTS events_geom ON events USING gist (geom);
CREATE TABLE IF NOT EXISTS movements (
  fid bigserial PRIMARY KEY, {column_defs(MOVE_COLUMNS, "postgis", SRS_ID)},
  FOREIGN KEY (article_id) REFERENCES articles(id), UNIQUE (event_id, article_id));
CREATE INDEX IF NOT EXISTS movements_article ON movements (article_id);
CREATE INDEX IF NOT EXISTS movements_geom ON movements USING gist (geom);
CREATE INDEX IF NOT EXISTS places_geom ON places USING gist (geom);
CREATE TABLE IF NOT EXISTS store_meta (key text PRIMARY KEY, value text)
"""



def redact(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


def _wkb(geom: shapely.Geometry | None) -> bytes | None:
    return None if geom is None else shapely.to_wkb(geom, output_dimension=2)


def _point(p: Place | None) -> bytes | None:
    return _wkb(shapely.Point(p.lon, p.lat)) if p is not None else None


def _insert_sql(table: str, cols: Sequence[str], conflict: str) -> str:
    values = ", ".join(f"ST_GeomFromWKB(%s, {SRS_ID})" if c == "geom" else "%s" for c in cols)
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({values}) {conflict}"


_EVENTS_SQL = _insert_sql("events", EVENT_COLS, "ON CONFLICT (event_id, article_id) DO NOTHING")
_MOVES_SQL = _insert_sql("movements", MOVE_COLS, "ON CONFLICT (event_id, article_id) DO NOTHING")
_PLACES_SQL = _insert_sql(
    "places",
    PLACE_COLS,
    "ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{k} = excluded.{k}" for k in PLACE_COLS if k != "id")
    # Leave an unchanged place alone: no new row version for every article that names Baghdad.
    + " WHERE (places.name, places.name_ar, places.kind, places.precision, places.lat, places.lon,"
    " places.province, places.country, places.origin, places.confidence) IS DISTINCT FROM"
    " (excluded.name, excluded.name_ar, excluded.kind, excluded.precision, excluded.lat, excluded.lon,"
    " excluded.province, excluded.country, excluded.origin, excluded.confidence)",
)


class PostgisStore(EventReads):
    """An open PostGIS store; use ``geo.store.open_store(url)`` rather than this class directly."""

    _param = "%s"

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError:  # pragma: no cover - psycopg is a dependency
            raise StoreError("a postgresql:// store needs psycopg: pip install 'psycopg[binary]'") from None
        self.url = url
        self.path = redact(url)  # what messages show, like Store.path
        self._psycopg = psycopg
        try:
            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=10, application_name="geo")
        except psycopg.Error as exc:
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(f"cannot connect to {self.path} ({msg}); check the URL and that the server runs") from None
        try:
            self._init()
        except psycopg.Error as exc:
            self.conn.close()
            raise StoreError(f"{self.path} is not a usable event store ({str(exc).strip()})") from None
        except BaseException:  # StoreError (no PostGIS), Ctrl-C: the connection must not outlive us
            self.conn.close()
            raise

    # -------------------------------------------------------- setup
    def _init(self) -> None:
        c = self.conn
        ready = c.execute("SELECT to_regclass('store_meta') IS NOT NULL").fetchone()
        if ready and ready[0]:
            have = {r[0] for r in c.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'events'")}
            added = missing_columns(have, EVENT_COLUMNS, "postgis", SRS_ID)
            if added:  # a store from an older version: its new properties start empty
                with c.transaction():
                    c.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
                    clauses = ", ".join(a.replace("ADD COLUMN", "ADD COLUMN IF NOT EXISTS") for a in added)
                    c.execute(f"ALTER TABLE events {clauses}")
            return
        with c.transaction():
            c.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            has_postgis = c.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone()
            if not has_postgis:
                try:
                    with c.transaction():
                        c.execute("CREATE EXTENSION IF NOT EXISTS postgis")
                except self._psycopg.Error as exc:
                    raise StoreError(
                        f"{self.path} has no PostGIS and this role cannot add it ({str(exc).strip()}); "
                        "ask an administrator to run CREATE EXTENSION postgis in that database"
                    ) from None
            for stmt in SCHEMA.split(";"):
                if stmt.strip():
                    c.execute(stmt)
            c.execute(
                "INSERT INTO store_meta VALUES ('schema_version', %s) ON CONFLICT (key) DO NOTHING",
                (str(SCHEMA_VERSION),),
            )

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """One write transaction (READ COMMITTED; the unique article id arbitrates concurrent writers)."""
        try:
            with self.conn.transaction():
                yield self.conn
        finally:
            self._cache = None

    def _retrying(self, work: Any) -> Any:
        errors = self._psycopg.errors
        for attempt in range(RETRIES):
            try:
                with self.transaction() as c:
                    return work(c)
            except (errors.DeadlockDetected, errors.SerializationFailure):
                if attempt == RETRIES - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        return None  # not reached

    # -------------------------------------------------------- writes
    def has_article(self, article_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE id = %s", (article_id,)).fetchone() is not None

    def article_count(self) -> int:
        row = self.conn.execute("SELECT count(*) FROM articles").fetchone()
        return int(row[0]) if row else 0

    def add_article(self, article: Article, events: Sequence[Event]) -> int | None:
        """Store an article and its events in one transaction.

        Returns the number of events added, or None when the article was already stored (by anyone).
        """

        def work(c: Any) -> int | None:
            row = c.execute(
                "INSERT INTO articles (id, path, source, outlet, url, title, published, text, encoding,"
                " ingested_at, extractor_version) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s, now(), %s)"
                " ON CONFLICT (id) DO NOTHING RETURNING fid",
                (
                    article.id,
                    article.path,
                    article.source,
                    article.outlet,
                    article.url,
                    article.title,
                    article.published,
                    article.text,
                    article.encoding,
                    article.extractor_version,
                ),
            ).fetchone()
            if row is None:  # stored already, by this or another ingest
                return None
            return self._insert_events(c, article.id, events, article.extractor_version)

        result: int | None = self._retrying(work)
        return result

    def replace_events(self, article_id: str, events: Sequence[Event], extractor_version: str = "") -> int:
        """Replace an article's events (reprocessing) in one transaction; the article row is untouched."""

        def work(c: Any) -> int:
            c.execute("DELETE FROM events WHERE article_id = %s", (article_id,))
            c.execute("DELETE FROM movements WHERE article_id = %s", (article_id,))
            return self._insert_events(c, article_id, events, extractor_version)

        result: int = self._retrying(work)
        return result

    def _insert_events(self, c: Any, article_id: str, events: Sequence[Event], version: str) -> int:
        with c.cursor() as cur:
            # Places in id order: concurrent writers lock shared places in one order, so never deadlock.
            places = [(_point(p), *place_values(p)) for p in event_places(events)]
            if places:
                cur.executemany(_PLACES_SQL, places)
            rows, moves = [], []
            for e in events:
                rows.append((_point(e.place), *event_values(article_id, e, version)))
                line = movement_line(e)
                if line is not None:
                    moves.append((_wkb(line), *movement_values(article_id, e)))
            added = 0
            if rows:
                cur.executemany(_EVENTS_SQL, rows)
                added = max(0, cur.rowcount)
            if moves:
                cur.executemany(_MOVES_SQL, moves)
        return added

    # -------------------------------------------------------- reads
    def _fingerprint(self) -> Any:
        # Other machines write too: the merged events are rebuilt when the stored rows changed.
        return self.conn.execute(
            "SELECT (SELECT count(*) FROM events), (SELECT coalesce(max(fid), 0) FROM events),"
            " (SELECT count(*) FROM places)"
        ).fetchone()

    def article_rows(self) -> list[tuple[str, str, dt.date, str, str]]:
        """(id, text, published, source, path) of every article in ingest order (for reprocessing)."""
        rows = self.conn.execute("SELECT id, text, published, source, path FROM articles ORDER BY fid")
        return [(r[0], r[1], r[2], r[3] or "", r[4] or "") for r in rows]

    def articles(self) -> list[dict[str, Any]]:
        """Article rows without their text, in ingest order, each with its stored event count."""
        cur = self.conn.execute(
            "SELECT a.id, a.path, a.source, a.outlet, a.url, a.title, a.published::text AS published,"
            " a.encoding, to_char(a.ingested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
            " AS ingested_at, a.extractor_version,"
            " (SELECT count(*) FROM events e WHERE e.article_id = a.id) AS events"
            " FROM articles a ORDER BY a.fid"
        )
        names = [d.name for d in cur.description or ()]
        return [dict(zip(names, r, strict=True)) for r in cur]


# ---------------------------------------------------------------- a throwaway local server (tests, benches)
