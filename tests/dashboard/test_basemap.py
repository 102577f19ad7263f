"""The offline basemap's shipped layers (dashboard/static/*.geojson, made by dashboard/basemap.py) and
how build_map draws them: governorate boundaries and rivers in panes under the events."""

from __future__ import annotations

import json
import re

import pytest
from shapely.geometry import Point, shape

from dashboard import basemap
from dashboard import map as dmap
from geo.devtools.sample import small_events

KB = 1024


def _coords(fc: dict) -> list[tuple[float, float]]:
    text = json.dumps(fc, separators=(",", ":"))
    return [(float(x), float(y)) for x, y in re.findall(r"\[(-?\d+\.?\d*),(-?\d+\.?\d*)\]", text)]


def _valid_lines(fc: dict) -> None:
    assert fc["type"] == "FeatureCollection" and fc["features"]
    for f in fc["features"]:
        assert f["type"] == "Feature"
        g = shape(f["geometry"])
        assert g.geom_type in ("LineString", "MultiLineString"), f["properties"]
        assert g.is_valid and not g.is_empty and g.length > 0, f["properties"]


def _inside_bbox(fc: dict) -> None:
    x0, y0, x1, y1 = basemap.BBOX
    pts = _coords(fc)
    assert pts and all(x0 <= x <= x1 and y0 <= y <= y1 for x, y in pts)


def test_governorate_file_has_every_governorate_of_iraq_and_its_neighbours():
    fc = basemap.governorate_lines()
    _valid_lines(fc)
    _inside_bbox(fc)
    assert basemap.GOVERNORATES.stat().st_size < 300 * KB
    per_country: dict[str, list[str]] = {}
    for f in fc["features"]:
        per_country.setdefault(f["properties"]["country"], []).append(f["properties"]["name"])
    # What Natural Earth's admin-1 has: Iraq's 18 governorates (Kurdistan's four included), Syria's 14 and
    # the UNDOF zone, Jordan's 12, Kuwait's 6.
    assert {c: len(v) for c, v in per_country.items()} == {"IRQ": 18, "SYR": 15, "JOR": 12, "KWT": 6}
    assert {"Baghdad", "Al-Anbar", "Ninawa", "Al-Basrah", "Arbil", "Dihok"} <= set(per_country["IRQ"])
    assert len(set(per_country["IRQ"])) == 18


def test_governorate_lines_are_inner_borders_only():
    """Baghdad is inland: its whole outline is drawn. Al-Basrah borders Kuwait, Iran and the Gulf: only its
    borders with Maysan, Dhi-Qar and al-Muthanna are, so the country outline is never drawn twice."""
    fc = basemap.governorate_lines()
    by_name = {f["properties"]["name"]: shape(f["geometry"]) for f in fc["features"]}
    baghdad, basra = by_name["Baghdad"], by_name["Al-Basrah"]
    assert baghdad.distance(Point(44.37, 33.31)) < 0.4  # around the city
    assert Point(44.37, 33.31).distance(baghdad) > 0.05  # ... not through it
    # Basra's inner border ends well inside Iraq: nothing of it on the Shatt al-Arab or the Kuwait border.
    assert basra.distance(Point(48.5, 30.0)) > 0.3  # the Shatt al-Arab's mouth (Iran/Kuwait side)
    assert basra.distance(Point(47.5, 29.5)) > 0.15  # the Kuwait border south-west of Basra city


def test_governorates_keep_one_shared_edge_and_drop_the_outline():
    """Two governorates side by side in one country: each keeps only the edge they share."""

    def square(x0: float, name: str) -> dict:
        ring = [[x0, 30.0], [x0 + 1, 30.0], [x0 + 1, 31.0], [x0, 31.0], [x0, 30.0]]
        return {"type": "Feature", "properties": {"name": name, "adm0_a3": "IRQ", "adm1_code": name},
                "geometry": {"type": "Polygon", "coordinates": [ring]}}

    fc = basemap.governorates([{"type": "FeatureCollection", "features": [square(40.0, "A"), square(41.0, "B")]}])
    assert [f["properties"]["name"] for f in fc["features"]] == ["A", "B"]
    for f in fc["features"]:
        assert shape(f["geometry"]).equals(shape({"type": "LineString", "coordinates": [[41.0, 30.0], [41.0, 31.0]]}))


def test_river_file_has_the_tigris_and_the_euphrates_through_their_cities():
    fc = basemap.river_lines()
    _valid_lines(fc)
    _inside_bbox(fc)
    assert basemap.RIVERS.stat().st_size < 300 * KB
    rivers = {f["properties"]["name"]: f for f in fc["features"]}
    for name in ("Tigris", "Euphrates", "Shatt al Arab"):
        assert rivers[name]["properties"]["rank"] <= 6, name  # drawn at every zoom
    tigris, euphrates = shape(rivers["Tigris"]["geometry"]), shape(rivers["Euphrates"]["geometry"])
    assert tigris.distance(Point(44.37, 33.31)) < 0.05  # Baghdad
    assert tigris.distance(Point(43.13, 36.34)) < 0.05  # Mosul
    assert euphrates.distance(Point(43.78, 33.35)) < 0.05  # Fallujah
    assert euphrates.distance(Point(43.31, 33.42)) < 0.05  # Ramadi
    assert tigris.distance(Point(43.31, 33.42)) > 0.5  # the rivers are not swapped


def test_rivers_conversion_clips_merges_and_skips_empty_features():
    def river(name: str, coords: list | None, rank: int = 4) -> dict:
        geom = {"type": "LineString", "coordinates": coords} if coords else None
        return {"type": "Feature", "properties": {"name": name, "name_en": name, "scalerank": rank}, "geometry": geom}

    src = {"type": "FeatureCollection", "features": [
        river("Tigris", [[42.0, 37.0], [43.0, 36.0]]),
        river("Tigris", [[43.0, 36.0], [44.0, 33.0]]),  # a second piece of the same river
        river("Amazon", [[-60.0, -3.0], [-55.0, -2.0]]),  # outside the window
        river("Nothing", None),
        river("Long", [[25.0, 30.0], [35.0, 30.0]], rank=8),  # crosses the window's west edge
    ]}
    fc = basemap.rivers(src)
    got = {f["properties"]["name"]: f for f in fc["features"]}
    assert sorted(got) == ["Long", "Tigris"]
    assert got["Tigris"]["geometry"] == {"type": "LineString", "coordinates": [[42.0, 37.0], [43.0, 36.0], [44.0, 33.0]]}
    assert got["Long"]["geometry"]["coordinates"] == [[30.0, 30.0], [35.0, 30.0]]
    assert got["Long"]["properties"]["rank"] == 8


def test_conversion_command_reports_bad_input_in_one_line(tmp_path, capsys):
    assert basemap.main([]) == 2
    assert "usage: python -m dashboard.basemap" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        basemap.main(["rivers", str(tmp_path / "missing.json"), str(tmp_path / "out.geojson")])
    assert str(exc.value).startswith("basemap: cannot read ") and "\n" not in str(exc.value)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"cannot read .*bad\.json"):
        basemap.main(["governorates", str(tmp_path / "out.geojson"), str(bad)])


def test_build_map_draws_the_lines_in_panes_under_the_events():
    m = dmap.build_map(small_events())
    _, script = dmap.map_script(m)
    layers = {c.layer_name: c for c in m._children.values() if isinstance(c, dmap.GeoJsonLayer)}
    assert layers["Governorate boundaries"].pane == layers["Rivers"].pane == "geoLines"
    assert layers["Countries (offline outlines)"].pane == "geoLand"
    assert layers["Rivers"].data is basemap.river_lines()
    # the panes sit under Leaflet's overlay pane (400), where the events are drawn
    assert dmap.layers.BASEMAP_PANES["geoLand"] < dmap.layers.BASEMAP_PANES["geoLines"] < 400
    assert 'createPane(P).style.zIndex = 390' in script and 'createPane(P).style.zIndex = 380' in script
    assert script.index('"Tigris"') < script.index("GeoApp.create(")
