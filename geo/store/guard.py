"""Store files that must not be used as they are, and store faults said in one line.

Before a GeoPackage is opened: a file that is not SQLite at all, or an SQLite file shorter than its own
header says (truncated by a copy or a full disk), is refused and left untouched. A file without write
permission is opened read-only (respected even for root, who could write it anyway). While it is open:
an ``sqlite3`` error (disk full, a file size limit, read-only, locked too long, damaged) becomes a
``StoreError`` that says what happened and what to do; nothing committed before it is lost.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from ..core.errors import StoreError

SQLITE_MAGIC = b"SQLite format 3\x00"
KEPT = "the store keeps every article committed before it"


def refuse_unusable(p: Path) -> None:
    """StoreError when ``p`` exists and is not an SQLite file, or is one cut short; never writes to it."""
    try:
        size = p.stat().st_size
        if size == 0:
            return  # an empty file: a new store
        with open(p, "rb") as f:
            head = f.read(100)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError):
            return
        raise StoreError(f"cannot read {p} ({exc.strerror}); check the path and its permissions") from None
    if not head.startswith(SQLITE_MAGIC) or len(head) < 100:
        raise StoreError(f"{p} is not a usable event store (not a GeoPackage/SQLite file); it is left as it is:"
                         " pass another --store file")
    page = int.from_bytes(head[16:18], "big")
    page = 65536 if page == 1 else page
    pages = int.from_bytes(head[28:32], "big")
    valid = head[92:96] == head[24:28]  # the header's page count is current (SQLite 3.7+ files)
    if (valid and pages and pages * page > size) or (page and size % page):
        raise StoreError(f"{p} is not a usable event store: it is truncated ({size} of {pages * page} bytes) and"
                         " left as it is: restore it from a copy, or pass another --store file")


def is_read_only(p: Path) -> bool:
    """True when the store file has no write permission (for its owner or anyone), or cannot be written."""
    try:
        mode = p.stat().st_mode
    except OSError:
        return False
    return not (mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) or not os.access(p, os.W_OK)


def store_error(exc: sqlite3.Error, p: Path | str) -> StoreError:
    """The one line to say for an ``sqlite3`` error on the store at ``p``."""
    msg = str(exc)
    low = msg.lower()
    if "disk i/o error" in low or "disk is full" in low or "database or disk is full" in low:
        text = (f"cannot write to {p}: the disk is full or a file size limit was reached ({msg}); {KEPT}:"
                " free some space and run it again")
    elif "readonly" in low or "read-only" in low:
        text = f"{p} is read-only: it can be read but not written ({msg}); pass another --store, or make it writable"
    elif "locked" in low or "busy" in low:
        text = f"{p} stayed locked by another program ({msg}); {KEPT}: run it again when that one is done"
    elif "malformed" in low or "not a database" in low or "corrupt" in low:
        text = (f"{p} is damaged ({msg}); {KEPT}, as far as it goes: run geo check --store {p}, restore it"
                " from a copy or rebuild it with geo ingest")
    elif "unable to open" in low:
        text = f"cannot open {p} ({msg}); check the path and its permissions"
    else:
        text = f"the store {p} failed ({type(exc).__name__}: {msg}); {KEPT}"
    return StoreError(text)
