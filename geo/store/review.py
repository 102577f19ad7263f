"""The reviews table: analysts' decisions, kept apart from the extractor's output.

Reprocessing replaces an article's events; it never touches this table, so no decision is lost
(``geo.review`` re-attaches them on read). Decisions are appended, never updated: the latest per key
is in force, the rest is the history. The table is created on the first decision, so reading a
store never writes to it; in a GeoPackage it is registered as an attribute table (QGIS lists it).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Sequence
from typing import Any

from ..core.errors import InputError
from ..review import Review

log = logging.getLogger("geo.store")

_COLUMNS = ("row_id", "key", "status", "reviewer", "reviewed_at", "note", "event_id", "article_ids", "record")
_DDL = {
    "gpkg": "CREATE TABLE IF NOT EXISTS reviews (fid INTEGER PRIMARY KEY AUTOINCREMENT, row_id TEXT NOT NULL UNIQUE,"
            " key TEXT NOT NULL, status TEXT NOT NULL, reviewer TEXT, reviewed_at TEXT, note TEXT, event_id TEXT,"
            " article_ids TEXT, record TEXT NOT NULL)",
    "postgis": "CREATE TABLE IF NOT EXISTS reviews (fid bigserial PRIMARY KEY, row_id text NOT NULL UNIQUE,"
               " key text NOT NULL, status text NOT NULL, reviewer text, reviewed_at text, note text,"
               " event_id text, article_ids text, record text NOT NULL)",
}


class ReviewRows:
    """The reviews table for both backends (mixed into ``EventReads``)."""

    conn: Any
    _param: str

    @property
    def _backend(self) -> str:
        return "gpkg" if isinstance(self.conn, sqlite3.Connection) else "postgis"

    def _has_reviews(self) -> bool:
        if self._backend == "gpkg":
            sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'reviews'"
            return self.conn.execute(sql).fetchone() is not None
        row = self.conn.execute("SELECT to_regclass('reviews') IS NOT NULL").fetchone()
        return bool(row and row[0])

    def review_rows(self) -> list[Review]:
        """Every stored decision, oldest first (in the order they were stored)."""
        if not self._has_reviews():
            return []
        out = []
        for fid, record in self.conn.execute("SELECT fid, record FROM reviews ORDER BY fid").fetchall():
            try:
                out.append(Review.from_dict(json.loads(record)))
            except (ValueError, InputError) as exc:  # a hand-edited row: skip it, say so, keep the rest
                log.warning("review row %s of %s cannot be read (%s); skipped", fid, getattr(self, "path", ""), exc)
        return out

    def _review_fingerprint(self) -> Any:
        if not self._has_reviews():
            return None
        return self.conn.execute("SELECT count(*), coalesce(max(fid), 0) FROM reviews").fetchone()

    def add_reviews(self, reviews: Sequence[Review]) -> int:
        """Append decisions in one transaction; one already stored (same content) is skipped. Returns
        how many were new."""
        p = self._param
        values = [(r.row_id, r.key, r.status, r.reviewer, r.at, r.note, r.event_id, ",".join(r.article_ids),
                   r.to_json()) for r in reviews]
        new = 0
        with self.transaction() as c:  # type: ignore[attr-defined]
            c.execute(_DDL[self._backend])
            if self._backend == "gpkg":
                c.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description)"
                          " VALUES ('reviews', 'attributes', 'reviews', 'Analysts'' review decisions')")
            for v in values:
                cur = c.execute(f"INSERT INTO reviews ({', '.join(_COLUMNS)}) VALUES ({', '.join([p] * len(v))})"
                                " ON CONFLICT (row_id) DO NOTHING", v)
                new += max(0, cur.rowcount)
        return new
