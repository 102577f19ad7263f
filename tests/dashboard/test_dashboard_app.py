"""The Streamlit script headless (AppTest): widgets, state, downloads, the store and adding articles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from geo.devtools.sample import small_events, synthetic_events

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
SEEDS = Path(__file__).parents[1] / "data" / "seeds"
D = dt.date


pytestmark = pytest.mark.usefixtures("static_serving")  # tests/conftest.py


def _app(events=None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if events is not None:
        at.session_state["_test_events"] = events
    return at


def visible(at: AppTest) -> int:
    return int(next(m for m in at.metric if m.label == "Visible events").value)


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """Bytes handed to st.download_button, by file name (AppTest keeps media in a throwaway store)."""
    got: dict[str, bytes] = {}
    real = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):
        if filename and isinstance(path_or_data, bytes):
            got[filename] = path_or_data
        return real(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return got


def test_starts_on_the_whole_collection():
    at = _app(small_events()).run()
    assert not at.exception
    assert visible(at) == 10
    assert next(m for m in at.metric if m.label == "On the map").value == "9"
    assert at.slider(key="window").value == (D(2021, 1, 10), D(2022, 6, 1))
    assert not at.error  # the vendored map assets are in place


def test_warns_when_static_files_are_not_served():
    from streamlit import config

    config.set_option("server.enableStaticServing", False)
    at = _app(small_events()).run()
    assert any("Static file serving is off" in e.value for e in at.error)


def test_config_turns_static_serving_on():
    import tomllib

    cfg = tomllib.loads((Path(APP).parent / ".streamlit" / "config.toml").read_text())
    assert cfg["server"]["enableStaticServing"] is True
    assert cfg["browser"]["gatherUsageStats"] is False


def test_slider_narrows_the_events():
    at = _app(small_events()).run()
    at.slider(key="window").set_value((D(2021, 1, 10), D(2021, 6, 30))).run()
    assert visible(at) == 5
    at.slider(key="window").set_value((D(2022, 1, 1), D(2022, 6, 1))).run()
    assert visible(at) == 3
    assert at.subheader[0].value == "Visible events (3)"


def test_filters_combine_with_each_other_and_the_window():
    at = _app(small_events()).run()
    at.multiselect(key="types").set_value(["attack"]).run()
    assert visible(at) == 4
    at.selectbox(key="min_prec").set_value("site").run()
    assert visible(at) == 3  # the attack with no place drops out
    at.multiselect(key="govs").set_value(["Erbil"]).run()
    assert visible(at) == 1
    at.slider(key="window").set_value((D(2021, 1, 10), D(2021, 12, 31))).run()
    assert visible(at) == 0
    at.multiselect(key="govs").set_value([]).run()
    at.multiselect(key="srcs").set_value(["Shafaq News"]).run()
    assert visible(at) == 1  # Balad, February 2021


def test_downloads_are_built_only_when_clicked(downloads):
    """No GeoJSON/CSV is built per rerun (they cost seconds at 100k); data.geojson_bytes and
    filters.csv_bytes, tested in test_dashboard.py, build them on click."""
    at = _app(small_events()).run()
    at.slider(key="window").set_value((D(2021, 1, 10), D(2021, 6, 30))).run()
    assert visible(at) == 5
    assert downloads == {}


def test_a_shared_url_opens_the_same_window_filters_and_event():
    events = small_events()
    at = _app(events)
    sel = events[1].id  # Balad, 2021-02-15
    at.query_params.update({"w0": "2021-01-01", "w1": "2021-06-30", "type": "attack,bogus", "outlet": "Shafaq News",
                            "sel": sel, "lat": "33.9", "lon": "44.3", "z": "10", "step": "week", "speed": "4"})
    at.run()
    assert not at.exception
    assert at.slider(key="window").value == (D(2021, 1, 10), D(2021, 6, 30))  # clipped to the collection
    assert at.multiselect(key="types").value == ["attack"]  # unknown values are dropped
    assert at.multiselect(key="srcs").value == ["Shafaq News"]
    assert visible(at) == 1
    assert at.session_state["_url_view"] == [33.9, 44.3, 10.0]
    assert at.session_state["play"] == {"step": "week", "speed": 4.0, "mode": "moving"}
    assert any("geo-quote" in md.value for md in at.markdown)  # the selected event's quote is open
    # ...and the app writes the same state back (the view keys as the page wrote them)
    q = dict(at.query_params)
    assert q["w1"] in ("2021-06-30", ["2021-06-30"]) and q["sel"] in (sel, [sel])


def test_selected_event_shows_the_full_quote_escaped_rtl():
    events = small_events()
    at = _app(events).run()
    at.multiselect(key="govs").set_value(["Erbil"]).run()
    at.multiselect(key="types").set_value(["attack"]).run()
    assert visible(at) == 1
    at.session_state["sel"] = events[8].id
    at.run()
    quote = next(md.value for md in at.markdown if "geo-quote" in md.value)
    assert 'dir="rtl"' in quote
    assert "&lt;script&gt;alert" in quote and "<script>" not in quote


def test_place_search_centres_or_warns():
    at = _app(small_events()).run()
    at.text_input(key="place_q").set_value("عين الأسد").run()
    assert not at.exception
    assert any("Ain al-Asad" in c.value for c in at.sidebar.caption)
    at.text_input(key="place_q").set_value("Atlantis-on-Tigris").run()
    assert any("No place matches" in w.value for w in at.warning)


def test_reads_the_store_named_by_geo_store(tmp_path, monkeypatch):
    from geo.store import Article, Store

    store = tmp_path / "events.gpkg"
    s = Store(store)
    s.add_article(Article(id="a" * 64, text="t", published=D(2024, 1, 1), source="test"), synthetic_events(40))
    s.close()
    monkeypatch.setenv("GEO_STORE", str(store))
    at = _app().run()
    assert not at.exception
    assert visible(at) == 40
    assert str(store) in at.caption[0].value


def test_uploaded_articles_are_ingested_and_appear(tmp_path, monkeypatch):
    store = tmp_path / "events.gpkg"
    monkeypatch.setenv("GEO_STORE", str(store))
    monkeypatch.setenv("GEO_DASHBOARD_UPLOAD", "1")  # as geo dashboard --allow-upload (read-only otherwise)
    at = _app().run()
    assert visible(at) == 0  # a named store is not seeded
    seed = SEEDS / "004_a322a2262cb437ac.txt"
    at.sidebar.get("file_uploader")[0].upload(seed.name, seed.read_bytes(), "text/plain")
    at.date_input(key="published").set_value(D(2021, 4, 18)).run()
    at.button(key="ingest").click().run()
    assert not at.exception
    summary = at.session_state["ingest_summary"]
    assert "1 new" in summary
    with data_store(store) as s:
        stored = len(s.events())
    assert stored > 0
    assert visible(at) == stored  # the cache was cleared: the new events are on the page


def data_store(path):
    from geo.store import open_store

    return open_store(path)
