"""Bad inputs: each gets one clear reason, and the store's contents stay exactly as they were."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import geo
from geo.core import settings
from geo.ingest import ingest_paths
from geo.ingest.plan import NO_DATE
from geo.ingest.readers import decode_bytes, html_to_text, read_documents
from geo.store import open_store

SEED = "000_1bfbac51aafa363b.txt"
ROOT = Path(geo.__file__).parent.parent


@pytest.fixture(scope="module")
def template(tmp_path_factory, seeds_dir) -> Path:
    path = tmp_path_factory.mktemp("template") / "store.gpkg"
    report = ingest_paths([seeds_dir], store=path)
    assert report.new == 5
    return path


@pytest.fixture
def store(template, tmp_path) -> Path:
    path = tmp_path / "store.gpkg"
    shutil.copy(template, path)
    return path


def snapshot(path: Path) -> tuple:
    with open_store(path) as st:
        return (
            st.counts(),
            sorted(a["id"] for a in st.articles()),
            sorted((aid, e.id) for aid, e in st.raw_events()),
        )


def ingest_one(store: Path, path: Path, **kw):
    before = snapshot(store)
    report = ingest_paths([path], store=store, **kw)
    assert snapshot(store) == before, "a bad input changed the store"
    assert report.new == 0 and report.events_added == 0
    return report


def reason_of(report) -> str:
    assert len(report.skipped) == 1, report.skipped
    return report.skipped[0][1]


def test_empty_and_zero_byte(store, tmp_path):
    zero = tmp_path / "zero.txt"
    zero.write_bytes(b"")
    assert reason_of(ingest_one(store, zero)) == "empty file; skipped"
    blank = tmp_path / "blank.txt"
    blank.write_text("  \n\t\n\u00a0 \n", encoding="utf-8")
    report = ingest_one(store, blank)
    assert reason_of(report) == "empty file; skipped"
    assert report.read == 0
    assert report.summary().endswith("1 skipped: blank.txt (empty file)")


def test_binary(store, tmp_path):
    png = tmp_path / "a.bin"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 10)
    report = ingest_one(store, png, published=dt.date(2021, 1, 1))
    assert reason_of(report) == "binary file, not text; skipped"
    assert report.summary() == (
        "ingested 0 articles (0 new, 0 already stored), 0 events added, 0 merged; 1 skipped: a.bin (binary file)"
    )
    noisy = tmp_path / "noise.txt"  # no NUL bytes, not UTF-8, and no encoding makes it language
    noisy.write_bytes(bytes(range(1, 256)) * 20)
    assert reason_of(ingest_one(store, noisy, published=dt.date(2021, 1, 1))) == "binary file, not text; skipped"


def test_windows_1256_reads_as_the_same_text(store, tmp_path, seeds):
    text = seeds[SEED].text
    path = tmp_path / "cp1256.txt"
    path.write_bytes(text.encode("cp1256"))
    docs, _ = read_documents(path)
    assert docs[0].encoding == "cp1256" and docs[0].text == text
    # Same text as the stored seed: a duplicate, nothing added.
    report = ingest_one(store, path, published=dt.date(2021, 11, 4))
    assert report.read == 1 and report.duplicates == 1
    # Into a fresh store it ingests with that exact text.
    fresh = tmp_path / "fresh.gpkg"
    assert ingest_paths([path], store=fresh, published=dt.date(2021, 11, 4)).new == 1
    with open_store(fresh) as st:
        (row,) = st.articles()
        assert st.article_text(row["id"]) == text and row["encoding"] == "cp1256"


def test_utf16_and_utf8_bom(store, tmp_path, seeds):
    text = seeds[SEED].text
    for name, data, enc in (
        ("u16.txt", text.encode("utf-16"), "utf-16-le"),
        ("u16be.txt", b"\xfe\xff" + text.encode("utf-16-be"), "utf-16-be"),
        ("bom.txt", b"\xef\xbb\xbf" + text.encode("utf-8"), "utf-8-sig"),
        ("crlf.txt", text.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        docs, _ = read_documents(path)
        assert docs[0].text == text and docs[0].encoding == enc, name
        report = ingest_one(store, path, published=dt.date(2021, 11, 4))
        assert report.duplicates == 1, name  # same content hash as the seed


def test_html_with_script_and_deep_nesting(store, tmp_path):
    html = (
        "<!doctype html><html><head><title>هجوم على قاعدة</title>"
        '<meta property="article:published_time" content="2021-04-18T20:15:00+03:00">'
        "<script>var x = 'لا تقرأ هذا';</script><style>p {color: red}</style></head>"
        "<body><nav><a href='/'>الرئيسية</a></nav><article><h1>عنوان الخبر</h1>"
        "<p>الفقرة الأولى عن <b>قاعدة</b> بلد.</p><div><p>الفقرة الثانية.</p></div>"
        "<script>document.write('<p>مخفي</p>')</script></article></body></html>"
    )
    text, meta = html_to_text(html)
    assert text == "عنوان الخبر\n\nالفقرة الأولى عن قاعدة بلد.\n\nالفقرة الثانية."
    assert meta["title"] == "هجوم على قاعدة" and meta["published"] == dt.date(2021, 4, 18)
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    fresh = tmp_path / "fresh.gpkg"
    report = ingest_paths([path], store=fresh)  # date from the page's metadata
    assert report.new == 1 and report.skipped == []
    with open_store(fresh) as st:
        (row,) = st.articles()
        assert row["published"] == "2021-04-18" and row["title"] == "هجوم على قاعدة"
        assert "لا تقرأ" not in st.article_text(row["id"])

    deep = tmp_path / "deep.html"
    deep.write_text("<html><body>" + "<div>" * 100_000 + "نص عميق" + "</div>" * 100_000 + "</body></html>")
    t0 = time.perf_counter()
    docs, _ = read_documents(deep)
    assert time.perf_counter() - t0 < 10
    assert docs[0].text == "نص عميق"
    before = snapshot(store)
    ingest_paths([deep], store=store, published=dt.date(2021, 4, 18))
    assert snapshot(store)[0]["articles"] == before[0]["articles"] + 1  # a real (tiny) article


def test_too_large(store, tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    path.write_text("قاعدة عين الأسد " * 200, encoding="utf-8")
    monkeypatch.setattr(settings, "MAX_ARTICLE_BYTES", 1000)
    reason = reason_of(ingest_one(store, path, published=dt.date(2021, 1, 1)))
    assert reason == "too large (5.8 KB > 1.0 KB limit); split it or raise GEO_MAX_ARTICLE_BYTES"


def test_huge_file_is_rejected_without_reading_it(store, tmp_path, monkeypatch):
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as f:  # sparse: 8 GB on paper, nothing on disk
        f.truncate(8 * 1024**3)

    def no_read(self):
        raise AssertionError("read a huge file into memory")

    monkeypatch.setattr(Path, "read_bytes", no_read)
    reason = reason_of(ingest_one(store, huge, published=dt.date(2021, 1, 1)))
    assert reason.startswith("too large (8589.9 MB > 5.2 MB limit)")


def test_no_date(store, tmp_path):
    path = tmp_path / "undated.txt"
    path.write_text("قالت مصادر إن هجوما استهدف قاعدة عين الأسد في الأنبار.", encoding="utf-8")
    report = ingest_one(store, path)
    assert reason_of(report) == NO_DATE
    assert NO_DATE == "no publication date found; pass --published YYYY-MM-DD or add it to index.csv"
    # The same file with --published is fine.
    assert ingest_paths([path], store=store, published=dt.date(2021, 1, 1)).new == 1


def test_bad_json_and_missing_path(store, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"text": "x", ', encoding="utf-8")
    assert reason_of(ingest_one(store, bad)).startswith("invalid JSON")
    notext = tmp_path / "notext.json"
    notext.write_text(json.dumps({"title": "t", "published": "2021-01-01"}), encoding="utf-8")
    assert reason_of(ingest_one(store, notext)) == "JSON record has no text; skipped"
    assert reason_of(ingest_one(store, tmp_path / "nowhere.txt")) == "no such file or folder"


def test_json_and_jsonl_records(tmp_path):
    records = [
        {
            "text": "هجوم على قاعدة عين الأسد",
            "published": "2021-04-18",
            "url": "https://x/1",
            "title": "t1",
            "source": "alaraby",
        },
        {"text": "", "published": "2021-04-18"},
        {"text": "انسحاب من التاجي", "date": "2020-08-23T10:00:00Z"},
    ]
    jl = tmp_path / "a.jsonl"
    jl.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    store = tmp_path / "s.gpkg"
    report = ingest_paths([jl], store=store)
    assert (report.read, report.new) == (2, 2)
    assert report.skipped == [(str(tmp_path / "a.jsonl#2"), "JSON record has no text; skipped")]
    with open_store(store) as st:
        rows = st.articles()
    assert [(r["source"], r["published"], r["url"]) for r in rows] == [
        ("alaraby", "2021-04-18", "https://x/1"),
        ("a.jsonl#3", "2020-08-23", ""),
    ]
    one = tmp_path / "one.json"
    one.write_text(json.dumps(records[0], ensure_ascii=False), encoding="utf-8")
    assert ingest_paths([one], store=store).duplicates == 1


def test_decode_rejects_bad_utf16():
    with pytest.raises(geo.InputError, match="invalid UTF-16-LE"):
        decode_bytes(b"\xff\xfe\x00\xd8", "x.txt")


def test_cli_bad_file_one_line_and_nonzero_exit(store, tmp_path):
    path = tmp_path / "a.bin"
    path.write_bytes(b"\x00\x01\x02" * 100)
    before = snapshot(store)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GEO_LOG_LEVEL": "WARNING"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "geo.cli",
            "ingest",
            str(path),
            "--store",
            str(store),
            "--published",
            "2021-01-01",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 1
    assert proc.stdout.strip().endswith("1 skipped: a.bin (binary file)")
    assert proc.stderr.strip().splitlines() == [f"WARNING geo.ingest: {path}: binary file, not text; skipped"]
    assert snapshot(store) == before
