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


def _styles_by_type(m: folium.Map) -> dict[str, dict]:
    """Each event type's marker style as sent to the browser (features point into a shared style table)."""
    layer = next(c for c in m._children.values() if isinstance(c, dmap.GeoJsonLayer) and c.styles)
    out = {}
    for f in layer.data["features"]:
        style = layer.styles[f["properties"]["y"]]
        out[style["k"].removeprefix("ev-marker ev-")] = style
    return out


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
    markers = _layer_data(dmap.build_map(events, []), "Events")["features"]
    quotes = [f["properties"]["q"] for f in markers]
    assert any(
        q.startswith("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;")
        for q in quotes
    )


def test_template_syntax_in_a_quote_is_not_executed():
    """branca re-reads rendered scripts as Jinja templates: article text must not reach it as syntax."""
    e = make_event("attack", D(2021, 1, 1), "balad", quote="X{{ 7*7 }}Y{% for i in range(3) %}L{% endfor %}")
    html = _html(dmap.build_map([e], []))
    assert "X49Y" not in html and "LLL" not in html
    m = dmap.build_map([e], [])
    assert _layer_data(m, "Events")["features"][0]["properties"]["q"].startswith("X{{ 7*7 }}Y")


def test_every_text_property_is_escaped():
    e = make_event("attack", D(2021, 1, 1), "balad", quote="<b>", source='<i onmouseover="x">')
    p = dmap.popup_properties(e)
    assert p["q"] == "&lt;b&gt;"
    assert p["src"] == "&lt;i onmouseover=&quot;x&quot;&gt;"
    assert "<" not in json.dumps(p)


def test_popup_is_right_to_left(events):
    html = _html(dmap.build_map(events, []))
    assert '<div class="q" dir="rtl" lang="ar">' in html
    assert "direction: rtl" in html


def test_quote_html_for_the_table_selection(events):
    e = events[8]
    out = filters.quote_html(events, e.id)
    assert 'dir="rtl"' in out
    assert "&lt;script&gt;" in out and "<script>" not in out
    assert "Al-Araby" in out and "published 2022-03-13" in out
    assert filters.quote_html(events, "no-such-id") == ""


# --- What is drawn ---------------------------------------------------------------------------------------


def test_markers_for_every_located_event_and_movement_arrows(events):
    m = dmap.build_map(events, [])
    markers = _layer_data(m, "Events")["features"]
    assert len(markers) == 9  # event 10 has no place
    moves = _layer_data(m, "Movements")["features"]
    assert [f["geometry"]["type"] for f in moves] == ["LineString", "Point"]  # line + arrowhead
    line = moves[0]["geometry"]["coordinates"]
    assert line == [[PLACES["taji"].lon, PLACES["taji"].lat], [PLACES["kuwait"].lon, PLACES["kuwait"].lat]]
    assert 90 < moves[1]["properties"]["rot"] < 180  # toward Kuwait: south-east


def test_types_have_distinct_colour_and_shape(events):
    by_type = {t: (s["c"], s["s"]) for t, s in _styles_by_type(dmap.build_map(events, [])).items()}
    assert by_type["attack"] == ("#d62728", "triangle")
    assert by_type["airstrike"] == ("#7b2d8e", "star")
    assert len(set(dmap.TYPE_STYLE.values())) == len(dmap.TYPE_STYLE)


def test_coarse_places_are_dashed_discs_not_pins(events):
    m = dmap.build_map(events, [])
    markers = _styles_by_type(m)
    assert markers["attack"]["d"] is False and markers["attack"]["fo"] == 0.9  # a site: solid
    assert markers["airstrike"]["d"] is True and markers["airstrike"]["fo"] < 0.5  # a governorate: dashed
    areas = _layer_data(m, "Location uncertainty")["features"]
    radii = sorted(f["properties"]["area"] for f in areas)
    assert radii == [dmap.AREA_M["governorate"]]  # the country-level event gets no disc


def test_vague_dates_are_faded(events):
    markers = _styles_by_type(dmap.build_map(events, []))
    assert markers["agreement"]["fo"] < markers["attack"]["fo"]  # month vs day
    assert markers["agreement"]["op"] < markers["attack"]["op"]


def test_events_at_one_place_fan_out():
    evs = [make_event("attack", D(2021, 1, d), "balad", start=d) for d in range(1, 6)]
    feats = dmap.event_features(evs)["markers"]
    offsets = [tuple(f["properties"].get("off", (0, 0))) for f in feats]
    assert len(set(offsets)) == 5
    # a crowded place stays compact and says how many events it holds
    many = [make_event("attack", D(2021, 1, 1) + dt.timedelta(days=d), "balad", start=d) for d in range(100)]
    feats = dmap.event_features(many)
    radii = [math.hypot(*f["properties"].get("off", (0, 0))) for f in feats["markers"]]
    assert max(radii) < 50
    assert [f["properties"]["n"] for f in feats["stacks"]] == [100]
    # around a base the fan starts off-centre, so the base square stays visible
    feats = dmap.event_features(evs[:1], bases_at=["balad"])["markers"]
    assert feats[0]["properties"]["off"] != [0.0, 0.0]


def test_bases_layer_coloured_by_status(events):
    bases = data.bases_status(events, at=D(2021, 12, 31))
    by_id = {b.place.id: b.status for b in bases}
    assert by_id["taji"] == "handed_over"  # withdrawal then handover in spring 2021
    assert by_id["ain_al_asad"] == "present"  # attacked in January 2021
    m = dmap.build_map(events, bases, at=D(2021, 12, 31))
    feats = _layer_data(m, "Bases on 2021-12-31")["features"]
    assert len(feats) == len(bases)
    colour = {f["properties"]["id"]: f["properties"]["c"] for f in feats}
    assert colour["taji"] == dmap.STATUS_STYLE["handed_over"][0]
    assert colour["ain_al_asad"] == dmap.STATUS_STYLE["present"][0]


def test_legend_lists_types_statuses_and_precision(events):
    html = dmap.legend_html()
    for label in [*dmap.TYPE_LABEL.values(), "Handed over to Iraq", "Withdrawn", "governorate"]:
        assert label in html


def test_ten_thousand_events_stay_one_layer_on_canvas():
    evs = synthetic_events(10_000)
    t0 = time.perf_counter()
    m = dmap.build_map(evs, [])
    html = _html(m)
    elapsed = time.perf_counter() - t0
    assert m.options["prefer_canvas"] is True
    assert len(m._children) < 20  # layers, not one folium object per event
    assert len(_layer_data(m, "Events")["features"]) == 10_000
    assert len(_styles_by_type(m)) == 8
    assert len(next(c for c in m._children.values() if getattr(c, "styles", None)).styles) <= 8 * 2 * 4 * 2
    assert elapsed < 10, elapsed  # ~1 s on a 2-core machine; generous for CI
    assert len(html) < 40_000_000


def test_search_centre_moves_the_view_and_rings_the_place(events):
    m = dmap.build_map(events, [], center=(36.19, 44.01), mark=(36.19, 44.01, "Erbil <Hewlêr>"))
    assert m.location == [36.19, 44.01]
    assert m.options["zoom"] == 9
    ring = _layer_data(m, "Search result")["features"]
    assert ring[0]["geometry"]["coordinates"] == [44.01, 36.19]
    assert ring[0]["properties"]["tip"] == "Erbil &lt;Hewlêr&gt;"
    # without a search the first view fits Iraq, leaving room for the legend
    assert "fitBounds" in _html(dmap.build_map(events, []))
    assert "fitBounds" not in _html(m)


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


def test_play_window_steps_and_stops():
    bounds = (D(2021, 1, 1), D(2021, 12, 31))
    start = filters.play_start(bounds, bounds, width_days=30)
    assert start == (D(2021, 1, 1), D(2021, 1, 30))
    win, done = filters.step_window(start, bounds, 30)
    assert win == (D(2021, 1, 31), D(2021, 3, 1)) and not done
    win, done = filters.step_window((D(2021, 11, 1), D(2021, 12, 20)), bounds, 30)
    assert win == (D(2021, 11, 12), D(2021, 12, 31)) and done
    # a window already at the end restarts from the beginning
    assert filters.play_start(win, bounds, width_days=30) == start


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
