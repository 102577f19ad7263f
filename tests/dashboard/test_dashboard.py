"""The dashboard's pure functions: map building (offline assets, escaping, styling), filters, timeline."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import time

import folium
import pytest
from folium.elements import JSCSSMixin

from dashboard import assets, basemap, charts, data, filters
from dashboard import map as dmap
from dashboard.map import payload
from geo.devtools.sample import PLACES, make_event, small_events, synthetic_events

D = dt.date


@pytest.fixture(scope="module")
def events():
    return small_events()


def _layer_data(m: folium.Map, prefix: str) -> dict:
    """The FeatureCollection of the map's GeoJsonLayer whose name starts with ``prefix``."""
    for child in m._children.values():
        if isinstance(child, dmap.GeoJsonLayer) and child.layer_name.startswith(prefix):
            return child.data
    raise AssertionError(f"no layer {prefix!r}")


def _payload(m: folium.Map) -> dict:
    """The events and bases the page gets (``AppScript``), as the browser parses them."""
    app = next(c for c in m._children.values() if isinstance(c, dmap.layers.AppScript))
    return json.loads(app.payload_js)


def _html(m: folium.Map) -> str:
    return m.get_root().render()


# --- Offline: every script and stylesheet comes from the vendored folder ---------------------------------


def test_map_loads_only_vendored_assets(events):
    m = dmap.build_map(events, [])
    html = _html(m)
    urls = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert len(urls) >= 8  # leaflet js+css, jquery, bootstrap js+css, awesome-markers js+css, font awesome
    for u in urls:
        assert u.startswith("/app/static/vendor/"), u
        assert (assets.VENDOR_DIR / u.removeprefix("/app/static/vendor/")).is_file(), f"not vendored: {u}"
    assert "https://" not in html and "http://" not in html


def test_st_folium_links_are_vendored(events):
    """st_folium loads each element's default_js/default_css itself (not from the rendered header)."""
    m = dmap.build_map(events, [])
    stack, seen = [m], 0
    while stack:
        el = stack.pop()
        if isinstance(el, JSCSSMixin):
            for _, u in [*el.default_js, *el.default_css]:
                seen += 1
                assert u.startswith(assets.ASSET_BASE + "/"), u
        stack.extend(getattr(el, "_children", {}).values())
    assert seen >= 8
    # folium's own classes stay untouched: only the map instances are rewritten
    assert folium.Map.default_js[0][1].startswith("https://")


def test_leaflet_image_path_points_at_vendored_images(events):
    html = _html(dmap.build_map(events, []))
    assert 'L.Icon.Default.prototype.options.imagePath = "/app/static/vendor/leaflet/images/"' in html
    assert (assets.VENDOR_DIR / "leaflet/images/marker-icon.png").is_file()


def test_unvendored_plugin_is_refused():
    """A plugin that would load from a CDN fails loudly instead of blanking the map offline."""
    from folium.plugins import TimestampedGeoJson

    with pytest.raises(assets.MissingAssetError, match="is not vendored"):
        assets.vendor(TimestampedGeoJson({"type": "FeatureCollection", "features": []}))


def test_online_tiles_only_when_asked(events):
    assert "tile.openstreetmap.org" not in _html(dmap.build_map(events, []))
    m = dmap.build_map(events, [], online_tiles=True)
    html = _html(m)
    assert "tile.openstreetmap.org" in html
    # offered in the layer control, switched off by default
    tiles = [c for c in m._children.values() if isinstance(c, folium.TileLayer)]
    assert len(tiles) == 2 and all(t.overlay and not t.show for t in tiles)


def test_no_tiles_and_explicit_max_zoom(events):
    m = dmap.build_map(events, [])
    assert not any(isinstance(c, folium.TileLayer) for c in m._children.values())
    assert m.options["max_zoom"] == 18


# --- Untrusted article text ------------------------------------------------------------------------------


def test_quote_with_script_reaches_the_page_escaped(events):
    html = _html(dmap.build_map(events, []))
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "</script><img" not in html
    quotes = [d["q"] for d in _payload(dmap.build_map(events, []))["details"]]
    assert any(
        q.startswith("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;")
        for q in quotes
    )


def test_template_syntax_in_a_quote_is_not_executed():
    """branca re-reads rendered scripts as Jinja templates: article text must not reach it as syntax."""
    e = make_event("attack", D(2021, 1, 1), "balad", quote="X{{ 7*7 }}Y{% for i in range(3) %}L{% endfor %}")
    html = _html(dmap.build_map([e], []))
    assert "X49Y" not in html and "LLL" not in html
    assert _payload(dmap.build_map([e], []))["details"][0]["q"].startswith("X{{ 7*7 }}Y")


def test_every_text_property_is_escaped():
    e = make_event("attack", D(2021, 1, 1), "balad", quote="<b>", source='<i onmouseover="x">')
    p = payload.detail(e)
    assert p["q"] == "&lt;b&gt;"
    assert p["src"] == "&lt;i onmouseover=&quot;x&quot;&gt;"
    assert "<" not in json.dumps(dmap.map_payload([e]))


def test_popup_is_right_to_left():
    js = dmap.layers.static_text("timeapp.js")
    assert "<div class=\"q\" dir=\"rtl\" lang=\"ar\">" in js.replace("'", '"')
    assert "direction: rtl" in dmap.layers.static_text("map.css")


def test_quote_html_for_the_table_selection(events):
    e = events[8]
    out = filters.quote_html(events, e.id)
    assert 'dir="rtl"' in out
    assert "&lt;script&gt;" in out and "<script>" not in out
    assert "Al-Araby" in out and "published 2022-03-13" in out
    assert filters.quote_html(events, "no-such-id") == ""


# --- The payload the page plays through time -----------------------------------------------------------


def test_payload_has_every_event_once_as_columns(events):
    p = dmap.map_payload(events)
    assert p["n"] == 10 and p["d0"] == "2021-01-10"
    ev = p["ev"]
    assert all(len(ev[k]) == 10 for k in ("d", "e", "p", "y", "t", "k", "x"))
    order = payload.ordered(events)
    assert p["ids"] == [e.id for e in order]
    assert ev["d"] == sorted(ev["d"])  # timeapp.js finds a window's events by binary search on it
    # days since d0, the month-precise agreement spans July
    i = p["ids"].index(events[5].id)
    assert (ev["d"][i], ev["e"][i]) == ((D(2021, 7, 1) - D(2021, 1, 10)).days, 30)
    assert ev["p"][p["ids"].index(events[9].id)] == -1  # no place: not on the map
    taji, kuwait = (p["places"][ev[k][p["ids"].index(events[2].id)]] for k in ("p", "k"))
    assert taji[0] == "Camp Taji" and kuwait[3] == "country"  # the withdrawal toward Kuwait


def test_coarse_places_are_counted_on_their_region_not_pinned(events):
    p = dmap.map_payload(events)
    kinds = {pl[0]: pl[3] for pl in p["places"]}
    assert kinds["Anbar Governorate"] == "region"
    assert kinds["Iraq"] == "country"
    assert kinds["Camp Taji"] == "point" and kinds["Baghdad"] == "point"
    iraq = next(pl for pl in p["places"] if pl[0] == "Iraq")
    # beside the country's name in the desert, not Iraq's centre point between Fallujah and al-Taqaddum
    assert (iraq[1], iraq[2]) == payload.COUNTRY_ANCHORS["IQ"]
    assert math.dist((iraq[1], iraq[2]), (PLACES["fallujah"].lat, PLACES["fallujah"].lon)) > 1.5


def test_styles_are_shared_and_distinct_by_type(events):
    p = dmap.map_payload(synthetic_events(2000))
    assert len(p["styles"]) <= 8 * 2 * 4 * 2
    by_type = {s["k"].removeprefix("ev-marker ev-"): (s["c"], s["s"]) for s in p["styles"]}
    assert by_type["attack"] == ("#d62728", "triangle")
    assert by_type["airstrike"] == ("#7b2d8e", "star")
    assert len(set(dmap.TYPE_STYLE.values())) == len(dmap.TYPE_STYLE)
    attack = next(s for s in dmap.map_payload(events)["styles"] if s["k"].endswith("attack") and not s["d"])
    agreement = next(s for s in dmap.map_payload(events)["styles"] if s["k"].endswith("agreement"))
    assert agreement["fo"] < attack["fo"] and agreement["op"] < attack["op"]  # month vs day: faded


def test_quotes_travel_inline_only_for_small_collections():
    small = dmap.map_payload(synthetic_events(100))
    assert len(small["details"]) == 100
    big = synthetic_events(payload.INLINE_QUOTES_MAX + 1)
    assert dmap.map_payload(big)["details"] is None


def test_hundred_thousand_events_fit_the_payload_budget():
    evs = synthetic_events(100_000)
    t0 = time.perf_counter()
    m = dmap.build_map(evs, [])
    _, script = dmap.map_script(m)
    assert len(m._children) < 20  # layers, not one folium object per event
    size = len(script.encode("utf-8"))
    assert size < 12_000_000, size  # the budget for the page at 100k
    assert time.perf_counter() - t0 < 60  # ~3 s on 2 cores; bench/bench_map.py measures it


def test_bases_carry_their_sourced_history(events):
    bases = data.bases_status(events, at=None)
    p = dmap.map_payload(events, bases)
    q = next(b for b in p["bases"] if b["id"] == "qayyarah_west")
    d0 = D(2021, 1, 10)
    assert q["h"][0][:3] == [(D(2020, 3, 26) - d0).days, "handed_over", "2020-03-26"]
    assert "Military Times" in q["h"][0][3]
    taji = next(b for b in p["bases"] if b["id"] == "taji")
    # the curated handover of 2020, then what the (synthetic) articles say in 2021
    assert [(r[1], r[2], r[5]) for r in taji["h"]] == [
        ("handed_over", "2020-08-23", 1), ("withdrawn", "2021-03-01", 0), ("handed_over", "2021-04-04", 0)]


def test_same_inputs_give_the_same_script(events):
    a = dmap.map_script(dmap.build_map(events, []))
    b = dmap.map_script(dmap.build_map(events, []))
    assert a == b and a[0] == "map_g0"
    assert "GeoApp.create(map_g0," in a[1]


def test_search_centre_moves_the_view_and_rings_the_place(events):
    m = dmap.build_map(events, [], center=(36.19, 44.01), mark=(36.19, 44.01, "Erbil <Hewlêr>"))
    assert m.location == [36.19, 44.01]
    assert m.options["zoom"] == 9
    ring = _layer_data(m, "Search result")["features"]
    assert ring[0]["geometry"]["coordinates"] == [44.01, 36.19]
    assert ring[0]["properties"]["tip"] == "Erbil &lt;Hewlêr&gt;"
    # without a search the first view fits Iraq, leaving room for the time panel
    assert "fitBounds" in _html(dmap.build_map(events, []))
    assert "fitBounds" not in _html(m)


def test_town_labels_come_from_the_gazetteer_and_geonames():
    towns = data.town_places()
    names = {p.name for p in towns}
    assert {"Fallujah", "Ramadi"} <= names and len(towns) > 100
    assert len({p.id for p in towns}) == len(towns)
    html = _html(dmap.build_map([], [], towns=towns[:3]))
    assert html.count('geo-label town') == 3
    assert ".geo-z8 .geo-label.town" in dmap.layers.static_text("map.css")  # shown from zoom 8 only


def test_legend_lists_types_statuses_and_precision_and_folds():
    html = dmap.legend_html()
    for label in [*dmap.TYPE_LABEL.values(), "Handed over to Iraq", "Withdrawn", "governorate"]:
        assert label in html
    assert html.startswith('<details class="geo-legend" open><summary>Legend</summary>')


# --- Offline basemap ------------------------------------------------------------------------------------


def test_basemap_has_iraq_and_neighbours_inside_the_window():
    fc = basemap.countries()
    names = {f["properties"]["name"] for f in fc["features"]}
    assert {"Iraq", "Kuwait", "Syria", "Iran", "Saudi Arabia", "Jordan", "Turkey"} <= names
    x0, y0, x1, y1 = basemap.BBOX
    flat = re.findall(r"\[(-?\d+\.?\d*),(-?\d+\.?\d*)\]", json.dumps(fc, separators=(",", ":")))
    assert flat and all(x0 <= float(x) <= x1 and y0 <= float(y) <= y1 for x, y in flat)
    assert basemap.BASEMAP.stat().st_size < 500_000


def test_topojson_decoder():
    topo = {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.5], "translate": [40, 30]},
        "arcs": [[[0, 0], [2, 0], [0, 2]], [[2, 2], [-2, 0], [0, -2]]],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]], "id": "368", "properties": {"name": "Square"}},
                    {"type": "Polygon", "arcs": [[~1, ~0]], "properties": {"name": "Reversed"}},
                ],
            }
        },
    }
    fc = basemap.topojson_to_geojson(topo)
    ring = fc["features"][0]["geometry"]["coordinates"][0]
    assert ring == [(40.0, 30.0), (41.0, 30.0), (41.0, 31.0), (40.0, 31.0), (40.0, 30.0)]
    assert fc["features"][0]["id"] == "368"
    assert fc["features"][1]["geometry"]["coordinates"][0] == ring[::-1]


# --- Filters, play window, table, export ----------------------------------------------------------------


def test_date_bounds_include_end_dates(events):
    assert filters.date_bounds(events) == (D(2021, 1, 10), D(2022, 6, 1))
    assert filters.date_bounds([], today=D(2024, 1, 1)) == (D(2024, 1, 1), D(2024, 1, 1))


def test_filters_combine(events):
    def ids(f):
        return [events.index(e) + 1 for e in filters.apply(events, f)]

    assert ids(filters.Filters(start=D(2021, 1, 1), end=D(2021, 6, 30))) == [1, 2, 3, 4, 5]
    assert ids(filters.Filters(types=("attack",))) == [1, 2, 9, 10]
    assert ids(filters.Filters(types=("attack",), min_precision="site")) == [1, 2, 9]
    assert ids(filters.Filters(types=("attack", "airstrike"), governorates=("Anbar",))) == [1, 5]
    assert ids(filters.Filters(sources=("Al-Ain",), end=D(2021, 6, 30))) == [3, 4]
    assert ids(filters.Filters(start=D(2021, 7, 15), end=D(2021, 7, 20))) == [6]  # month overlap


def test_options(events):
    assert filters.governorates(events) == ["Anbar", "Baghdad", "Erbil", "Salah al-Din"]
    assert filters.sources(events) == ["Al-Ain", "Al-Arab", "Al-Araby", "Shafaq News"]
    assert filters.types_present(events)[:3] == ["attack", "airstrike", "withdrawal"]


def test_outlets_not_articles(events):
    labelled = [make_event("attack", D(2021, 1, d), "balad", source=f"Shafaq News 2021-01-{d:02d}", start=d)
                for d in range(1, 4)]
    assert filters.outlets(labelled + events[:1]) == ["Al-Araby", "Shafaq News"]
    assert filters.outlet("Al-Araby, 2021-04-18") == "Al-Araby"
    assert len(filters.apply(labelled, filters.Filters(sources=("Shafaq News",)))) == 3


def test_table_frame_newest_first(events):
    t = filters.table_frame(events)
    assert list(t.columns) == list(filters.TABLE_COLUMNS)
    assert len(t) == 10
    assert t.iloc[0]["date"] == D(2022, 6, 1)
    assert t.iloc[-1]["place"] == "Ain al-Asad Air Base"


def test_csv_has_every_visible_event_with_arabic(events):
    raw = filters.csv_bytes(events[:3])
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == [e.id for e in events[:3]]
    assert rows[0]["quote"] == events[0].quote and "صواريخ" in rows[0]["quote"]
    assert rows[2]["geometry_wkt"].startswith("LINESTRING")  # the withdrawal toward Kuwait, as `geo export`
    assert filters.csv_bytes([]).decode("utf-8-sig").startswith("id,")  # header even when nothing is visible


def test_geojson_download_is_the_export_of_exactly_the_visible_events(events):
    visible = filters.apply(events, filters.Filters(start=D(2021, 1, 1), end=D(2021, 6, 30)))
    raw = data.geojson_bytes(visible)
    assert "صواريخ".encode() in raw  # Arabic as UTF-8, not \u escapes
    fc = json.loads(raw)
    assert fc == data.events_geojson(visible)
    assert fc["type"] == "FeatureCollection"
    assert [f["properties"]["id"] for f in fc["features"]] == [e.id for e in visible]


# --- Timeline -------------------------------------------------------------------------------------------


def test_timeline_frame_counts_per_week_by_type(events):
    f = charts.timeline_frame(events)
    assert list(f.columns) == ["attack", "airstrike", "withdrawal", "handover", "agreement", "announcement", "presence"]
    assert f.index[0].date() == D(2021, 1, 4)  # Monday of the first event's week
    assert f.index[-1].date() == D(2022, 5, 30)
    assert (f.index[1:] - f.index[:-1]).days.unique().tolist() == [7]  # every week, gaps included
    assert int(f.to_numpy().sum()) == len(events)
    assert f.loc["2021-01-04", "attack"] == 1
    assert f["attack"].sum() == 4


def test_timeline_chart_shades_the_window(events):
    spec = charts.timeline_chart(charts.timeline_frame(events), window=(D(2021, 1, 1), D(2021, 3, 1))).to_dict()
    assert len(spec["layer"]) == 2
    assert charts.timeline_frame([]).empty


# --- State: the URL and the page's reports -------------------------------------------------------------


def test_a_report_from_the_page_becomes_session_state(events):
    from dashboard import state

    bounds = (D(2021, 1, 10), D(2022, 6, 1))
    ids = {"k1": ["a", "b", "c"]}
    rep = {"window": ["2020-01-01", "2021-03-31"], "select": 2, "key": "k1", "step": "quarter", "speed": 8,
           "mode": "cumulative", "view": [33.3, 44.4, 11]}
    out = state.from_report(rep, ids, bounds, {"step": "month", "speed": 1.0, "mode": "moving"})
    assert out["window"] == (D(2021, 1, 10), D(2021, 3, 31))
    assert out["sel"] == "c" and out["_sel_fly"] is False
    assert out["play"] == {"step": "quarter", "speed": 8.0, "mode": "cumulative"}
    assert out["_view"] == [33.3, 44.4, 11]
    stale = state.from_report({**rep, "key": "old", "speed": 3, "step": "fortnight"}, ids, bounds, out["play"])
    assert "sel" not in stale and stale["play"] == {"step": "quarter", "speed": 8.0, "mode": "cumulative"}


def test_query_round_trip(events):
    from dashboard import state

    bounds = filters.date_bounds(events)
    q = state.to_query({"lat": "33.1", "z": "9", "junk": "x"}, bounds=bounds, window=(D(2021, 2, 1), D(2021, 5, 1)),
                       types=["attack"], govs=["Anbar"], srcs=["Al-Araby"], prec="city", min_conf=0.5, sel="abc",
                       query="بلد", play={"step": "week", "speed": 0.25, "mode": "cumulative"})
    assert q == {"lat": "33.1", "z": "9", "w0": "2021-02-01", "w1": "2021-05-01", "type": "attack", "gov": "Anbar",
                 "outlet": "Al-Araby", "prec": "city", "conf": "0.5", "sel": "abc", "q": "بلد", "step": "week",
                 "speed": "0.25", "mode": "cumulative"}
    back = state.from_query({**q, "lon": "44.2"}, bounds, events)
    assert back["window"] == (D(2021, 2, 1), D(2021, 5, 1))
    assert (back["types"], back["govs"], back["srcs"], back["min_prec"], back["min_conf"]) == (
        ["attack"], ["Anbar"], ["Al-Araby"], "city", 0.5)
    assert back["_url_view"] == [33.1, 44.2, 9.0] and back["place_q"] == "بلد"
    assert state.from_query({"w0": "garbage", "z": "99", "lat": "1", "lon": "2"}, bounds, events) == {
        "play": {"step": "month", "speed": 1.0, "mode": "moving"}}


def test_selected_event_for_the_page_and_the_view_to_fit(events):
    from dashboard import views

    ids = [e.id for e in payload.ordered(events)]
    sel = views.selected(ids, events, events[8].id, True, 3)
    assert sel is not None and (sel["i"], sel["fly"], sel["seq"]) == (ids.index(events[8].id), True, 3)
    assert sel["det"]["q"].startswith("&lt;script&gt;")
    assert views.selected(ids, events[:2], events[8].id, True, 3) is None  # not visible: nothing to open
    fit = views.fit(events, ["Erbil"], None, 5)
    (s, w), (n, e) = fit["bounds"]
    assert fit["seq"] == 5 and s < PLACES["erbil_ab"].lat < n and w < PLACES["harir"].lon < e
    assert views.fit(events, [], (36.19, 44.01, "Erbil"), 6) == {"seq": 6, "center": [36.19, 44.01], "zoom": 9}


def test_upload_says_which_date_it_used_and_why(tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("قصف صاروخي على قاعدة عين الأسد في الأنبار.", encoding="utf-8")
    dated = tmp_path / "dated.txt"
    dated.write_text("بغداد 2021-04-10\nقصف صاروخي على قاعدة عين الأسد في الأنبار.", encoding="utf-8")
    lines = data.dates_used([plain, dated], D(2021, 4, 18))
    assert lines[0] == "plain.txt: dated 2021-04-18, the date you gave (the file has none)."
    assert lines[1].startswith("dated.txt: dated 2021-04-10, found in the file") and "wins over" in lines[1]


def test_a_table_row_selects_its_event_and_flies():
    from dashboard import state

    assert state.from_table([1], ["a", "b"]) == {"sel": "b", "_sel_fly": True}
    assert state.from_table([], ["a"]) == {} and state.from_table([5], ["a"]) == {}
