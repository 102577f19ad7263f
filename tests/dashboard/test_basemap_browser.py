"""The offline basemap's governorate boundaries and rivers in a real browser (Debian chromium, network
blocked): drawn, under every event and base whatever the layer menu does, minor rivers from zoom 8.

Waits are polls on the page's state (never fixed sleeps)."""

from __future__ import annotations

import pytest
from browser_support import MARKS, helpers, map_frame, until

from dashboard import basemap

pytestmark = MARKS

BAGHDAD = (33.31, 44.37)

# What the map frame has drawn of the basemap, and the stacking of each kind of thing drawn: the z-index
# of the pane it sits in (all panes are siblings in Leaflet's map pane, so these compare directly).
STATE_JS = """() => {
  var c = geoApp.map.getContainer(), q = s => Array.from(c.querySelectorAll(s));
  var z = e => +getComputedStyle(e.closest('.leaflet-pane')).zIndex;
  var shown = e => getComputedStyle(e).display !== 'none';
  var lines = q('path.geo-gov-line, path.geo-river');
  var above = q('path.ev-marker, path.base-marker, .ev-cluster, .ev-region');
  return {
    gov: q('.leaflet-geoLines-pane path.geo-gov-line').length,
    rivers: q('.leaflet-geoLines-pane path.geo-river').length,
    minorShown: q('path.geo-river.minor').filter(shown).length,
    majorShown: q('path.geo-river:not(.minor)').filter(shown).length,
    land: q('.leaflet-geoLand-pane path').length,
    linesTop: Math.max.apply(null, lines.map(z).concat([-1])),
    landTop: Math.max.apply(null, q('.leaflet-geoLand-pane path').map(z).concat([-1])),
    eventsBottom: Math.min.apply(null, above.map(z).concat([1e9])),
    drawnAbove: above.length, bases: q('path.base-marker').length,
    zoom: geoApp.map.getZoom(), zooming: !!geoApp.map._animatingZoom, events: geoApp.drawn().events
  };
}"""

TOGGLE_JS = """(name) => {
  var label = Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))
    .find(l => l.textContent.trim() === name);
  label.querySelector('input').click();  // what a click in the (collapsed) layer menu does
  return label.querySelector('input').checked;
}"""


@pytest.mark.timeout(240)
def test_governorates_and_rivers_are_drawn_under_the_events(tmp_path):
    h = helpers()
    store = h.build_seed_store(tmp_path / "events.gpkg")
    n_gov = len(basemap.governorate_lines()["features"])
    ranks = [f["properties"]["rank"] for f in basemap.river_lines()["features"]]
    n_major = sum(r <= 6 for r in ranks)
    assert n_gov == 51 and len(ranks) > n_major > 5

    with h.running_app(store) as url, h.offline_page() as (page, external):
        page.goto(url, wait_until="domcontentloaded")
        h.wait_for_markers(page, timeout_ms=90_000)
        frame = map_frame(page, 90.0)

        def state() -> dict:
            return frame.evaluate(STATE_JS)

        s = until(lambda: (x := state())["gov"] and x["events"] and x, 60, "the basemap and the events", every=0.2)
        assert s["gov"] == n_gov and s["rivers"] == len(ranks) and s["land"] > 20
        # at the first view (zoom ~6) the main rivers only
        assert s["zoom"] < 8 and s["majorShown"] == n_major and s["minorShown"] == 0
        # land under lines under every event marker, cluster, region count and base
        assert s["landTop"] < s["linesTop"] < s["eventsBottom"] and s["drawnAbove"] >= s["bases"] > 0

        # Zoomed on Baghdad: the minor rivers appear, the events and bases are still on top.
        frame.evaluate(f"geoApp.map.setView([{BAGHDAD[0]}, {BAGHDAD[1]}], 9, {{animate: false}})")
        s = until(lambda: (x := state())["zoom"] == 9 and not x["zooming"] and x["events"] and x, 30, "zoom 9")
        assert s["minorShown"] == len(ranks) - n_major and s["majorShown"] == n_major
        assert s["linesTop"] < s["eventsBottom"] and s["drawnAbove"] > 0
        shot = tmp_path / "baghdad.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 50_000

        # The layer menu switches each off and on; back on, the lines are still under the events (a layer
        # re-added to a shared pane would land on top of them).
        for name, key, n in (("Rivers", "rivers", len(ranks)), ("Governorate boundaries", "gov", n_gov)):
            assert frame.evaluate(TOGGLE_JS, name) is False
            until(lambda k=key: state()[k] == 0, 10, f"{name} off")
            assert frame.evaluate(TOGGLE_JS, name) is True
            s = until(lambda k=key, m=n: (x := state())[k] == m and x, 10, f"{name} on")
            assert s["linesTop"] < s["eventsBottom"]
        assert external == []
