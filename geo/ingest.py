"""Ingest article files into the store: read, date, label, extract, write (one transaction per article).

Idempotent: an article's id is the sha256 of its normalised text, so ingesting a folder twice adds
nothing. With ``jobs > 1`` extraction runs in worker processes while this process stays the single
writer, in input order, so the store ends up exactly as with ``jobs=1``.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError
from .models import Event
from .readers import Document, normalized_for_hash, read_documents
from .store import Article, open_store

log = logging.getLogger(__name__)

INDEX_FILE = "index.csv"
NO_DATE = "no publication date found; pass --published YYYY-MM-DD or add it to index.csv"


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


# ---------------------------------------------------------------- helpers
def article_id(text: str) -> str:
    """The content hash that identifies an article."""
    return hashlib.sha256(normalized_for_hash(text).encode("utf-8")).hexdigest()


def extractor_version() -> str:
    """Stored with every event, so ``geo reprocess`` users can tell which rules made it."""
    from .extract import EXTRACTOR_VERSION

    return EXTRACTOR_VERSION


def _date_from_text(text: str) -> dt.date | None:
    """A date line in the article (``geo.dates.parse_date_line``)."""
    from .dates import parse_date_line

    try:
        found = parse_date_line(text)
    except Exception:  # a date parser's bug must not stop an ingest; the file asks for --published
        log.debug("parse_date_line failed", exc_info=True)
        return None
    return found if isinstance(found, dt.date) else None


def _is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def collect_files(paths: Sequence[Path | str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to ingest (folders walked recursively, sorted; hidden files and index.csv left out)."""
    files: list[Path] = []
    missing: list[tuple[str, str]] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = [f for f in p.rglob("*") if f.is_file() and f.name != INDEX_FILE and not _is_hidden(f, p)]
            files.extend(sorted(found))
        elif p.is_file():
            files.append(p)
        else:
            missing.append((str(p), "no such file or folder"))
    # A file named twice (a folder and a file in it) is read once.
    seen: set[Path] = set()
    unique = []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, missing


class _Index:
    """``index.csv`` files (file,published[,outlet][,source]) found beside the articles."""

    def __init__(self) -> None:
        self._cache: dict[Path, dict[str, dict[str, str]]] = {}

    def row(self, path: Path) -> dict[str, str]:
        folder = path.parent
        if folder not in self._cache:
            self._cache[folder] = self._load(folder / INDEX_FILE)
        return self._cache[folder].get(path.name, {})

    @staticmethod
    def _load(index: Path) -> dict[str, dict[str, str]]:
        if not index.is_file():
            return {}
        try:
            with open(index, encoding="utf-8-sig", newline="") as f:
                return {r["file"].strip(): r for r in csv.DictReader(f) if r.get("file")}
        except (OSError, UnicodeDecodeError, KeyError, csv.Error) as exc:
            log.warning("%s: cannot read (%s); its dates and outlets are ignored", index, exc)
            return {}


def _published(row: dict[str, str], name: str) -> dt.date | None:
    value = (row.get("published") or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        log.warning("%s: index.csv date %r is not YYYY-MM-DD; ignored", name, value)
        return None


@dataclass(frozen=True)
class _Job:
    article: Article
    name: str


def _plan(doc: Document, row: dict[str, str], published: dt.date | None, source: str | None, version: str) -> _Job:
    """The article row for ``doc``; ``row`` is its file's index.csv row ({} when none)."""
    # The file's own date wins (index.csv, the record or page metadata, a date line); --published is
    # the fallback for files that carry none.
    when = _published(row, doc.name) or doc.published or _date_from_text(doc.text) or published
    if when is None:
        raise InputError(f"{doc.name}: {NO_DATE}")
    outlet = (row.get("outlet") or "").strip() or doc.outlet
    if source:
        label = source
    elif row.get("source"):
        label = row["source"].strip()
    elif outlet and row:
        label = f"{outlet} {when.isoformat()}"
    elif doc.source:
        label = doc.source
    else:
        label = doc.name
    art = Article(
        id=article_id(doc.text),
        text=doc.text,
        published=when,
        source=label,
        path=str(doc.path),
        outlet=outlet,
        url=doc.url,
        title=doc.title,
        encoding=doc.encoding,
        extractor_version=version,
    )
    return _Job(art, doc.name)


# ---------------------------------------------------------------- extraction (worker side)
def _worker_init(parent: int | None = None) -> None:
    # Ctrl-C goes to the whole process group: the main process handles it, workers ignore it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A SIGKILLed parent cannot shut the pool down, and its workers would wait on the call queue
    # forever: ask Linux to kill them with their parent, and watch the parent where that is not available.
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if parent is not None:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _extract(args: tuple[str, str, dt.date, str]) -> tuple[str, list[Event] | str]:
    """Top-level (picklable) extraction of one article: (id, events) or (id, error message)."""
    aid, text, published, source = args
    from .extract import extract_events

    try:
        return aid, list(extract_events(text, published=published, source=source))
    except Exception as exc:  # one bad article must not stop the run; it is reported as skipped
        log.debug("extractor failed on %s", aid, exc_info=True)
        return aid, f"extractor failed ({type(exc).__name__}: {exc}); report it with the file"


@contextmanager
def _defer_sigint() -> Iterator[None]:
    """Hold Ctrl-C until the block (one article's transaction) is done, then raise it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    hit: list[Any] = []
    old = signal.signal(signal.SIGINT, lambda *a: hit.append(a))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
    if hit:
        raise KeyboardInterrupt


def _results(jobs: list[_Job], workers: int) -> Iterator[tuple[str, list[Event] | str]]:
    args = [(j.article.id, j.article.text, j.article.published, j.article.source) for j in jobs]
    if workers <= 1 or len(args) <= 1:
        yield from map(_extract, args)
        return
    ctx = multiprocessing.get_context("spawn")  # safe whatever threads or handles this process holds
    pool = ProcessPoolExecutor(max_workers=min(workers, len(args)), mp_context=ctx, initializer=_worker_init,
                               initargs=(os.getpid(),))
    try:
        # map() keeps input order, so the writer stores articles exactly as jobs=1 would.
        # Small chunks keep the order cheap to restore and the workers evenly busy.
        chunk = max(1, min(8, len(args) // (workers * 4)))
        yield from pool.map(_extract, args, chunksize=chunk)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# ---------------------------------------------------------------- public API
ENGINES = ("local", "dask")


def plan_file(
    path: Path, row: dict[str, str], published: dt.date | None, source: str | None, version: str
) -> tuple[list[_Job], list[tuple[str, str]]]:
    """Read one file and date its articles: (jobs, skipped (path, reason)). Shared by both engines."""
    try:
        docs, bad = read_documents(path)
    except InputError as exc:
        return [], [(str(path), str(exc).removeprefix(f"{path.name}: "))]
    skipped = [(str(path.parent / n), r) for n, r in bad]
    jobs = []
    for doc in docs:
        try:
            jobs.append(_plan(doc, row, published, source, version))
        except InputError as exc:
            skipped.append((str(path.parent / doc.name), str(exc).removeprefix(f"{doc.name}: ")))
    return jobs, skipped


def _plan_local(
    files: list[Path], report: IngestReport, known: set[str], published: dt.date | None, source: str | None,
    version: str,
) -> list[_Job]:  # fmt: skip
    """Read and date every file here; the new articles to extract (read/duplicates/skipped counted)."""
    index = _Index()
    planned: list[_Job] = []
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
    version: str, scheduler: str | None, workers: int,
) -> Iterator[tuple[_Job, list[Event] | str]]:  # fmt: skip
    """The Dask engine's (job, result) stream in input order; reads, duplicates and skips counted as they come."""
    from .engine import FileTask, dask_outcomes

    index = _Index()
    tasks = [FileTask(str(f), index.row(f)) for f in files]
    outcomes = dask_outcomes(
        tasks, published=published, source=source, version=version, known=set(known), scheduler=scheduler,
        workers=workers,
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
    from tqdm import tqdm

    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    report = IngestReport()
    files, missing = collect_files(paths)
    report.skipped.extend(missing)
    version = extractor_version()
    workers = (os.cpu_count() or 1) if jobs == 0 else max(1, jobs)

    with open_store(store) as st:
        before = len(st.all_events())
        known = st.article_ids()
        results: Iterator[tuple[_Job, list[Event] | str]]
        if engine == "dask":
            for p, reason in missing:
                log.warning("%s: %s", p, reason)
            results = _dask_results(files, report, known, published, source, version, scheduler, workers)
            bar = tqdm(total=None, disable=not progress, unit="article", desc="ingest (dask)")
        else:
            planned = _plan_local(files, report, known, published, source, version)
            results = zip(planned, (r for _, r in _results(planned, workers)), strict=True)
            bar = tqdm(total=len(planned), disable=not progress, unit="article", desc="ingest")
        try:
            for job, result in results:
                if isinstance(result, str):
                    report.read -= 1
                    report.skipped.append((job.article.path, result))
                    log.warning("%s: %s", job.name, result)
                    continue
                with _defer_sigint():
                    added = st.add_article(job.article, result)
                if added is None:  # another ingest stored it meanwhile
                    report.duplicates += 1
                else:
                    report.new += 1
                    report.events_added += added
                bar.update(1)
        except KeyboardInterrupt:
            report.interrupted = True
            log.warning("interrupted: %s", report.summary())
            raise
        finally:
            bar.close()
        after = len(st.all_events())
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
            _, result = _extract((aid, text, pub, label))
            if isinstance(result, str):
                report.skipped.append((path or aid, result))
                log.warning("%s: %s; its old events are kept", path or aid, result)
                continue
            with _defer_sigint():
                total += st.replace_events(aid, result, version)
            report.read += 1
        report.events_added = total
        report.merged = max(0, st.counts()["events"] - len(st.all_events()))
    log.debug("%s", report.summary())  # the CLI prints it
    return report
