"""The curated base history (geo/events/data/base_history.csv) merged with extracted evidence."""

from __future__ import annotations

import datetime as dt

import pytest

import geo.events.bases as bases_mod
from gazetteer import get_place
from gazetteer.models import Place
from geo.core.errors import GeoError
from geo.core.models import Event
from geo.events import bases_status
from geo.export import bases_geojson

D = dt.date


def by_id(statuses):
    return {b.place.id: b for b in statuses}


def ev(type_, date, place, quote="q") -> Event:
    return Event(type_, date, quote, 0, 1, "Shafaq News", date, place=place)


def test_every_row_is_a_gazetteer_base_with_a_source():
    rows = [c for cs in bases_mod.curated_history().values() for c in cs]
    assert len(rows) >= 10
    for c in rows:
        place = get_place(c.place_id)
        assert place is not None and place.is_base, c.place_id
        assert c.source and c.url.startswith("http"), c


def test_2020_handovers_start_true_without_any_event():
    out = by_id(bases_status([]))
    assert (out["qayyarah_west"].status, out["qayyarah_west"].since) == ("handed_over", D(2020, 3, 26))
    assert (out["k1"].status, out["k1"].since) == ("handed_over", D(2020, 3, 29))
    assert (out["taqaddum"].since, out["besmaya"].since, out["taji"].since) == (
        D(2020, 4, 4), D(2020, 7, 25), D(2020, 8, 23))
    assert out["qayyarah_west"].history[-1].label == "Handed over to Iraq on 2020-03-26"
    assert "Military Times" in out["qayyarah_west"].history[-1].source
    before = by_id(bases_status([], at=D(2020, 3, 27)))
    assert before["k1"].status == "present" and before["k1"].history[-1].label == "Coalition troops present since 2017"
    assert before["qayyarah_west"].status == "handed_over"


def test_extracted_attacks_confirm_presence_until_the_curated_handover_and_not_after():
    taji = get_place("taji")
    events = [ev("attack", D(2020, 3, 11), taji), ev("attack", D(2020, 6, 1), taji), ev("attack", D(2021, 1, 5), taji)]
    b = by_id(bases_status(events))["taji"]
    assert b.status == "handed_over" and b.since == D(2020, 8, 23)  # the 2021 attack hits Iraqi forces
    first = b.history[0]
    assert (first.status, first.date, first.last, first.curated) == ("present", D(2020, 3, 11), D(2020, 6, 1), False)
    assert first.label == "Coalition troops present since 2020-03-11; last reported with coalition troops on 2020-06-01"
    assert first.source == "Shafaq News, 2020-03-11"
    props = next(f["properties"] for f in bases_geojson(events)["features"] if f["id"] == "taji")
    assert props["status_text"] == "Handed over to Iraq on 2020-08-23"
    assert [h["curated"] for h in props["history"]] == [False, True]


def test_a_bad_row_is_one_clear_error(tmp_path):
    bad = tmp_path / "h.csv"
    bad.write_text("place_id,date,date_precision,status,source,url\ntaji,2020-13-01,day,handed_over,x,\n")
    with pytest.raises(GeoError, match=r"h.csv row 2"):
        bases_mod.curated_history.__wrapped__(bad)
    bad.write_text("place_id,date,date_precision,status,source,url\ntaji,2020-01-01,day,gone,x,\n")
    with pytest.raises(GeoError, match="not valid"):
        bases_mod.curated_history.__wrapped__(bad)


def test_unknown_place_type_is_left_alone():
    assert isinstance(get_place("taji"), Place)
