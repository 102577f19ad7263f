"""Batched writers: one transaction per batch, each article all-or-nothing, and the same store from every
engine and batch size (Dask workers writing straight to PostGIS included)."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import pytest
from conftest import variants

from geo.devtools.sample import make_event
from geo.ingest import ingest_paths
from geo.store import Article, open_store

D = dt.date


def _article(text: str) -> Article:
    return Article(hashlib.sha256(text.encode()).hexdigest(), text, D(2021, 5, 3), "Al-Araby")


def _events(n: int, quote: str = "هجوم صاروخي") -> list:
    return [make_event("attack", D(2021, 5, 1 + i), "balad", quote=f"{quote} {i}", source="Al-Araby",
                       published=D(2021, 5, 3)) for i in range(n)]


def test_postgis_batch_keeps_each_article_whole(postgis_url):
    # A NUL cannot be stored in PostgreSQL text: that article fails, in the batch's COPY and alone.
    bad = _events(2, quote="هجوم\x00")
    batch = [(_article("a"), _events(3)), (_article("b"), bad), (_article("c"), _events(1)), (_article("a"), [])]
    with open_store(postgis_url) as st:
        results = st.add_articles(batch)
        assert results[0] == 3 and results[2] == 1 and results[3] is None
        assert isinstance(results[1], str) and results[1].startswith("not stored")
        assert st.article_ids() == {_article("a").id, _article("c").id}  # no article row for "b"
        assert st.counts()["events"] == 4 and st.counts()["merged_events"] == 3  # c repeats a's first
        assert st.add_articles(batch[:1]) == [None]  # idempotent: stored already


def test_gpkg_batch_keeps_each_article_whole(tmp_path, monkeypatch):
    from geo.store import Store

    real = Store._insert_events

    def failing(self, article_id, events, version):
        real(self, article_id, events, version)  # its rows are written, then the article fails
        if article_id == _article("b").id:
            raise sqlite3.IntegrityError("simulated")
        return len(events)

    def bulk_fails(self, batch):
        # the fast path fails on an article's rows (an OperationalError is the store's fault, issue15: re-raised)
        raise sqlite3.IntegrityError("simulated")  # so the batch goes article by article

    monkeypatch.setattr(Store, "_insert_events", failing)
    monkeypatch.setattr(Store, "_bulk_insert", bulk_fails)
    with open_store(tmp_path / "s.gpkg") as st:
        results = st.add_articles([(_article("a"), _events(3)), (_article("b"), _events(2)), (_article("c"), _events(1))])
        assert results == [3, "not stored (simulated)", 1]
        assert st.article_ids() == {_article("a").id, _article("c").id}
        raw = st.raw_events()
        assert {aid for aid, _ in raw} == {_article("a").id, _article("c").id} and len(raw) == 4
        assert st.counts()["merged_events"] == 3  # c's one event is a's first: merged (same day, place, type)


def _content(target: str) -> tuple:
    with open_store(target) as st:
        arts = sorted((a["id"], Path(a["path"]).name, a["published"], a["events"]) for a in st.articles())
        raw = sorted((aid, e.id, e.date, e.type) for aid, e in st.raw_events())
        merged = [(e, e.sources, e.quotes) for e in st.query()]
        return arts, raw, merged


def test_every_engine_gives_the_same_store(tmp_path, seeds_dir, postgres_server):
    pytest.importorskip("distributed")
    folder = tmp_path / "in"
    variants(folder, seeds_dir, 24)
    local = str(tmp_path / "local.gpkg")
    ingest_paths([folder], store=local, published=D(2021, 5, 1))
    want = _content(local)
    assert len(want[0]) == 24 and len(want[2]) < len(want[1])
    one = postgres_server.database()
    ingest_paths([folder], store=one, published=D(2021, 5, 1))  # local engine, batched, into PostGIS
    pg_dask = postgres_server.database()
    # Dask workers store their partitions themselves.
    report = ingest_paths([folder], store=pg_dask, published=D(2021, 5, 1), engine="dask", jobs=2)
    assert (report.new, report.duplicates, report.skipped) == (24, 0, [])
    again = ingest_paths([folder], store=pg_dask, published=D(2021, 5, 1), engine="dask", jobs=2)
    assert (again.new, again.duplicates, again.events_added) == (0, 24, 0)
    for target in (one, pg_dask):
        assert _content(target) == want


def test_a_worker_partition_is_stored_by_the_worker(tmp_path, seeds_dir, postgis_url):
    from geo.ingest.dask_engine import FileTask, process_partition

    folder = tmp_path / "in"
    variants(folder, seeds_dir, 3)
    tasks = [FileTask(str(p), {"published": "2021-04-18"}) for p in sorted(folder.glob("*.txt"))]
    out = process_partition(tasks, None, None, "test", frozenset(), postgis_url)
    added = [r for o in out for _, r in o.results]
    assert len(added) == 3 and all(isinstance(n, int) and n > 0 for n in added)  # counts back, not events
    with open_store(postgis_url) as st:
        assert st.counts()["articles"] == 3 and st.counts()["events"] == sum(added)
    again = process_partition(tasks, None, None, "test", frozenset(), postgis_url)
    assert [r for o in again for _, r in o.results] == [None] * 3  # stored already: nothing twice


def test_the_writers_row_values_are_every_propertys_value():
    """The compiled row builder the writers use gives what each property's getter gives."""
    import dataclasses

    from geo.devtools.sample import synthetic_events
    from geo.store.columns import _STORED, _stored_values

    events = synthetic_events(200, seed=9)
    events += [dataclasses.replace(events[0], place=None, destination=None, end_date=dt.date(2020, 2, 2), rockets=4,
                                   confidence=0.25, actor="x")]
    for e in events:
        assert _stored_values(e) == tuple(p.get(e) for p in _STORED)
    assert any(e.destination for e in events) and any(e.end_date for e in events)
