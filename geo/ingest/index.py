"""``index.csv`` beside the articles (file, published, outlet, source, ...): read one way for ingest
and for evaluation, so what is scored is what is stored."""

from __future__ import annotations

import csv
import datetime as dt
import logging
from pathlib import Path

log = logging.getLogger("geo.ingest")  # the stage, as users read it in warnings

INDEX_FILE = "index.csv"


def read_index(index: Path) -> dict[str, dict[str, str]]:
    """The rows of an index file by file name ({} when there is none or it cannot be read)."""
    if not index.is_file():
        return {}
    try:
        with open(index, encoding="utf-8-sig", newline="") as f:
            return {r["file"].strip(): r for r in csv.DictReader(f) if r.get("file")}
    except (OSError, UnicodeDecodeError, KeyError, csv.Error) as exc:
        log.warning("%s: cannot read (%s); its dates and outlets are ignored", index, exc)
        return {}


class IndexFiles:
    """The ``index.csv`` of every folder asked about, each read once."""

    def __init__(self) -> None:
        self._cache: dict[Path, dict[str, dict[str, str]]] = {}

    def row(self, path: Path) -> dict[str, str]:
        folder = path.parent
        if folder not in self._cache:
            self._cache[folder] = read_index(folder / INDEX_FILE)
        return self._cache[folder].get(path.name, {})


def index_date(row: dict[str, str], name: str) -> dt.date | None:
    """The row's ``published`` date, None when absent or not YYYY-MM-DD (said once in the log)."""
    value = (row.get("published") or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        log.warning("%s: index.csv date %r is not YYYY-MM-DD; ignored", name, value)
        return None
