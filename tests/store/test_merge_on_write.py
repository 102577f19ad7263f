"""The stored cross-article merge equals the read-time merge (``merge_events`` over every stored report),
after every add, batch, reprocess and removal, on both backends: on the seeds, on a generated corpus and
on random operations over synthetic events built to collide."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import random
from pathlib import Path

import pytest

from geo.core.models import Event
from geo.devtools import corpus
from geo.devtools.sample import PLACES, make_event
from geo.events import merge_events
from geo.ingest import ingest_paths
from geo.store import Article, open_store

D = dt.date
# 2 km from Balad Air Base: a different place the merge still takes for the same (DEDUP_MAX_KM = 5).
BALAD_GATE = dataclasses.replace(PLACES["balad"], id="balad_gate", name="Balad gate", lat=33.958, lon=44.365)


@pytest.fixture(params=["gpkg", "postgis"])
def store_url(request, tmp_path) -> str:
    if request.param == "gpkg":
        return str(tmp_path / "events.gpkg")
    return request.getfixturevalue("postgis_url")


@pytest.fixture
def reports(seeds_dir, tmp_path) -> list[Path]:
    """The seeds and a second outlet's report of one seed event (the rockets on Balad on 18 April 2021), so the
    cross-article merge has a real pair to join."""
    other = tmp_path / "other"
    other.mkdir()
    (other / "balad.txt").write_text("صواريخ على قاعدة بلد\n\nسقطت خمسة صواريخ، اليوم الأحد، على قاعدة بلد الجوية "
                                     "التي تضم متعاقدين أميركيين شمال بغداد.\n", encoding="utf-8")
    (other / "index.csv").write_text("file,published,outlet,language\nbalad.txt,2021-04-18,Second outlet,ar\n",
                                     encoding="utf-8")
    return [seeds_dir, other]


def full(events: list[Event]) -> list[tuple[Event, tuple[str, ...], tuple[str, ...]]]:
    """Events with the fields equality leaves out (every source and quote of a merged event)."""
    return [(e, e.sources, e.quotes) for e in events]


def assert_merge_equal(st) -> int:
    """The stored merged rows are exactly the read-time merge; returns how many reports merged away."""
    raw = [e for _, e in st.raw_events()]
    expected = merge_events(raw)
    assert full(st.query()) == full(expected)
    assert st.counts()["merged_events"] == len(expected)
    return len(raw) - len(expected)


def test_seeds(store_url, reports):
    ingest_paths(reports, store=store_url)
    with open_store(store_url) as st:
        assert assert_merge_equal(st) >= 1  # Balad is reported by two outlets


def test_generated_corpus_add_reprocess_remove(store_url, tmp_path, monkeypatch):
    # Two months instead of five years: many reports of one event, so the merge has work to do.
    monkeypatch.setattr(corpus, "START", D(2021, 3, 1))
    monkeypatch.setattr(corpus, "END", D(2021, 4, 30))
    folder = tmp_path / "corpus"
    corpus.write_corpus(folder, 150, seed=3)
    ingest_paths([folder], store=store_url)
    with open_store(store_url) as st:
        assert assert_merge_equal(st) >= 20
        rows = st.article_rows()
        by_article: dict[str, list[Event]] = {}
        for aid, e in st.raw_events():
            by_article.setdefault(aid, []).append(e)
        # Reprocess: ten articles lose their first event; then five articles are removed.
        for aid, *_ in rows[:10]:
            st.replace_events(aid, by_article.get(aid, [])[1:])
        assert_merge_equal(st)
        for aid, *_ in rows[10:15]:
            assert st.remove_article(aid)
        assert not st.remove_article("0" * 64)
        assert assert_merge_equal(st) >= 1
        assert st.counts()["articles"] == 145


def _article(i: int, day: D, source: str) -> Article:
    text = f"article {i}"
    return Article(hashlib.sha256(text.encode()).hexdigest(), text, day, source)


def _random_events(rng: random.Random, source: str, published: D) -> list[Event]:
    """Events crowded into a few weeks, places and types, so that reports meet, chain and overlap."""
    out = []
    for _ in range(rng.randint(0, 4)):
        day = D(2021, 5, 1) + dt.timedelta(days=rng.randint(0, 40))
        shape = rng.choice(["day", "day", "day", "month", "range", "long"])
        end = {"day": None, "month": day + dt.timedelta(days=29), "range": day + dt.timedelta(days=rng.randint(1, 9)),
               "long": day + dt.timedelta(days=rng.randint(60, 500))}[shape]
        place = rng.choice(["ain_al_asad", "balad", "victory", "taji", "baghdad", "anbar", "iraq", None])
        typ = rng.choice(["attack", "attack", "airstrike", "withdrawal", "handover"])
        dest = "kuwait" if typ == "withdrawal" and place and rng.random() < 0.5 else None
        out.append(make_event(
            typ, day, place, destination=dest, source=source, published=published,
            date_precision="range" if end else "day", end_date=end,
            status="planned" if rng.random() < 0.1 else "occurred",
            quote=rng.choice(["هجوم صاروخي", "قصف على القاعدة", "انسحاب القوات"]), start=rng.randint(0, 3),
        ))
    out = [dataclasses.replace(e, place=BALAD_GATE) if e.place and e.place.id == "balad" and rng.random() < 0.5
           else e for e in out]
    if out and rng.random() < 0.3:  # counts a first report may lack
        e = out[0]
        out[0] = dataclasses.replace(e, rockets=rng.randint(1, 9))
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_random_operations(store_url, seed):
    rng = random.Random(seed)
    sources = ["Al-Araby", "Shafaq News", "Al-Ain", "Al-Arab"]
    stored: list[str] = []
    n = 0
    checks = 0
    with open_store(store_url) as st:
        for step in range(60):
            op = rng.random()
            if op < 0.45 or not stored:
                n += 1
                pub = D(2021, 5, 1) + dt.timedelta(days=rng.randint(0, 50))
                src = rng.choice(sources)
                a = _article(n, pub, src)
                st.add_article(a, _random_events(rng, src, pub))
                stored.append(a.id)
            elif op < 0.65:
                batch = []
                for _ in range(rng.randint(2, 6)):
                    n += 1
                    pub = D(2021, 5, 1) + dt.timedelta(days=rng.randint(0, 50))
                    src = rng.choice(sources)
                    batch.append((_article(n, pub, src), _random_events(rng, src, pub)))
                batch.append(batch[0])  # an article twice in one batch is stored once
                results = st.add_articles(batch)
                assert results[-1] is None and all(isinstance(r, int) for r in results[:-1])
                stored += [a.id for a, _ in batch[:-1]]
            elif op < 0.85:
                aid = rng.choice(stored)
                pub = D(2021, 5, 1) + dt.timedelta(days=rng.randint(0, 50))
                st.replace_events(aid, _random_events(rng, rng.choice(sources), pub))
            else:
                aid = stored.pop(rng.randrange(len(stored)))
                assert st.remove_article(aid)
            if store_url.endswith(".gpkg") or step % 6 == 5:
                assert_merge_equal(st)
                checks += 1
        assert checks >= 10
        assert assert_merge_equal(st) >= 5


def test_every_batch_size_gives_the_same_store(tmp_path, postgis_url):
    rng = random.Random(5)
    items = []
    for i in range(80):
        pub = D(2021, 5, 1) + dt.timedelta(days=rng.randint(0, 50))
        src = rng.choice(["Al-Araby", "Shafaq News", "Al-Ain"])
        items.append((_article(i, pub, src), _random_events(rng, src, pub)))

    def content(target: str) -> tuple:
        with open_store(target) as st:
            raw = sorted((aid, e.id) for aid, e in st.raw_events())
            return raw, full(st.query()), st.counts()

    results = []
    for k, size in enumerate((1, 7, 80)):
        for target in (str(tmp_path / f"s{k}.gpkg"), postgis_url if size == 7 else None):
            if target is None:
                continue
            with open_store(target) as st:
                for i in range(0, len(items), size):
                    if size == 1:
                        st.add_article(*items[i])
                    else:
                        st.add_articles(items[i : i + size])
            results.append(content(target))
    assert all(r == results[0] for r in results[1:])
    assert results[0][2]["merged_events"] < results[0][2]["events"]


def test_old_store_gets_its_merge_built(tmp_path, reports):
    """A store made before the stored merge (no merged rows, no merge version) is brought up to date."""
    import sqlite3

    path = tmp_path / "old.gpkg"
    ingest_paths(reports, store=path)
    con = sqlite3.connect(path)
    con.execute("DELETE FROM merged_events")
    con.execute("UPDATE events SET merged_fid = NULL, merge_kind = NULL, last_date = NULL")
    con.execute("DELETE FROM store_meta WHERE key = 'merge_version'")
    con.commit()
    con.close()
    with open_store(path) as st:
        assert assert_merge_equal(st) >= 1


def test_merged_rows_point_back_to_their_reports(tmp_path, reports):
    import sqlite3

    path = Path(tmp_path / "s.gpkg")
    ingest_paths(reports, store=path)
    con = sqlite3.connect(path)
    orphans = con.execute("SELECT count(*) FROM events WHERE merged_fid IS NULL"
                          " OR merged_fid NOT IN (SELECT fid FROM merged_events)").fetchone()[0]
    reports = con.execute("SELECT sum(reports) FROM merged_events").fetchone()[0]
    total = con.execute("SELECT count(*) FROM events").fetchone()[0]
    con.close()
    assert orphans == 0 and reports == total
    assert PLACES  # the sample places the random tests use exist


def test_a_new_property_column_rebuilds_the_merge(store_url, reports):
    """A store made before a property existed gains the column, and its merged events are made again
    from the reports (so they hold nothing the reports do not)."""
    ingest_paths(reports, store=store_url)
    with open_store(store_url) as st:
        assert any(e.confidence is not None for e in st.query())
        st.conn.execute("ALTER TABLE events DROP COLUMN confidence")
        if store_url.endswith(".gpkg"):
            st.conn.execute("ANALYZE")  # any statement: sqlite3 runs the DDL in autocommit mode
    with open_store(store_url) as st:
        assert all(e.confidence is None for e in st.query())
        assert assert_merge_equal(st) >= 1
