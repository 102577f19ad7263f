"""The default store on first use: built from the seed articles before anyone reads it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..core import settings
from ..store import AnyStore, holds_no_article, open_store, resolve_target
from .pipeline import ingest_paths

log = logging.getLogger("geo.ingest")  # the stage, as users read it in warnings


@contextmanager
def open_seeded_store(path: str | Path | None = None, *, create: bool = True) -> Iterator[AnyStore]:
    """``geo.store.open_store``, after ingesting ``settings.SEEDS_DIR`` into the default store when it
    holds no article yet (also when an earlier first run was cut short before its first article)."""
    target, is_default = resolve_target(path)
    is_folder = isinstance(target, Path) and target.is_dir()  # open_store says what is wrong with it
    if is_default and settings.SEEDS_DIR.is_dir() and not is_folder and holds_no_article(target):
        log.info("building the default store %s from %s", target, settings.SEEDS_DIR)
        ingest_paths([settings.SEEDS_DIR], store=target)
    with open_store(path, create=create) as store:
        yield store
