"""The ``geo`` command, in process through ``main(argv)``: stores never overwritten or invented, file dates
win, clear one-line errors (regressions found in review)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from geo.cli import main
from geo.core.errors import InputError, StoreError
from geo.devtools.evaluate import evaluate_file
from geo.ingest import ingest_paths
from geo.ingest.readers import decode_bytes
from geo.store import open_store

SEEDS = Path(__file__).parents[1] / "data" / "seeds"


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def geo_cli(capsys):
    """The ``geo`` command run in this process, through ``main(argv)``: (exit code, stdout, stderr)."""

    def run(*args: str) -> Run:
        capsys.readouterr()
        code = main(list(args))
        out = capsys.readouterr()
        return Run(code, out.out, out.err)

    return run


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    s = tmp_path_factory.mktemp("rev") / "s.gpkg"
    ingest_paths([SEEDS], store=s)
    return s


@pytest.mark.parametrize("fmt", ["csv", "geojson", "parquet", "gpkg"])
def test_export_never_writes_over_the_store(store, fmt, geo_cli):
    before = store.read_bytes()
    r = geo_cli("export", "-o", str(store), "--format", fmt, "--store", str(store))
    assert r.returncode == 2 and "is an event store" in r.stderr
    assert store.read_bytes() == before


def test_read_only_commands_do_not_invent_a_store(tmp_path, geo_cli):
    typo = tmp_path / "typo.gpkg"
    r = geo_cli("events", "--store", str(typo))
    assert r.returncode == 2 and "no store at" in r.stderr and not typo.exists()
    with pytest.raises(StoreError, match="no store at"), open_store(typo, create=False):
        pass


def test_the_files_own_date_wins_over_published(tmp_path):
    page = tmp_path / "a.html"
    page.write_text('<html><head><meta property="article:published_time" content="2020-01-05T10:00:00Z">'
                    "</head><body><p>وقالت مصادر أمنية إن صواريخ استهدفت قاعدة عين الأسد أمس.</p></body></html>",
                    encoding="utf-8")
    s = tmp_path / "s.gpkg"
    ingest_paths([page], store=s, published=dt.date(2021, 4, 18))
    with open_store(s) as st:
        (e,) = st.events()
        (art,) = st.articles()
    assert str(art["published"]) == "2020-01-05" and e.date == dt.date(2020, 1, 4)


def test_bases_layer_keeps_history_before_start(store, tmp_path, geo_cli):
    out = tmp_path / "bases.geojson"
    r = geo_cli("export", "-o", str(out), "--layer", "bases", "--start", "2024-08-15", "--store", str(store))
    assert r.returncode == 0, r.stderr
    fc = json.loads(out.read_text(encoding="utf-8"))
    status = {f["properties"]["name"]: f["properties"]["status"] for f in fc["features"]}
    assert status["Harir Air Base"] == "present"  # from the seeds, reported before --start
    # The seeds' attacks on Ain al-Asad, then the curated handover of 2026-01-17 (geo/events/data).
    assert status["Ain al-Asad Air Base"] == "handed_over"


def test_utf16_without_bom_is_text():
    text = "هجوم صاروخي على قاعدة عين الأسد، مساء الأحد."
    for codec in ("utf-16-le", "utf-16-be"):
        assert decode_bytes(text.encode(codec), "x") == (text, codec)


def test_evaluate_bad_gold_is_one_clear_error(tmp_path, geo_cli):
    bad = tmp_path / "gold.jsonl"
    bad.write_bytes(b"\xff\xfe\x00\x01binary")
    with pytest.raises(InputError, match="UTF-8 JSON lines"):
        evaluate_file(bad, seeds_dir=SEEDS)
    r = geo_cli("ingest", str(SEEDS), "--engine", "dask", "--scheduler", "foo", "--store", str(tmp_path / "x.gpkg"))
    assert r.returncode == 2 and "Dask scheduler" in r.stderr and "Traceback" not in r.stderr
