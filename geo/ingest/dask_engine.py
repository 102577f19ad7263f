"""The Dask engine: reading and extraction fanned out over a ``dask.distributed`` cluster.

``ingest_paths(..., engine="dask", scheduler=None | "tcp://host:8786")`` sends the files, in partitions
of a few, to the cluster's workers; each worker reads, dates and extracts its files. Into a PostGIS
store the workers write their articles themselves (``store_url``: a batch per partition, each article
all-or-nothing, the stored merge updated in the same transaction) and send back only what happened, so
the client no longer funnels every row; content-hash ids keep that idempotent under retries and
concurrent ingests. Into a GeoPackage (a file on the client's disk) they send back articles with their
events, and the client writes them in input order. Either way the store ends up as with the local engine.

Every file is wrapped on the worker: a file that cannot be read, or whose extraction fails, comes back
as a skipped entry with its reason; it never fails its partition. A partition lost with its worker
(killed, out of memory) skips its files with that reason, and the run goes on.

Workers read the files by path, so on a remote cluster they must see the same paths (a shared or
identically mounted folder) and have this package installed (``pip install iraq-bases-map``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import InputError
from ..core.models import Event
from .plan import extract_one, plan_file

log = logging.getLogger("geo.ingest")  # the stage, as users read it in warnings

MAX_PARTITION = 16  # files per partition, at most
IN_FLIGHT_PER_WORKER = 3  # partitions queued per worker: keeps them busy, bounds the client's memory


@dataclass(frozen=True)
class FileTask:
    """One file for a worker, with what the client knows about it (its index.csv row)."""

    path: str
    row: dict[str, str]


@dataclass
class FileOutcome:
    """What a worker made of one file: skipped (path, reason) entries and (job, events | error | None),
    or (job, events added) when the worker stored the article itself.

    ``None`` means the article is already in the store: not extracted again (or stored meanwhile).
    """

    path: str
    skipped: list[tuple[str, str]] = field(default_factory=list)
    results: list[tuple[Any, list[Event] | int | str | None]] = field(default_factory=list)


def process_file(
    task: FileTask, published: dt.date | None, source: str | None, version: str, known: frozenset[str]
) -> FileOutcome:
    """Read, plan and extract one file; never raises (a failure becomes a skipped entry)."""
    out = FileOutcome(task.path)
    try:
        jobs, skipped = plan_file(Path(task.path), task.row, published, source, version)
        out.skipped.extend(skipped)
        for job in jobs:
            if job.article.id in known:
                out.results.append((job, None))
                continue
            a = job.article
            _, result = extract_one((a.id, a.text, a.published, a.source))
            out.results.append((job, result))
    except Exception as exc:  # whatever it was, it stays with this file
        log.debug("worker failed on %s", task.path, exc_info=True)
        out.skipped.append((task.path, f"failed on a worker ({type(exc).__name__}: {exc}); report it with the file"))
        out.results.clear()
    return out


_STORES: dict[str, Any] = {}  # a worker's open PostGIS stores, by URL: one connection per worker process


def _worker_store(url: str) -> Any:
    from ..store import PostgisStore

    store = _STORES.get(url)
    if store is None or store.conn.closed:
        store = _STORES[url] = PostgisStore(url)
    return store


def process_partition(
    tasks: Sequence[FileTask], published: dt.date | None, source: str | None, version: str, known: frozenset[str],
    store_url: str | None = None,
) -> list[FileOutcome]:
    """A worker's unit of work: several files, each one wrapped by ``process_file``; with ``store_url``
    (PostGIS) their new articles are stored here, in one batch, and only the counts go back."""
    outcomes = [process_file(t, published, source, version, known) for t in tasks]
    if store_url:
        todo = [(o, i) for o in outcomes for i, (_, r) in enumerate(o.results) if isinstance(r, list)]
        if todo:
            written = _worker_store(store_url).add_articles([(o.results[i][0].article, o.results[i][1])
                                                             for o, i in todo])
            for (o, i), added in zip(todo, written, strict=True):
                o.results[i] = (o.results[i][0], added)
    return outcomes


def partitions(tasks: Sequence[FileTask], workers: int) -> list[list[FileTask]]:
    """Consecutive slices, about four per worker, of at most ``MAX_PARTITION`` files."""
    size = max(1, min(MAX_PARTITION, -(-len(tasks) // max(1, workers * 4))))
    return [list(tasks[i : i + size]) for i in range(0, len(tasks), size)]


def _client(scheduler: str | None, workers: int) -> tuple[Any, Any]:
    """A distributed Client on ``scheduler``, or on a new LocalCluster of ``workers`` processes."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout="30s"), None
        except (OSError, ValueError) as exc:  # ValueError: not an address at all ("foo")
            raise InputError(f"cannot reach the Dask scheduler {scheduler} ({exc})") from None
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.CRITICAL,
    )
    return Client(cluster), cluster


def dask_outcomes(
    tasks: Sequence[FileTask],
    *,
    published: dt.date | None,
    source: str | None,
    version: str,
    known: set[str],
    scheduler: str | None = None,
    workers: int = 2,
    store_url: str | None = None,
) -> Iterator[FileOutcome]:
    """Every file's outcome, in input order, computed on the cluster (and stored there with ``store_url``)."""
    if not tasks:
        return
    client, cluster = _client(scheduler, workers)
    try:
        n = max(1, len(client.scheduler_info().get("workers", {})) or workers)
        known_f = client.scatter(frozenset(known), broadcast=True) if known else frozenset()
        parts = partitions(tasks, n)
        queue: deque[tuple[list[FileTask], Any]] = deque()
        todo = iter(parts)

        def submit() -> None:
            part = next(todo, None)
            if part is not None:
                fut = client.submit(process_partition, part, published, source, version, known_f, store_url,
                                    pure=False)
                queue.append((part, fut))

        for _ in range(n * IN_FLIGHT_PER_WORKER):
            submit()
        while queue:
            part, fut = queue.popleft()
            try:
                outcomes = fut.result()
            except Exception as exc:  # the worker died with the partition: its files are skipped
                reason = f"lost on the cluster ({type(exc).__name__}: {exc}); ingest it again"
                outcomes = [FileOutcome(t.path, skipped=[(t.path, reason)]) for t in part]
            submit()
            yield from outcomes
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
