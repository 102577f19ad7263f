"""The GeoPackage store (geo.store): layout, round trip, transactions, default store."""

from __future__ import annotations

import datetime as dt
import sqlite3
import struct

import pyogrio
import pytest
import shapely

from gazetteer.models import Place
from geo.core import settings
from geo.core.errors import StoreError
from geo.core.models import Event
from geo.ingest import open_seeded_store
from geo.store import Article, Store, open_store
from geo.store.geopackage import GPKG_APPLICATION_ID, gpkg_geometry, parse_gpkg_geometry

D = dt.date
DAY = D(2021, 4, 18)
AIN = Place("ain_al_asad", "Ain al-Asad Air Base", 33.7856, 42.4412, "air_base", "site", "عين الأسد", "Anbar", "IQ")
TAJI = Place("taji", "Camp Taji", 33.5240, 44.2560, "military_base", "site", "التاجي", "Baghdad", "IQ")


def article(text: str, source: str = "alaraby 2021-04-18", published: D = DAY) -> Article:
    import hashlib

    return Article(hashlib.sha256(text.encode()).hexdigest(), text, published, source, path="x.txt")


def events_for(source: str) -> list[Event]:
    return [
        Event(
            "attack",
            D(2021, 4, 18),
            "هجوم على عين الأسد",
            5,
            23,
            source,
            D(2021, 4, 18),
            place=AIN,
            rockets=6,
            killed=0,
            actor="militia",
            weapon="rocket",
            trigger="استهدف",
            date_text="الأحد",
        ),
        Event(
            "withdrawal",
            D(2020, 8, 1),
            "انسحاب من التاجي",
            30,
            46,
            source,
            D(2021, 4, 18),
            place=TAJI,
            destination=AIN,
            end_date=D(2020, 8, 31),
            date_precision="range",
            status="occurred",
            troops=500,
        ),
        Event("announcement", D(2021, 4, 18), "بيان", 50, 54, source, D(2021, 4, 18)),
    ]


def test_geopackage_layout(tmp_path):
    path = tmp_path / "s.gpkg"
    with open_store(path) as st:
        st.add_article(article("نص"), events_for("alaraby 2021-04-18"))
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA application_id").fetchone()[0] == GPKG_APPLICATION_ID == 0x47504B47
    assert con.execute("PRAGMA user_version").fetchone()[0] == 10300
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    srs = {r[0] for r in con.execute("SELECT srs_id FROM gpkg_spatial_ref_sys")}
    assert {-1, 0, 4326} <= srs
    geom_cols = dict(con.execute("SELECT table_name, geometry_type_name FROM gpkg_geometry_columns"))
    assert geom_cols == {"events": "POINT", "movements": "LINESTRING", "places": "POINT", "merged_events": "POINT"}
    contents = dict(con.execute("SELECT table_name, data_type FROM gpkg_contents"))
    assert contents == {
        "events": "features",
        "movements": "features",
        "places": "features",
        "articles": "attributes",
        "merged_events": "features",
    }
    con.close()
    layers = dict(pyogrio.list_layers(path))
    assert layers == {"events": "Point", "movements": "LineString", "places": "Point", "articles": None,
                      "merged_events": "Point"}
    merged = pyogrio.read_dataframe(path, layer="merged_events")
    assert len(merged) == 3 and sorted(merged["type"]) == ["announcement", "attack", "withdrawal"]
    ev = pyogrio.read_dataframe(path, layer="events")
    assert ev.crs.to_epsg() == 4326 and len(ev) == 3
    row = ev.set_index("type").loc["attack"]
    assert (row.geometry.x, row.geometry.y) == (42.4412, 33.7856)
    assert row["quote"] == "هجوم على عين الأسد" and row["rockets"] == 6
    assert ev.set_index("type").loc["announcement"].geometry is None
    mv = pyogrio.read_dataframe(path, layer="movements")
    assert len(mv) == 1 and list(mv.geometry.iloc[0].coords) == [(44.256, 33.524), (42.4412, 33.7856)]
    pl = pyogrio.read_dataframe(path, layer="places")
    assert sorted(pl["id"]) == ["ain_al_asad", "taji"]
    arts = pyogrio.read_dataframe(path, layer="articles", read_geometry=False)
    assert list(arts["text"]) == ["نص"]


def test_geometry_encoding():
    blob = gpkg_geometry(shapely.Point(42.5, 33.5))
    assert blob[:2] == b"GP" and blob[2] == 0
    assert struct.unpack("<i", blob[4:8])[0] == 4326
    assert blob[3] & 1 == 1 and (blob[3] >> 1) & 7 == 0  # little endian, no envelope for points
    assert parse_gpkg_geometry(blob).equals(shapely.Point(42.5, 33.5))
    line = gpkg_geometry(shapely.LineString([(44, 33), (42, 34)]))
    assert (line[3] >> 1) & 7 == 1 and struct.unpack("<4d", line[8:40]) == (42, 44, 33, 34)
    assert parse_gpkg_geometry(line).equals(shapely.LineString([(44, 33), (42, 34)]))
    assert gpkg_geometry(None) is None and parse_gpkg_geometry(None) is None


def test_events_round_trip(tmp_path):
    original = events_for("alaraby 2021-04-18")
    with open_store(tmp_path / "s.gpkg") as st:
        assert st.add_article(article("نص"), original) == 3
        raw = [e for _, e in st.raw_events()]
    assert raw == original  # every field, places rebuilt from the places table
    assert [e.id for e in raw] == [e.id for e in original]
    with open_store(tmp_path / "s.gpkg") as st:
        got = st.events()
        assert [e.id for e in got] == [e.id for e in sorted(original, key=lambda e: (e.date, e.id))]
        assert got[0].type == "withdrawal" and got[0].destination == AIN
        assert all(e.sources == (e.source,) for e in got)


def test_same_article_is_stored_once(tmp_path):
    with open_store(tmp_path / "s.gpkg") as st:
        a = article("نص")
        assert st.add_article(a, events_for("s")) == 3
        assert st.add_article(a, events_for("s")) is None
        assert st.counts() == {"articles": 1, "events": 3, "movements": 1, "places": 2, "merged_events": 3}


def test_cross_article_dedup_in_events(tmp_path):
    with open_store(tmp_path / "s.gpkg") as st:
        st.add_article(article("one", "alaraby"), events_for("alaraby"))
        st.add_article(article("two", "shafaq", D(2021, 4, 19)), events_for("shafaq"))
        assert st.counts()["events"] == 6
        got = st.events()
        assert len(got) == 3
        assert all(e.sources == ("alaraby", "shafaq") for e in got)
        assert [e.type for e in st.events(types=["attack"])] == ["attack"]
        assert [e.type for e in st.events(governorates=["Baghdad"])] == ["withdrawal"]
        assert st.events(start=D(2022, 1, 1)) == []
        assert len(st.events(bbox=(42.0, 33.0, 43.0, 34.0))) == 2
        assert len(st.events(sources=["shafaq"])) == 3


def test_failed_write_leaves_nothing(tmp_path, monkeypatch):
    path = tmp_path / "s.gpkg"
    with open_store(path) as st:
        st.add_article(article("first"), events_for("a"))

        def boom(*a, **k):
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(Store, "_insert_events", boom)
        with pytest.raises(RuntimeError):
            st.add_article(article("second"), events_for("b"))
        monkeypatch.undo()
        assert st.counts()["articles"] == 1 and st.counts()["events"] == 3
        assert not st.has_article(article("second").id)


def test_articles_text_and_counts(tmp_path):
    with open_store(tmp_path / "s.gpkg") as st:
        a = article("نص المقال")
        st.add_article(a, events_for("s"))
        rows = st.articles()
        assert len(rows) == 1 and "text" not in rows[0]
        assert rows[0]["id"] == a.id and rows[0]["events"] == 3 and rows[0]["published"] == "2021-04-18"
        assert st.article_text(a.id) == "نص المقال"
        with pytest.raises(StoreError, match="no article"):
            st.article_text("nope")


def test_replace_events(tmp_path):
    with open_store(tmp_path / "s.gpkg") as st:
        a = article("نص")
        st.add_article(a, events_for("s"))
        assert st.replace_events(a.id, events_for("s")[:1]) == 1
        assert st.counts()["events"] == 1 and st.counts()["movements"] == 0
        assert st.counts()["articles"] == 1


def test_not_a_store(tmp_path):
    bad = tmp_path / "notes.gpkg"
    bad.write_text("just some text, not a database\n" * 50)
    with pytest.raises(StoreError, match="not a usable event store"), open_store(bad):
        pass
    assert bad.read_text().startswith("just some text")
    with pytest.raises(StoreError, match="is a folder"), open_store(tmp_path):
        pass
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="not a GeoPackage"), open_store(other):
        pass


def test_default_store_is_built_from_seeds(tmp_path, monkeypatch, seeds_dir):
    store = tmp_path / "data" / "events.gpkg"
    monkeypatch.setenv("GEO_STORE", str(store))
    monkeypatch.setattr(settings, "SEEDS_DIR", seeds_dir)
    with open_seeded_store() as st:
        assert st.path == store
        assert st.counts()["articles"] == 5
        sources = sorted(a["source"] for a in st.articles())
    assert sources[0] == "Al-Ain News (al-ain.com) 2021-12-09"
    with open_seeded_store() as st:  # second use: nothing re-ingested
        assert st.counts()["articles"] == 5
    fresh = tmp_path / "explicit.gpkg"
    with open_seeded_store(fresh) as st:  # an explicit path is never seeded
        assert st.counts()["articles"] == 0
