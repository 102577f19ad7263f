"""The dashboard in a real browser (Debian chromium) with the network blocked: the map must really draw.

Starts the app as `make run` does (`geo dashboard --headless --port P --store FILE`) on a temp store built
from tests/data/seeds, counts the markers Leaflet drew inside the st_folium iframe, moves the time slider
with the keyboard, and takes a screenshot (into docs/screenshot.png when GEO_UPDATE_SCREENSHOT=1; the
README shows that file; `scripts/screenshot.py` takes one too).
"""

from __future__ import annotations

import importlib.util
import os
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium missing: `make chromium`"),
]


def _helpers():
    spec = importlib.util.spec_from_file_location("screenshot", ROOT / "scripts" / "screenshot.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _until(check, timeout: float = 45.0, what: str = "condition"):
    """Poll ``check()`` until it returns a truthy value (Streamlit reruns and iframe remounts take a moment)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except Exception as exc:  # the iframe is being replaced; try again
            last = exc
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


@pytest.mark.timeout(180)
def test_map_draws_offline_and_follows_the_slider(tmp_path):
    from dashboard import data
    from geo.events import filter_events

    update = os.environ.get("GEO_UPDATE_SCREENSHOT") == "1"
    shot = ROOT / "docs" / "screenshot.png" if update else tmp_path / "screenshot.png"
    from geo.store import open_store

    h = _helpers()
    store = h.build_seed_store(tmp_path / "events.gpkg")
    with open_store(store) as s:
        events = s.events()
    assert len(events) >= 5, "the seed articles should yield events"
    lo = min(e.date for e in events)
    hi = max(max(e.date, e.end_date or e.date) for e in events)
    located = [e for e in events if e.place is not None]
    bases = data.bases_status(events, at=hi)
    last_day = filter_events(events, start=hi, end=hi)
    assert 0 < len(last_day) < len(events)

    with h.running_app(store) as url, h.offline_page() as (page, external):
        page.goto(url, wait_until="domcontentloaded")
        frame = h.map_frame(page)
        h.wait_for_markers(page, timeout_ms=60_000)

        # Every located event and every base is drawn by Leaflet (one SVG path each).
        _until(lambda: frame.locator("path.ev-marker").count() == len(located), what="event markers")
        assert frame.locator("path.base-marker").count() == len(bases) > 0
        assert frame.locator(".leaflet-overlay-pane path").count() > len(located)  # + outlines, movements
        assert h.metric(page, "Visible events") == len(events)
        assert frame.locator(".geo-legend").is_visible()
        h.screenshot(page, shot)

        # Move the start of the time window to the last day with the keyboard.
        start_thumb = page.locator('[data-testid="stSlider"] input[type="range"]').first
        assert start_thumb.get_attribute("aria-valuetext") == lo.isoformat()
        start_thumb.focus()
        page.keyboard.press("End")
        _until(lambda: h.metric(page, "Visible events") == len(last_day), what="the metric to follow the slider")
        on_map = sum(e.place is not None for e in last_day)
        _until(lambda: frame.locator("path.ev-marker").count() == on_map, what="the map to follow the slider")

        # Nothing outside localhost was even attempted: no CDN script, stylesheet, font or tile.
        assert external == []

    assert shot.stat().st_size > 50_000
