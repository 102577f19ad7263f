"""Base status over time (geo.events.bases) against events built by hand."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import geo.events.bases as bases_mod
from gazetteer.models import Place
from geo.core.models import Event
from geo.events import bases_status
from geo.export import bases_geojson, export_bases

D = dt.date
AIN = Place("ain_al_asad", "Ain al-Asad Air Base", 33.7856, 42.4412, "air_base", "site", "عين الأسد", "Anbar", "IQ")
TAJI = Place("taji", "Camp Taji", 33.5240, 44.2560, "military_base", "site", "التاجي", "Baghdad", "IQ")
HARIR = Place("harir", "Harir Air Base", 36.5406, 44.3532, "air_base", "site", "حرير", "Erbil", "IQ")
BAGHDAD = Place("baghdad", "Baghdad", 33.3152, 44.3661, "city", "city", "بغداد", "Baghdad", "IQ")


@pytest.fixture(autouse=True)
def _curated_bases(monkeypatch):
    # The bases come from the gazetteer; pin them so these tests do not depend on its CSV.
    monkeypatch.setattr(bases_mod, "_bases", lambda: [AIN, TAJI, HARIR])
    # ...and the curated history too (tests/events/test_base_history.py covers the merge).
    monkeypatch.setattr(bases_mod, "curated_history", lambda path=None: {})


def ev(type_, date, place, destination=None, status="occurred", quote="q") -> Event:
    return Event(type_, date, quote, 0, 1, "src", date, place=place, destination=destination, status=status)


def by_id(statuses):
    return {b.place.id: b for b in statuses}


def test_no_evidence_is_unknown():
    out = by_id(bases_status([ev("attack", D(2021, 1, 1), BAGHDAD)]))
    assert set(out) == {"ain_al_asad", "taji", "harir"}
    assert all(b.status == "unknown" and b.since is None and b.evidence == () for b in out.values())


def test_withdrawal_then_handover_over_time():
    events = [
        ev("presence", D(2020, 1, 5), TAJI),
        ev("attack", D(2020, 3, 11), TAJI),
        ev("withdrawal", D(2020, 8, 23), TAJI, destination=AIN),
        ev("handover", D(2020, 8, 23), TAJI, quote="handed"),
    ]
    now = by_id(bases_status(events))
    assert now["taji"].status in ("withdrawn", "handed_over")
    assert now["taji"].since == D(2020, 8, 23)
    assert now["ain_al_asad"].status == "present"  # troops withdrew *to* Ain al-Asad
    assert now["ain_al_asad"].since == D(2020, 8, 23)
    before = by_id(bases_status(events, at=D(2020, 6, 1)))
    assert before["taji"].status == "present"
    assert before["taji"].since == D(2020, 1, 5)
    assert [e.type for e in before["taji"].evidence] == ["presence", "attack"]
    assert before["ain_al_asad"].status == "unknown"
    assert by_id(bases_status(events, at=D(2019, 1, 1)))["taji"].status == "unknown"


def test_handover_sets_handed_over():
    out = by_id(bases_status([ev("presence", D(2021, 1, 1), HARIR), ev("handover", D(2021, 5, 1), HARIR)]))
    assert out["harir"].status == "handed_over"
    assert out["harir"].since == D(2021, 5, 1)
    assert [e.type for e in out["harir"].evidence] == ["handover"]


def test_attack_is_weak_evidence_and_cannot_undo_a_withdrawal():
    events = [ev("attack", D(2021, 1, 1), AIN)]
    assert by_id(bases_status(events))["ain_al_asad"].status == "present"
    events.append(ev("withdrawal", D(2021, 6, 1), AIN))
    events.append(ev("attack", D(2021, 7, 1), AIN))
    b = by_id(bases_status(events))["ain_al_asad"]
    assert b.status == "withdrawn"
    assert b.since == D(2021, 6, 1)
    assert [s for _, s, _ in b.timeline] == ["present", "withdrawn"]


def test_planned_events_do_not_change_status():
    b = by_id(bases_status([ev("withdrawal", D(2021, 6, 1), AIN, status="planned")]))["ain_al_asad"]
    assert b.status == "unknown"


def test_geojson_and_export(tmp_path):
    events = [
        ev("presence", D(2020, 1, 5), TAJI, quote="في معسكر التاجي"),
        ev("handover", D(2020, 8, 23), TAJI),
    ]
    fc = bases_geojson(events)
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 3
    taji = next(f for f in fc["features"] if f["id"] == "taji")
    assert taji["geometry"] == {"type": "Point", "coordinates": [44.256, 33.524]}
    p = taji["properties"]
    assert p["status"] == "handed_over" and p["since"] == "2020-08-23"
    assert p["evidence"] == [events[1].id]
    assert p["timeline"] == [
        {"date": "2020-01-05", "status": "present", "event_id": events[0].id},
        {"date": "2020-08-23", "status": "handed_over", "event_id": events[1].id},
    ]
    out = tmp_path / "bases.geojson"
    assert export_bases(events, out) == 3
    from geo.export import export_bases as via_export  # the name the CLI imports

    assert via_export(events, tmp_path / "b2.geojson") == 3
    raw = out.read_bytes().decode("utf-8")
    assert "التاجي" in raw  # Arabic unescaped
    assert json.loads(raw) == fc
    for suffix in ("gpkg", "csv", "parquet"):
        assert export_bases(events, tmp_path / f"bases.{suffix}") == 3
    import geopandas as gpd

    frame = gpd.read_parquet(tmp_path / "bases.parquet")
    row = frame.set_index("id").loc["taji"]
    assert row["status"] == "handed_over"
    assert json.loads(row["timeline"])[1]["status"] == "handed_over"
