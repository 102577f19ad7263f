"""Ingest article files into the store: read, date, label, extract, write (one transaction per article).

Idempotent: an article's id is the sha256 of its normalised text, so ingesting a folder twice adds
nothing. With ``jobs > 1`` extraction runs in worker processes while this process stays the single
writer, in input order, so the store ends up exactly as with ``jobs=1``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from ..core.errors import InputError
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
            line += "; interrupted (run it again to finish)"
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

    with open_store(store) as st:
        before = st.merged_count()  # counted in SQL: the stored merge is kept on every write
        known = st.article_ids()
        results: Iterator[tuple[Job, list[Event] | int | str]]
        if engine == "dask":
            for p, reason in missing:
                log.warning("%s: %s", p, reason)
            target, _ = resolve_target(store)
            results = _dask_results(files, report, known, published, source, version, scheduler, workers,
                                    store_url=target if isinstance(target, str) else None)
            bar = tqdm(total=None, disable=not progress, unit="article", desc="ingest (dask)")
        else:
            planned = _plan_local(files, report, known, published, source, version)
            results = zip(planned, (r for _, r in local_results(planned, workers)), strict=True)
            bar = tqdm(total=len(planned), disable=not progress, unit="article", desc="ingest")
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

        try:
            for job, result in results:
                if isinstance(result, str):
                    report.read -= 1
                    report.skipped.append((job.article.path, result))
                    log.warning("%s: %s", job.name, result)
                    continue
                if isinstance(result, int):  # a Dask worker stored it itself (PostGIS)
                    stored([(job, result)])
                    continue
                stored(writer.add(job, result))
            stored(writer.flush())
        except KeyboardInterrupt:
            report.interrupted = True
            log.warning("interrupted: %s", report.summary())
            raise
        finally:
            bar.close()
        after = st.merged_count()
        report.merged = max(0, report.events_added - (after - before))
    log.debug("%s", report.summary())  # the CLI prints it
    return report


def reprocess(store: str | Path | None = None) -> IngestReport:
    """Rebuild every article's events from its stored text with the current extractor.

    One transaction per article; article rows are untouched.
    """
    report = IngestReport(action="reprocessed")
    version = extractor_version()
    with open_store(store) as st:
        total = 0
        for aid, text, pub, label, path in st.article_rows():
            _, result = extract_one((aid, text, pub, label))
            if isinstance(result, str):
                report.skipped.append((path or aid, result))
                log.warning("%s: %s; its old events are kept", path or aid, result)
                continue
            with defer_sigint():
                total += st.replace_events(aid, result, version)
            report.read += 1
        report.events_added = total
        report.merged = max(0, st.counts()["events"] - st.merged_count())
    log.debug("%s", report.summary())  # the CLI prints it
    return report
