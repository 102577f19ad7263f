"""Ingest article files into the store: read, date, label, extract, write (one transaction per article).

Idempotent: an article's id is the sha256 of its normalised text, so ingesting a folder twice adds
nothing. With ``jobs > 1`` extraction runs in worker processes while this process stays the single
writer, in input order, so the store ends up exactly as with ``jobs=1``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
from collections.abc import Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ..core.errors import GeoError, InputError
from ..core.models import Event
from ..store import open_store, resolve_target
from .dask_engine import FileTask, dask_outcomes
from .index import IndexFiles
from .local import BatchWriter, defer_sigint, local_results
from .plan import Job, collect_files, extract_one, extractor_version, plan_file

log = logging.getLogger("geo.ingest")  # the stage, as users read it in warnings

ENGINES = ("local", "dask")


@dataclass
class IngestReport:
    """What an ingest (or reprocess) did; ``summary()`` is the one line the CLI prints."""

    read: int = 0  # articles read and decoded
    new: int = 0
    duplicates: int = 0  # already stored (or repeated within this run)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    events_added: int = 0
    merged: int = 0  # added events that deduplicated into an event already known
    interrupted: bool = False
    complete: bool = False  # every input handled (stored, known or skipped): a late signal leaves nothing undone
    action: str = "ingested"

    def summary(self) -> str:
        if self.action == "reprocessed":
            line = f"reprocessed {self.read} articles, {self.events_added} events stored, {self.merged} merged"
        else:
            line = (
                f"ingested {self.read} articles ({self.new} new, {self.duplicates} already stored), "
                f"{self.events_added} events added, {self.merged} merged"
            )
        if self.skipped:
            shown = ", ".join(f"{Path(p).name} ({_short(r)})" for p, r in self.skipped[:5])
            more = f", and {len(self.skipped) - 5} more (see warnings)" if len(self.skipped) > 5 else ""
            line += f"; {len(self.skipped)} skipped: {shown}{more}"
        if self.interrupted:
            line += "; interrupted (run it again to finish)" if self.action == "ingested" else "; interrupted"
        return line


def _short(reason: str) -> str:
    return reason.split(";")[0].split(", ")[0].strip()


def _plan_local(
    files: list[Path], report: IngestReport, known: set[str], published: dt.date | None, source: str | None,
    version: str,
) -> list[Job]:  # fmt: skip
    """Read and date every file here; the new articles to extract (read/duplicates/skipped counted)."""
    index = IndexFiles()
    planned: list[Job] = []
    for path in files:
        jobs, skipped = plan_file(path, index.row(path), published, source, version)
        report.skipped.extend(skipped)
        for job in jobs:
            report.read += 1
            if job.article.id in known:
                report.duplicates += 1
                continue
            known.add(job.article.id)
            planned.append(job)
    for p, reason in report.skipped:
        log.warning("%s: %s", p, reason)
    return planned


def _dask_results(
    files: list[Path], report: IngestReport, known: set[str], published: dt.date | None, source: str | None,
    version: str, scheduler: str | None, workers: int, store_url: str | None = None,
) -> Iterator[tuple[Job, list[Event] | int | str]]:  # fmt: skip
    """The Dask engine's (job, result) stream in input order; reads, duplicates and skips counted as they come.

    With ``store_url`` (PostGIS) the workers store their articles; a result is then the events added."""
    index = IndexFiles()
    tasks = [FileTask(str(f), index.row(f)) for f in files]
    outcomes = dask_outcomes(
        tasks, published=published, source=source, version=version, known=set(known), scheduler=scheduler,
        workers=workers, store_url=store_url,
    )  # fmt: skip
    for outcome in outcomes:
        for p, reason in outcome.skipped:
            report.skipped.append((p, reason))
            log.warning("%s: %s", p, reason)
        for job, result in outcome.results:
            report.read += 1
            if result is None or job.article.id in known:  # stored already, or twice in this run
                report.duplicates += 1
                continue
            known.add(job.article.id)
            yield job, result


def ingest_paths(
    paths: Sequence[Path | str],
    store: str | Path | None = None,
    published: dt.date | None = None,
    source: str | None = None,
    jobs: int = 1,
    progress: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
) -> IngestReport:
    """Ingest files and folders of articles into the store; see ``IngestReport``.

    ``jobs``: extraction processes (0 = all cores). Files that cannot be used are skipped with a
    reason (logged as a warning); nothing already stored is ever changed.

    ``engine="dask"`` reads and extracts on a ``dask.distributed`` cluster (``geo.engine``): the one at
    ``scheduler`` ("tcp://host:8786"), or a LocalCluster of ``jobs`` worker processes when None. This
    process writes either way, one transaction per article, in input order: the stored result is the same.
    """
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    report = IngestReport()
    files, missing = collect_files(paths)
    report.skipped.extend(missing)
    version = extractor_version()
    workers = (os.cpu_count() or 1) if jobs == 0 else max(1, jobs)

    try:
        with open_store(store) as st:
            before = st.merged_count()  # counted in SQL: the stored merge is kept on every write
            known = st.article_ids()
            results: Iterator[tuple[Job, list[Event] | int | str]]
            total: int | None = None  # articles to write, when known up front
            if engine == "dask":
                for p, reason in missing:
                    log.warning("%s: %s", p, reason)
                target, _ = resolve_target(store)
                stream: Iterator[Any] = _dask_results(files, report, known, published, source, version, scheduler,
                                                      workers, store_url=target if isinstance(target, str) else None)
                results = stream
                bar = tqdm(total=None, disable=not progress, unit="article", desc="ingest (dask)")
            else:
                planned = _plan_local(files, report, known, published, source, version)
                total = len(planned)
                stream = local_results(planned, workers)
                results = zip(planned, (r for _, r in stream), strict=True)
                bar = tqdm(total=total, disable=not progress, unit="article", desc="ingest")
            writer = BatchWriter(st)

            def stored(written: list[tuple[Job, int | str | None]]) -> None:
                for job, added in written:
                    if added is None:  # another ingest stored it meanwhile
                        report.duplicates += 1
                    elif isinstance(added, str):  # the store refused this one article; the others are kept
                        report.read -= 1
                        report.skipped.append((job.article.path, added))
                        log.warning("%s: %s", job.name, added)
                    else:
                        report.new += 1
                        report.events_added += added
                    bar.update(1)

            report.complete = total == 0
            handled = 0
            try:
                for job, result in results:
                    # A write and its bookkeeping are one step for a signal: the report always says exactly
                    # what is stored, and whether anything was left when the signal came.
                    with defer_sigint():
                        if isinstance(result, str):
                            report.read -= 1
                            report.skipped.append((job.article.path, result))
                            log.warning("%s: %s", job.name, result)
                        elif isinstance(result, int):  # a Dask worker stored it itself (PostGIS)
                            stored([(job, result)])
                        else:
                            stored(writer.add(job, result))
                        handled += 1
                        report.complete = handled == total and not writer.pending
                with defer_sigint():
                    stored(writer.flush())
                    report.complete = True
                    after = st.merged_count()
                    report.merged = max(0, report.events_added - (after - before))
            except KeyboardInterrupt:
                # what is extracted already is written before stopping (a batch is one quick transaction)
                with defer_sigint(), contextlib.suppress(GeoError):
                    stored(writer.flush())
                raise
            finally:
                bar.close()
                # Shut the workers (or the cluster) down now: left to the garbage collector, a pool stopped
                # by a signal was shut down during interpreter exit, and its workers never got the word.
                with defer_sigint():
                    stream.close()  # type: ignore[attr-defined]
    except KeyboardInterrupt:
        _interrupted(report, "stored")
    except BrokenProcessPool as exc:
        raise GeoError(f"an extraction worker died ({exc or 'killed'}); the store keeps every article committed"
                       " so far: run the ingest again") from None
    log.debug("%s", report.summary())  # the CLI prints it
    return report


def _interrupted(report: IngestReport, done: str) -> None:
    """A signal stopped an ingest or reprocess: re-raise it unless every article was already ``done``
    (then nothing was left to do, and it is a success). Call it inside ``except KeyboardInterrupt``."""
    if not report.complete:
        report.interrupted = True
        log.warning("interrupted: %s", report.summary())
        raise  # the KeyboardInterrupt the caller is handling
    log.info("a signal came after the last article was %s; nothing was left to do", done)


def reprocess(store: str | Path | None = None) -> IngestReport:
    """Rebuild every article's events from its stored text with the current extractor.

    One transaction per article; article rows are untouched.
    """
    report = IngestReport(action="reprocessed")
    version = extractor_version()
    try:
        with open_store(store) as st:
            rows = st.article_rows()
            report.complete = not rows
            for i, (aid, text, pub, label, path) in enumerate(rows, 1):
                _, result = extract_one((aid, text, pub, label))
                with defer_sigint():
                    if isinstance(result, str):
                        report.skipped.append((path or aid, result))
                        log.warning("%s: %s; its old events are kept", path or aid, result)
                    else:
                        report.events_added += st.replace_events(aid, result, version)
                        report.read += 1
                    report.complete = i == len(rows)
            with defer_sigint():
                report.merged = max(0, st.counts()["events"] - st.merged_count())
    except KeyboardInterrupt:
        _interrupted(report, "reprocessed")
    log.debug("%s", report.summary())  # the CLI prints it
    return report
