"""Exports (GeoJSON, GeoPackage, CSV, GeoParquet), filters and the events table, on hand-built events."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math

import pyogrio
import pytest

from gazetteer.models import Place
from geo.core.errors import ExportError
from geo.core.models import Event
from geo.events import filter_events
from geo.export import events_frame, events_geojson, export_events, format_for, format_table, write_geojson
from geo.store import open_store

D = dt.date
AIN = Place(
    "ain_al_asad",
    "Ain al-Asad Air Base",
    33.78561234,
    42.44129876,
    "air_base",
    "site",
    "عين الأسد",
    "Anbar",
    "IQ",
)
TAJI = Place("taji", "Camp Taji", 33.5240, 44.2560, "military_base", "site", "التاجي", "Baghdad", "IQ")
DHIQAR = Place("dhi_qar", "Dhi Qar Governorate", 31.2858, 46.3068, "province", "governorate", "ذي قار", "Dhi Qar", "IQ")
QUOTE = "هجوما بواسطة 6 صواريخ كاتيوشا استهدف قاعدة عين الأسد"

EVENTS = [
    Event(
        "attack",
        D(2021, 4, 18),
        QUOTE,
        10,
        10 + len(QUOTE),
        "alaraby 2021-04-18",
        D(2021, 4, 18),
        place=AIN,
        rockets=6,
        wounded=2,
        sources=("alaraby 2021-04-18", "shafaq"),
        quotes=(QUOTE, "q2"),
    ),
    Event(
        "withdrawal",
        D(2020, 8, 1),
        "انسحاب من التاجي",
        0,
        16,
        "alain",
        D(2020, 8, 23),
        end_date=D(2020, 8, 31),
        date_precision="range",
        place=TAJI,
        destination=AIN,
        troops=500,
    ),
    Event(
        "attack",
        D(2021, 4, 17),
        "هجوم بعبوة ناسفة",
        0,
        15,
        "alaraby 2021-04-18",
        D(2021, 4, 18),
        place=DHIQAR,
    ),
    Event("announcement", D(2024, 8, 15), "بيان الخارجية", 0, 13, "shafaq", D(2024, 8, 15)),
]


def test_geojson_feature_collection():
    fc = events_geojson(EVENTS)
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 4
    f0, f1, f2, f3 = fc["features"]
    assert f0["id"] == EVENTS[0].id and f0["properties"]["id"] == EVENTS[0].id
    assert f0["geometry"] == {
        "type": "Point",
        "coordinates": [42.441299, 33.785612],
    }  # [lon, lat], 6 decimals
    assert f1["geometry"] == {"type": "LineString", "coordinates": [[44.256, 33.524], [42.441299, 33.785612]]}
    assert f2["geometry"]["type"] == "Point"
    assert f3["geometry"] is None
    p = f0["properties"]
    for key in (
        "type",
        "date",
        "end_date",
        "date_precision",
        "status",
        "place",
        "geo_precision",
        "quote",
        "source",
        "published",
        "rockets",
        "killed",
        "wounded",
        "troops",
        "vehicles",
        "shipments",
    ):
        assert key in p
    assert (p["rockets"], p["wounded"], p["killed"]) == (6, 2, None)
    assert p["sources"] == ["alaraby 2021-04-18", "shafaq"] and p["quotes"] == [QUOTE, "q2"]
    assert f1["properties"]["end_date"] == "2020-08-31" and f1["properties"]["troops"] == 500
    assert f3["properties"]["geo_precision"] == "none"


def test_write_geojson_utf8_unescaped_no_nan(tmp_path):
    nan_place = Place("x", "X", float("nan"), 44.0, "city", "city")
    out = tmp_path / "e.geojson"
    assert write_geojson(EVENTS, out) == 4
    raw = out.read_bytes()
    assert QUOTE.encode("utf-8") in raw and b"\\u0647" not in raw
    assert json.loads(raw)["features"][0]["properties"]["quote"] == QUOTE
    # A NaN coordinate can never reach the file: allow_nan=False raises rather than write it.
    with pytest.raises(ValueError):
        write_geojson([Event("attack", D(2021, 1, 1), "q", 0, 1, "s", D(2021, 1, 1), place=nan_place)], out)
    assert "NaN" not in out.read_text(encoding="utf-8")


def test_format_from_suffix_and_errors(tmp_path):
    assert format_for("a.geojson") == "geojson" and format_for("a.GPKG") == "gpkg"
    assert format_for("a.parquet") == "parquet" and format_for("a.csv") == "csv"
    assert format_for("a.txt", "csv") == "csv"
    with pytest.raises(ExportError, match=r"use \.geojson, \.gpkg, \.csv or \.parquet"):
        export_events(EVENTS, tmp_path / "out.xlsx")
    with pytest.raises(ExportError, match="unknown export format"):
        export_events(EVENTS, tmp_path / "out.geojson", fmt="kml")
    with pytest.raises(ExportError, match="does not exist"):
        export_events(EVENTS, tmp_path / "missing" / "out.geojson")


def test_export_refuses_to_overwrite_the_store(tmp_path):
    store = tmp_path / "events.gpkg"
    with open_store(store):
        pass
    before = store.read_bytes()
    with pytest.raises(ExportError, match="is an event store"):
        export_events(EVENTS, store)
    assert store.read_bytes() == before


def test_gpkg_csv_parquet(tmp_path):
    import geopandas as gpd

    for fmt in ("gpkg", "csv", "parquet"):
        assert export_events(EVENTS, tmp_path / f"e.{fmt}") == 4
    layers = dict(pyogrio.list_layers(tmp_path / "e.gpkg"))
    assert list(layers) == ["events"]
    g = pyogrio.read_dataframe(tmp_path / "e.gpkg", layer="events")
    assert list(g["id"]) == [e.id for e in EVENTS]
    assert list(g.geometry.geom_type[:3]) == ["Point", "LineString", "Point"] and g.geometry.iloc[3] is None
    assert g.crs.to_epsg() == 4326
    assert g["quote"].iloc[0] == QUOTE

    with open(tmp_path / "e.csv", "rb") as f:
        assert f.read(3) == b"\xef\xbb\xbf"  # BOM so Excel reads UTF-8 Arabic
    with open(tmp_path / "e.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["quote"] == QUOTE and float(rows[0]["lon"]) == pytest.approx(42.441299, abs=1e-6)
    assert rows[0]["geometry_wkt"] == "POINT (42.441299 33.785612)" and rows[1]["geometry_wkt"].startswith("LINESTRING")
    assert rows[3]["geometry_wkt"] == "" and rows[0]["rockets"] == "6" and rows[0]["killed"] == ""

    pq = gpd.read_parquet(tmp_path / "e.parquet")
    assert pq.crs.to_epsg() == 4326 and list(pq["id"]) == [e.id for e in EVENTS]
    assert str(pq["rockets"].dtype) == "Int64" and pq["rockets"].iloc[0] == 6


def test_events_frame_empty_keeps_schema(tmp_path):
    frame = events_frame([])
    assert len(frame) == 0 and {"id", "date", "quote", "rockets"} <= set(frame.columns)
    assert export_events([], tmp_path / "empty.geojson") == 0
    assert json.loads((tmp_path / "empty.geojson").read_text()) == {
        "type": "FeatureCollection",
        "features": [],
    }
    assert export_events([], tmp_path / "empty.parquet") == 0


def test_filter_events():
    assert filter_events(EVENTS) == EVENTS
    ids = lambda es: [EVENTS.index(e) for e in es]  # noqa: E731
    assert ids(filter_events(EVENTS, start=D(2021, 1, 1))) == [0, 2, 3]
    # The withdrawal's range [08-01, 08-31] overlaps a window starting 08-20.
    assert ids(filter_events(EVENTS, start=D(2020, 8, 20), end=D(2020, 9, 1))) == [1]
    assert ids(filter_events(EVENTS, end=D(2021, 4, 17))) == [1, 2]
    assert ids(filter_events(EVENTS, types=["attack"])) == [0, 2]
    assert ids(filter_events(EVENTS, governorates=["anbar", "Dhi Qar"])) == [0, 2]
    assert ids(filter_events(EVENTS, bbox=(42.0, 33.0, 43.0, 34.0))) == [0, 1]  # movement ends there
    assert ids(filter_events(EVENTS, sources=["shafaq"])) == [0, 3]
    assert ids(filter_events(EVENTS, min_precision="site")) == [0, 1]
    assert ids(filter_events(EVENTS, min_precision="governorate")) == [0, 1, 2]


def test_format_table_handles_arabic_and_empty():
    assert format_table([]) == "no events"
    table = format_table(EVENTS)
    lines = table.splitlines()
    assert lines[0].split()[:4] == ["date", "prec", "type", "status"]
    assert len(lines) == 1 + len(EVENTS) + 1 and lines[-1] == "4 events"
    assert "2020-08-01..2020-08-31" in table and "Camp Taji -> Ain al-Asad Air Base" in table
    assert "rockets=6 wounded=2" in table and "(+1)" in table
    assert QUOTE in table
    # Columns line up: "type" starts at the same column in every row.
    col = lines[0].index("type")
    assert all(line[col:].split()[0] in {"type", "attack", "withdrawal", "announcement"} for line in lines[1:-1])
    long = Event("attack", D(2021, 1, 1), "ك" * 200, 0, 200, "s", D(2021, 1, 1))
    assert "ك" * 59 + "…" in format_table([long]) and "ك" * 61 not in format_table([long])
    bidi = Event("attack", D(2021, 1, 1), "a\u202eb\nc", 0, 5, "s", D(2021, 1, 1))
    assert "\u202e" not in format_table([bidi]) and "ab c" in format_table([bidi])


def test_no_nan_in_geojson_properties():
    for f in events_geojson(EVENTS)["features"]:
        for v in f["properties"].values():
            assert not (isinstance(v, float) and math.isnan(v))


def test_streamed_export_equals_the_whole(tmp_path):
    """Pages in, the same files out: GeoJSON byte for byte, the frames value for value, whatever the page size."""
    import geopandas as gpd
    import pandas as pd

    from geo.devtools.sample import synthetic_events
    from geo.export import events_geojson

    events = synthetic_events(230, seed=3)
    pages = [events[i : i + 50] for i in range(0, len(events), 50)]
    assert export_events(pages, tmp_path / "p.geojson") == 230
    assert json.loads((tmp_path / "p.geojson").read_text(encoding="utf-8")) == json.loads(
        json.dumps(events_geojson(events), ensure_ascii=False))
    assert export_events(events, tmp_path / "w.geojson") == 230
    assert (tmp_path / "p.geojson").read_bytes() == (tmp_path / "w.geojson").read_bytes()
    for fmt in ("parquet", "csv", "gpkg"):
        assert export_events(iter(pages), tmp_path / f"p.{fmt}") == 230
        assert export_events(events, tmp_path / f"w.{fmt}") == 230
    a, b = gpd.read_parquet(tmp_path / "p.parquet"), gpd.read_parquet(tmp_path / "w.parquet")
    assert len(a) == 230 and a.crs.to_epsg() == 4326 and list(a["id"]) == [e.id for e in events]
    pd.testing.assert_frame_equal(a, b)
    whole = events_frame(events)
    cols = ["id", "type", "date", "lat", "lon", "rockets", "quote", "sources"]
    pd.testing.assert_frame_equal(a[cols], whole[cols], check_dtype=False)
    assert a.geometry.equals(whole.geometry)
    assert set(a.geometry.geom_type.dropna()) == {"Point", "LineString"}
    import pyarrow.parquet as pq

    schema = pq.read_schema(tmp_path / "p.parquet")
    # types fixed by PROPERTIES, not by what a chunk happens to hold (actor is never known yet)
    assert str(schema.field("actor").type) == "string" and str(schema.field("rockets").type) == "int64"
    assert pq.ParquetFile(tmp_path / "p.parquet").metadata.num_row_groups == 5
    assert (tmp_path / "p.csv").read_bytes() == (tmp_path / "w.csv").read_bytes()
    assert (tmp_path / "p.csv").read_bytes().count(b"\xef\xbb\xbf") == 1
    g = pyogrio.read_dataframe(tmp_path / "p.gpkg", layer="events")
    assert len(g) == 230 and list(g["id"]) == [e.id for e in events]
    assert export_events(iter([]), tmp_path / "none.parquet") == 0
    assert len(gpd.read_parquet(tmp_path / "none.parquet")) == 0


def test_quote_offsets_are_named_as_offsets_and_the_old_names_stay_one_release():
    props = events_geojson(EVENTS[:1])["features"][0]["properties"]
    assert (props["quote_start"], props["quote_end"]) == (10, 10 + len(QUOTE))
    assert (props["start"], props["end"]) == (props["quote_start"], props["quote_end"])  # deprecated aliases
    assert {"quote_start", "quote_end", "start", "end"} <= set(events_frame(EVENTS).columns)


@pytest.mark.parametrize("subset", [[3], [2, 3], [0, 1, 2, 3]], ids=["no counts", "one located", "all"])
def test_property_types_do_not_depend_on_the_window(tmp_path, subset):
    """The same field types whichever events are exported, also when a count is null in every one."""
    chosen = [EVENTS[i] for i in subset]
    for f in events_geojson(chosen)["features"]:
        for k in ("rockets", "killed", "wounded", "troops", "quote_start"):
            assert f["properties"][k] is None or isinstance(f["properties"][k], int), (k, f["properties"][k])
        assert f["properties"]["confidence"] is None or isinstance(f["properties"]["confidence"], float)
    out = tmp_path / "e.gpkg"
    export_events(chosen, out)
    info = pyogrio.read_info(out, layer="events")
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert types["rockets"].startswith("int") and types["killed"].startswith("int"), types
    assert types["quote_start"].startswith("int") and types["lat"] == "float64"
    assert types["quote"] == "object" and types["place"] == "object"
