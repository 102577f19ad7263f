"""The dashboard's review panel headless (AppTest): the queue, confirm / reject / correct, the write switch."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import review
from geo.core.errors import InputError
from geo.core.models import Event
from geo.ingest import ingest_paths
from geo.store import open_store

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


pytestmark = pytest.mark.usefixtures("static_serving")  # tests/conftest.py


@pytest.fixture
def store(tmp_path, seeds_dir, monkeypatch) -> Path:
    path = tmp_path / "events.gpkg"
    ingest_paths([seeds_dir], store=path)
    monkeypatch.setenv("GEO_STORE", str(path))
    monkeypatch.setenv("GEO_REVIEWER_FILE", str(tmp_path / "who"))
    monkeypatch.delenv("GEO_REVIEWER", raising=False)
    return path


def _app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=90)


def _visible(at: AppTest) -> int:
    return int(next(m for m in at.metric if m.label == "Visible events").value)


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def _events(store: Path) -> list[Event]:
    with open_store(store) as st:
        return st.events()


def test_review_from_the_dashboard_confirm_correct_reject(store, monkeypatch):
    monkeypatch.setenv(review.WRITE_ENV, "1")
    events = _events(store)
    attack = next(e for e in events if e.type == "attack" and e.place and e.place.id == "gov:dhi_qar")
    strike = next(e for e in events if e.type == "airstrike")
    at = _app().run()
    assert not at.exception
    assert any(f"0 reviewed · {len(events)} unreviewed" in c.value for c in at.caption)
    assert _visible(at) == len(events)

    at.selectbox(key="review_pick").set_value(attack.id).run()
    at.text_input(key="review_who").input("Alice").run()
    at.text_input(key=f"review_place_{attack.id}").input("الناصرية")
    at.text_input(key=f"review_killed_{attack.id}").input("2")
    _button(at, "Save correction").click().run()
    assert not at.exception and not at.error, [x.value for x in at.error]
    fixed = next(e for e in _events(store) if e.id == attack.id)
    assert fixed.review_status == "corrected" and fixed.place.id == "nasiriyah" and fixed.killed == 2
    assert fixed.reviewed_by == "Alice"
    assert any("1 reviewed" in c.value for c in at.caption)

    at.selectbox(key="review_pick").set_value(strike.id).run()
    _button(at, "✖ Reject").click().run()
    assert not at.exception and not at.error
    assert _visible(at) == len(events) - 1
    assert strike.id not in {e.id for e in _events(store)}

    at.checkbox(key="reviewed_only").check().run()
    assert _visible(at) == 1

    # an event the extractor missed, with its article and quote
    with open_store(store) as st:
        art = next(a for a in st.articles() if a["path"].endswith("004_a322a2262cb437ac.txt"))
        text = st.article_text(art["id"])
    quote = text[text.index("قاعدة بلد"):][:40]
    at.selectbox(key="add_type").set_value("attack")
    at.date_input(key="add_date").set_value(dt.date(2021, 4, 18))
    at.text_input(key="add_place").input("Balad Air Base")
    at.selectbox(key="add_article").set_value(art["id"])
    at.text_area(key="add_quote").input(quote)
    _button(at, "Add event").click().run()
    assert not at.exception and not at.error, [x.value for x in at.error]
    added = [e for e in _events(store) if e.review_status == "added"]
    assert len(added) == 1 and added[0].place.id == "balad_air_base" and added[0].date == dt.date(2021, 4, 18)
    assert text[added[0].start:added[0].end] == quote and added[0].source == art["source"]
    assert _visible(at) == 2  # still "reviewed only": the corrected one and the added one


def test_the_queue_orders_and_the_panel_is_read_only_without_the_switch(store, monkeypatch):
    monkeypatch.delenv(review.WRITE_ENV, raising=False)
    at = _app().run()
    assert not at.exception
    assert any("Read-only" in i.value for i in at.info)
    assert _button(at, "✖ Reject").disabled and _button(at, "✔ Confirm").disabled
    with pytest.raises(Exception, match="read-only"):
        review.save_decision(str(store), _events(store)[0].id, "rejected", "Alice")
    frame = review.queue_frame(_events(store))
    assert list(frame["priority"]) == sorted(frame["priority"], reverse=True)
    assert len(frame) == len(_events(store))


def test_edit_form_changes_and_places():
    from gazetteer import resolve

    e = Event("attack", dt.date(2021, 4, 18), "q", 0, 1, "s", dt.date(2021, 4, 18), place=resolve("الناصرية"))
    same = review.edit_changes(e, type_="attack", date=e.date, precision="day", status="occurred", place="",
                               counts={"killed": ""})
    assert same == {}
    moved = review.edit_changes(e, type_="airstrike", date=dt.date(2021, 4, 17), precision="day",
                                status="occurred", place="33.94, 44.36", counts={"killed": "3"})
    assert moved["type"] == "airstrike" and moved["killed"] == 3 and moved["date"] == dt.date(2021, 4, 17)
    assert (moved["place"].lat, moved["place"].lon) == (33.94, 44.36)
    toward = review.edit_changes(e, type_="withdrawal", date=e.date, precision="day", status="occurred", place="",
                                 counts={}, destination="الكويت")
    assert toward["destination"].id == "country:KW" and toward["type"] == "withdrawal"
    assert review.find_place("Balad Air Base").id == "balad_air_base"
    from geo.core.errors import InputError

    for bad in ("Atlantis on the Tigris", "95,10"):
        with pytest.raises(InputError):
            review.find_place(bad)
    with pytest.raises(InputError, match="not a count"):
        review.parse_count("-3")


def test_review_writes_need_the_upload_switch_and_its_token_beyond_localhost(store, monkeypatch):
    """The same switch as uploads (dashboard.access): on 0.0.0.0 the access token is asked for."""
    from streamlit import config

    from geo.core.access import ENV_TOKEN, ENV_UPLOAD

    ident = _events(store)[0].id
    monkeypatch.setenv(ENV_UPLOAD, "1")
    monkeypatch.setenv(ENV_TOKEN, "s3cret-token")
    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    try:
        assert not review.writes_allowed(None) and not review.writes_allowed("wrong")
        with pytest.raises(InputError, match="access token"):
            review.save_decision(str(store), ident, "rejected", "Alice")
        with pytest.raises(InputError, match="not right"):
            review.save_decision(str(store), ident, "rejected", "Alice", token="wrong")
        with open_store(store) as st:
            assert st.review_rows() == []  # nothing written by the refused calls
        assert review.save_decision(str(store), ident, "rejected", "Alice", token="s3cret-token").startswith("rejected")
        assert ident not in {e.id for e in _events(store)}
    finally:
        config.set_option("server.address", before)
    monkeypatch.delenv(ENV_UPLOAD)  # no --allow-upload: read-only whatever the token
    assert not review.writes_allowed("s3cret-token")


def test_a_map_popup_button_is_read_against_the_payload_it_came_from():
    ids = {"k1": ["a" * 16, "b" * 16]}
    ok = {"key": "k1", "review": {"id": "b" * 16, "action": "reject"}, "seq": 3}
    assert review.map_request(ok, ids) == ("b" * 16, "reject")
    assert review.map_request({**ok, "review": {"id": "b" * 16, "action": "edit"}}, ids) == ("b" * 16, "edit")
    for bad in ({**ok, "key": "old"},  # a click on a map built before the store changed
                {**ok, "review": {"id": "c" * 16, "action": "reject"}},  # not in that payload
                {**ok, "review": {"id": "b" * 16, "action": "delete"}},  # not an action
                {**ok, "review": "reject"}, {"key": "k1", "window": ["2021-01-01", "2021-02-01"]}):
        assert review.map_request(bad, ids) is None, bad


def test_map_popup_buttons_record_or_pick_and_follow_the_write_switch(store, monkeypatch):
    """review_ui.from_map (the map's on_change): confirm and reject are recorded with the reviewer's name,
    edit picks the event in the panel; without the write switch nothing is written and the toast says why."""
    from dashboard import review_ui

    events = _events(store)
    strike = next(e for e in events if e.type == "airstrike")
    other = next(e for e in events if e.type == "agreement")
    ids = {"k": [e.id for e in events]}
    state: dict = {"review_who": "Alice", "sel": strike.id}
    monkeypatch.setattr(review_ui, "ss", state)

    monkeypatch.delenv(review.WRITE_ENV, raising=False)  # read-only
    assert not review_ui.from_map({"key": "k", "review": {"id": strike.id, "action": "reject"}}, ids, str(store),
                                  events)
    assert "read-only" in state.pop("_map_review_note")[1]
    with open_store(store) as st:
        assert st.review_rows() == []

    monkeypatch.setenv(review.WRITE_ENV, "1")
    assert review_ui.from_map({"key": "k", "review": {"id": strike.id, "action": "reject"}}, ids, str(store), events)
    assert state["review_msg"] == f"rejected {strike.id}" and "sel" not in state  # it left the map
    assert review_ui.from_map({"key": "k", "review": {"id": other.id, "action": "confirm"}}, ids, str(store), events)
    after = {e.id: e for e in _events(store)}
    assert strike.id not in after
    assert after[other.id].review_status == "confirmed" and after[other.id].reviewed_by == "Alice"

    assert not review_ui.from_map({"key": "k", "review": {"id": other.id, "action": "edit"}}, ids, str(store), events)
    assert state["review_pick"] == state["sel"] == other.id and state["_review_scroll"]


def test_a_point_clicked_on_the_map_becomes_the_place_typed_in_the_panel(monkeypatch):
    """review_ui.from_map with a map click ({"point": ...}): the picked event's place field gets "LAT,LON";
    with no event picked nothing is filled and the toast says what to do; a point off the globe is ignored."""
    from dashboard import review_ui

    assert review.map_point({"point": {"lat": "31.05123456", "lon": 46.25}}) == (31.05123, 46.25)
    for bad in ({}, {"point": None}, {"point": {"lat": 95, "lon": 46}}, {"point": {"lat": "x", "lon": 1}},
                {"point": {"lat": float("nan"), "lon": 1}}, {"point": {"lon": 1}}):
        assert review.map_point(bad) is None, bad
    state: dict = {}
    monkeypatch.setattr(review_ui, "ss", state)
    assert not review_ui.from_map({"key": "k", "point": {"lat": 31.05, "lon": 46.25}}, {}, None, [])
    assert "Pick the event to correct first" in state.pop("_map_review_note")[1]
    assert not any(k.startswith("review_place_") for k in state)
    state["review_pick"] = "a" * 16
    assert not review_ui.from_map({"key": "k", "point": {"lat": 31.05, "lon": 46.25}}, {}, None, [])
    assert state["review_place_" + "a" * 16] == "31.05,46.25" and state["_review_scroll"]
    assert review.find_place(state["review_place_" + "a" * 16]).lat == 31.05
