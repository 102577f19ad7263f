"""Questions answered by the database (``store.query`` / ``iter_query`` / ``count`` / ``aggregate``) give
exactly what the pure filters give over the whole merged collection, on both backends."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import random
from collections import Counter

import pytest

from geo.core.errors import StoreError
from geo.devtools.sample import synthetic_events
from geo.events import filter_events, merge_events
from geo.store import Article, open_store

D = dt.date


@pytest.fixture(scope="module")
def reports():
    """400 synthetic reports over four years in 120 articles (month/year/range spans included)."""
    events = synthetic_events(400, seed=11)
    rng = random.Random(4)
    out: dict[int, list] = {}
    for e in events:
        if e.date_precision in ("month", "range"):  # give the vague ones a real span
            e = dataclasses.replace(e, end_date=e.date + dt.timedelta(days=rng.choice([6, 29, 90])))
        out.setdefault(rng.randrange(120), []).append(e)
    return out


@pytest.fixture(params=["gpkg", "postgis"])
def store(request, tmp_path, reports):
    target = str(tmp_path / "q.gpkg") if request.param == "gpkg" else request.getfixturevalue("postgis_url")
    batch = []
    for i, evs in sorted(reports.items()):
        text = f"article {i}"
        batch.append((Article(hashlib.sha256(text.encode()).hexdigest(), text, evs[0].published, evs[0].source), evs))
    with open_store(target) as st:
        st.add_articles(batch)
        yield st


def _questions():
    rng = random.Random(9)
    qs = [{}, {"start": D(2021, 1, 1), "end": D(2021, 1, 31), "types": ["attack"]}, {"types": []},
          {"governorates": ["anbar", "BAGHDAD"]}, {"governorates": ["Atlantis"]},
          {"bbox": (44.0, 33.0, 44.5, 34.0)}, {"bbox": (47.0, 29.0, 48.0, 30.0)},  # Kuwait: destinations only
          {"sources": ["Al-Ain"]}, {"min_precision": "city"}, {"precisions": ["governorate", "country"]},
          {"start": D(2022, 6, 1)}, {"end": D(2020, 3, 1)}]
    types = ["attack", "airstrike", "withdrawal", "handover", "agreement", "presence"]
    for _ in range(30):
        q: dict = {}
        if rng.random() < 0.6:
            a = D(2020, 1, 1) + dt.timedelta(days=rng.randrange(1500))
            q["start"], q["end"] = a, a + dt.timedelta(days=rng.choice([0, 6, 30, 365]))
        if rng.random() < 0.4:
            q["types"] = rng.sample(types, rng.randint(1, 3))
        if rng.random() < 0.3:
            q["governorates"] = rng.sample(["Anbar", "Baghdad", "Erbil", "Salah al-Din", "Dhi Qar"], 2)
        if rng.random() < 0.3:
            x, y = rng.uniform(41, 46), rng.uniform(30, 36)
            q["bbox"] = (x, y, x + rng.uniform(0.2, 3), y + rng.uniform(0.2, 3))
        if rng.random() < 0.2:
            q["sources"] = rng.sample(["Al-Araby", "Shafaq News", "Al-Ain", "Al-Arab"], 2)
        if rng.random() < 0.2:
            q["min_precision"] = rng.choice(["site", "city", "governorate"])
        qs.append(q)
    return qs


def _full(events):
    return [(e, e.sources, e.quotes) for e in events]


def test_query_equals_the_filters(store):
    everything = merge_events([e for _, e in store.raw_events()])
    assert len(everything) > 300
    nonempty = 0
    for q in _questions():
        expected = filter_events(everything, **q)
        got = store.query(**q)
        assert _full(got) == _full(expected), q
        assert store.count(**q) == len(expected)
        nonempty += bool(expected)
    assert nonempty >= 20


def test_paging_and_streaming(store):
    everything = store.query()
    pages = list(store.iter_query(page=37))
    assert [len(p) for p in pages[:-1]] == [37] * (len(pages) - 1) and 0 < len(pages[-1]) <= 37
    assert _full([e for p in pages for e in p]) == _full(everything)
    assert _full(store.query(limit=25, offset=50)) == _full(everything[50:75])
    assert _full(store.query(offset=len(everything) - 3)) == _full(everything[-3:])
    window = {"start": D(2021, 1, 1), "end": D(2021, 12, 31), "types": ["attack", "airstrike"]}
    assert _full([e for p in store.iter_query(page=10, **window) for e in p]) == _full(store.query(**window))
    assert list(store.iter_query(types=[])) == []
    # wide and narrow windows, with a box: read in pages both with the index of days and places (an
    # answer of at most two pages) and along the date index (a wider one), the same events
    box = (43.0, 32.0, 46.0, 35.0)
    for q in ({"start": D(2019, 1, 1), "end": D(2024, 12, 31)}, {"start": D(2021, 3, 1), "end": D(2021, 3, 31)},
              {"start": D(2020, 1, 1), "end": D(2023, 12, 31), "bbox": box}, {"end": D(2021, 6, 30)},
              {"start": D(2021, 6, 1), "bbox": box}):
        whole = store.query(**q)
        for page in (3, 5000):
            paged = [e for p in store.iter_query(page=page, **q) for e in p]
            assert _full(paged) == _full(whole), (q, page)
        assert len(whole) > 6 or q.get("start") == D(2021, 3, 1)  # the wide ones take more than two pages of 3


def test_aggregates(store):
    everything = store.query()
    by_gov = Counter(e.place.province if e.place else "" for e in everything)
    assert dict(store.aggregate("governorate")) == dict(by_gov)
    by_week = Counter((e.date - dt.timedelta(days=e.date.weekday())).isoformat() for e in everything)
    got = store.aggregate("week")
    assert dict(got) == dict(by_week) and [k for k, _ in got] == sorted(by_week)
    q = {"start": D(2021, 1, 1), "end": D(2021, 6, 30), "types": ["attack"]}
    sub = filter_events(everything, **q)
    assert dict(store.aggregate("type", **q)) == {"attack": len(sub)}
    assert dict(store.aggregate("governorate", **q)) == dict(Counter(e.place.province if e.place else "" for e in sub))
    with pytest.raises(StoreError, match="cannot count events by 'colour'"):
        store.aggregate("colour")


def test_overview(store):
    everything = store.query()
    o = store.overview()
    assert o["events"] == len(everything)
    assert o["first"] == min(e.date for e in everything) and o["last"] == max(e.last_date for e in everything)
    assert o["sources"] == sorted({s for e in everything for s in e.all_sources})
    assert o["governorates"] == sorted({e.place.province for e in everything if e.place and e.place.province})
    assert o["types"] == sorted({e.type for e in everything})


def test_dashboard_doorway_asks_the_store(tmp_path, seeds_dir):
    """dashboard/data.py's query functions are the store's SQL answers (the app can stop loading everything)."""
    from dashboard import data
    from geo.ingest import ingest_paths

    path = tmp_path / "d.gpkg"
    ingest_paths([seeds_dir], store=path)
    everything = data.load_events(path)
    attacks = filter_events(everything, types=["attack"])
    assert attacks and _full(data.query_events(path, types=["attack"])) == _full(attacks)
    assert dict(data.event_counts(path, "governorate")) == dict(
        Counter(e.place.province if e.place else "" for e in everything))
    o = data.store_overview(path)
    assert o["events"] == len(everything) and o["first"] == everything[0].date
