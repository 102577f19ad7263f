"""Planning shared by both engines: a file read into dated, labelled articles, and one article's
extraction (top level, so worker processes can run it)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import InputError
from ..core.models import Event
from ..dates import parse_date_line
from ..extract import EXTRACTOR_VERSION, extract_events
from ..store import Article
from .index import INDEX_FILE, index_date
from .readers import Document, normalized_for_hash, read_documents

log = logging.getLogger("geo.ingest")  # the stage, as users read it in warnings

NO_DATE = "no publication date found; pass --published YYYY-MM-DD or add it to index.csv"


def article_id(text: str) -> str:
    """The content hash that identifies an article."""
    return hashlib.sha256(normalized_for_hash(text).encode("utf-8")).hexdigest()


def extractor_version() -> str:
    """Stored with every event, so ``geo reprocess`` users can tell which rules made it."""
    return EXTRACTOR_VERSION


def _date_from_text(text: str) -> dt.date | None:
    """A date line in the article (``geo.dates.parse_date_line``)."""
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


@dataclass(frozen=True)
class Job:
    article: Article
    name: str


def _plan(doc: Document, row: dict[str, str], published: dt.date | None, source: str | None, version: str) -> Job:
    """The article row for ``doc``; ``row`` is its file's index.csv row ({} when none)."""
    # The file's own date wins (index.csv, the record or page metadata, a date line); --published is
    # the fallback for files that carry none.
    when = index_date(row, doc.name) or doc.published or _date_from_text(doc.text) or published
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
    return Job(art, doc.name)


def extract_one(args: tuple[str, str, dt.date, str],
                min_confidence: float | None = None) -> tuple[str, list[Event] | str]:
    """Top-level (picklable) extraction of one article: (id, events) or (id, error message)."""
    aid, text, published, source = args
    try:
        return aid, list(extract_events(text, published=published, source=source, min_confidence=min_confidence))
    except Exception as exc:  # one bad article must not stop the run; it is reported as skipped
        log.debug("extractor failed on %s", aid, exc_info=True)
        return aid, f"extractor failed ({type(exc).__name__}: {exc}); report it with the file"


def plan_file(
    path: Path, row: dict[str, str], published: dt.date | None, source: str | None, version: str
) -> tuple[list[Job], list[tuple[str, str]]]:
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


