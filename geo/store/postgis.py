"""The shared event store: the embedded store's schema and behaviour on a PostgreSQL + PostGIS server.

``open_store("postgresql://user@host:5432/db")`` (or ``GEO_STORE`` set to such a URL) returns a
``PostgisStore``; it has the methods of ``geo.store.Store`` and gives the same results:

- tables ``articles`` (content-hash id, raw text), ``events`` (the reports as extracted:
  ``geometry(Point, 4326)`` + every Event field + the merged event each belongs to), ``merged_events``
  (the cross-article merge, kept on every write), ``movements`` (``geometry(LineString, 4326)``),
  ``places`` (points) and ``store_meta``; GiST indexes on the geometries and on the days (and merge kind)
  the questions and the incremental merge look up;
- one transaction per article or per batch (``add_articles``: multi-row inserts and COPY, each article
  all-or-nothing); the article id is unique, so an ingest run twice, or two ingests at once from several
  machines (Dask workers included), store each article once and together hold the union;
- ``query()`` answers in SQL over ``merged_events``, with the results of ``geo.events.merge_events`` and
  ``geo.events.filter_events`` over the reports, exactly as the embedded store (the row <-> Event
  conversion is shared: ``geo.store.columns``).

Uses psycopg 3. The role needs CREATE on the database the first time (tables are created on first
use); ``CREATE EXTENSION postgis`` needs a superuser or the database owner, once per database.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import shapely

from gazetteer.models import Place

from ..core.errors import StoreError
from ..core.models import Event
from ..events import LIKE_SPAN_DAYS
from .base import MERGE_VERSION, Article, EventReads, Filters, Seed, box_degrees, point_encoder, seeds_of
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
from .geopackage import SCHEMA_VERSION, SRS_ID

log = logging.getLogger("geo.store")
SCHEMA_LOCK = 0x67656F  # pg_advisory_xact_lock key: one process creates the schema at a time
RETRIES = 5  # a deadlock or serialization failure is retried (the transaction had no effect)
MERGE_LOCK = "geo.merge:"  # + merge kind: writers of one kind update the stored merge one at a time

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS articles (
  fid bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE, path text, source text, outlet text, url text, title text,
  published date, text text NOT NULL, encoding text, ingested_at timestamptz, extractor_version text);
CREATE TABLE IF NOT EXISTS places (
  fid bigserial PRIMARY KEY, {column_defs(PLACE_COLUMNS, "postgis", SRS_ID)}, UNIQUE (id));
CREATE TABLE IF NOT EXISTS events (
  fid bigserial PRIMARY KEY, {column_defs(EVENT_COLUMNS, "postgis", SRS_ID)},
  FOREIGN KEY (article_id) REFERENCES articles(id), UNIQUE (article_id, event_id));
CREATE INDEX IF NOT EXISTS events_geom ON events USING gist (geom);
CREATE TABLE IF NOT EXISTS movements (
  fid bigserial PRIMARY KEY, {column_defs(MOVE_COLUMNS, "postgis", SRS_ID)},
  FOREIGN KEY (article_id) REFERENCES articles(id), UNIQUE (event_id, article_id));
CREATE INDEX IF NOT EXISTS movements_article ON movements (article_id);
CREATE INDEX IF NOT EXISTS movements_geom ON movements USING gist (geom);
CREATE INDEX IF NOT EXISTS places_geom ON places USING gist (geom);
CREATE TABLE IF NOT EXISTS store_meta (key text PRIMARY KEY, value text)
"""

# A report's cell of a 0.1-degree grid (-1: unlocated), where the incremental merge looks for its neighbours.
CELL = "coalesce(((floor(ST_X(geom) * 10) + 1800) * 4000 + floor(ST_Y(geom) * 10) + 900)::bigint, -1)"
# A merged event's days as a box on a line (days since 2000-01-01 from the first day to the last):
# ``&&`` of two such boxes is the overlap of the closed spans. A GiST over a fixed-size box costs a
# fraction of one over ``daterange`` (a range key is copied out of the index for every comparison
# while a new row finds its place: a sixth of the server's time in a batched write).
DAY_ZERO = dt.date(2000, 1, 1)
DAYS_BOX = (f"box(point(date - DATE '{DAY_ZERO}', 0), point(last_date - DATE '{DAY_ZERO}', 0))")
NO_DAY = 10**9  # an open end of a question's window, in days


# The stored cross-article merge and the indexes the questions use (GiST over the geometry and the
# days of every merged event). The incremental merge finds a report's neighbours by (merge kind, grid
# cell, first day): a btree, since the cells around a place and spans of like length bound what to
# scan, at a fifth of the upkeep of the GiST over (kind, days, point) it replaces, the batched writer's
# largest cost in the server.
MERGE_SCHEMA = f"""
CREATE INDEX IF NOT EXISTS events_source ON events (source);
CREATE INDEX IF NOT EXISTS events_merged ON events (merged_fid);
CREATE INDEX IF NOT EXISTS events_kind_cell ON events (merge_kind, ({CELL}), date);
CREATE TABLE IF NOT EXISTS merged_events (
  fid bigserial PRIMARY KEY, {column_defs(MERGED_COLUMNS, "postgis", SRS_ID)},
  extent geometry(Geometry, {SRS_ID}));
CREATE INDEX IF NOT EXISTS merged_date ON merged_events (date, event_id, fid);
CREATE INDEX IF NOT EXISTS merged_type ON merged_events (type, date);
CREATE INDEX IF NOT EXISTS merged_province ON merged_events (province);
CREATE INDEX IF NOT EXISTS merged_last ON merged_events (last_date);
CREATE INDEX IF NOT EXISTS merged_days ON merged_events USING gist ({DAYS_BOX});
CREATE INDEX IF NOT EXISTS merged_extent ON merged_events USING gist (extent)
"""



def redact(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


def _wkb(geom: shapely.Geometry | None) -> bytes | None:
    return None if geom is None else shapely.to_wkb(geom, output_dimension=2)


def _point(p: Place | None) -> bytes | None:
    return _wkb(shapely.Point(p.lon, p.lat)) if p is not None else None


def _ewkb_hex(geom: shapely.Geometry | None) -> str | None:
    """A geometry as COPY's text form takes it: hex EWKB with the SRS."""
    if geom is None:
        return None
    return str(shapely.to_wkb(shapely.set_srid(geom, SRS_ID), hex=True, include_srid=True, output_dimension=2))


_point_hex = point_encoder(lambda lon, lat: str(_ewkb_hex(shapely.Point(lon, lat))))  # a place as COPY text


def _extent_hex(e: Event) -> str | None:
    """The merged event's extent: its point, or the origin → destination line of a movement."""
    if e.place is None:
        return None
    if e.destination is None:
        return _point_hex(e.place)
    return _ewkb_hex(shapely.LineString(e.geometry()))


def _cell_range(lon: float, lat: float, dx: float, dy: float) -> tuple[int, int, int, int]:
    """The grid columns x0..x1 and rows y0..y1 (of ``CELL``: 0.1 degree) that the box (lon ± dx, lat ± dy)
    touches, with a margin for the single-precision boxes ``&&`` compares."""
    m = 1e-4
    return (math.floor((lon - dx - m) * 10), math.floor((lon + dx + m) * 10),
            math.floor((lat - dy - m) * 10), math.floor((lat + dy + m) * 10))


def _array(values: Sequence[Any], kind: str) -> str:
    """A PostgreSQL array literal of ``kind`` "number", "day" or "text" values (None as NULL), cast by the
    query (``%s::date[]``): a few string joins, where psycopg encodes a list element by element in Python."""
    if kind == "text":
        return "{" + ",".join(["NULL" if v is None else '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
                               for v in values]) + "}"
    # repr: the shortest text that reads back as the same double; a day's str is its ISO form
    text = repr if kind == "number" else str
    return "{" + ",".join(["NULL" if v is None else text(v) for v in values]) + "}"


def _records(rows: Sequence[Sequence[Any]]) -> str:
    """Rows as one JSON parameter (days as ISO text): encoded in C on both sides, where a psycopg array
    per column was encoded value by value in Python."""
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"), default=dt.date.isoformat)


def _records_sql(names: Sequence[str], types: Sequence[str], alias: str) -> str:
    """The FROM item that reads ``_records`` back as typed columns ``names`` plus ``n`` (1, 2, ... in order)."""
    fields = ", ".join(f"(r ->> {i})::{t} AS {n}" for i, (n, t) in enumerate(zip(names, types, strict=True)))
    return f"(SELECT {fields}, n FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS j(r, n)) AS {alias}"


def _insert_sql(table: str, cols: Sequence[str], conflict: str) -> str:
    values = ", ".join(f"ST_GeomFromWKB(%s, {SRS_ID})" if c == "geom" else "%s" for c in cols)
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({values}) {conflict}"


_EVENTS_SQL = _insert_sql("events", EVENT_COLS, "ON CONFLICT (event_id, article_id) DO NOTHING")
_MOVES_SQL = _insert_sql("movements", MOVE_COLS, "ON CONFLICT (event_id, article_id) DO NOTHING")
_PLACE_TYPES = {"point": "bytea", "key": "text", "text": "text", "real": "float8"}
# Every place of a write in one statement (a row per place, in the order given: id order, the lock
# order), where one INSERT per place was a round of the pipeline and a statement in the server each.
_PLACES_SQL = (
    f"INSERT INTO places ({', '.join(PLACE_COLS)}) SELECT "
    + ", ".join(f"ST_GeomFromWKB(v.{c}, {SRS_ID})" if c == "geom" else f"v.{c}" for c in PLACE_COLS)
    + " FROM unnest(" + ", ".join(f"%s::{_PLACE_TYPES[c.kind]}[]" for c in PLACE_COLUMNS)
    + f") WITH ORDINALITY AS v({', '.join(PLACE_COLS)}, n) ORDER BY v.n "
    "ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{k} = excluded.{k}" for k in PLACE_COLS if k != "id")
    # Leave an unchanged place alone: no new row version for every article that names Baghdad.
    + " WHERE (places.name, places.name_ar, places.kind, places.precision, places.lat, places.lon,"
    " places.province, places.country, places.origin, places.confidence) IS DISTINCT FROM"
    " (excluded.name, excluded.name_ar, excluded.kind, excluded.precision, excluded.lat, excluded.lon,"
    " excluded.province, excluded.country, excluded.origin, excluded.confidence)"
)


def _upsert_places(c: Any, places: Sequence[Place]) -> None:
    rows = [(_point(p), *place_values(p)) for p in places]
    if rows:
        c.execute(_PLACES_SQL, [list(col) for col in zip(*rows, strict=True)])


class PostgisStore(EventReads):
    """An open PostGIS store; use ``geo.store.open_store(url)`` rather than this class directly."""

    _param = "%s"

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError:  # pragma: no cover - psycopg is a dependency
            raise StoreError("a postgresql:// store needs psycopg: pip install 'psycopg[binary]'") from None
        self.url = url
        self._merged_seq: str | None = None
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
                    # ... and so do its merged events': they are made again from the reports
                    c.execute("DELETE FROM store_meta WHERE key = 'merge_version'")
            if self._merge_version() != MERGE_VERSION:
                with c.transaction():
                    c.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
                    if self._merge_version() != MERGE_VERSION:  # not done meanwhile by another process
                        c.execute("DROP INDEX IF EXISTS events_kind_span")  # an older version's columns
                        self._create_merge_schema(c)
                        have = {r[0] for r in c.execute("SELECT column_name FROM information_schema.columns"
                                                        " WHERE table_name = 'merged_events'")}
                        added = missing_columns(have, MERGED_COLUMNS, "postgis", SRS_ID)
                        if added:
                            c.execute(f"ALTER TABLE merged_events {', '.join(added)}")
                        self._rebuild_merged(c)
                        self._set_merge_version(c)
            self._update_indexes()
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
            self._create_merge_schema(c)
            c.execute(
                "INSERT INTO store_meta VALUES ('schema_version', %s) ON CONFLICT (key) DO NOTHING",
                (str(SCHEMA_VERSION),),
            )
            self._set_merge_version(c)

    def _merge_version(self) -> str | None:
        row = self.conn.execute("SELECT value FROM store_meta WHERE key = 'merge_version'").fetchone()
        return row[0] if row else None

    @staticmethod
    def _set_merge_version(c: Any) -> None:
        c.execute("INSERT INTO store_meta VALUES ('merge_version', %s) ON CONFLICT (key) DO UPDATE"
                  " SET value = excluded.value", (MERGE_VERSION,))

    def _create_merge_schema(self, c: Any) -> None:
        for stmt in MERGE_SCHEMA.split(";"):
            if stmt.strip():
                c.execute(stmt)

    def _update_indexes(self) -> None:
        """A store made before the reports' (kind, cell, day) btree: it replaces their (kind, days, point)
        GiST; before the merged events' box of days: it replaces their ``daterange`` GiST; before the
        reports' key began with the article: it stands in for their article index too (one btree of
        long texts less to keep on every report)."""
        c = self.conn
        have = c.execute("SELECT to_regclass('events_kind_cell') IS NOT NULL AND to_regclass('merged_days')"
                         " IS NOT NULL AND to_regclass('events_article') IS NULL").fetchone()
        if have and have[0]:
            return
        with c.transaction():
            c.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            c.execute(f"CREATE INDEX IF NOT EXISTS events_kind_cell ON events (merge_kind, ({CELL}), date)")
            c.execute("DROP INDEX IF EXISTS events_kind_span")
            c.execute(f"CREATE INDEX IF NOT EXISTS merged_days ON merged_events USING gist ({DAYS_BOX})")
            c.execute("DROP INDEX IF EXISTS merged_span")
            if c.execute("SELECT to_regclass('events_article') IS NOT NULL").fetchone()[0]:
                c.execute("ALTER TABLE events DROP CONSTRAINT IF EXISTS events_event_id_article_id_key,"
                          " ADD UNIQUE (article_id, event_id)")
                c.execute("DROP INDEX events_article")

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """One write transaction (READ COMMITTED; the unique article id arbitrates concurrent writers)."""
        try:
            with self.conn.transaction():
                yield self.conn
        finally:
            self._cache = self._sql_cache = None

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

    def _insert_article(self, c: Any, article: Article) -> bool:
        row = c.execute(
            "INSERT INTO articles (id, path, source, outlet, url, title, published, text, encoding,"
            " ingested_at, extractor_version) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s, now(), %s)"
            " ON CONFLICT (id) DO NOTHING RETURNING fid",
            (article.id, article.path, article.source, article.outlet, article.url, article.title,
             article.published, article.text, article.encoding, article.extractor_version),
        ).fetchone()
        return row is not None  # None: stored already, by this or another ingest

    def add_article(self, article: Article, events: Sequence[Event]) -> int | None:
        """Store an article and its events in one transaction, the stored merge updated with them.

        Returns the number of events added, or None when the article was already stored (by anyone).
        """

        def work(c: Any) -> int | None:
            if not self._insert_article(c, article):
                return None
            added = self._insert_events(c, article.id, events, article.extractor_version)
            self._locked_remerge(c, seeds_of(events))
            return added

        result: int | None = self._retrying(work)
        return result

    def add_articles(self, batch: Sequence[tuple[Article, Sequence[Event]]]) -> list[int | str | None]:
        """Store many articles in one transaction: multi-row inserts and COPY, one commit and one merge
        update for the batch. Each article stays all-or-nothing: if the batch fails, it is written
        again article by article (a savepoint each), and an article that still fails is left out
        with its reason. Per article: the events added, None when stored already, or that reason.
        """
        if not batch:
            return []
        try:
            result: list[int | str | None] = self._retrying(lambda c: self._write_batch(c, batch))
            return result
        except self._psycopg.Error as exc:
            log.debug("batch of %d failed (%s); writing it article by article", len(batch), exc)
        return self._retrying(lambda c: self._write_one_by_one(c, batch))

    def _write_batch(self, c: Any, batch: Sequence[tuple[Article, Sequence[Event]]]) -> list[int | str | None]:
        # In input order, so the rows keep the ingest order. Two batches that share articles may
        # deadlock on them; PostgreSQL then aborts one, and ``_retrying`` runs it again.
        # One statement over arrays (not a VALUES list of thousands of parameters to parse).
        cols = ("id", "path", "source", "outlet", "url", "title", "published", "text", "encoding",
                "extractor_version")
        types = ["text"] * 6 + ["date", "text", "text", "text"]
        records = _records([[getattr(a, k) for k in cols] for a, _ in batch])
        with c.pipeline():
            # Sent, and run by the server while the reports' rows are made here (for every article:
            # those stored already are left out when the answer comes).
            inserted = c.execute(
                f"INSERT INTO articles ({', '.join(cols)}, ingested_at) SELECT {', '.join(cols)}, now() FROM "
                + _records_sql(cols, types, "a")
                + " ORDER BY n ON CONFLICT (id) DO NOTHING RETURNING id",
                (records,),
            )
            made = []
            for article, events in batch:
                kept = list({e.id: e for e in reversed(events)}.values())[::-1]  # INSERT OR IGNORE: first wins
                rows_of, moves_of = [], []
                for e in kept:
                    rows_of.append((_point_hex(e.place), *event_values(article.id, e, article.extractor_version)))
                    line = movement_line(e)
                    if line is not None:
                        moves_of.append((_ewkb_hex(line), *movement_values(article.id, e)))
                made.append((kept, rows_of, moves_of))
            new = {r[0] for r in inserted.fetchall()}
        out: list[int | str | None] = []
        events_rows, move_rows, chosen = [], [], []
        seeds: set[Seed] = set()
        for (article, _), (kept, rows_of, moves_of) in zip(batch, made, strict=True):
            if article.id not in new:
                out.append(None)
                continue
            new.discard(article.id)  # an article twice in one batch is stored once
            chosen += [(article.id, e) for e in kept]
            seeds |= seeds_of(kept)
            events_rows += rows_of
            move_rows += moves_of
            out.append(len(kept))
        with c.cursor() as cur:
            # The merge first: the new reports are then written once, already pointing at their merged events.
            merged = self._locked_remerge(c, seeds, new=chosen, places=event_places([e for _, e in chosen]))
            if events_rows:
                with cur.copy(f"COPY events ({', '.join(EVENT_COLS)}) FROM STDIN") as copy:
                    for r, fid in zip(events_rows, merged, strict=True):
                        copy.write_row((*r[:-1], fid))
            if move_rows:
                with cur.copy(f"COPY movements ({', '.join(MOVE_COLS)}) FROM STDIN") as copy:
                    for r in move_rows:
                        copy.write_row(r)
        return out

    def _write_one_by_one(self, c: Any, batch: Sequence[tuple[Article, Sequence[Event]]]) -> list[int | str | None]:
        out: list[int | str | None] = []
        seeds: set[Seed] = set()
        for article, events in batch:
            try:
                with c.transaction():  # a savepoint inside the batch's transaction
                    if not self._insert_article(c, article):
                        out.append(None)
                        continue
                    out.append(self._insert_events(c, article.id, events, article.extractor_version))
                    seeds |= seeds_of(events)
            except self._psycopg.Error as exc:
                out.append(f"not stored ({str(exc).strip().splitlines()[0] if str(exc).strip() else exc})")
        self._locked_remerge(c, seeds)
        return out

    def replace_events(self, article_id: str, events: Sequence[Event], extractor_version: str = "") -> int:
        """Replace an article's events (reprocessing) in one transaction; the article row is untouched."""

        def work(c: Any) -> int:
            seeds, stale = self._drop_events(c, article_id)
            added = self._insert_events(c, article_id, events, extractor_version)
            self._locked_remerge(c, seeds | seeds_of(events), stale)
            return added

        result: int = self._retrying(work)
        return result

    def remove_article(self, article_id: str) -> bool:
        """Delete an article with its events in one transaction, the stored merge updated; False if absent."""

        def work(c: Any) -> bool:
            if not self.has_article(article_id):
                return False
            seeds, stale = self._drop_events(c, article_id)
            c.execute("DELETE FROM articles WHERE id = %s", (article_id,))
            self._locked_remerge(c, seeds, stale)
            return True

        result: bool = self._retrying(work)
        return result

    def _drop_events(self, c: Any, article_id: str) -> tuple[set[Seed], set[int]]:
        seeds, stale = self._old_reports(c, article_id)
        c.execute("DELETE FROM events WHERE article_id = %s", (article_id,))
        c.execute("DELETE FROM movements WHERE article_id = %s", (article_id,))
        return seeds, stale

    def _locked_remerge(self, c: Any, seeds: set[Seed], stale: set[int] | None = None,
                        new: Sequence[tuple[str, Event]] = (), places: Sequence[Place] = ()) -> list[int]:
        # ``places``: the new reports' places, written first (in the same round trip as the locks).
        # One writer per merge kind at a time, in kind order (no deadlock). Under READ COMMITTED each
        # later statement sees what other writers committed before we got the lock, so the merge
        # recomputed here includes their reports, and theirs will include ours.
        kinds = sorted({s[0] for s in seeds})
        # The lookups are many small index ranges, which the planner's guesses for the cells of a probe
        # (a thousand rows per generate_series) would have JIT-compiled: a third of a second a query.
        with c.pipeline():  # one round trip for them all, still taken one after the other
            _upsert_places(c, places)
            c.execute("SET LOCAL jit = off")
            for k in kinds:
                c.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (MERGE_LOCK + k,))
        return self._remerge(c, seeds, stale or (), new)

    def _insert_events(self, c: Any, article_id: str, events: Sequence[Event], version: str) -> int:
        with c.cursor() as cur:
            # Places in id order: concurrent writers lock shared places in one order, so never deadlock.
            _upsert_places(cur, event_places(events))
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

    # -------------------------------------------------------- the stored merge (EventReads' hooks)
    def _in(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        return f"{column} = ANY(%s)", [list(values)]

    def _span_rows(self, c: Any, probes: Sequence[Seed]) -> list[tuple[Any, ...]]:
        # Over the (kind, cell, first day) btree: a report that may merge with the probe lies in a cell
        # its box touches, overlaps its days and is at most LIKE_SPAN_DAYS longer, so it starts no
        # earlier than (the probe's first day - its length - that). One row per probe: the server
        # walks the cells of its box (``_cell_range``: columns x0..x1 by rows y0..y1), where a row per
        # cell was most of what was encoded and sent.
        rows_in: list[tuple[Any, ...]] = []
        for i, (kind, (d0, d1), place_id, lon, lat) in enumerate(probes):
            low = d0 - (d1 - d0) - dt.timedelta(days=LIKE_SPAN_DAYS)
            if place_id is None or lon is None or lat is None:
                rows_in.append((i, kind, 0, 0, 0, 0, d0, d1, low, None, None, None, None))
                continue
            dx, dy = box_degrees(lat)
            x0, x1, y0, y1 = _cell_range(lon, lat, dx, dy)
            rows_in.append((i, kind, x0, x1, y0, y1, d0, d1, low, lon, lat, dx, dy))
        cols = list(zip(*rows_in, strict=True))
        kinds = ("number", "text", "number", "number", "number", "number", "day", "day", "day", "number", "number",
                 "number", "number")
        rows = c.execute(
            "SELECT q.i, e.fid, e.date, e.last_date, e.place_id, e.lon, e.lat"
            " FROM unnest(%s::int[], %s::text[], %s::int[], %s::int[], %s::int[], %s::int[], %s::date[], %s::date[],"
            " %s::date[], %s::float8[], %s::float8[], %s::float8[], %s::float8[])"
            " AS q(i, kind, x0, x1, y0, y1, d0, d1, lo, lon, lat, dx, dy)"
            # a cell id as CELL makes it; -1 (one cell) for the unlocated
            " CROSS JOIN LATERAL (SELECT CASE WHEN q.lon IS NULL THEN -1::bigint ELSE"
            " ((gx + 1800)::bigint * 4000 + gy + 900) END AS cell"
            " FROM generate_series(q.x0, q.x1) AS gx, generate_series(q.y0, q.y1) AS gy) AS g"
            # LATERAL: one index range per probe cell, whatever the planner guesses of the probes (a hash
            # join over a scan of every report grows with the store)
            " CROSS JOIN LATERAL (SELECT e.fid, e.date, e.last_date, e.place_id, e.lon, e.lat, e.geom FROM events e"
            f" WHERE e.merge_kind = q.kind AND {CELL.replace('geom', 'e.geom')} = g.cell"
            " AND e.date BETWEEN q.lo AND q.d1 OFFSET 0) e"
            " WHERE e.last_date >= q.d0"
            " AND ((q.lon IS NULL AND e.geom IS NULL) OR (q.lon IS NOT NULL AND e.geom &&"
            f" ST_MakeEnvelope(q.lon - q.dx, q.lat - q.dy, q.lon + q.dx, q.lat + q.dy, {SRS_ID})))",
            [_array(col, k) for col, k in zip(cols, kinds, strict=True)],
        ).fetchall()
        return [(int(r[0]), *r[1:]) for r in rows]

    def _delete_merged(self, c: Any, fids: Sequence[int]) -> None:
        c.execute("DELETE FROM merged_events WHERE fid = ANY(%s)", (list(fids),))

    def _alloc_merged(self, c: Any, n: int) -> list[int]:
        if not n:
            return []
        if self._merged_seq is None:  # looked up once, not for every fid
            row = c.execute("SELECT pg_get_serial_sequence('merged_events', 'fid')").fetchone()
            self._merged_seq = row[0]
        return [r[0] for r in c.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", (self._merged_seq, n)).fetchall()]

    def _insert_merged(self, c: Any, rows: Sequence[tuple[int, Event, str, int]]) -> None:
        if not rows:
            return
        cols = f"fid, {', '.join(MERGED_COLS)}, extent"
        with c.cursor() as cur, cur.copy(f"COPY merged_events ({cols}) FROM STDIN") as copy:
            for fid, e, article_id, reports in rows:
                copy.write_row((fid, _point_hex(e.place), *merged_values(article_id, e, reports), _extent_hex(e)))

    def _set_pointers(self, c: Any, pairs: Sequence[tuple[int, int]]) -> None:
        c.execute("UPDATE events e SET merged_fid = v.m FROM unnest(%s::bigint[], %s::bigint[]) AS v(m, f)"
                  " WHERE e.fid = v.f", ([m for m, _ in pairs], [f for _, f in pairs]))

    def _reindex_spans(self, c: Any) -> None:
        pass  # an expression index: PostgreSQL keeps it

    def _time_clause(self, f: Filters, paged: int = 0) -> tuple[list[str], list[Any], str]:
        conds: list[str] = []
        params: list[Any] = []
        if f.start is not None or f.end is not None:
            days = DAYS_BOX.replace("(date", "(m.date").replace("(last_date", "(m.last_date")
            conds.append(f"{days} && box(point(%s, 0), point(%s, 0))")
            params += [(f.start - DAY_ZERO).days if f.start is not None else -NO_DAY,
                       (f.end - DAY_ZERO).days if f.end is not None else NO_DAY]
        if f.bbox is not None:
            x0, y0, x1, y1 = f.bbox
            conds.append(f"m.extent && ST_MakeEnvelope(%s, %s, %s, %s, {SRS_ID})")
            params += [x0, y0, x1, y1]
            conds.append("((m.lon BETWEEN %s AND %s AND m.lat BETWEEN %s AND %s)"
                         " OR (m.dest_lon BETWEEN %s AND %s AND m.dest_lat BETWEEN %s AND %s))")
            params += [x0, x1, y0, y1] * 2
        return conds, params, ""

    def _week_expr(self) -> str:
        return "to_char(date_trunc('week', m.date), 'YYYY-MM-DD')"

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
