"""Ingest from real files: seeds end to end, idempotence, parallel extraction, kills and concurrency."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import geo
from geo import extract_events
from geo.core.taxonomy import COUNT_FIELDS, EVENT_TYPES, MOVEMENT_TYPES
from geo.events.merge import merge_events
from geo.export import export_events
from geo.ingest import IngestReport, ingest_paths, reprocess
from geo.store import open_store

ROOT = Path(geo.__file__).parent.parent
REQUIRED = (
    "id",
    "type",
    "date",
    "end_date",
    "date_precision",
    "status",
    "place",
    "geo_precision",
    "quote",
    "source",
    "published",
    *COUNT_FIELDS,
)
# Runs the real CLI with each extraction slowed a little, so a kill lands mid-ingest.
SLOW_CLI = (
    "import sys, time, geo.extract as x; f = x.extract_events; "
    "x.extract_events = lambda *a, **k: (time.sleep(float(sys.argv[1])), f(*a, **k))[1]; "
    "from geo.cli import main; sys.exit(main(sys.argv[2:]))"
)


def label(seed) -> str:
    return f"{seed.outlet} {seed.published.isoformat()}"


def expected(text: str, published: dt.date, source: str) -> list:
    """What the store keeps for one article: its events, one per id."""
    return list({e.id: e for e in extract_events(text, published=published, source=source)}.values())


def make_variants(folder: Path, seeds, numbers) -> dict[str, tuple[str, dt.date, str]]:
    """Seed texts made distinct by a trailing line, plus an index.csv.

    Returns name -> (text, published, source).
    """
    folder.mkdir(parents=True, exist_ok=True)
    ordered = sorted(seeds.values(), key=lambda s: s.name)
    out = {}
    for i in numbers:
        seed = ordered[i % len(ordered)]
        name = f"v{i:04d}.txt"
        text = seed.text.rstrip("\n") + f"\n\nنسخة رقم {i}\n"
        (folder / name).write_text(text, encoding="utf-8")
        out[name] = (text, seed.published, label(seed))
    with open(folder / "index.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "published", "outlet"])
        for name in out:
            seed = ordered[int(name[1:5]) % len(ordered)]
            w.writerow([name, seed.published.isoformat(), seed.outlet])
    return out


def expected_total(variants) -> int:
    return sum(len(expected(t, d, s)) for t, d, s in variants.values())


def validate_geojson(raw: bytes, iraqi_place_ids: set[str]) -> dict:
    """RFC 7946 checks a GIS user relies on; returns the parsed collection."""

    def no_constants(name):
        raise AssertionError(f"{name} in GeoJSON")

    fc = json.loads(raw.decode("utf-8"), parse_constant=no_constants)
    assert fc["type"] == "FeatureCollection"
    assert b"\\u06" not in raw  # Arabic written as UTF-8, not escaped
    for f in fc["features"]:
        assert f["type"] == "Feature" and isinstance(f["id"], str) and f["id"] == f["properties"]["id"]
        p = f["properties"]
        for key in REQUIRED:
            assert key in p, key
        assert p["type"] in EVENT_TYPES
        dt.date.fromisoformat(p["date"])
        dt.date.fromisoformat(p["published"])
        if p["end_date"]:
            assert p["end_date"] >= p["date"]
        if p["quote"] and not p["quote"].isascii():
            assert json.dumps(p["quote"], ensure_ascii=False).encode("utf-8") in raw
        for k in COUNT_FIELDS:
            assert p[k] is None or (isinstance(p[k], int) and p[k] >= 0)
        g = f["geometry"]
        if p["place"] is None:
            assert g is None
            continue
        if p["destination"] is not None:
            assert g["type"] == "LineString" and len(g["coordinates"]) == 2
            points = g["coordinates"]
        else:
            assert g["type"] == "Point"
            points = [g["coordinates"]]
        assert points[0] == [round(p["lon"], 6), round(p["lat"], 6)]
        for lon, lat in points:
            assert -180 <= lon <= 180 and -90 <= lat <= 90
        if p["place_id"] in iraqi_place_ids:
            lon, lat = points[0]
            assert 38 <= lon <= 49 and 29 <= lat <= 38, (p["place"], lon, lat)
    return fc


def test_seeds_end_to_end(tmp_path, seeds_dir, seeds):
    store = tmp_path / "s.gpkg"
    report = ingest_paths([seeds_dir], store=store)
    assert (report.read, report.new, report.duplicates, report.skipped) == (5, 5, 0, [])
    per_seed = {name: expected(s.text, s.published, label(s)) for name, s in seeds.items()}
    raw_total = sum(len(v) for v in per_seed.values())
    merged = merge_events([e for v in per_seed.values() for e in v])
    assert report.events_added == raw_total
    # The extractor finds real events in the seeds (21 raw, 19 after merging when this was written; 20 distinct
    # since talks are no agreement: the cross-article merge itself is tested on generated stores).
    assert raw_total >= 15 and len(merged) <= raw_total
    assert report.merged == raw_total - len(merged)
    assert report.summary() == (
        f"ingested 5 articles (5 new, 0 already stored), {raw_total} events added, {report.merged} merged"
    )
    with open_store(store) as st:
        arts = st.articles()
        assert {a["source"] for a in arts} == {label(s) for s in seeds.values()}
        assert {a["published"] for a in arts} == {s.published.isoformat() for s in seeds.values()}
        for a in arts:  # the raw text is kept, so every event traces back to its words
            text = st.article_text(a["id"])
            assert text == seeds[Path(a["path"]).name].text
        for aid, e in st.raw_events():
            assert st.article_text(aid)[e.start : e.end] == e.quote
        events = st.events()
        iraqi = {r[0] for r in st.conn.execute("SELECT id FROM places WHERE country = 'IQ'")}
        counts = st.counts()
    assert [e.id for e in events] == [e.id for e in merged]
    assert counts["events"] == raw_total and counts["articles"] == 5

    out = tmp_path / "events.geojson"
    assert export_events(events, out) == len(merged)
    fc = validate_geojson(out.read_bytes(), iraqi)
    assert len(fc["features"]) == len(merged)
    movements = [e for e in merged if e.place is not None and e.destination is not None]
    assert sum(f["geometry"] is not None and f["geometry"]["type"] == "LineString" for f in fc["features"]) == len(
        movements
    )
    assert all(e.type in MOVEMENT_TYPES for e in movements)

    again = ingest_paths([seeds_dir], store=store)
    assert (again.read, again.new, again.duplicates, again.events_added) == (5, 0, 5, 0)
    assert "(0 new, 5 already stored), 0 events added" in again.summary()
    with open_store(store) as st:
        assert st.counts() == counts


def test_published_and_source_priority(tmp_path, seeds):
    seed = seeds["004_a322a2262cb437ac.txt"]
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(seed.text, encoding="utf-8")
    (folder / "index.csv").write_text("file,published,outlet\na.txt,2021-04-18,Al-Araby\n", encoding="utf-8")
    (folder / ".hidden.txt").write_text("سر", encoding="utf-8")
    store = tmp_path / "s.gpkg"
    r = ingest_paths([folder], store=store)
    assert (r.read, r.new, r.skipped) == (1, 1, [])  # index.csv and hidden files are not articles
    with open_store(store) as st:
        (row,) = st.articles()
    assert (row["source"], row["published"], row["outlet"]) == (
        "Al-Araby 2021-04-18",
        "2021-04-18",
        "Al-Araby",
    )

    # --source relabels; --published is only the fallback: index.csv's date for this file wins.
    store2 = tmp_path / "s2.gpkg"
    ingest_paths([folder / "a.txt"], store=store2, published=dt.date(2021, 4, 19), source="my label")
    with open_store(store2) as st:
        (row,) = st.articles()
        assert (row["source"], row["published"]) == ("my label", "2021-04-18")
        assert all(e.source == "my label" and e.published == dt.date(2021, 4, 18) for _, e in st.raw_events())

    # No index, no --published: the date line in the text ("18 ابريل 2021"), labelled by file name.
    lone = tmp_path / "lone"
    lone.mkdir()
    (lone / "b.txt").write_text(seed.text, encoding="utf-8")
    store3 = tmp_path / "s3.gpkg"
    r3 = ingest_paths([lone], store=store3)
    try:
        from geo.dates import parse_date_line
    except ImportError:
        parse_date_line = None
    if parse_date_line is None or parse_date_line(seed.text) is None:
        assert r3.new == 0 and r3.skipped[0][1].startswith("no publication date found")
    else:
        with open_store(store3) as st:
            (row,) = st.articles()
        assert (row["source"], row["published"]) == ("b.txt", "2021-04-18")


def test_jobs_2_gives_the_same_store_as_jobs_1(tmp_path, seeds):
    variants = make_variants(tmp_path / "in", seeds, range(12))
    stores = []
    for jobs in (1, 2):
        path = tmp_path / f"j{jobs}.gpkg"
        r = ingest_paths([tmp_path / "in"], store=path, jobs=jobs)
        assert (r.new, r.events_added) == (12, expected_total(variants))
        with open_store(path) as st:
            stores.append(
                (
                    [(a["id"], a["path"], a["source"], a["published"]) for a in st.articles()],
                    [(aid, e) for aid, e in st.raw_events()],
                    [(e.id, e.sources) for e in st.events()],
                )
            )
    assert stores[0] == stores[1]


def test_reprocess_rebuilds_events(tmp_path, seeds_dir):
    store = tmp_path / "s.gpkg"
    ingest_paths([seeds_dir], store=store)
    with open_store(store) as st:
        before = sorted((aid, e.id) for aid, e in st.raw_events())
        arts = st.articles()
        st.conn.execute("DELETE FROM events")  # as if an older extractor had found nothing
    r = reprocess(store=store)
    assert r.read == 5 and r.events_added == len(before)
    assert r.summary().startswith(f"reprocessed 5 articles, {len(before)} events stored")
    with open_store(store) as st:
        assert sorted((aid, e.id) for aid, e in st.raw_events()) == before
        assert st.articles() == arts


def test_summary_format():
    r = IngestReport(
        read=5,
        new=4,
        duplicates=1,
        events_added=23,
        merged=2,
        skipped=[("x/a.bin", "binary file, not text; skipped")],
    )
    assert r.summary() == (
        "ingested 5 articles (4 new, 1 already stored), 23 events added, 2 merged; 1 skipped: a.bin (binary file)"
    )


def _count(store: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:
        return 0


def _cli(args, delay: float) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GEO_LOG_LEVEL": "WARNING"}
    return subprocess.Popen(
        [sys.executable, "-c", SLOW_CLI, str(delay), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a shell starts background jobs with SIGINT ignored (and Python keeps it): this test sends Ctrl-C
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _wait_for(store: Path, n: int, proc: subprocess.Popen, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = _count(store) if store.exists() else 0
        if got >= n or proc.poll() is not None:
            return got
        time.sleep(0.02)
    raise AssertionError("the ingest wrote nothing in time")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_killed_ingest_leaves_a_valid_store(tmp_path, seeds, sig):
    folder = tmp_path / "in"
    variants = make_variants(folder, seeds, range(200))
    store = tmp_path / "s.gpkg"
    proc = _cli(["ingest", str(folder), "--store", str(store), "--no-progress"], delay=0.02)
    _wait_for(store, 10, proc)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    # First how far it got, then the exit code: an ingest that had finished when the signal came has
    # nothing left to do and rightly exits 0 (tests/robustness/test_interrupts.py drives every moment exactly).
    done = _count(store)
    if done == len(variants):
        assert proc.returncode == (0 if sig == signal.SIGINT else -signal.SIGKILL), err
        pytest.skip("the ingest finished before the signal arrived")
    assert done >= 10
    if sig == signal.SIGINT:
        assert proc.returncode == 130, err
        assert "interrupted; the store keeps every article committed so far" in err
    else:
        assert proc.returncode == -signal.SIGKILL

    con = sqlite3.connect(store)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    with open_store(store) as st:
        # Every stored article has all of its events: no half-written article.
        by_path = {Path(a["path"]).name: a for a in st.articles()}
        assert len(by_path) == done
        for name, a in by_path.items():
            assert a["events"] == len(expected(*variants[name])), name

    report = ingest_paths([folder], store=store)
    assert (report.new, report.duplicates) == (200 - done, done)
    with open_store(store) as st:
        assert st.counts()["articles"] == 200
        assert st.counts()["events"] == expected_total(variants)


def test_concurrent_ingests_give_the_union(tmp_path, seeds):
    a = make_variants(tmp_path / "a", seeds, range(0, 40))
    b = make_variants(tmp_path / "b", seeds, range(20, 60))
    store = tmp_path / "s.gpkg"
    procs = [
        _cli(["ingest", str(tmp_path / x), "--store", str(store), "--no-progress"], delay=0.005) for x in ("a", "b")
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    news = [int(re.search(r"\((\d+) new", out).group(1)) for out, _ in outs]
    assert sum(news) == 60  # each article stored by exactly one of them
    union = {**a, **b}
    con = sqlite3.connect(store)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT count(*), count(DISTINCT id) FROM articles").fetchone() == (60, 60)
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] == expected_total(union)
    con.close()
