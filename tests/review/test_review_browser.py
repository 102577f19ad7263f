"""Review in a real browser (Debian chromium, network blocked), from the map's popups: Edit an event and
correct its place in the review panel, see its marker move (also after a reload); Reject one and see it
leave the map and the GeoJSON download; Confirm one. Markers are read through ``window.geoApp`` in the
map component's iframe (``locate``: the marker, cluster or region count that holds an event).

With GEO_UPDATE_SCREENSHOT=1 it saves the map with a popup's review buttons above the review queue as
docs/review_queue.png (the README shows it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from browser_support import MARKS, ROOT, helpers, map_frame, until

from gazetteer import resolve
from gazetteer.index import haversine_km

pytestmark = MARKS
_helpers = helpers


def _until(check, timeout: float = 150.0, what: str = "condition", show=None):
    return until(check, timeout, what, show)


def _frame(page):
    return map_frame(page, 150.0)


def _where(page, event_id: str) -> dict | None:
    """Where the map draws the event now: {kind: marker|cluster|region, lat, lon, ix}, or None."""
    return _frame(page).evaluate("id => window.geoApp ? window.geoApp.locate(id) : 'no map'", event_id)


def _in_payload(page, event_id: str) -> bool:
    return _frame(page).evaluate("id => window.geoApp.data.ids.indexOf(id) >= 0", event_id)


def _km(p: dict, place) -> float:
    return haversine_km(p["lat"], p["lon"], place.lat, place.lon)


# The screen box of the layer that draws event ``id`` (its marker's path, or the cluster / region badge).
_RECT_JS = """id => { const app = window.geoApp, i = app.data.ids.indexOf(id); let el = null;
  [app.gPoints, app.gRegions].forEach(g => g.eachLayer(l => {
    if (!el && (l._geoIx === i || (l._geoIxs && l._geoIxs.indexOf(i) >= 0))) el = l._path || (l._icon && (l._icon.firstElementChild || l._icon)); }));
  if (!el) return null; const r = el.getBoundingClientRect();
  return {x: r.x + r.width / 2, y: r.y + r.height / 2, w: r.width, h: r.height}; }"""


_IN_VIEW_JS = """w => { const map = window.geoApp.map; map.closePopup();
  if (!map.getBounds().pad(-0.1).contains([w.lat, w.lon])) map.setView([w.lat, w.lon], map.getZoom(), {animate: false}); }"""


def _zoom(page) -> float:
    return _frame(page).evaluate("window.geoApp.map.getZoom()")


def _open_popup(page, h, event_id: str) -> None:
    """Open the event's popup as an analyst does: click its marker, or its region count (or cluster) and then
    its line in the list; a cluster of several places zooms in first."""
    frame = h.map_frame(page)
    iframe = page.locator(h.MAP_IFRAME).bounding_box()
    assert iframe
    popup = frame.locator(".leaflet-popup .gp[data-geo-popup]")
    for _ in range(4):
        where = _until(lambda: _where(page, event_id), what=f"event {event_id} on the map")
        # set-up, not the action under test: no other popup in the way, the event's layer on screen
        _frame(page).evaluate(_IN_VIEW_JS, where)
        rect = _until(lambda: _frame(page).evaluate(_RECT_JS, event_id), what=f"the layer of {event_id}")
        z0 = _zoom(page)
        page.mouse.click(iframe["x"] + rect["x"], iframe["y"] + rect["y"])
        if where["kind"] == "marker":
            break
        link = frame.locator(f'.leaflet-popup a[data-geo-ix="{where["ix"]}"]')
        got = _until(lambda link=link, z0=z0: link.count() == 1 or _zoom(page) > z0, what="the list popup or a zoom")
        if link.count() == 1:
            link.click()
            break
        _until(lambda: not _frame(page).evaluate("!!window.geoApp.map._animatingZoom"), what="the zoom to end")
        assert got
    _until(lambda: popup.count() == 1 and popup.get_attribute("data-geo-popup") == str(where["ix"]),
           what=f"the popup of {event_id}", show=lambda: (where, popup.count() and popup.first.inner_text()))


def _review_button(page, h, action: str):
    """The popup's button, once only one popup holds it: a popup re-opened by a rerun (the URL's selected
    event) stands beside the closing one until Leaflet's fade removes it."""
    popups = h.map_frame(page).locator(".leaflet-popup")
    button = popups.locator(f'button[data-geo-review="{action}"]')
    _until(lambda: button.count() >= 1, what=f"a popup with its {action} button", show=button.count)
    return popups.last.locator(f'button[data-geo-review="{action}"]')  # the newest: appended last


def _caption_has(page, text: str) -> bool:
    return page.get_by_text(text).count() > 0


def _seed_review(tmp_path, monkeypatch, who: str):
    """The helpers, a seed store, its events and the attack known only as Dhi Qar (a region count), with
    the reviewer's name set once (geo review name)."""
    from geo.store import open_store

    (tmp_path / "who").write_text(who + "\n", encoding="utf-8")
    monkeypatch.setenv("GEO_REVIEWER_FILE", str(tmp_path / "who"))
    h = _helpers()
    store = h.build_seed_store(tmp_path / "events.gpkg")
    with open_store(store) as s:
        events = s.events()
    attack = next(e for e in events if e.type == "attack" and e.place and e.place.id == "gov:dhi_qar")
    return h, store, events, attack


@pytest.mark.timeout(600)
def test_review_from_the_map_popups_in_the_browser(tmp_path, monkeypatch):
    from geo.store import open_store

    h, store, events, attack = _seed_review(tmp_path, monkeypatch, "Alice")
    strike = next(e for e in events if e.type == "airstrike")
    balad = next(e for e in events if e.type == "attack" and e.place and e.place.precision == "site")
    nasiriyah = resolve("الناصرية")
    assert nasiriyah is not None and _km({"lat": attack.place.lat, "lon": attack.place.lon}, nasiriyah) > 10

    # the write switch of uploads and reviews (dashboard.access); on localhost no token is asked for
    with h.running_app(store, allow_upload=True) as url, h.offline_page(height=1600) as (page, external):
        page.goto(url, wait_until="domcontentloaded")
        h.wait_for_markers(page, timeout_ms=90_000)
        # known only as the governorate: a count on Dhi Qar, not a pin
        before = _until(lambda: _where(page, attack.id), what="the attack on the map")
        assert before["kind"] == "region" and _km(before, attack.place) < 1 and _km(before, nasiriyah) > 10
        assert _caption_has(page, f"0 reviewed · {len(events)} unreviewed")
        assert page.get_by_label("Your name (goes with every decision)").input_value() == "Alice"

        # Edit from the popup: the review panel picks the event; the analyst types the place (in Arabic).
        _open_popup(page, h, attack.id)
        _review_button(page, h, "edit")  # one popup (a rerun may re-open it while the first fades)
        newest = h.map_frame(page).locator(".leaflet-popup").last
        assert [b.inner_text().strip() for b in newest.locator(".gp-review button").all()] \
            == ["✔ Confirm", "✖ Reject", "✎ Edit"]
        _review_button(page, h, "edit").click()
        place = page.locator(f".st-key-review_place_{attack.id} input")
        _until(lambda: place.count() == 1 and place.is_editable(), what="the edit form of the picked event")
        assert page.get_by_text(f"{attack.type} on {attack.date} at {attack.place.name}").count() == 1
        # Edit scrolled the form into view (it sits a page below the map)
        _until(lambda: place.is_visible() and 0 <= place.bounding_box()["y"] <= 1600, what="the form in view")
        place.fill("الناصرية")
        page.get_by_role("button", name="Save correction").click()
        _until(lambda: _caption_has(page, f"1 reviewed · {len(events) - 1} unreviewed"), what="the header count")
        moved = _until(lambda: (w := _where(page, attack.id)) and _km(w, nasiriyah) < 1 and w,
                       what="the attack to move to Nasiriyah", show=lambda: _where(page, attack.id))
        assert moved["kind"] == "marker" and _km(moved, attack.place) > 10  # now a pin on the city
        with open_store(store) as s:
            fixed = next(e for e in s.events() if e.id == attack.id)
        assert fixed.review_status == "corrected" and fixed.reviewed_by == "Alice"
        assert haversine_km(fixed.lat, fixed.lon, nasiriyah.lat, nasiriyah.lon) < 1

        # A reload reads the store again: the marker is still where the analyst put it.
        page.reload(wait_until="domcontentloaded")
        h.wait_for_markers(page, timeout_ms=90_000)
        again = _until(lambda: _where(page, attack.id), what="the moved marker after a reload")
        assert again["kind"] == "marker" and _km(again, nasiriyah) < 1
        # the URL still names the event (Edit selected it): the page flies there and opens its popup
        popup = h.map_frame(page).locator(f'.leaflet-popup .gp[data-geo-popup="{again["ix"]}"]')
        _until(lambda: popup.count() == 1 and "Nasiriyah" in popup.inner_text(), what="the selected event's popup")
        _until(lambda: not _frame(page).evaluate("!!window.geoApp.map._animatingZoom"), what="the fly to end")

        # Confirm from a marker's popup: recorded at once, with the reviewer's name.
        _open_popup(page, h, balad.id)
        _review_button(page, h, "confirm").click()
        _until(lambda: _caption_has(page, f"2 reviewed · {len(events) - 2} unreviewed"), what="the confirmation")
        with open_store(store) as s:
            ok = next(e for e in s.events() if e.id == balad.id)
        assert ok.review_status == "confirmed" and ok.reviewed_by == "Alice"

        # Reject the air strike from its popup: it leaves the map, the metric and the download.
        # (seen from central Iraq, as in the README's picture)
        _frame(page).evaluate("window.geoApp.map.setView([32.9, 44.4], 7, {animate: false})")
        _open_popup(page, h, strike.id)
        if os.environ.get("GEO_UPDATE_SCREENSHOT") == "1":
            map_png = tmp_path / "map.png"
            page.locator(h.MAP_IFRAME).screenshot(path=str(map_png))
        _review_button(page, h, "reject").click()
        _until(lambda: h.metric(page, "Visible events") == len(events) - 1, what="the metric")
        _until(lambda: not _in_payload(page, strike.id) and _where(page, strike.id) is None,
               what="the rejected strike to leave the map")
        after = _until(lambda: _where(page, attack.id), what="the corrected attack")
        assert _km(after, nasiriyah) < 1
        with page.expect_download() as dl:
            page.get_by_role("button", name="⬇ GeoJSON (visible events)").click()
        features = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))["features"]
        ids = {f["id"] for f in features}
        assert strike.id not in ids and attack.id in ids and len(features) == len(events) - 1
        props = next(f["properties"] for f in features if f["id"] == attack.id)
        assert props["review_status"] == "corrected" and props["reviewed_by"] == "Alice"
        assert external == []

        if os.environ.get("GEO_UPDATE_SCREENSHOT") == "1":  # the README's picture: popup buttons, the queue
            _save_review_picture(page, map_png, ROOT / "docs" / "review_queue.png")


_SCREEN_JS = """ll => { const map = window.geoApp.map, p = map.latLngToContainerPoint(ll),
  r = map.getContainer().getBoundingClientRect(); return {x: r.x + p.x, y: r.y + p.y}; }"""


@pytest.mark.timeout(600)
def test_a_point_clicked_on_the_map_becomes_the_corrected_place(tmp_path, monkeypatch):
    """Edit an event from its popup, click open ground on the map, "Use this point": the review panel's
    place field holds the point, Save correction moves the marker there (and the store agrees)."""
    from geo.store import open_store

    h, store, events, attack = _seed_review(tmp_path, monkeypatch, "Bob")
    target = {"lat": 31.30, "lon": 46.65}  # open ground in Dhi Qar, east of Nasiriyah: no event, base or popup
    assert _km(target, attack.place) > 10

    with h.running_app(store, allow_upload=True) as url, h.offline_page(height=1600) as (page, external):
        page.goto(url, wait_until="domcontentloaded")
        h.wait_for_markers(page, timeout_ms=90_000)
        _open_popup(page, h, attack.id)
        _review_button(page, h, "edit").click()
        place = page.locator(f".st-key-review_place_{attack.id} input")
        _until(lambda: place.count() == 1 and place.is_editable(), what="the edit form of the picked event")
        frame = h.map_frame(page)
        use = frame.locator(".leaflet-popup button[data-geo-point]")

        def no_popup() -> bool:
            """Close what is open with its close button, as the analyst does (a rerun may re-open the
            selected event's popup once)."""
            if frame.locator(".leaflet-popup").count() == 0:
                return True
            close = frame.locator(".leaflet-popup-close-button")
            if close.count():
                close.last.click()
            return False

        # set-up, not the action under test: the target mid-view, close enough to aim at
        _frame(page).evaluate("t => window.geoApp.map.setView([t.lat, t.lon], 9, {animate: false})", target)
        _until(no_popup, what="no popup open")

        def offered() -> bool:
            if use.count() == 1:
                return True
            if no_popup():
                iframe = page.locator(h.MAP_IFRAME).bounding_box()
                at = _frame(page).evaluate(_SCREEN_JS, [target["lat"], target["lon"]])
                page.mouse.click(iframe["x"] + at["x"], iframe["y"] + at["y"])
            return False

        _until(offered, what="the point's popup")
        use.click()

        def typed():
            v = place.input_value()
            lat, lon = (float(x) for x in v.split(","))
            return {"lat": lat, "lon": lon}

        got = _until(lambda: place.count() == 1 and "," in place.input_value() and typed(),
                     what="the clicked point in the place field", show=lambda: place.input_value())
        assert haversine_km(got["lat"], got["lon"], target["lat"], target["lon"]) < 1
        page.get_by_role("button", name="Save correction").click()
        _until(lambda: _caption_has(page, f"1 reviewed · {len(events) - 1} unreviewed"), what="the header count")
        moved = _until(lambda: (w := _where(page, attack.id)) and haversine_km(w["lat"], w["lon"], target["lat"],
                                                                              target["lon"]) < 1 and w,
                       what="the attack to move to the clicked point", show=lambda: _where(page, attack.id))
        assert moved["kind"] == "marker"
        with open_store(store) as s:
            fixed = next(e for e in s.events() if e.id == attack.id)
        assert fixed.review_status == "corrected" and fixed.reviewed_by == "Bob"
        assert haversine_km(fixed.lat, fixed.lon, target["lat"], target["lon"]) < 1
        assert external == []


def _save_review_picture(page, map_png: Path, out: Path) -> None:
    """The map (a popup with its review buttons) above the review section (queue and form), one PNG."""
    from PIL import Image

    toast = page.locator('[data-testid="stToast"]')
    _until(lambda: toast.count() == 0, what="the toast to fade", timeout=30)
    heading = page.get_by_role("heading", name="Review ·")
    heading.evaluate("e => e.scrollIntoView({block: 'start'})")  # Streamlit scrolls its own container
    form = page.locator('[data-testid="stForm"]').first
    _until(lambda: (t := heading.bounding_box()) and t["y"] < 100, what="the review section at the top")
    top, box = heading.bounding_box(), form.bounding_box()
    assert top and box
    panel_png = map_png.with_name("panel.png")
    page.screenshot(path=str(panel_png), clip={"x": top["x"] - 16, "y": max(0, top["y"] - 12),
                    "width": box["width"] + 32, "height": box["y"] + box["height"] - top["y"] + 24})
    a, b = Image.open(map_png), Image.open(panel_png)
    w = max(a.width, b.width)
    pic = Image.new("RGB", (w, a.height + 16 + b.height), "white")
    pic.paste(a, ((w - a.width) // 2, 0))
    pic.paste(b, ((w - b.width) // 2, a.height + 16))
    pic.save(out, optimize=True)
