"""What both backends share: the article record, and the reads and merged views written once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Self

from gazetteer.models import Place

from ..core.errors import StoreError
from ..core.models import Event
from ..events import filter_events
from ..review import ReviewedView, apply_reviews
from .columns import EVENT_READ_COLS, PLACE_READ_COLS, row_to_event, row_to_place
from .review import ReviewRows


@dataclass(frozen=True)
class Article:
    """An article row: ``id`` is the sha256 of its normalised text."""

    id: str
    text: str
    published: dt.date
    source: str
    path: str = ""
    outlet: str = ""
    url: str = ""
    title: str = ""
    encoding: str = "utf-8"
    extractor_version: str = ""


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"



TABLES = ("articles", "events", "movements", "places")


class EventReads(ReviewRows):
    """What both backends share: the reads written once (with the driver's placeholder), and the
    deduplicated, filtered views derived from ``raw_events()``.

    ``_fingerprint()`` names the stored state cheaply; the merged events are cached until it changes.
    """

    _cache: list[Event] | None = None
    _cache_key: Any = None
    _view: ReviewedView | None = None

    conn: Any
    path: Any
    _param = "?"  # the driver's placeholder: sqlite3 takes "?", psycopg "%s"

    def _places(self) -> dict[str, Place]:
        rows = self.conn.execute(f"SELECT {', '.join(PLACE_READ_COLS)} FROM places")
        return {r[0]: row_to_place(r) for r in rows}

    def raw_events(self) -> list[tuple[str, Event]]:
        """Every stored (article id, event) as extracted, before cross-article deduplication."""
        # Events first: an event's places are committed with (or before) it, so they are all found.
        rows = self.conn.execute(f"SELECT {', '.join(EVENT_READ_COLS)} FROM events ORDER BY fid").fetchall()
        places = self._places()
        return [row_to_event(r, places) for r in rows]

    def article_text(self, article_id: str) -> str:
        row = self.conn.execute(f"SELECT text FROM articles WHERE id = {self._param}", (article_id,)).fetchone()
        if row is None:
            raise StoreError(f"no article {article_id!r} in {self.path}; list them with Store.articles()")
        return str(row[0])

    def counts(self) -> dict[str, int]:
        """Rows per table, plus ``merged_events`` (events after deduplication)."""
        out = {}
        for t in TABLES:
            row = self.conn.execute(f"SELECT count(*) FROM {t}").fetchone()
            out[t] = int(row[0]) if row else 0
        out["merged_events"] = len(self.all_events())
        return out

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def article_ids(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT id FROM articles")}

    def _fingerprint(self) -> Any:
        return None

    def fingerprint(self) -> str:
        """A cheap name for the stored state: it changes whenever events or reviews are written (any process)."""
        return repr((self._fingerprint(), self._review_fingerprint()))

    def reviewed(self) -> ReviewedView:
        """The merged events under their analysts' reviews (``geo.review``), rejected ones included;
        cached until a write (of events or reviews)."""
        key = (self._fingerprint(), self._review_fingerprint())
        if self._cache is None or self._view is None or key != self._cache_key:
            self._view = apply_reviews(self.raw_events(), self.review_rows())
            self._cache = self._view.events
            self._cache_key = key
        return self._view

    def all_events(self, include_rejected: bool = False) -> list[Event]:
        """Every event after cross-article deduplication and review, sorted by (date, id); the events
        an analyst rejected are left out unless ``include_rejected``."""
        events = self.reviewed().events
        return [e for e in events if include_rejected or e.review_status != "rejected"]

    def events(
        self,
        start: dt.date | None = None,
        end: dt.date | None = None,
        types: Iterable[str] | None = None,
        governorates: Iterable[str] | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        sources: Iterable[str] | None = None,
        include_rejected: bool = False,
    ) -> list[Event]:
        """Deduplicated, reviewed events that pass the filters (see ``geo.query.filter_events``), by date."""
        return filter_events(
            self.all_events(include_rejected),
            start=start,
            end=end,
            types=types,
            governorates=governorates,
            bbox=bbox,
            sources=sources,
        )


