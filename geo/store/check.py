"""``geo check``: verify a store and say what to do about each problem.

Checked, in order: the file (an SQLite/GeoPackage file, whole, ``PRAGMA integrity_check``), the schema
version, that every event and movement has its article (and every movement its event, every place id its
place), that every event's quote is the text of its article at its offsets, that the merged view (what the
map and exports show) builds and names only stored sources. Read-only throughout: checking never writes.
The same SQL runs on GeoPackage and PostGIS.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import StoreError
from .factory import AnyStore, open_store, resolve_target
from .geopackage import GPKG_APPLICATION_ID, SCHEMA_VERSION
from .guard import refuse_unusable

REBUILD = "rebuild it: geo ingest the original files into a new --store (the old file is kept)"


@dataclass(frozen=True)
class Finding:
    ok: bool
    what: str
    fix: str = ""

    def line(self) -> str:
        return f"{'ok     ' if self.ok else 'PROBLEM'}  {self.what}" + (f"; what to do: {self.fix}" if self.fix else "")


def check_store(target: str | Path | None, current_version: str | None = None) -> list[Finding]:
    """Every finding about the store at ``target`` (None: the default store); problems have ``ok=False``."""
    where, _ = resolve_target(target)
    out: list[Finding] = []
    if isinstance(where, Path):
        if not where.exists():
            return [Finding(False, f"no store at {where}", f"build one with: geo ingest FOLDER --store {where}")]
        if not _file_ok(where, out):
            return out
    try:
        with open_store(where, create=False) as st:
            _schema(st, out)
            _relations(st, out)
            _quotes(st, out)
            _merged(st, out)
            _stored_merge(st, out)
            if current_version:
                _versions(st, current_version, out)
    except StoreError as exc:
        out.append(Finding(False, str(exc), REBUILD))
    return out


def _file_ok(p: Path, out: list[Finding]) -> bool:
    try:
        refuse_unusable(p)
    except StoreError as exc:
        out.append(Finding(False, str(exc), "restore it from a copy, or " + REBUILD))
        return False
    try:
        con = sqlite3.connect(f"file:{p}?mode=ro", uri=True)
        try:
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            damage = [r[0] for r in con.execute("PRAGMA integrity_check(20)")]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        out.append(Finding(False, f"{p} is damaged: it cannot be read as SQLite ({exc})",
                           "restore it from a copy, or " + REBUILD))
        return False
    if app_id != GPKG_APPLICATION_ID or "articles" not in tables:
        out.append(Finding(False, f"{p} is not an event store (a GeoPackage with articles)",
                           "pass the store file (geo ingest creates one)"))
        return False
    if damage != ["ok"]:
        out.append(Finding(False, f"{p} is damaged: {'; '.join(damage[:3])}",
                           "restore it from a copy; sqlite3 .recover may save its articles; or " + REBUILD))
        return False
    out.append(Finding(True, f"{p}: a GeoPackage, integrity_check ok"))
    return True


def _one(st: AnyStore, sql: str, params: tuple[str, ...] = ()) -> int:
    row = st.conn.execute(sql, params).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _schema(st: AnyStore, out: list[Finding]) -> None:
    row = st.conn.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone()
    have = int(row[0]) if row and str(row[0]).isdigit() else None
    if have is None:
        out.append(Finding(False, "no schema version in store_meta", REBUILD))
    elif have > SCHEMA_VERSION:
        out.append(Finding(False, f"schema version {have} is newer than this program's {SCHEMA_VERSION}",
                           "use the newer version of the program that wrote it"))
    else:
        out.append(Finding(True, f"schema version {have}"))


def _relations(st: AnyStore, out: list[Finding]) -> None:
    counts = {t: _one(st, f"SELECT count(*) FROM {t}") for t in ("articles", "events", "movements", "places")}
    problems = {
        "events whose article is missing":
            "SELECT count(*) FROM events WHERE article_id NOT IN (SELECT id FROM articles)",
        "movements whose article is missing":
            "SELECT count(*) FROM movements WHERE article_id NOT IN (SELECT id FROM articles)",
        "movements without their event": "SELECT count(*) FROM movements m WHERE NOT EXISTS (SELECT 1 FROM events e"
            " WHERE e.event_id = m.event_id AND e.article_id = m.article_id)",
        "events whose place is missing": "SELECT count(*) FROM events WHERE place_id IS NOT NULL AND place_id <> ''"
            " AND place_id NOT IN (SELECT id FROM places)",
        "events whose destination is missing": "SELECT count(*) FROM events WHERE destination_id IS NOT NULL AND"
            " destination_id <> '' AND destination_id NOT IN (SELECT id FROM places)",
        "articles stored twice": "SELECT count(*) - count(DISTINCT id) FROM articles",
    }
    bad = False
    for what, sql in problems.items():
        n = _one(st, sql)
        if n:
            bad = True
            out.append(Finding(False, f"{n} {what}", "these rows cannot be traced to their words: " + REBUILD))
    if not bad:
        out.append(Finding(True, f"{counts['articles']} articles, {counts['events']} events, {counts['movements']}"
                                 f" movements, {counts['places']} places: every event has its article and places"))


def _quotes(st: AnyStore, out: list[Finding]) -> None:
    texts = dict(st.conn.execute("SELECT id, text FROM articles").fetchall())
    wrong = [e.id for aid, e in st.raw_events()
             if aid in texts and e.quote and texts[aid][e.start : e.end] != e.quote]
    if wrong:
        out.append(Finding(False, f"{len(wrong)} events whose quote is not their article's text at its offsets"
                                  f" (first: {wrong[0]})", "geo reprocess rebuilds every event from its article"))
    else:
        out.append(Finding(True, "every event's quote is its article's text at its offsets"))


def _merged(st: AnyStore, out: list[Finding]) -> None:
    sources = {r[0] for r in st.conn.execute("SELECT source FROM articles").fetchall()}
    # the extractor's merge: rejected events count, events an analyst added by hand (no article's source) do not
    merged = [e for e in st.events(include_rejected=True) if e.review_status != "added"]
    raw = _one(st, "SELECT count(*) FROM events")
    strays = [e.id for e in merged if not set(e.sources) <= sources]
    if strays or len(merged) > raw:
        out.append(Finding(False, f"the merged view is inconsistent ({len(merged)} merged of {raw} events;"
                                  f" {len(strays)} name a source no article has)", "geo reprocess"))
    else:
        out.append(Finding(True, f"merged view: {len(merged)} events from {raw} extracted, every source stored"))


def _versions(st: AnyStore, current: str, out: list[Finding]) -> None:
    old = _one(st, f"SELECT count(*) FROM articles WHERE coalesce(extractor_version, '') <> {st._param}", (current,))
    if old:
        out.append(Finding(True, f"{old} articles were extracted by another extractor version",
                           "geo reprocess brings their events up to date (optional)"))


def _stored_merge(st: AnyStore, out: list[Finding]) -> None:
    """When the store keeps the merge as rows (``merged_events``, each report's ``merged_fid``): every report
    points at a merged row and every merged row has a report. Stores without it are skipped."""
    queries = {
        "reports that point at no merged event":
            "SELECT count(*) FROM events WHERE merged_fid IS NULL OR merged_fid NOT IN (SELECT fid FROM merged_events)",
        "merged events that no report points at":
            "SELECT count(*) FROM merged_events WHERE fid NOT IN"
            " (SELECT merged_fid FROM events WHERE merged_fid IS NOT NULL)",
    }
    found = []
    for what, sql in queries.items():
        try:
            n = _one(st, sql)
        except Exception:  # no stored merge in this store (no such table or column): nothing to check
            return
        if n:
            found.append(Finding(False, f"{n} {what}", "geo reprocess rebuilds the stored merge"))
    out.extend(found or [Finding(True, "stored merge: every report points at its merged event, none is empty")])
