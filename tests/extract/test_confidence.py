"""Every event carries a confidence (0-1) from its evidence; independent reports raise it; it is stored,
exported and filterable; a store from before the confidence column gains it on open."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from geo import extract_events
from geo.core.models import Event
from geo.events import filter_events, merge_events
from geo.export import events_geojson
from geo.extract.confidence import combined, evidence, report_confidence
from geo.ingest import ingest_paths
from geo.store import open_store

SEEDS = Path(__file__).parents[1] / "data" / "seeds"
DAY = dt.date(2021, 4, 18)
TEXT = "تعرضت قاعدة عين الأسد الجوية في محافظة الأنبار، اليوم الأحد، لهجوم بثلاثة صواريخ كاتيوشا استهدف قوات التحالف."


def test_every_event_has_a_confidence_and_finer_evidence_ranks_higher():
    events = extract_events(TEXT, DAY, "a")
    assert events and all(e.confidence is not None and 0.0 <= e.confidence <= 1.0 for e in events)
    site = events[0]
    assert site.place is not None and site.place.precision == "site"
    coarse = Event("attack", DAY, "q", 0, 1, "a", DAY)  # no place, the report day, no weapon
    assert "place:site" in evidence(site) and "date:report day" in evidence(coarse)
    assert report_confidence(site) > report_confidence(coarse)


def test_independent_reports_raise_it_and_one_source_counts_once():
    assert combined([0.5, 0.5]) == 0.75 and combined([0.6]) == 0.6
    a = extract_events(TEXT, DAY, "outlet A")[0]
    b = extract_events(TEXT, DAY, "outlet B")[0]
    merged = merge_events([a, b])
    assert len(merged) == 1 and merged[0].confidence == combined([a.confidence, b.confidence])
    assert merged[0].confidence > a.confidence


def test_stored_exported_filtered(tmp_path):
    store = tmp_path / "s.gpkg"
    ingest_paths([SEEDS], store=store)
    with open_store(store) as st:
        events = st.events()
    assert events and all(e.confidence is not None for e in events)
    props = [f["properties"] for f in events_geojson(events)["features"]]
    assert all(isinstance(p["confidence"], float) for p in props)
    json.dumps(props, allow_nan=False)
    cut = sorted(e.confidence for e in events)[len(events) // 2]
    kept = filter_events(events, min_confidence=cut)
    assert kept and all(e.confidence >= cut for e in kept) and len(kept) < len(events) + 1


def test_a_store_without_the_column_gains_it(tmp_path):
    store = tmp_path / "old.gpkg"
    ingest_paths([SEEDS], store=store)
    con = sqlite3.connect(store)
    con.execute("ALTER TABLE events DROP COLUMN confidence")  # as a store made before the column existed
    con.commit()
    con.close()
    with open_store(store) as st:
        old = st.events()
        assert old and all(e.confidence is None for e in old)  # nothing invented for old rows
    cols = {r[1] for r in sqlite3.connect(store).execute("PRAGMA table_info(events)")}
    assert "confidence" in cols


def test_calibrated_on_the_real_dev_half():
    """Among dev events with confidence >= 0.8 at least 90% are right, and there are enough of them to say so;
    the low band is mostly wrong (the number means something at both ends)."""
    from geo.devtools.calibrate import labelled

    rows = labelled("dev")
    high = [right for _, right, c in rows if c >= 0.8]
    low = [right for _, right, c in rows if c < 0.4]
    assert len(high) >= 5 and sum(high) / len(high) >= 0.9, (len(high), sum(high))
    assert low and sum(low) / len(low) <= 0.4, (len(low), sum(low))
