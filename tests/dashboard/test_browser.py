"""The dashboard in a real browser (Debian chromium) with the network blocked: the map must really draw,
keep its view through reruns and Play, follow the window with its markers, and open a shared URL as sent.

Starts the app as `make run` does (`geo dashboard --headless --port P --store FILE`) on temp stores,
drives the map through its own controls (zoom buttons, the time panel's Play and speed) and the Streamlit
slider, and reads what Leaflet drew inside the component iframe. Waits are polls on the page's state
(never fixed sleeps); a screenshot goes to docs/screenshot.png when GEO_UPDATE_SCREENSHOT=1.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import time

import pytest
from browser_support import MARKS, ROOT, helpers, map_frame, until

D = dt.date

pytestmark = MARKS
_helpers = helpers


def _until(check, timeout: float = 90.0, what: str = "condition"):
    return until(check, timeout, what, every=0.2)


def _frame(page):
    return map_frame(page, 90.0)


def _drawn(page) -> dict:
    return _frame(page).evaluate("window.geoApp ? window.geoApp.drawn() : null")


def _located_in(events, a: dt.date, b: dt.date) -> int:
    from geo.events import filter_events

    return sum(e.place is not None for e in filter_events(events, start=a, end=b))


def _km(a, b) -> float:
    return math.dist(a, b) * 111.0


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory):
    from geo.devtools.sample import synthetic_events
    from geo.store import Article, Store

    path = tmp_path_factory.mktemp("store") / "events.gpkg"
    events = synthetic_events(2000, days=1000)
    s = Store(path)
    s.add_article(Article(id="b" * 64, text="t", published=D(2024, 1, 1), source="bench"), events)
    s.close()
    from geo.store import open_store

    with open_store(path) as st:
        return path, st.events()


@pytest.mark.timeout(240)
def test_map_draws_offline_and_follows_the_slider(tmp_path):
    from dashboard import data
    from geo.events import filter_events
    from geo.store import open_store

    update = os.environ.get("GEO_UPDATE_SCREENSHOT") == "1"
    shot = ROOT / "docs" / "screenshot.png" if update else tmp_path / "screenshot.png"
    h = _helpers()
    store = h.build_seed_store(tmp_path / "events.gpkg")
    with open_store(store) as s:
        events = s.events()
    assert len(events) >= 5, "the seed articles should yield events"
    hi = max(max(e.date, e.end_date or e.date) for e in events)
    located = [e for e in events if e.place is not None]
    bases = data.bases_status(events, at=hi)
    last_day = filter_events(events, start=hi, end=hi)
    assert 0 < len(last_day) < len(events)

    with h.running_app(store) as url, h.offline_page() as (page, external):
        page.goto(url, wait_until="domcontentloaded")
        frame = h.map_frame(page)
        h.wait_for_markers(page, timeout_ms=90_000)
        # Every located event is drawn (as a marker, in a cluster or counted on its region), every base too.
        _until(lambda: _drawn(page)["events"] == len(located), what="every located event on the map")
        assert frame.locator("path.base-marker").count() == len(bases) > 0
        assert h.metric(page, "Visible events") == len(events)
        assert frame.locator(".geo-legend").is_visible()
        assert frame.locator(".geo-timebar .tb-play").inner_text().strip() == "Play"
        # A small page is whole at once: no first-paint report, no rerun for it (BELOW_MAP_WAITS_AT).
        assert _frame(page).evaluate("window.geoTimes.drawnReported === undefined")
        assert page.locator('[data-testid="stDataFrame"]').count() == 2
        h.screenshot(page, shot)

        # A base's popup tells its sourced history, not "present since <first report>".
        _frame(page).evaluate(
            "geoApp.baseMarkers.find(m => m._geo.b.id === 'qayyarah_west').openPopup()")
        popup = frame.locator(".leaflet-popup .gp")
        assert "Handed over to Iraq on 2020-03-26" in popup.inner_text()
        assert "Military Times" in popup.inner_text()
        assert frame.locator("path.base-marker.base-handed_over").count() >= 5

        # Move the start of the time window to the last day with the keyboard: the map follows.
        start_thumb = page.locator('[data-testid="stSlider"] input[type="range"]').first
        start_thumb.focus()
        page.keyboard.press("End")
        _until(lambda: h.metric(page, "Visible events") == len(last_day), what="the metric to follow the slider")
        on_map = sum(e.place is not None for e in last_day)
        _until(lambda: _drawn(page)["events"] == on_map, what="the map to follow the slider")
        assert _drawn(page)["window"] == [hi.isoformat(), hi.isoformat()]

        # Nothing outside localhost was even attempted: no CDN script, stylesheet, font or tile.
        assert external == []
    assert shot.stat().st_size > 50_000


@pytest.mark.timeout(300)
def test_zoom_survives_reruns_and_play_steps_follow_the_window(synthetic_store):
    from geo.events import filter_events

    store, events = synthetic_store
    h = _helpers()
    with h.running_app(store) as url, h.offline_page() as (page, external):
        page.goto(url, wait_until="domcontentloaded")
        h.wait_for_markers(page, timeout_ms=90_000)
        frame = h.map_frame(page)
        _until(lambda: _drawn(page)["events"] == _located_in(events, D(2020, 1, 1), D(2030, 1, 1)), what="all events")
        z0 = _drawn(page)["zoom"]
        # Zoom in twice with the map's own buttons.
        # (a click during Leaflet's zoom animation is dropped, as for a user: wait for it to end)
        frame.locator(".leaflet-control-zoom-in").click()
        _until(lambda: (x := _drawn(page))["zoom"] == z0 + 1 and not x["zooming"], what="zoom +1")
        frame.locator(".leaflet-control-zoom-in").click()
        _until(lambda: (x := _drawn(page))["zoom"] == z0 + 2 and not x["zooming"], what="zoom +2")
        view = _drawn(page)["center"]

        # A Streamlit rerun (the slider) keeps the view; the map follows the new window.
        thumb = page.locator('[data-testid="stSlider"] input[type="range"]').last
        thumb.focus()
        for _ in range(3):  # a few large steps (each key is a rerun)
            page.keyboard.press("PageDown")
        _until(lambda: _drawn(page)["window"][1] < "2022-09", what="the window to move")
        # the last rerun's window, once Streamlit and the map agree on it
        slider_end = page.locator('[data-testid="stSlider"] input[type="range"]').last
        d = _until(lambda: (x := _drawn(page)) and x["window"][1] == slider_end.get_attribute("aria-valuetext") and x,
                   what="the map window to match the slider")
        a, b = (D.fromisoformat(v) for v in d["window"])
        _until(lambda: _drawn(page)["events"] == _located_in(events, a, b), what="markers to follow the slider")
        assert _drawn(page)["zoom"] == z0 + 2
        assert _km(_drawn(page)["center"][:2], view[:2]) < 1.0

        # Play at 4x, one calendar month per step: several steps, no rerun, zoom kept, never an empty map.
        frame.locator(".geo-timebar select.tb-speed").select_option("4")
        frame.locator(".geo-timebar select.tb-unit").select_option("month")
        r0 = _drawn(page)["renders"]
        frame.locator(".geo-timebar button.tb-all").click()  # reports the window: one rerun
        _until(lambda: _drawn(page)["window"][0] == "2020-01-01", what="all dates")
        renders = _until(lambda: (r := _drawn(page)["renders"]) > r0 and r, what="the rerun of All dates")
        _until(lambda: h.metric(page, "Visible events") == len(events), what="all dates in the metric")
        frame.locator(".geo-timebar .tb-play").click()
        seen: dict[int, dict] = {}
        deadline = time.monotonic() + 60
        while len(seen) < 5 and time.monotonic() < deadline:
            x = _drawn(page)
            if x["steps"] and x["steps"] not in seen:
                seen[x["steps"]] = x
            time.sleep(0.05)
        frame.locator(".geo-timebar .tb-play").click()  # pause
        assert len(seen) >= 5, seen
        for x in seen.values():
            a, b = (D.fromisoformat(v) for v in x["window"])
            assert a.day == 1 and (b + dt.timedelta(days=1)).day == 1, x["window"]  # calendar months
            assert x["events"] == _located_in(events, a, b) > 0, x
            assert x["zoom"] == z0 + 2
            assert x["renders"] == renders, "a Play step reran Streamlit"
        # Paused: the window reaches Python (the slider and the figures) with one rerun.
        w = _drawn(page)["window"]
        want = len(filter_events(events, start=D.fromisoformat(w[0]), end=D.fromisoformat(w[1])))
        _until(lambda: h.metric(page, "Visible events") == want, what="the paused window in the metric")
        assert _drawn(page)["zoom"] == z0 + 2
        assert external == []


@pytest.mark.timeout(240)
def test_a_shared_url_opens_the_same_map(synthetic_store):
    store, events = synthetic_store
    from geo.events import filter_events

    h = _helpers()
    a, b = D(2021, 3, 1), D(2021, 5, 31)
    attacks = [e for e in filter_events(events, start=a, end=b, types=["attack"]) if e.place is not None]
    sel = attacks[0]
    q = f"?w0={a}&w1={b}&type=attack&lat=33.4&lon=44.2&z=9&sel={sel.id}"
    with h.running_app(store) as url, h.offline_page() as (page, external):
        page.goto(url + q, wait_until="domcontentloaded")
        h.wait_for_markers(page, timeout_ms=90_000)
        d = _until(lambda: (x := _drawn(page)) and x["window"] == [a.isoformat(), b.isoformat()] and x, what="window")
        _until(lambda: _drawn(page)["events"] == len(attacks), what="only the attacks of the window")
        assert h.metric(page, "Visible events") == len(filter_events(events, start=a, end=b, types=["attack"]))
        # the selected event's popup is open, after flying to it (the shared view, or the event's place)
        frame = h.map_frame(page)
        _until(lambda: frame.locator(".leaflet-popup .gp .q").count() == 1, what="the selected event's popup")
        assert "Attack" in frame.locator(".leaflet-popup .gp-h").inner_text()
        d = _drawn(page)
        assert d["zoom"] >= 9
        # The URL keeps what is on screen, so it can be sent on.
        assert f"sel={sel.id}" in page.url and "w0=2021-03-01" in page.url and "type=attack" in page.url
        # a read-only dashboard (no --allow-upload): no review buttons in the popup
        assert frame.locator(".leaflet-popup .gp-review, .leaflet-popup button[data-geo-review]").count() == 0
        assert external == []


TABLE_HEADER_PX = 35  # Streamlit's dataframe header
TABLE_ROW_PX = 100  # dashboard/app.py's row_height (tall enough for Streamlit to wrap the quotes)


@pytest.mark.timeout(240)
def test_a_table_row_flies_the_map_to_its_event_and_opens_its_popup(tmp_path):
    from dashboard import filters
    from dashboard.map.payload import anchor, ordered_ids
    from geo.store import open_store

    h = _helpers()
    store = h.build_seed_store(tmp_path / "events.gpkg")
    with open_store(store) as s:
        events = s.events()
    table = filters.table_frame(events)
    by_id = {e.id: e for e in events}
    row = next(k for k, i in enumerate(table["id"]) if by_id[i].place and by_id[i].geo_precision in ("site", "city"))
    e = by_id[table["id"][row]]
    ix = ordered_ids(events).index(e.id)
    lat, lon = anchor(e.place)
    with h.running_app(store) as url, h.offline_page(height=1600) as (page, external):
        page.goto(url, wait_until="domcontentloaded")
        h.wait_for_markers(page, timeout_ms=90_000)
        _until(lambda: _drawn(page)["events"] == sum(x.place is not None for x in events), what="the map")
        z0 = _drawn(page)["zoom"]
        assert _km(_drawn(page)["center"][:2], (lat, lon)) > 20  # the map does not start there
        grid = page.locator('[data-testid="stDataFrame"]').first  # the events table (the review queue is below)
        grid.scroll_into_view_if_needed()
        box = _until(lambda: grid.bounding_box(), what="the table")
        shot = tmp_path / "table.png"
        grid.screenshot(path=str(shot))  # wrapped, right-aligned Arabic quotes (looked at by hand)
        # a real click on the row's selection cell (the leftmost column)
        page.mouse.click(box["x"] + 18, box["y"] + TABLE_HEADER_PX + TABLE_ROW_PX * row + TABLE_ROW_PX / 2)
        frame = h.map_frame(page)
        popup = frame.locator(f'.leaflet-popup .gp[data-geo-popup="{ix}"]')
        _until(lambda: popup.count() == 1, what="the row's event popup")
        assert e.place.name in popup.inner_text()
        d = _until(lambda: (x := _drawn(page)) and not x["zooming"] and x, what="the fly to end")
        assert d["zoom"] > z0
        assert _km(d["center"][:2], (lat, lon)) < 5, (d["center"], lat, lon)  # the popup's autopan moves it a little
        assert f"sel={e.id}" in page.url
        assert external == []


@pytest.mark.timeout(300)
def test_a_big_first_page_draws_the_map_then_the_timeline_and_tables(tmp_path):
    """Above BELOW_MAP_WAITS_AT events the first run ends after the map; the page reports its first paint
    once, and that report's one rerun brings the timeline, the table and the review panel."""
    from geo.devtools.sample import synthetic_events
    from geo.store import Article, Store, open_store

    store = tmp_path / "big.gpkg"
    s = Store(store)
    s.add_article(Article(id="d" * 64, text="t", published=D(2024, 1, 1), source="bench"),
                  synthetic_events(6000, days=900))
    s.close()
    with open_store(store) as st:
        events = st.events()
    assert len(events) > 5000
    located = sum(e.place is not None for e in events)
    h = _helpers()
    with h.running_app(store, timeout=120) as url, h.offline_page() as (page, external):
        page.goto(url, wait_until="domcontentloaded")
        h.wait_for_markers(page, timeout_ms=90_000)
        _until(lambda: (d := _drawn(page)) and d["events"] == located, what="every located event on the map")
        _until(lambda: page.locator('[data-testid="stDataFrame"]').count() == 2
               and page.locator('[data-testid="stVegaLiteChart"]').count() == 1, what="the timeline and tables")
        times = _frame(page).evaluate("window.geoTimes")
        assert times["drawnReported"] > times["built"]  # reported after the map was built and painted
        renders = _until(lambda: (r := _drawn(page)["renders"]) >= 2 and r, what="the report's rerun")
        assert renders == 2  # the first run and the report's: nothing else reran
        assert page.get_by_text("follow once the map is drawn").count() == 0
        assert h.metric(page, "Visible events") == len(events)
        assert page.get_by_text(f"Visible events ({len(events)})").count() == 1
        assert _drawn(page)["events"] == located  # the rerun kept the map as drawn
        assert external == []
