"""Disk and file faults on the GeoPackage store, through the real CLI: a file size limit (RLIMIT_FSIZE, set in
the child only) reached mid-ingest and while the store is being created, a truncated store, foreign files
given as ``--store``, and a read-only store.

Each says one line on stderr (no traceback) and exits non-zero; a refused file is never written (its
bytes are compared); a store cut off by the limit stays valid, holds whole articles only, and the next
ingest resumes to exactly a clean ingest's store, row for row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import resource
import shutil
import sqlite3
import stat
import subprocess
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

import pytest

import geo
from geo.devtools.corpus import write_corpus
from geo.ingest import ingest_paths

ROOT = Path(geo.__file__).parent.parent
ARTICLES = 40

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("store_faults") / "in"
    write_corpus(folder, ARTICLES, seed=9)
    return folder


def rows(store: Path) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Every article row (without the ingest time) and every event and movement row, in store order."""
    con = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        arts = [r for r in con.execute("SELECT id, path, source, outlet, url, title, published, text, encoding,"
                                       " extractor_version FROM articles ORDER BY fid")]
        tables = []
        for table in ("events", "movements"):  # article_id first; row ids (fid, merged_fid) left out
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")
                    if r[1] not in ("fid", "article_id", "merged_fid")]
            tables.append(sorted(con.execute(f"SELECT article_id, {', '.join(cols)} FROM {table}")))
        events, moves = tables
    finally:
        con.close()
    return arts, events, moves


@pytest.fixture(scope="module")
def clean_store(corpus, tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("clean") / "clean.gpkg"
    assert ingest_paths([corpus], store=store).new == ARTICLES
    return store


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def geo_cli(args: list[str], fsize: int | None = None) -> subprocess.CompletedProcess:
    def limit() -> None:
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    # one article per write transaction: where a size limit stops the ingest depends on bytes, not on timing
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GEO_LOG_LEVEL": "WARNING", "GEO_WRITE_BATCH": "1"}
    return subprocess.run([sys.executable, "-m", "geo.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, preexec_fn=limit)


def one_line(proc: subprocess.CompletedProcess, *parts: str) -> str:
    err = proc.stderr.strip()
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-3000:])
    assert "\n" not in err and "Traceback" not in err, err
    for part in parts:
        assert part in err, err
    return err


def whole_articles(store: Path, clean_store: Path) -> int:
    """The store is sound and every article in it holds exactly its clean rows; returns how many."""
    con = sqlite3.connect(store)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()
    arts, events, moves = rows(store)
    c_arts, c_events, c_moves = rows(clean_store)
    assert arts == c_arts[: len(arts)]
    ids = {a[0] for a in arts}
    by_article: dict[str, list] = defaultdict(list)
    for r in c_events:
        by_article[r[0]].append(r)
    assert events == sorted(r for a in ids for r in by_article[a])
    assert moves == [r for r in c_moves if r[0] in ids]
    return len(arts)


def test_a_file_size_limit_mid_ingest_is_one_line_and_the_next_ingest_resumes(corpus, clean_store, tmp_path):
    store = tmp_path / "s.gpkg"
    # 300 KB: the write-ahead log reaches it after a few articles (it grows with every commit)
    proc = geo_cli(["ingest", str(corpus), "--store", str(store), "--no-progress"], fsize=300_000)
    one_line(proc, "geo ingest: cannot write to", "file size limit", "the store keeps every article committed")
    done = whole_articles(store, clean_store)
    assert 0 < done < ARTICLES
    again = geo_cli(["ingest", str(corpus), "--store", str(store), "--no-progress"])
    assert again.returncode == 0, again.stderr
    assert f"({ARTICLES - done} new, {done} already stored)" in again.stdout
    assert rows(store) == rows(clean_store)


def test_a_file_size_limit_while_creating_the_store(corpus, clean_store, tmp_path):
    store = tmp_path / "new.gpkg"
    proc = geo_cli(["ingest", str(corpus), "--store", str(store), "--no-progress"], fsize=8192)
    one_line(proc, "cannot write to", "file size limit")
    again = geo_cli(["ingest", str(corpus), "--store", str(store), "--no-progress"])
    assert again.returncode == 0, again.stderr
    assert rows(store) == rows(clean_store)


@pytest.mark.parametrize("keep", [0.5, 0.9, 4096 + 100])
def test_a_truncated_store_is_refused_and_left_as_it_is(clean_store, corpus, tmp_path, keep):
    store = tmp_path / "cut.gpkg"
    data = clean_store.read_bytes()
    store.write_bytes(data[: int(len(data) * keep) if keep < 1 else int(keep)])
    before = sha(store)
    for args in (["ingest", str(corpus), "--no-progress"], ["events"], ["export", "-o", str(tmp_path / "x.geojson")]):
        proc = geo_cli([*args, "--store", str(store)])
        one_line(proc, "not a usable event store", "truncated")
        assert sha(store) == before
    assert not (tmp_path / "x.geojson").exists()


def _foreign(kind: str, path: Path) -> None:
    if kind == "text":
        path.write_text("notes, not a store\n" * 100, encoding="utf-8")
    elif kind == "png":
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    elif kind == "zip":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("a.txt", "hello")
    elif kind == "sqlite":
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE t (x)")
        con.execute("INSERT INTO t VALUES (1)")
        con.commit()
        con.close()
    else:  # a GeoPackage of another program: gpkg tables, no articles
        con = sqlite3.connect(path)
        con.execute("PRAGMA application_id = 1196444487")
        con.execute("CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT)")
        con.execute("INSERT INTO gpkg_contents VALUES ('roads', 'features')")
        con.commit()
        con.close()


@pytest.mark.parametrize("kind", ["text", "png", "zip", "sqlite", "gpkg"])
def test_a_foreign_file_is_refused_and_never_overwritten(corpus, tmp_path, kind):
    store = tmp_path / "theirs.gpkg"
    _foreign(kind, store)
    before = sha(store)
    proc = geo_cli(["ingest", str(corpus), "--store", str(store), "--no-progress"])
    err = one_line(proc, "geo ingest:")
    assert "not a usable event store" in err or "not a GeoPackage" in err or "another program" in err, err
    assert sha(store) == before


def test_a_read_only_store_is_read_and_refused_for_writing(corpus, clean_store, tmp_path, seeds_dir):
    store = tmp_path / "ro.gpkg"
    shutil.copyfile(clean_store, store)
    store.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    before = sha(store)
    try:
        shown = geo_cli(["events", "--store", str(store), "--limit", "3"])
        assert shown.returncode == 0 and shown.stdout.count("\n") >= 3, shown.stderr
        out = tmp_path / "e.geojson"
        exported = geo_cli(["export", "-o", str(out), "--store", str(store)])
        assert exported.returncode == 0 and out.stat().st_size > 100, exported.stderr
        known = geo_cli(["ingest", str(corpus), "--store", str(store), "--no-progress"])  # nothing new: no write
        assert known.returncode == 0 and f"(0 new, {ARTICLES} already stored)" in known.stdout, known.stderr
        new = geo_cli(["ingest", str(seeds_dir), "--store", str(store), "--no-progress"])
        one_line(new, "geo ingest:", "is read-only", "can be read but not written")
        again = geo_cli(["reprocess", "--store", str(store)])
        one_line(again, "is read-only")
        assert sha(store) == before
        assert rows(store) == rows(clean_store)
    finally:
        store.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_the_dashboards_upload_into_a_read_only_store_is_one_line_not_a_traceback(clean_store, tmp_path, seeds_dir):
    """The upload box's ingest (dashboard.data.ingest_files): a store that refuses the write is a line the
    page shows as an error, and the store is unchanged."""
    from dashboard.data import ingest_files

    store = tmp_path / "ro_upload.gpkg"
    shutil.copyfile(clean_store, store)
    store.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    before = sha(store)
    try:
        article = next(p for p in sorted(seeds_dir.iterdir()) if p.suffix == ".txt")
        stored, line = ingest_files([article], store, dt.date(2021, 4, 18), "Test outlet")
        assert not stored and line.startswith("Nothing was stored:") and "read-only" in line, line
        assert "\n" not in line and "Traceback" not in line
        assert sha(store) == before
    finally:
        store.chmod(stat.S_IRUSR | stat.S_IWUSR)


@pytest.mark.parametrize("fmt", ["geojson", "parquet"])
def test_a_stored_text_that_is_not_utf8_is_one_line_on_export(clean_store, tmp_path, fmt):
    # another program wrote bytes that are not UTF-8 into a quote; the fast export paths read texts as bytes
    store = tmp_path / "bad.gpkg"
    shutil.copyfile(clean_store, store)
    with sqlite3.connect(store) as db:
        db.execute("UPDATE events SET quote = CAST(X'FFFE41' AS TEXT) WHERE fid = (SELECT min(fid) FROM events)")
        db.execute("UPDATE merged_events SET quote = CAST(X'FFFE41' AS TEXT) "
                   "WHERE fid = (SELECT min(fid) FROM merged_events)")
    out = tmp_path / f"e.{fmt}"
    one_line(geo_cli(["export", "-o", str(out), "--store", str(store)]), "geo export:", "is not UTF-8", "geo check")
    with sqlite3.connect(store) as db:  # nothing stored is lost
        assert db.execute("SELECT count(*) FROM events").fetchone() == (len(rows(clean_store)[1]),)
