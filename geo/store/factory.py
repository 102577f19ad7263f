"""Which store a name means (a GeoPackage file, or a PostGIS URL), and opening it."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeAlias

from ..core import settings
from ..core.errors import StoreError
from .geopackage import Store
from .guard import is_read_only, refuse_unusable, store_error
from .postgis import PostgisStore
from .resilient import ResilientPostgis

AnyStore: TypeAlias = Store | PostgisStore
URL_SCHEMES = ("postgresql://", "postgres://")


def is_url(target: str | Path | None) -> bool:
    """True when ``target`` names a PostGIS server (``postgresql://user@host:port/db``), not a file."""
    return isinstance(target, str) and target.startswith(URL_SCHEMES)


def resolve_target(path: str | Path | None) -> tuple[str | Path, bool]:
    """The store to open (a Path or a postgresql:// URL) and whether it is the default store."""
    if path is None or str(path) == "":
        # Read at call time so GEO_STORE set after import (tests, the dashboard launcher) counts.
        env = os.environ.get("GEO_STORE")
        if env and is_url(env):
            return env, True
        return (Path(env) if env else settings.DEFAULT_STORE), True
    return (path if is_url(path) else Path(path)), False


def holds_no_article(target: str | Path) -> bool:
    """True when the store at ``target`` is missing, empty, or has no article yet (a first run cut short)."""
    if isinstance(target, str):
        with PostgisStore(target) as pg:
            return not pg.article_count()
    p = Path(target)
    if not p.exists() or p.stat().st_size == 0:
        return True
    try:
        con = sqlite3.connect(f"file:{p}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT count(*) FROM articles").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return False  # not a store yet (or not ours): Store() will say so
    return not row or not row[0]


@contextmanager
def open_store(path: str | Path | None = None, *, create: bool = True) -> Iterator[AnyStore]:
    """Open (creating if needed) the store at ``path``; None means the default store (``GEO_STORE``).

    With ``create=False`` (the read-only commands) a store file that does not exist is an error rather
    than a new empty store: a typo in ``--store`` must not look like an empty collection.

    ``path`` is a GeoPackage file, or a ``postgresql://`` URL for the shared PostGIS store
    (``PostgisStore``, same methods). Seeding the default store is the ingest stage's job
    (``geo.ingest.open_seeded_store``).
    """
    target, is_default = resolve_target(path)
    if isinstance(target, str):
        with ResilientPostgis(target) as pg:  # a lost connection is retried with backoff, for a bounded time
            yield pg
        return
    p = target
    if p.is_dir():
        raise StoreError(f"{p} is a folder; pass a store file such as {p / 'events.gpkg'}")
    if not create and not is_default and not p.exists():
        raise StoreError(f"no store at {p}; build one with: geo ingest FOLDER --store {p}")
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create {p.parent} ({exc.strerror}); pass another --store file") from None
    refuse_unusable(p)
    try:
        with Store(p, read_only=is_read_only(p)) as store:
            yield store
    except sqlite3.Error as exc:  # disk full, over a size limit, read-only, locked too long, damaged
        raise store_error(exc, p) from None
