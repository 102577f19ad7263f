"""One behavioural suite over both stores: the embedded GeoPackage and PostGIS on a real PostgreSQL.

``store_url`` is a fresh store of each kind; every test here runs against both. PostgreSQL comes from the
``postgres_server`` fixture (tests/conftest.py): Debian's binaries, a private server on 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import variants

from geo import extract_events
from geo.core.errors import StoreError
from geo.events import filter_events
from geo.export import events_geojson
from geo.ingest import ingest_paths, open_seeded_store, reprocess
from geo.store import open_store

BALAD_ATTACK = ("attack", dt.date(2021, 4, 18), "Balad Air Base")


@pytest.fixture(params=["gpkg", "postgis"])
def store_url(request, tmp_path) -> str:
    if request.param == "gpkg":
        return str(tmp_path / "events.gpkg")
    return request.getfixturevalue("postgis_url")


@pytest.fixture
def both(tmp_path, postgis_url) -> tuple[str, str]:
    """A GeoPackage and a PostGIS store, both holding the seeds."""
    gpkg = str(tmp_path / "events.gpkg")
    for target in (gpkg, postgis_url):
        assert ingest_paths([Path(__file__).parents[1] / "data" / "seeds"], store=target).new == 5
    return gpkg, postgis_url


def expected_event_count(seeds) -> int:
    """What the extractor finds in the seeds, article by article (before cross-article merging)."""
    return sum(len(extract_events(s.text, published=s.published, source=f"{s.outlet} {s.published}")) for s in seeds.values())


def summary(events) -> list[tuple]:
    return [(e.id, e.type, e.date, e.end_date, e.place.name if e.place else None, e.source) for e in events]


# ---------------------------------------------------------------- ingest
def test_ingest_seeds(store_url, seeds_dir, seeds):
    report = ingest_paths([seeds_dir], store=store_url)
    assert (report.read, report.new, report.duplicates, report.skipped) == (5, 5, 0, [])
    n = expected_event_count(seeds)
    assert report.events_added == n > 15
    with open_store(store_url) as st:
        counts = st.counts()
        assert counts["articles"] == 5
        assert counts["events"] == n
        assert counts["movements"] >= 1  # Iraq -> Kuwait
        assert counts["merged_events"] == len(st.events()) == n - report.merged
        assert counts["places"] == len({p.id for _, e in st.raw_events() for p in (e.place, e.destination) if p})
        found = {(e.type, e.date, e.place.name if e.place else None) for e in st.events()}
        assert BALAD_ATTACK in found
        arts = st.articles()
        assert sorted(a["published"] for a in arts) == sorted(str(s.published) for s in seeds.values())
        assert sum(a["events"] for a in arts) == n
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", arts[0]["ingested_at"])
        by_path = {Path(a["path"]).name: a for a in arts}
        first = next(iter(seeds.values()))
        assert st.article_text(by_path[first.name]["id"]).strip() == first.text.strip()
        assert st.has_article(by_path[first.name]["id"]) and not st.has_article("0" * 64)


def test_reingest_is_idempotent(store_url, seeds_dir):
    ingest_paths([seeds_dir], store=store_url)
    with open_store(store_url) as st:
        before, events = st.counts(), summary(st.events())
    again = ingest_paths([seeds_dir], store=store_url)
    assert (again.read, again.new, again.duplicates, again.events_added) == (5, 0, 5, 0)
    with open_store(store_url) as st:
        assert st.counts() == before
        assert summary(st.events()) == events


def test_reprocess_keeps_articles(store_url, seeds_dir):
    ingest_paths([seeds_dir], store=store_url)
    with open_store(store_url) as st:
        before = st.counts()
    report = reprocess(store_url)
    assert report.read == 5 and report.events_added == before["events"]
    with open_store(store_url) as st:
        assert st.counts() == before


def test_bad_files_leave_the_store_unchanged(store_url, seeds_dir, tmp_path):
    ingest_paths([seeds_dir], store=store_url)
    with open_store(store_url) as st:
        before, events = st.counts(), summary(st.events())
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_text("")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (bad / "broken.json").write_text("{not json")
    report = ingest_paths([bad], store=store_url, published=dt.date(2021, 1, 1))
    assert report.new == 0 and report.events_added == 0
    assert sorted(Path(p).name for p, _ in report.skipped) == ["binary.txt", "broken.json", "empty.txt"]
    with open_store(store_url) as st:
        assert st.counts() == before
        assert summary(st.events()) == events


# ---------------------------------------------------------------- queries
def test_filters(store_url, seeds_dir):
    ingest_paths([seeds_dir], store=store_url)
    with open_store(store_url) as st:
        every = st.events()
        attacks = st.events(types=["attack"])
        assert attacks and {e.type for e in attacks} == {"attack"}
        assert attacks == [e for e in every if e.type == "attack"]
        window = st.events(start=dt.date(2021, 4, 1), end=dt.date(2021, 4, 30))
        assert window and all(e.date <= dt.date(2021, 4, 30) and max(e.date, e.end_date or e.date) >= dt.date(2021, 4, 1) for e in window)
        assert len(window) < len(every)
        assert BALAD_ATTACK in {(e.type, e.date, e.place.name if e.place else None) for e in window}
        assert not st.events(start=dt.date(2030, 1, 1))
        # A box around Balad (Salah al-Din) and nothing else on the seeds' map.
        boxed = st.events(bbox=(44.0, 33.7, 44.6, 34.2))
        assert {e.place.name for e in boxed if e.place} == {"Balad Air Base"}
        gov = st.events(governorates=["anbar"])
        assert gov and all(e.place and e.place.province == "Anbar" for e in gov)
        assert st.events(types=["airstrike"], start=dt.date(2024, 1, 1)) == filter_events(
            every, types=["airstrike"], start=dt.date(2024, 1, 1)
        )


# ---------------------------------------------------------------- the two backends agree
def test_events_equal_across_backends(both):
    gpkg, pg = both
    with open_store(gpkg) as a, open_store(pg) as b:
        assert summary(a.events()) == summary(b.events())
        assert a.events() == b.events()
        assert [(aid, e) for aid, e in a.raw_events()] == [(aid, e) for aid, e in b.raw_events()]
        assert a.counts() == b.counts()
        keep = ("id", "path", "source", "outlet", "url", "title", "published", "encoding", "extractor_version", "events")
        assert [{k: r[k] for k in keep} for r in a.articles()] == [{k: r[k] for k in keep} for r in b.articles()]
        for x, y in zip(a.events(), b.events(), strict=True):
            assert (x.sources, x.quotes) == (y.sources, y.quotes)


def test_geojson_export_equal_across_backends(both, tmp_path):
    gpkg, pg = both
    with open_store(gpkg) as a, open_store(pg) as b:
        ga, gb = events_geojson(a.events()), events_geojson(b.events())
    assert ga == gb
    assert len(ga["features"]) > 15
    # The command line, --store a URL: byte-identical files.
    outs = []
    for i, target in enumerate((gpkg, pg)):
        out = tmp_path / f"e{i}.geojson"
        done = subprocess.run(
            [sys.executable, "-m", "geo.cli", "export", "-o", str(out), "--store", target, "--type", "attack"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    doc = json.loads(outs[0])
    assert doc["features"] and {f["properties"]["type"] for f in doc["features"]} == {"attack"}


# ---------------------------------------------------------------- concurrency
def test_concurrent_ingests_give_the_union(store_url, seeds_dir, tmp_path):
    folder = tmp_path / "in"
    names = variants(folder, seeds_dir, 24)
    # Two halves that overlap by 8 articles, ingested at the same time by two processes.
    a, b = tmp_path / "a", tmp_path / "b"
    for sub, part in ((a, names[:16]), (b, names[8:])):
        sub.mkdir()
        for n in part:
            shutil.copy(folder / n, sub / n)
        shutil.copy(folder / "index.csv", sub / "index.csv")
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "geo.cli", "-q", "ingest", str(d), "--store", store_url, "--no-progress"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for d in (a, b)
    ]
    outs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    news = [int(re.search(r"\((\d+) new", o).group(1)) for o, _ in outs]
    assert sum(news) == 24  # every overlapping article stored by exactly one of them
    ref = str(tmp_path / "ref.gpkg")
    ingest_paths([folder], store=ref)
    with open_store(store_url) as st, open_store(ref) as r:
        assert st.counts() == r.counts()
        assert st.counts()["articles"] == 24
        assert sorted(summary(st.events())) == sorted(summary(r.events()))


# ---------------------------------------------------------------- PostGIS specifics
def test_postgis_schema_and_geometry(postgis_url, seeds_dir):
    import psycopg

    from gazetteer import resolve

    ingest_paths([seeds_dir], store=postgis_url)
    with psycopg.connect(postgis_url) as c:
        cols = {(t, col): kind for t, col, kind in c.execute(
            "SELECT f_table_name, f_geometry_column, type FROM geometry_columns WHERE srid = 4326").fetchall()}
        assert cols == {("events", "geom"): "POINT", ("movements", "geom"): "LINESTRING", ("places", "geom"): "POINT",
                        ("merged_events", "geom"): "POINT", ("merged_events", "extent"): "GEOMETRY"}
        midx = " ".join(r[0] for r in c.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'merged_events'"))
        assert "gist (extent)" in midx and "merged_days ON public.merged_events USING gist (box(point(" in midx
        assert "merged_span" not in midx
        idx = {r[0]: r[1] for r in c.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'events'")}
        assert "USING gist (geom)" in idx["events_geom"]
        # questions go to merged_events (dated and typed there); the reports keep what the merge looks up
        assert "btree (merge_kind, COALESCE(" in idx["events_kind_cell"] and "events_kind_span" not in idx
        assert "events_date" not in idx and "events_type" not in idx
        # the report's key leads with its article: it is also the article's index
        assert "UNIQUE INDEX" in idx["events_article_id_event_id_key"] and "btree (article_id, event_id)" in \
            idx["events_article_id_event_id_key"] and "events_article" not in idx
        lon, lat = c.execute(
            "SELECT ST_X(geom), ST_Y(geom) FROM events WHERE place = 'Balad Air Base' AND type = 'attack'"
        ).fetchone()
        balad = resolve("قاعدة بلد الجوية")
        assert balad is not None and (lon, lat) == (balad.lon, balad.lat)
        assert (lon, lat) == pytest.approx((44.36, 33.94), abs=0.01)
        # The GIST index answers a spatial query: events within 50 km of Balad.
        near = c.execute(
            "SELECT count(*) FROM events WHERE ST_DWithin(geom::geography, ST_MakePoint(44.36, 33.94)::geography, 50000)"
        ).fetchone()[0]
        assert near >= 1
        line = c.execute("SELECT ST_AsText(geom), origin, destination FROM movements").fetchone()
        assert line[0].startswith("LINESTRING(") and (line[1], line[2]) == ("Iraq", "Kuwait")


def test_default_store_from_geo_store_url(postgis_url, seeds_dir, monkeypatch):
    from dashboard import data
    from geo.core import settings

    monkeypatch.setattr(settings, "SEEDS_DIR", seeds_dir)
    monkeypatch.setenv("GEO_STORE", postgis_url)
    with open_seeded_store() as st:  # the default store, built from the seeds on first use
        assert st.counts()["articles"] == 5
    events = data.load_events(data.store_path())  # what the dashboard reads
    assert BALAD_ATTACK in {(e.type, e.date, e.place.name if e.place else None) for e in events}
    with open_seeded_store() as st:  # not seeded twice
        assert st.counts()["articles"] == 5


def test_bad_postgres_url_is_one_clear_error(postgres_server):
    from geo.cli import main

    url = postgres_server.url("no_such_db")
    with pytest.raises(StoreError, match=r"cannot connect to postgresql://postgres@127\.0\.0\.1"), open_store(url):
        pass
    assert main(["events", "--store", url]) == 2
    secret = url.replace("postgres@", "postgres:hunter2@")
    with pytest.raises(StoreError) as err, open_store(secret):
        pass
    assert "hunter2" not in str(err.value) and "***" in str(err.value)


def test_postgis_store_of_the_gist_era_gets_the_cell_index(postgis_url, seeds_dir):
    """A store whose reports carry the old (kind, days, point) GiST is given the (kind, cell, day) btree on
    its next open, and the old index is dropped (its upkeep was the writer's largest server cost)."""
    import psycopg

    ingest_paths([seeds_dir], store=postgis_url)
    with psycopg.connect(postgis_url, autocommit=True) as c:
        c.execute("DROP INDEX events_kind_cell")
        c.execute("CREATE INDEX events_kind_span ON events USING gist (daterange(date, last_date, '[]'), geom)")
    with open_store(postgis_url) as st:
        before = st.merged_count()
        st.add_articles([])  # opening is enough; a write must still find its neighbours
    with psycopg.connect(postgis_url) as c:
        names = {r[0] for r in c.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'events'")}
    assert "events_kind_cell" in names and "events_kind_span" not in names
    ingest_paths([seeds_dir], store=postgis_url)  # stored already: nothing changes
    with open_store(postgis_url) as st:
        assert st.merged_count() == before


def test_postgis_store_of_the_range_era_gets_the_box_of_days(postgis_url, seeds_dir):
    """A store whose merged events carry the ``daterange`` GiST is given the box of days on its next open
    (the old index dropped: its upkeep was a sixth of the batched writer's server time), and a dated
    question is answered over it with the same events."""
    import psycopg

    from geo.store.base import Filters

    ingest_paths([seeds_dir], store=postgis_url)
    window = {"start": dt.date(2021, 1, 1), "end": dt.date(2021, 12, 31)}
    with open_store(postgis_url) as st:
        answer = [e.id for e in st.query(**window)]
    assert answer
    with psycopg.connect(postgis_url, autocommit=True) as c:
        c.execute("DROP INDEX merged_days")
        c.execute("CREATE INDEX merged_span ON merged_events USING gist (daterange(date, last_date, '[]'))")
        c.execute("ALTER TABLE events DROP CONSTRAINT events_article_id_event_id_key, ADD UNIQUE (event_id, article_id)")
        c.execute("CREATE INDEX events_article ON events (article_id)")
    with open_store(postgis_url) as st:
        assert [e.id for e in st.query(**window)] == answer
        assert [e.id for e in st.query(start=window["start"])] == [e.id for e in st.query() if e.last_date >= window["start"]]
        with st.conn.transaction():
            st.conn.execute("SET LOCAL enable_seqscan = off")
            sql, params, _ = st._where(Filters.of(**window))
            plan = " ".join(r[0] for r in st.conn.execute(f"EXPLAIN SELECT m.fid FROM merged_events m{sql}", params))
    assert "merged_days" in plan
    with psycopg.connect(postgis_url) as c:
        names = {r[0] for r in c.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'merged_events'")}
    assert "merged_days" in names and "merged_span" not in names
    with psycopg.connect(postgis_url) as c:
        names = {r[0] for r in c.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'events'")}
    assert "events_article_id_event_id_key" in names and not names & {"events_article", "events_event_id_article_id_key"}
    n = len(list(Path(seeds_dir).rglob("*.txt")))
    ingest_paths([seeds_dir], store=postgis_url)  # stored already, under the new key: nothing changes
    with open_store(postgis_url) as st:
        assert st.counts()["articles"] <= n and [e.id for e in st.query(**window)] == answer
