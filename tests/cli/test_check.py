"""``geo check [--store S]``: a sound store passes; each kind of damage is found, named with what to do, exits 1,
and checking never writes to the file."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from geo.cli import main as geo_main
from geo.ingest import ingest_paths


@pytest.fixture(scope="module")
def sound(tmp_path_factory, seeds_dir) -> Path:
    store = tmp_path_factory.mktemp("check") / "sound.gpkg"
    assert ingest_paths([seeds_dir], store=store).new == 5
    return store


@pytest.fixture
def copy(sound, tmp_path) -> Path:
    out = tmp_path / "s.gpkg"
    shutil.copyfile(sound, out)
    return out


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def check(store: Path, capsys) -> tuple[int, list[str]]:
    before = sha(store) if store.exists() else None
    rc = geo_main(["check", "--store", str(store)])
    out = capsys.readouterr().out.strip().splitlines()
    if before is not None:
        assert sha(store) == before  # checking never writes
    return rc, out


def problems(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("PROBLEM")]


def sql(store: Path, *statements: str) -> None:
    con = sqlite3.connect(store)
    con.execute("PRAGMA foreign_keys = OFF")
    for s in statements:
        con.execute(s)
    con.commit()
    con.close()


def test_a_sound_store_passes(sound, capsys):
    rc, lines = check(sound, capsys)
    assert rc == 0 and lines[-1] == "the store is sound"
    assert problems(lines) == []
    assert any("5 articles" in line and "every event has its article" in line for line in lines)
    assert any("integrity_check ok" in line for line in lines)


def test_an_event_without_its_article(copy, capsys):
    sql(copy, "DELETE FROM articles WHERE fid = (SELECT min(fid) FROM articles WHERE id IN"
              " (SELECT article_id FROM events))")
    rc, lines = check(copy, capsys)
    found = problems(lines)
    assert rc == 1 and lines[-1].endswith("found")
    assert any("events whose article is missing" in line and "what to do:" in line for line in found), found


def test_a_movement_without_its_event_and_a_missing_place(copy, capsys):
    sql(copy, "INSERT INTO movements (event_id, article_id) SELECT 'ghost', id FROM articles LIMIT 1",
        "UPDATE events SET place_id = 'nowhere' WHERE fid = (SELECT min(fid) FROM events)")
    rc, lines = check(copy, capsys)
    text = "\n".join(problems(lines))
    assert rc == 1
    assert "1 movements without their event" in text and "1 events whose place is missing" in text


def test_a_quote_that_is_not_its_article_text(copy, capsys):
    sql(copy, "UPDATE events SET quote = 'not in the article' WHERE fid = (SELECT min(fid) FROM events)")
    rc, lines = check(copy, capsys)
    assert rc == 1
    assert any("quote is not their article's text" in line and "geo reprocess" in line for line in problems(lines))


def test_a_newer_schema(copy, capsys):
    sql(copy, "UPDATE store_meta SET value = '99' WHERE key = 'schema_version'")
    rc, lines = check(copy, capsys)
    assert rc == 1 and any("schema version 99 is newer" in line for line in problems(lines))


@pytest.mark.parametrize("how", ["truncated", "foreign", "damaged", "missing"])
def test_files_that_are_not_sound(copy, capsys, how):
    data = copy.read_bytes()
    if how == "truncated":
        copy.write_bytes(data[: len(data) // 2])
    elif how == "foreign":
        copy.write_text("notes\n" * 200, encoding="utf-8")
    elif how == "damaged":  # a page in the middle overwritten: integrity_check finds it
        page = 4096
        copy.write_bytes(data[: 3 * page] + b"\xff" * page + data[4 * page :])
    else:
        copy.unlink()
    rc, lines = check(copy, capsys)
    assert rc == 1
    found = problems(lines)
    assert found and all("what to do:" in line for line in found), lines
    expect = {"truncated": "truncated", "foreign": "not a usable event store", "damaged": "damaged",
              "missing": "no store at"}[how]
    assert expect in found[0], found


def test_a_stored_merge_out_of_step(copy, capsys):
    """The stored merge (merged_events, events.merged_fid; issue #14's schema) is checked when a store has it."""
    # the store keeps it (issue #14): re-point one report at nothing, as a crash between two writes could
    sql(copy, "UPDATE events SET merged_fid = 99999 WHERE fid = (SELECT min(fid) FROM events)")
    rc, lines = check(copy, capsys)
    text = "\n".join(problems(lines))
    assert rc == 1
    assert "1 reports that point at no merged event" in text


def test_a_postgis_store(postgis_url, seeds_dir, capsys):
    assert ingest_paths([seeds_dir], store=postgis_url).new == 5
    rc = geo_main(["check", "--store", postgis_url])
    lines = capsys.readouterr().out.strip().splitlines()
    assert rc == 0 and lines[-1] == "the store is sound", lines
    assert any("5 articles" in line for line in lines)
