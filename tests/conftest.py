"""Shared fixtures: the tests' own copies of the seed articles and the gold events."""

from __future__ import annotations

import csv
import datetime as dt
import json
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


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS
