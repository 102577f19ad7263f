"""Hostile input end to end (what test_bad_input.py does not already cover): a 100 MB file in a folder,
bidi and zero-width controls around a base name, script and template text carried from an article to the
GeoJSON export and the dashboard, deep HTML full of inline scripts, unclosed tags, and a folder mixing
UTF-8 with BOM, UTF-16 LE and Windows-1256.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

import geo
from dashboard import data, filters
from dashboard import map as dmap
from geo import extract_events
from geo.cli import main as geo_main
from geo.ingest import ingest_paths
from geo.ingest.readers import html_to_text, read_documents
from geo.store import open_store

ROOT = Path(geo.__file__).parent.parent
SUN = dt.date(2020, 3, 29)  # a Sunday
ATTACK = "هجوم صاروخي استهدف {base} مساء الأحد."
ONE_ATTACK = ATTACK.format(base="قاعدة عين الأسد")


def write_folder(folder: Path, files: dict[str, bytes | str], published: str = "2020-03-29") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
    with open(folder / "index.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "published", "outlet"])
        for name in files:
            w.writerow([name, published, "Hostile Wire"])
    return folder


def stored(store: Path) -> dict[str, tuple[dict, str, list]]:
    """file name -> (article row, stored text, events)."""
    with open_store(store) as st:
        by_id: dict[str, list] = {}
        for aid, e in st.raw_events():
            by_id.setdefault(aid, []).append(e)
        return {Path(a["path"]).name: (a, st.article_text(a["id"]), by_id.get(a["id"], [])) for a in st.articles()}


# --- 100 MB --------------------------------------------------------------------------------------------


def test_100_mb_file_is_rejected_by_size_fast_and_its_neighbours_are_stored(tmp_path):
    folder = write_folder(tmp_path / "in", {"good.txt": ONE_ATTACK})
    huge = folder / "huge.txt"
    with open(huge, "wb") as f:  # sparse: 100 MB on paper
        f.truncate(100 * 1024 * 1024)
    reason = "too large (104.9 MB > 5.2 MB limit); split it or raise GEO_MAX_ARTICLE_BYTES"

    tracemalloc.start()
    t0 = time.perf_counter()
    with pytest.raises(geo.InputError) as err:
        read_documents(huge)
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert str(err.value) == f"huge.txt: {reason}"
    assert elapsed < 5
    assert peak < 5 * 1024 * 1024  # judged from its size: nothing near 100 MB was read

    store = tmp_path / "s.gpkg"
    t0 = time.perf_counter()
    report = ingest_paths([folder], store=store)
    assert time.perf_counter() - t0 < 5 + 30  # the good article's extraction included
    assert report.skipped == [(str(huge), reason)]
    assert (report.read, report.new, report.events_added) == (1, 1, 1)
    ((_row, text, events),) = stored(store).values()
    assert text == ONE_ATTACK and [e.place.id for e in events] == ["ain_al_asad"]

    # The CLI says it in one line on stderr; the good file is in the store (exit 0: something was ingested).
    store2 = tmp_path / "cli.gpkg"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GEO_LOG_LEVEL": "WARNING"}
    proc = subprocess.run([sys.executable, "-m", "geo.cli", "ingest", str(folder), "--store", str(store2),
                           "--no-progress"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert proc.returncode == 0
    assert proc.stderr.strip().splitlines() == [f"WARNING geo.ingest: {huge}: {reason}"]
    assert proc.stdout.strip() == ("ingested 1 articles (1 new, 0 already stored), 1 events added, 0 merged; "
                                   "1 skipped: huge.txt (too large (104.9 MB > 5.2 MB limit))")
    assert list(stored(store2)) == ["good.txt"]


# --- bidi and zero-width controls ----------------------------------------------------------------------

BIDI_BASES = {
    "rlo.txt": "\u202eقاعدة عين الأسد\u202c",  # RIGHT-TO-LEFT OVERRIDE ... POP DIRECTIONAL FORMATTING
    "zwsp.txt": "قاعدة \u200bعين\u200b الأسد",  # ZERO WIDTH SPACE inside the name
    "rlm.txt": "قاعدة عين\u200f الأسد\u200f",  # RIGHT-TO-LEFT MARK
    "all.txt": "\u202e\u200fقاعدة\u200b عين\u200f \u200bالأسد\u202c",
}


@pytest.mark.parametrize("name", sorted(BIDI_BASES))
def test_bidi_and_zero_width_controls_around_a_base_name(name):
    text = ATTACK.format(base=BIDI_BASES[name])
    (e,) = extract_events(text, SUN, source="x")
    assert e.place is not None and (e.type, e.place.id, e.date) == ("attack", "ain_al_asad", SUN)
    assert text[e.start : e.end] == e.quote and BIDI_BASES[name] in e.quote


def test_bidi_quotes_round_trip_through_the_store_and_the_export(tmp_path):
    folder = write_folder(tmp_path / "in", {n: ATTACK.format(base=b) for n, b in BIDI_BASES.items()})
    store = tmp_path / "s.gpkg"
    report = ingest_paths([folder], store=store)
    assert (report.new, report.events_added, report.skipped) == (4, 4, [])
    got = stored(store)
    assert sorted(got) == sorted(BIDI_BASES)
    for name, (_row, text, events) in got.items():
        assert text == ATTACK.format(base=BIDI_BASES[name])  # the controls are kept, not stripped
        (e,) = events
        assert e.place.id == "ain_al_asad" and text[e.start : e.end] == e.quote
        assert BIDI_BASES[name] in e.quote
    out = tmp_path / "e.geojson"
    assert geo_main(["export", "-o", str(out), "--store", str(store)]) == 0
    quotes = {f["properties"]["quote"] for f in json.loads(out.read_text(encoding="utf-8"))["features"]}
    # the four reports of one attack merge into one event; its quote is one of the four, controls intact
    assert quotes and quotes <= {ATTACK.format(base=b) for b in BIDI_BASES.values()}


# --- script and template text from an article to the page ---------------------------------------------

XSS = "<script>alert(1)</script>"
TEMPLATE = "X{{ 7*7 }}Y"
XSS_ARTICLE = f"هجوم صاروخي استهدف قاعدة عين الأسد {XSS} {TEMPLATE} مساء الأحد.\n"


def test_script_and_template_text_go_through_store_export_and_dashboard_inert(tmp_path):
    folder = write_folder(tmp_path / "in", {"xss.txt": XSS_ARTICLE})
    store = tmp_path / "s.gpkg"
    assert ingest_paths([folder], store=store).events_added == 1

    # The store and the GeoJSON export keep the raw words (escaping is the display's job).
    ((_row, text, (raw,)),) = stored(store).values()
    assert XSS in raw.quote and TEMPLATE in raw.quote and text[raw.start : raw.end] == raw.quote
    out = tmp_path / "e.geojson"
    assert geo_main(["export", "-o", str(out), "--store", str(store)]) == 0

    def no_constants(name):
        raise AssertionError(f"{name} in GeoJSON")

    fc = json.loads(out.read_text(encoding="utf-8"), parse_constant=no_constants)
    (feature,) = fc["features"]
    assert feature["properties"]["quote"] == raw.quote
    assert json.loads(data.geojson_bytes(data.load_events(store)))["features"][0]["properties"]["quote"] == raw.quote

    # The dashboard: the map's HTML never carries the tag, and branca never evaluates the braces.
    events = data.load_events(store)
    m = dmap.build_map(events, data.bases_status(events), at=SUN)
    html = m.get_root().render()
    assert "<script>alert(1)" not in html and "alert(1)</script>" not in html
    assert "X49Y" not in html
    app = next(c for c in m._children.values() if isinstance(c, dmap.layers.AppScript))  # the page's events
    (q,) = [d["q"] for d in json.loads(app.payload_js)["details"]]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in q and TEMPLATE in q
    panel = filters.quote_html(events, events[0].id)
    assert "<script>" not in panel and "&lt;script&gt;alert(1)&lt;/script&gt;" in panel
    assert TEMPLATE in panel and "X49Y" not in panel


# --- HTML: deep nesting full of inline scripts, attributes holding ">", unclosed tags ------------------


def _deep_page(depth: int) -> str:
    level = ("<div class='l{i}' data-x=\"a>b\"><script>var s{i} = 'سر{i}'; if (s{i}.length < 3 && x > 1) "
             "{{ document.write(\"<p>مخفي</p>\"); }}</script><style>.l{i} {{ color: red }}</style>")
    return ("<!doctype html><html><head><title>عنوان</title></head><body>"
            + "".join(level.format(i=i) for i in range(depth))
            + f"<p>{ONE_ATTACK}</p>" + "</div>" * depth + "</body></html>")


@pytest.mark.parametrize("depth", [1_500, 10_000])  # below and above readers.MAX_HTML_DEPTH (flattened)
def test_deep_html_with_inline_scripts(tmp_path, depth):
    page = _deep_page(depth)
    t0 = time.perf_counter()
    text, meta = html_to_text(page, "deep.html")
    assert time.perf_counter() - t0 < 10
    assert meta["title"] == "عنوان"
    assert text == ONE_ATTACK  # no script, style or attribute text: 'سر', 'مخفي', 'b">' are all gone

    folder = write_folder(tmp_path / "in", {"deep.html": page})
    store = tmp_path / "s.gpkg"
    report = ingest_paths([folder], store=store)
    assert (report.new, report.skipped) == (1, [])
    ((row, stored_text, events),) = stored(store).values()
    assert stored_text == ONE_ATTACK and row["title"] == "عنوان"
    assert [(e.type, e.place.id) for e in events] == [("attack", "ain_al_asad")]


def test_a_page_of_unclosed_tags_is_read_in_linear_time(tmp_path):
    """'<a ' never closed, 300 KB of it: scanning tags used to be quadratic (60 KB took 11 s)."""
    path = tmp_path / "unclosed.html"
    path.write_text(f"<html><body><p>{ONE_ATTACK}</p>" + "<a " * 100_000 + "</body></html>", encoding="utf-8")
    t0 = time.perf_counter()
    (doc,), _ = read_documents(path)
    assert time.perf_counter() - t0 < 5
    assert doc.text.startswith(ONE_ATTACK)


# --- one folder, three encodings -----------------------------------------------------------------------


def test_mixed_encodings_in_one_folder(tmp_path, seeds):
    texts = {name: seeds[name].text for name in sorted(seeds)[:3]}
    (a, ta), (b, tb), (c, tc) = texts.items()
    files = {
        "bom.txt": b"\xef\xbb\xbf" + ta.encode("utf-8"),
        "utf16.txt": b"\xff\xfe" + tb.encode("utf-16-le"),
        "cp1256.txt": tc.encode("cp1256"),
        "broken16.txt": b"\xff\xfe" + "قاعدة".encode("utf-16-le") + b"\x00\xd8",  # lone surrogate
    }
    folder = tmp_path / "in"
    folder.mkdir()
    for name, content in files.items():
        (folder / name).write_bytes(content)
    with open(folder / "index.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "published", "outlet"])
        for name, seed in zip(files, [a, b, c, a], strict=True):
            w.writerow([name, seeds[seed].published.isoformat(), seeds[seed].outlet])
    store = tmp_path / "s.gpkg"
    report = ingest_paths([folder], store=store)
    assert report.skipped == [(str(folder / "broken16.txt"), "invalid UTF-16-LE text; save it as UTF-8")]
    assert (report.read, report.new) == (3, 3)
    got = stored(store)
    assert {n: (row["encoding"], text) for n, (row, text, _) in got.items()} == {
        "bom.txt": ("utf-8-sig", ta), "utf16.txt": ("utf-16-le", tb), "cp1256.txt": ("cp1256", tc)}
    # Nothing lost: each file's events are exactly those of its text read as UTF-8.
    for name, seed in (("bom.txt", a), ("utf16.txt", b), ("cp1256.txt", c)):
        row, _text, events = got[name]
        s = seeds[seed]
        want = {e.id for e in extract_events(s.text, s.published, source=row["source"])}
        assert want and {e.id for e in events} == want, name
    assert report.events_added == sum(len(ev) for _, _, ev in got.values())
