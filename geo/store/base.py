"""What both backends share: the article record, and the reads and merged views written once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Self, TypeVar

from gazetteer.index import haversine_km
from gazetteer.models import PRECISIONS, Place, precision_rank

from ..core import settings
from ..core.errors import StoreError
from ..core.models import Event, EventColumns
from ..events import filter_events, may_merge, merge_groups, merge_kind
from ..review import ReviewedView, apply_reviews
from .columns import (
    COLUMNS_READ_COLS,
    COLUMNS_UTF8,
    EVENT_READ_COLS,
    MERGED_READ_COLS,
    PLACE_READ_COLS,
    as_date,
    row_to_event,
    row_to_merged,
    row_to_place,
    rows_to_columns,
)
from .review import ReviewRows

T = TypeVar("T")
POINT_CACHE_MAX = 100_000  # distinct places (a store has a few thousand); past it the cache starts again


def point_encoder(encode: Callable[[float, float], T]) -> Callable[[Place | None], T | None]:
    """A place's point in a backend's encoding (GeoPackage binary, COPY's hex EWKB), encoded once per
    (lon, lat): writes encode the same few thousand places over and over."""
    cache: dict[tuple[float, float], T] = {}

    def point(p: Place | None) -> T | None:
        if p is None:
            return None
        key = (p.lon, p.lat)
        got = cache.get(key)
        if got is None:
            if len(cache) > POINT_CACHE_MAX:
                cache.clear()
            got = cache[key] = encode(p.lon, p.lat)
        return got

    return point


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


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"



TABLES = ("articles", "events", "movements", "places")
BBox = tuple[float, float, float, float]  # minlon, minlat, maxlon, maxlat
# What the stored merge was made with: another version or distance rebuilds it on the next write open.
MERGE_VERSION = f"2 {settings.DEDUP_MAX_KM}"
PAGE = 5000  # rows per page of a streamed answer
# (merge kind, (first day, last day), place id, lon, lat): a report the incremental merge starts from.
Seed = tuple[str, tuple[dt.date, dt.date], str | None, float | None, float | None]


def seeds_of(events: Iterable[Event]) -> set[Seed]:
    return {(merge_kind(e), e.span, e.place.id if e.place else None, e.lon, e.lat) for e in events}


def _near(a: Seed, b: Seed, max_km: float = settings.DEDUP_MAX_KM) -> bool:
    """The place test of ``same_event`` on two seeds: both unlocated, the same place, or within ``max_km``."""
    if a[2] is None or b[2] is None:
        return a[2] is None and b[2] is None
    if a[2] == b[2]:
        return True
    return haversine_km(a[4], a[3], b[4], b[3]) <= max_km  # type: ignore[arg-type]


def box_degrees(lat: float, max_km: float = settings.DEDUP_MAX_KM) -> tuple[float, float]:
    """(dlon, dlat): a box around a point that holds every point within ``max_km`` of it (with a margin)."""
    dlat = max_km / 110.0
    return min(360.0, dlat / max(0.01, math.cos(math.radians(min(89.0, abs(lat)))))), dlat


def _aggregate_key(by: str, e: Event) -> str:
    """``aggregate``'s key of one event, as the SQL computes it."""
    if by == "governorate":
        return (e.place.province if e.place else "") or ""
    if by == "type":
        return e.type
    if by == "precision":
        return e.geo_precision
    return (e.date - dt.timedelta(days=e.date.weekday())).isoformat()  # the week's Monday


@dataclass(frozen=True)
class Filters:
    """A question to the store; every given filter must hold (``geo.events.filter_events`` semantics).

    - ``start``/``end``: the event's [date, last day] overlaps [start, end];
    - ``types``; ``governorates`` (the place's province, case-insensitive); ``sources`` (any of the
      event's sources); ``precisions`` (the place's precision is one of these) or ``min_precision``
      (at least this fine); ``min_confidence``; ``bbox`` (minlon, minlat, maxlon, maxlat): the place
      or, for a movement, the destination lies inside.
    """

    start: dt.date | None = None
    end: dt.date | None = None
    types: tuple[str, ...] | None = None
    governorates: tuple[str, ...] | None = None
    sources: tuple[str, ...] | None = None
    precisions: tuple[str, ...] | None = None
    min_precision: str | None = None
    min_confidence: float | None = None
    bbox: BBox | None = None

    @classmethod
    def of(cls, **kw: Any) -> Filters:
        for k in ("types", "governorates", "sources", "precisions"):
            if kw.get(k) is not None:
                kw[k] = tuple(kw[k])
        if kw.get("bbox") is not None:
            kw["bbox"] = tuple(float(x) for x in kw["bbox"])
        return cls(**kw)

    def allowed_precisions(self) -> tuple[str, ...] | None:
        allowed = None if self.precisions is None else set(self.precisions)
        if self.min_precision:
            fine = {p for p in PRECISIONS if precision_rank(p) <= precision_rank(self.min_precision)}
            allowed = fine if allowed is None else allowed & fine
        return None if allowed is None else tuple(sorted(allowed))


class EventReads(ReviewRows):
    """What both backends share: the reads written once (with the driver's placeholder), the stored
    cross-article merge kept up to date on every write, and the questions answered in SQL over it.

    The merge is a relation: every ``events`` row (a report as extracted) points to its row of
    ``merged_events`` (``merged_fid``). A write recomputes only the reports its events can interact with
    (``geo.events.may_merge``, closed transitively), in the write's own transaction, so the stored rows
    always equal ``merge_events`` over every report.
    """

    _cache: list[Event] | None = None
    _cache_key: Any = None
    _view: ReviewedView | None = None
    _sql_cache: list[Event] | None = None
    _sql_cache_key: Any = None

    conn: Any
    path: Any
    _param = "?"  # the driver's placeholder: sqlite3 takes "?", psycopg "%s"

    # -------------------------------------------------------- backend hooks
    def _span_rows(self, c: Any, probes: Sequence[Seed]) -> list[tuple[Any, ...]]:
        """(probe index, fid, date, last_date, place_id, lon, lat) of every report of the probe's kind
        whose span overlaps it and whose place lies in the probe's ``box_degrees`` (or, for an unlocated
        probe, of every unlocated one); reports whose span cannot be of like length (``may_merge``) may
        be left out."""
        raise NotImplementedError

    def _delete_merged(self, c: Any, fids: Sequence[int]) -> None:
        raise NotImplementedError

    def _alloc_merged(self, c: Any, n: int) -> list[int]:
        """``n`` new, unused ``merged_events`` fids."""
        raise NotImplementedError

    def _insert_merged(self, c: Any, rows: Sequence[tuple[int, Event, str, int]]) -> None:
        """Store merged events: (fid, event, kept report's article id, number of reports)."""
        raise NotImplementedError

    def _set_pointers(self, c: Any, pairs: Sequence[tuple[int, int]]) -> None:
        """Point reports at their merged events: (merged fid, report fid) pairs."""
        raise NotImplementedError

    def _time_clause(self, f: Filters, paged: int = 0) -> tuple[list[str], list[Any], str]:
        """(conditions, params, extra FROM) for the time window (and bounding box) of ``f``, index-backed;
        ``paged``: the page size when the answer is read in keyset pages (0: at once)."""
        raise NotImplementedError

    def _week_expr(self) -> str:
        raise NotImplementedError

    def _in(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        return f"{column} IN ({', '.join(self._param for _ in values)})", list(values)

    # -------------------------------------------------------- reads
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

    def merged_count(self) -> int:
        row = self.conn.execute("SELECT count(*) FROM merged_events").fetchone()
        return int(row[0]) if row else 0

    def counts(self) -> dict[str, int]:
        """Rows per table, plus ``merged_events`` (events after deduplication)."""
        out = {}
        for t in TABLES:
            row = self.conn.execute(f"SELECT count(*) FROM {t}").fetchone()
            out[t] = int(row[0]) if row else 0
        out["merged_events"] = self.merged_count()
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
        """A cheap name for the stored state: it changes whenever events or reviews are written (any process)."""
        return repr((self._fingerprint(), self._review_fingerprint()))

    def reviewed(self) -> ReviewedView:
        """The merged events under their analysts' reviews (``geo.review``), rejected ones included;
        cached until a write (of events or reviews)."""
        key = (self._fingerprint(), self._review_fingerprint())
        if self._cache is None or self._view is None or key != self._cache_key:
            self._view = apply_reviews(self.raw_events(), self.review_rows())
            self._cache = self._view.events
            self._cache_key = key
        return self._view

    def all_events(self, include_rejected: bool = False) -> list[Event]:
        """Every event after cross-article deduplication and review, sorted by (date, id); the events
        an analyst rejected are left out unless ``include_rejected``. Cached until a write."""
        if not self._reviewing():
            key = (self._fingerprint(), None)
            if self._sql_cache is None or key != self._sql_cache_key:
                self._sql_cache, self._sql_cache_key = self.query(), key
            return list(self._sql_cache)
        events = self.reviewed().events
        return [e for e in events if include_rejected or e.review_status != "rejected"]

    def _reviewing(self) -> bool:
        """Whether any decision is stored: then every read goes through the reviewed view."""
        fp = self._review_fingerprint()
        return bool(fp and fp[0])

    def _reviewed_answer(self, filters: dict[str, Any]) -> list[Event] | None:
        """The answer to ``filters`` (``Filters`` fields and ``include_rejected``) from the reviewed view,
        filtered in Python (``filter_events``: the definition the SQL follows); None when no decision is
        stored, and the SQL over ``merged_events`` answers alone (a decision can move, retype, add or
        hide an event, which the stored merge knows nothing of)."""
        include_rejected = bool(filters.pop("include_rejected", False))
        if not self._reviewing():
            return None
        f = Filters.of(**filters)
        return filter_events(self.all_events(include_rejected), **{k.name: getattr(f, k.name)
                                                                  for k in dataclasses.fields(f)})

    def events(
        self,
        start: dt.date | None = None,
        end: dt.date | None = None,
        types: Iterable[str] | None = None,
        governorates: Iterable[str] | None = None,
        bbox: BBox | None = None,
        sources: Iterable[str] | None = None,
        include_rejected: bool = False,
    ) -> list[Event]:
        """Deduplicated, reviewed events that pass the filters (``Filters``), by date: ``query`` under
        its old name."""
        return self.query(start=start, end=end, types=types, governorates=governorates, bbox=bbox, sources=sources,
                          include_rejected=include_rejected)

    # -------------------------------------------------------- questions in SQL
    def _where(self, f: Filters, paged: int = 0) -> tuple[str, list[Any], str] | None:
        """The WHERE clause, its params and extra FROM items for ``f``; None when nothing can match
        (``paged``: as ``_time_clause``)."""
        conds, params, extra = self._time_clause(f, paged)
        if f.types is not None:
            if not f.types:
                return None
            sql, ps = self._in("m.type", sorted(set(f.types)))
            conds.append(sql)
            params += ps
        if f.governorates is not None:
            if not f.governorates:
                return None
            # The province names are few: match them case-insensitively here, then ask the index.
            wanted = {g.casefold() for g in f.governorates}
            have = [r[0] for r in self.conn.execute(
                "SELECT DISTINCT province FROM merged_events WHERE province IS NOT NULL")]
            names = sorted(p for p in have if p.casefold() in wanted)
            if not names:
                return None
            sql, ps = self._in("m.province", names)
            conds.append(sql)
            params += ps
        allowed = f.allowed_precisions()
        if allowed is not None:
            if not allowed:
                return None
            sql, ps = self._in("m.geo_precision", allowed)
            conds.append(sql)
            params += ps
        if f.sources is not None:
            if not f.sources:
                return None
            sql, ps = self._in("r.source", sorted(set(f.sources)))
            conds.append(f"m.fid IN (SELECT r.merged_fid FROM events r WHERE {sql})")
            params += ps
        if f.min_confidence is not None:
            conds.append(f"m.confidence >= {self._param}")
            params.append(f.min_confidence)
        return (" WHERE " + " AND ".join(conds)) if conds else "", params, extra

    def query(self, limit: int | None = None, offset: int = 0, **filters: Any) -> list[Event]:
        """Deduplicated events that pass ``filters`` (the fields of ``Filters``), sorted by (date, id),
        answered by the database over its indexes; ``limit``/``offset`` page through the answer. Under
        reviews (see ``_reviewed_answer``), rejected events are left out unless ``include_rejected``."""
        reviewed = self._reviewed_answer(filters)
        if reviewed is not None:
            return reviewed[offset:] if limit is None else reviewed[offset : offset + limit]
        f = Filters.of(**filters)
        where = self._where(f)
        if where is None:
            return []
        sql, params, extra = where
        page = ""
        if limit is not None:
            page = f" LIMIT {int(limit)} OFFSET {int(offset)}"
        elif offset:
            page = f" LIMIT -1 OFFSET {int(offset)}" if self._param == "?" else f" OFFSET {int(offset)}"
        cols = ", ".join(f"m.{c}" for c in MERGED_READ_COLS)
        rows = self.conn.execute(
            f"SELECT {cols} FROM merged_events m{extra}{sql} ORDER BY m.date, m.event_id, m.fid{page}", params
        ).fetchall()
        places = self._places()
        return [row_to_merged(r, places) for r in rows]

    def iter_query(self, page: int = PAGE, **filters: Any) -> Iterator[list[Event]]:
        """``query`` in pages of at most ``page`` events (keyset paging: each page is one indexed query),
        so an answer of any size is streamed in bounded memory (under reviews: pages of the reviewed view)."""
        reviewed = self._reviewed_answer(filters)
        if reviewed is not None:
            for i in range(0, len(reviewed), page):
                yield reviewed[i : i + page]
            return
        places = self._places()
        for rows in self._keyset_pages(MERGED_READ_COLS, page, Filters.of(**filters)):
            yield [row_to_merged(r[:-3], places) for r in rows]

    def iter_columns(self, page: int = PAGE, **filters: Any) -> Iterator[EventColumns] | None:
        """``iter_query``'s pages column by column (``EventColumns``: no Event per row, for the fast
        exports), the same events in the same pages; None once analysts' decisions are stored (they
        apply to Events: ask ``iter_query`` then)."""
        filters.pop("include_rejected", None)
        if self._reviewing():
            return None
        places = self._places()
        as_utf8 = self._as_utf8()
        pages = self._keyset_pages(COLUMNS_READ_COLS, page, Filters.of(**filters), as_utf8, COLUMNS_UTF8)
        return (rows_to_columns(rows, places, as_utf8 is not None) for rows in pages)

    def _as_utf8(self) -> str | None:
        """SQL that hands a text column (``{}``) over as its UTF-8 bytes; None where texts come decoded."""
        return None

    def _keyset_pages(self, columns: Sequence[str], page: int, f: Filters, as_utf8: str | None = None,
                      utf8: Sequence[str] = ()) -> Iterator[list[tuple[Any, ...]]]:
        """The merged rows (``columns`` of ``merged_events``, then the three keys of the order: date,
        event id, fid) that pass ``f``, by (date, id), in pages of at most ``page``: each page one indexed
        query after the last row of the one before. With ``as_utf8``, the columns named in ``utf8`` come
        as bytes."""
        where = self._where(f, paged=page)
        if where is None:
            return
        sql, params, extra = where
        cols = ", ".join((as_utf8 if as_utf8 and c in utf8 else "{}").format(f"m.{c}") for c in columns)
        after: tuple[Any, ...] | None = None
        p = self._param
        while True:
            cond, ps = sql, list(params)
            if after is not None:
                cond = (cond + " AND " if cond else " WHERE ") + f"(m.date, m.event_id, m.fid) > ({p}, {p}, {p})"
                ps += list(after)
            rows = self.conn.execute(
                f"SELECT {cols}, m.date, m.event_id, m.fid FROM merged_events m{extra}{cond}"
                " ORDER BY m.date, m.event_id, m.fid"
                f" LIMIT {int(page)}", ps,
            ).fetchall()
            if not rows:
                return
            after = tuple(rows[-1][-3:])
            yield rows
            if len(rows) < page:
                return

    def count(self, **filters: Any) -> int:
        """How many deduplicated (and reviewed) events pass ``filters``."""
        reviewed = self._reviewed_answer(filters)
        if reviewed is not None:
            return len(reviewed)
        where = self._where(Filters.of(**filters))
        if where is None:
            return 0
        sql, params, extra = where
        row = self.conn.execute(f"SELECT count(*) FROM merged_events m{extra}{sql}", params).fetchone()
        return int(row[0]) if row else 0

    def aggregate(self, by: str, **filters: Any) -> list[tuple[str, int]]:
        """Counts of deduplicated events per ``by`` ("governorate", "week" — its Monday, ISO —, "type"
        or "precision"), for the map at low zoom; keys sorted, "" for events without one."""
        keys = {"governorate": "coalesce(m.province, '')", "type": "m.type", "precision": "m.geo_precision",
                "week": self._week_expr()}
        if by not in keys:
            raise StoreError(f"cannot count events by {by!r}; use one of {', '.join(keys)}")
        reviewed = self._reviewed_answer(filters)
        if reviewed is not None:
            counts = Counter(_aggregate_key(by, e) for e in reviewed)
            return sorted(counts.items())
        where = self._where(Filters.of(**filters))
        if where is None:
            return []
        sql, params, extra = where
        rows = self.conn.execute(
            f"SELECT {keys[by]} AS k, count(*) FROM merged_events m{extra}{sql} GROUP BY k ORDER BY k", params
        ).fetchall()
        return [(str(k), int(n)) for k, n in rows]

    def overview(self) -> dict[str, Any]:
        """What a first screen needs without reading the events: their count, first and last day, and
        the distinct sources, governorates and types (each from an index; under reviews, from the
        reviewed view, rejected events left out)."""
        if self._reviewing():
            evs = self.all_events()
            return {
                "events": len(evs),
                "first": min((e.date for e in evs), default=None),
                "last": max((e.last_date for e in evs), default=None),
                "sources": sorted({s for e in evs for s in e.all_sources if s}),
                "governorates": sorted({e.place.province for e in evs if e.place and e.place.province}),
                "types": sorted({e.type for e in evs if e.type}),
            }
        row = self.conn.execute(
            "SELECT count(*), min(date), max(last_date) FROM merged_events").fetchone()
        def distinct(sql: str) -> list[str]:
            return sorted(r[0] for r in self.conn.execute(sql) if r[0])
        return {
            "events": int(row[0]) if row else 0,
            "first": as_date(row[1]) if row else None,
            "last": as_date(row[2]) if row else None,
            "sources": distinct("SELECT DISTINCT source FROM events"),
            "governorates": distinct("SELECT DISTINCT province FROM merged_events"),
            "types": distinct("SELECT DISTINCT type FROM merged_events"),
        }

    # -------------------------------------------------------- the stored merge
    def _select_in(self, c: Any, sql: str, column: str, values: Sequence[Any]) -> list[Any]:
        """Rows of ``sql`` (with ``{cond}`` where ``column IN values`` goes), in chunks the driver accepts."""
        out: list[Any] = []
        for i in range(0, len(values), 900):
            cond, ps = self._in(column, values[i : i + 900])
            out += c.execute(sql.format(cond=cond), ps).fetchall()
        return out

    def _region(self, c: Any, seeds: Iterable[Seed]) -> list[int]:
        """Every report the merge of ``seeds`` can reach, as sorted fids: linked by ``may_merge`` (same
        kind, overlapping spans of like length) and by place (``_near``), transitively. ``same_event``
        needs all of these, so the merge of the region equals the whole merge restricted to it."""
        frontier = sorted(set(seeds), key=repr)
        done = set(frontier)
        region: set[int] = set()
        while frontier:
            nxt: list[Seed] = []
            for i, fid, d0, d1, place_id, lon, lat in self._span_rows(c, frontier):
                probe = frontier[i]
                other: Seed = (probe[0], (as_date(d0), as_date(d1)), place_id, lon, lat)  # type: ignore[assignment]
                if fid in region or not may_merge(probe[1], other[1]) or not _near(probe, other):
                    continue
                region.add(fid)
                if other not in done:
                    done.add(other)
                    nxt.append(other)
            frontier = nxt
        return sorted(region)

    def _remerge(self, c: Any, seeds: Iterable[Seed], stale: Iterable[int] = (),
                 new: Sequence[tuple[str, Event]] = ()) -> list[int]:
        """Recompute the merged events of the reports ``seeds`` can reach (inside the caller's transaction).

        ``stale``: merged rows that lost a report (reprocessed or removed); they are rewritten.
        ``new``: (article id, event) reports about to be stored (their seeds among ``seeds``); returns
        the merged fid of each, for the caller to store them with it. A merged event whose reports
        are the same as before is left as it is: a batch writes only what changed.
        """
        stale = set(stale)
        region = self._region(c, seeds)
        cols = ", ".join(EVENT_READ_COLS)
        rows = sorted(self._select_in(c, f"SELECT fid, merged_fid, {cols} FROM events WHERE {{cond}}", "fid", region),
                      key=lambda r: r[0]) if region else []
        if not rows and not new and not stale:
            return []
        places = self._places()
        # A report is merged as it reads back from the store: its own sources and quotes are not kept.
        fresh = [(a, dataclasses.replace(e, sources=(), quotes=()) if e.sources or e.quotes else e) for a, e in new]
        reports = [row_to_event(r[2:], places) for r in rows] + fresh
        before: dict[int, set[int]] = {}
        for r in rows:
            if r[1] is not None:
                before.setdefault(r[1], set()).add(r[0])
        n_old = len(rows)
        keep: set[int] = set()
        todo: list[tuple[Event, str, list[int]]] = []
        for m, idx in merge_groups([e for _, e in reports]):
            if all(i < n_old for i in idx):
                olds = {rows[i][1] for i in idx}
                mf = olds.pop() if len(olds) == 1 else None
                if mf is not None and mf not in stale and before.get(mf) == {rows[i][0] for i in idx}:
                    keep.add(mf)  # the same reports as before: the same merged event
                    continue
            todo.append((m, reports[idx[0]][0], idx))
        gone = (set(before) | stale) - keep
        if gone:
            self._delete_merged(c, sorted(gone))
        fids = self._alloc_merged(c, len(todo))
        self._insert_merged(c, [(fid, m, aid, len(idx)) for fid, (m, aid, idx) in zip(fids, todo, strict=True)])
        pointers: list[tuple[int, int]] = []
        assigned = [0] * len(new)
        for fid, (_, _, idx) in zip(fids, todo, strict=True):
            for i in idx:
                if i >= n_old:
                    assigned[i - n_old] = fid
                elif rows[i][1] != fid:
                    pointers.append((fid, rows[i][0]))
        if pointers:
            self._set_pointers(c, pointers)
        return assigned

    def _old_reports(self, c: Any, article_id: str) -> tuple[set[Seed], set[int]]:
        """The seeds and merged rows of an article's stored reports (before they are replaced or removed)."""
        p = self._param
        found = c.execute(
            f"SELECT merge_kind, date, last_date, merged_fid, place_id, lon, lat FROM events WHERE article_id = {p}",
            (article_id,),
        ).fetchall()
        seeds: set[Seed] = set()
        for kind, d0, d1, _, place_id, lon, lat in found:
            if kind is not None:
                seeds.add((kind, (as_date(d0), as_date(d1 or d0)), place_id, lon, lat))  # type: ignore[arg-type]
        return seeds, {r[3] for r in found if r[3] is not None}

    def _rebuild_merged(self, c: Any) -> None:
        """Build the stored merge from every report (a store made before it existed, or another merge
        version): fills the reports' own columns, then merges them all at once."""
        cols = ", ".join(EVENT_READ_COLS)
        rows = c.execute(f"SELECT fid, {cols} FROM events ORDER BY fid").fetchall()
        places = self._places()
        reports = [row_to_event(r[1:], places) for r in rows]
        p = self._param
        c.execute("DELETE FROM merged_events")
        cur = c.cursor()  # both drivers' cursors take executemany (psycopg's connection does not)
        try:
            cur.executemany(
                f"UPDATE events SET merge_kind = {p}, last_date = {p}, merged_fid = NULL WHERE fid = {p}",
                [(merge_kind(e), e.last_date.isoformat(), r[0]) for r, (_, e) in zip(rows, reports, strict=True)],
            )
        finally:
            cur.close()
        self._reindex_spans(c)
        groups = merge_groups([e for _, e in reports])
        fids = self._alloc_merged(c, len(groups))
        self._insert_merged(c, [(fid, m, reports[idx[0]][0], len(idx))
                                for fid, (m, idx) in zip(fids, groups, strict=True)])
        self._set_pointers(c, [(fid, rows[i][0]) for fid, (_, idx) in zip(fids, groups, strict=True) for i in idx])

    def _reindex_spans(self, c: Any) -> None:
        """Rebuild the index the merge finds overlapping reports with (after ``_rebuild_merged``'s update)."""
