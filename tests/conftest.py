"""Shared fixtures: the tests' own copies of the seed articles and the gold events."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SEEDS = DATA / "seeds"


@dataclass(frozen=True)
class Seed:
    name: str
    text: str
    published: dt.date
    outlet: str


def load_seeds() -> dict[str, Seed]:
    out = {}
    with open(SEEDS / "index.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            text = (SEEDS / row["file"]).read_text(encoding="utf-8")
            out[row["file"]] = Seed(row["file"], text, dt.date.fromisoformat(row["published"]), row["outlet"])
    return out


def load_gold() -> list[dict]:
    with open(DATA / "seed_events.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="session")
def seeds() -> dict[str, Seed]:
    return load_seeds()


@pytest.fixture(scope="session")
def gold() -> list[dict]:
    return load_gold()


@pytest.fixture
def static_serving():
    """Streamlit's static file serving on, as dashboard/.streamlit/config.toml sets it for `geo dashboard`
    (AppTest reads no config file); put back after the test."""
    from streamlit import config

    before = config.get_option("server.enableStaticServing")
    config.set_option("server.enableStaticServing", True)
    yield
    config.set_option("server.enableStaticServing", before)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


# ---------------------------------------------------------------- a real PostgreSQL + PostGIS (tests/test_backends.py)
def _no_postgres(reason: str) -> None:
    import os

    msg = f"{reason}: install Debian's postgresql and postgis (`make postgres`)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(msg, pytrace=False)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def postgres_server():
    """A private PostgreSQL server with PostGIS on 127.0.0.1 (initdb in a temp folder), stopped at the end.

    Missing binaries fail the tests in CI (``CI=true``) and skip them elsewhere.
    """
    from geo.devtools.pgserver import TempPostgres, postgres_bindir

    bindir = postgres_bindir()
    if bindir is None:
        _no_postgres("no PostgreSQL server binaries with PostGIS found (initdb, postgis.control)")
    server = TempPostgres(bindir)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgis_url(postgres_server) -> str:
    """A fresh, empty database with PostGIS on the session's server."""
    return postgres_server.database()


def variants(folder: Path, seeds_dir: Path, n: int) -> list[str]:
    """``n`` distinct articles made from the seeds by shifting their numbers (so their hashes differ)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(seeds_dir / "index.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = []
    with open(folder / "index.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "published", "outlet"])
        for i in range(n):
            row = rows[i % len(rows)]
            text = (seeds_dir / row["file"]).read_text(encoding="utf-8")
            name = f"v{i:03d}.txt"
            (folder / name).write_text(re.sub(r"\d+", lambda m, i=i: str(int(m[0]) + 1 + i), text), encoding="utf-8")
            w.writerow([name, row["published"], row["outlet"]])
            out.append(name)
    return out


@pytest.fixture(scope="session", autouse=True)
def _default_store_in_tmp(tmp_path_factory):
    """No test (nor a `geo` subprocess it starts) may write the user's data/events.gpkg."""
    import os

    old = os.environ.get("GEO_STORE")
    os.environ["GEO_STORE"] = str(tmp_path_factory.mktemp("default-store") / "events.gpkg")
    yield
    if old is None:
        os.environ.pop("GEO_STORE", None)
    else:
        os.environ["GEO_STORE"] = old
