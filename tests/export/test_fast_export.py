"""The column export (``Store.iter_columns`` -> ``export_columns``, what ``geo export`` uses for GeoJSON
and GeoParquet) writes exactly what the Event export writes, on a generated store of both backends."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import random

import pyarrow.parquet as pq
import pytest

from geo.cli import main
from geo.devtools.sample import PLACES, synthetic_events
from geo.export import export_columns, export_events
from geo.export.events import _UNKNOWN, columns_geojson, columns_table, event_features, events_table
from geo.review import decide
from geo.store import Article, open_store

# Texts that take every escape of the JSON writer, and a template's own characters.
ODD = ['قال "المصدر" إن 50% من القوات %s غادرت', "سطر\nثان\tو\\ شرطة \u2028 \x01", "🚀 rockets", ""]


@pytest.fixture(scope="module")
def reports():
    """600 generated reports in 200 articles: every type, movements, unlocated ones, counts, confidences,
    spans, odd texts; many the same event from several sources (so merged rows hold lists)."""
    rng = random.Random(7)
    out: dict[int, list] = {}
    for i, e in enumerate(synthetic_events(300, seed=5, days=120)):
        extra = {"rockets": rng.choice([None, 0, 3, 12]), "killed": rng.choice([None, 1]),
                 "confidence": rng.choice([None, 0.5, 0.8500000000000001, 1.0, 1 / 3]),
                 "weapon": rng.choice([None, "Katyusha"]), "trigger": rng.choice(["", "قصف"]),
                 "date_text": rng.choice(["", "أمس"])}
        if i % 17 == 0:
            extra["place"] = None  # unlocated
        if i % 11 == 0:
            extra["quote"] = ODD[i % len(ODD)] + str(i)
        if e.date_precision in ("month", "range"):
            extra["end_date"] = e.date + dt.timedelta(days=rng.choice([3, 29]))
        e = dataclasses.replace(e, **extra)
        for k in range(rng.choice([1, 1, 2, 3])):  # the same happening from up to three outlets
            src = ["Al-Araby", "Shafaq News", "Al-Ain"][k]
            out.setdefault(rng.randrange(200), []).append(
                dataclasses.replace(e, source=f"{src} ({i})", quote=f"{e.quote} [{k}]"))
    return out


def _fill(target, reports) -> None:
    batch = []
    for i, evs in sorted(reports.items()):
        text = f"generated article {i}"
        batch.append((Article(hashlib.sha256(text.encode()).hexdigest(), text, evs[0].published, evs[0].source),
                      evs))
    with open_store(target) as st:
        st.add_articles(batch)


@pytest.fixture(params=["gpkg", "postgis"])
def target(request, tmp_path, reports):
    t = str(tmp_path / "fast.gpkg") if request.param == "gpkg" else request.getfixturevalue("postgis_url")
    _fill(t, reports)
    return t


def test_every_property_is_known_to_the_column_export():
    assert _UNKNOWN == []


def test_columns_equal_events_field_for_field(target):
    """Page by page: the same events in the same pages, every property and geometry equal, in order."""
    with open_store(target, create=False) as st:
        pages = list(st.iter_query(page=64))
        columns = list(st.iter_columns(page=64))
        assert sum(map(len, pages)) == st.merged_count() > 200  # some reports were merged...
        assert st.merged_count() < st.counts()["events"]
        assert any(len(e.all_sources) > 1 for p in pages for e in p)  # ...into events with lists
    assert [len(c) for c in columns] == [len(p) for p in pages]
    for events, cols in zip(pages, columns, strict=True):
        old = event_features(events)
        new = json.loads("[" + columns_geojson(cols) + "]")
        for a, b in zip(old, new, strict=True):
            assert a["id"] == b["id"]
            assert a["geometry"] == b["geometry"]
            assert list(a["properties"]) == list(b["properties"])  # the same order
            for k, v in a["properties"].items():
                assert (k, b["properties"][k]) == (k, v)
        assert columns_table(cols).equals(events_table(events), check_metadata=True)
    seen = {e.type for p in pages for e in p}
    assert {"withdrawal", "attack"} <= seen
    assert any(e.destination for p in pages for e in p) and any(e.place is None for p in pages for e in p)
    assert len({e.confidence for p in pages for e in p}) > 4  # unknown, given and combined by the merge
    assert any("\u2028" in q for p in pages for e in p for q in e.all_quotes)


def test_column_files_equal_event_files_byte_for_byte(target, tmp_path):
    with open_store(target, create=False) as st:
        for fmt in ("geojson", "parquet"):
            assert export_columns(st.iter_columns(page=100), tmp_path / f"c.{fmt}") == st.merged_count()
            assert export_events(st.iter_query(page=100), tmp_path / f"e.{fmt}") == st.merged_count()
            assert (tmp_path / f"c.{fmt}").read_bytes() == (tmp_path / f"e.{fmt}").read_bytes(), fmt
        assert pq.ParquetFile(tmp_path / "c.parquet").metadata.num_row_groups == -(-st.merged_count() // 100)
        # filtered: only what was asked, still the same bytes
        window = {"start": dt.date(2020, 2, 1), "end": dt.date(2020, 2, 29), "types": ["attack", "withdrawal"]}
        n = export_columns(st.iter_columns(**window), tmp_path / "w.geojson")
        assert n == st.count(**window) > 0
        export_events(st.iter_query(**window), tmp_path / "v.geojson")
        assert (tmp_path / "w.geojson").read_bytes() == (tmp_path / "v.geojson").read_bytes()
        assert export_columns(st.iter_columns(start=dt.date(1990, 1, 1), end=dt.date(1990, 1, 2)),
                              tmp_path / "none.parquet") == 0
    assert pq.read_table(tmp_path / "none.parquet").num_rows == 0


def test_a_place_without_coordinates_fails_as_the_event_export_does(tmp_path):
    """A NaN latitude is stored as NULL: neither path writes a file for it, and both say so the same way."""
    nan = dataclasses.replace(PLACES["taji"], id="nan_place", lat=float("nan"))
    e = dataclasses.replace(synthetic_events(1, seed=1)[0], place=nan, destination=None)
    target = tmp_path / "nan.gpkg"
    _fill(target, {0: [e]})
    with open_store(target, create=False) as st:
        with pytest.raises(TypeError) as old:
            export_events(st.iter_query(), tmp_path / "nan.geojson")
        with pytest.raises(TypeError) as new:
            export_columns(st.iter_columns(), tmp_path / "nan.geojson")
    assert str(new.value) == str(old.value)
    assert not (tmp_path / "nan.geojson").exists()


def test_only_geojson_and_parquet_from_columns(tmp_path, reports):
    from geo.core.errors import ExportError

    with pytest.raises(ExportError, match="geojson or parquet only"):
        export_columns(iter([]), tmp_path / "x.csv")


def test_cli_export_applies_reviews_on_the_event_path(tmp_path, reports, capsys):
    """Once a decision is stored, ``iter_columns`` declines and ``geo export`` writes the reviewed events
    (the slow path, by design): the decision is in the file, the rejected event is not."""
    target = tmp_path / "rev.gpkg"
    _fill(target, reports)
    out, before = tmp_path / "r.geojson", tmp_path / "b.geojson"
    assert main(["export", "-o", str(before), "--store", str(target)]) == 0
    with open_store(target) as st:
        assert st.iter_columns() is not None
        view = st.reviewed()
        rejected = view.events[3].id
        st.add_reviews([decide(view, 3, "rejected", "tester"), decide(view, 5, "confirmed", "tester")])
        assert st.iter_columns() is None
        n = st.count()
    assert main(["export", "-o", str(out), "--store", str(target)]) == 0
    feats = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert len(feats) == n == len(json.loads(before.read_text(encoding="utf-8"))["features"]) - 1
    assert rejected not in {f["id"] for f in feats}
    assert sum(f["properties"]["review_status"] == "confirmed" for f in feats) == 1


def test_a_place_missing_from_the_places_gives_the_event_paths_ids(tmp_path, reports):
    """The column export takes the stored ids (``Event.id`` as written); a row naming a place the
    places table lacks reads back without it, so its id is the hash without the place, as the Event
    path computes it, not the stored one."""
    import sqlite3

    target = tmp_path / "gone.gpkg"
    _fill(target, reports)
    with open_store(target, create=False) as st:
        stored = {e.id for p in st.iter_query() for e in p}
        gone = next(e.place.id for p in st.iter_query() for e in p if e.place)
    con = sqlite3.connect(target)
    with con:
        con.execute("DELETE FROM places WHERE id = ?", (gone,))
    con.close()
    with open_store(target, create=False) as st:
        pages = list(st.iter_query(page=64))
        columns = list(st.iter_columns(page=64))
        for events, cols in zip(pages, columns, strict=True):
            assert columns_table(cols).equals(events_table(events), check_metadata=True)
            assert [f["id"] for f in json.loads("[" + columns_geojson(cols) + "]")] == [e.id for e in events]
        ids = {e.id for p in pages for e in p}
    assert ids != stored and len(ids - stored) > 0  # the placeless rows have other ids than stored


@pytest.mark.parametrize("values", [
    [], [None], [None, None], ["a", None, "b"], ["x\x00y", "z"], ["ق", None, ""], ["", ""], ["a"],
    ["\x00", None], ["قال", "\x00ق"],
])
def test_text_arrays_are_pa_arrays(values):
    """The builders lay texts out themselves (joined around a NUL, split where the NULs stand), a text
    holding U+0000 itself included; the array is ``pa.array``'s, from str or from UTF-8 bytes."""
    import pyarrow as pa

    from geo.export.arrow import array, utf8_texts

    expected = pa.array(values, type=pa.string())
    for made in (array(values, pa.string()), utf8_texts([None if v is None else v.encode() for v in values])):
        made.validate(full=True)
        assert made.equals(expected)


def test_texts_handed_over_as_utf8_make_the_same_pages(tmp_path, reports):
    """The GeoPackage hands the quotes and the lists' texts over as UTF-8 bytes (``EventColumns.utf8``):
    the same table and features as from texts, with a NULL, a NUL, and bytes that are not UTF-8 refused."""
    from geo.core.errors import ExportError, StoreError
    from geo.store.base import Filters
    from geo.store.columns import COLUMNS_READ_COLS, COLUMNS_UTF8, rows_to_columns

    target = tmp_path / "utf8.gpkg"
    _fill(target, reports)
    with open_store(target, create=False) as st:
        assert next(iter(st.iter_columns())).utf8.keys() == set(COLUMNS_UTF8)
        places = st._places()
        rows = [list(r) for r in next(st._keyset_pages(COLUMNS_READ_COLS, 10**6, Filters.of()))]
    at = [COLUMNS_READ_COLS.index(c) for c in COLUMNS_UTF8]
    rows[0][at[0]] = None
    rows[1][at[0]] = "قال\x00"
    rows[2][at[1]] = '["a\x00b", "c"]'
    rows[3][at[2]] = None
    texts = rows_to_columns([tuple(r) for r in rows], places)
    as_bytes = [tuple(v.encode() if i in at and v is not None else v for i, v in enumerate(r)) for r in rows]
    encoded = rows_to_columns(as_bytes, places, utf8=True)
    assert encoded.utf8 and not texts.utf8
    assert columns_table(encoded).equals(columns_table(texts), check_metadata=True)
    assert columns_geojson(rows_to_columns(as_bytes, places, utf8=True)) == columns_geojson(texts)
    as_bytes[4] = tuple(b"\xff" if i == at[0] else v for i, v in enumerate(as_bytes[4]))
    with pytest.raises(ExportError, match="not UTF-8"):  # one line for the CLI, not pyarrow's traceback
        columns_table(rows_to_columns(as_bytes, places, utf8=True))
    with pytest.raises(StoreError, match="not UTF-8"):  # the GeoJSON path decodes them
        columns_geojson(rows_to_columns(as_bytes, places, utf8=True))
