"""Making decisions: confirm, correct, reject an event of the reviewed view, or add one by hand.

Pure functions over a ``ReviewedView``: they return the ``Review`` to append; the store keeps it.
A new decision about an already reviewed event keeps that review's key, first id and anchors (and
anchors the event's current reports too), so it replaces the earlier decision wherever that applies.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

from ..core.errors import InputError
from ..core.models import Event
from ..core.taxonomy import COUNT_FIELDS, DATE_PRECISIONS, EVENT_TYPES, STATUSES
from .apply import ReviewedView, added_event, reviewed
from .model import Anchor, Review, anchor_of, field_data, now_utc, short_hash


def reviewer_file() -> Path:
    """Where ``geo review name`` keeps the analyst's name (read at call time: tests move it)."""
    if os.environ.get("GEO_REVIEWER_FILE"):
        return Path(os.environ["GEO_REVIEWER_FILE"])
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "geo" / "reviewer"


def set_reviewer(name: str) -> Path:
    name = " ".join(name.split())
    if not name:
        raise InputError("a reviewer name cannot be empty")
    p = reviewer_file()
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(name + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {p} ({exc.strerror}); set GEO_REVIEWER instead") from None
    return p


def reviewer_name(explicit: str | None = None) -> str:
    """The analyst: ``--by``, else ``GEO_REVIEWER``, else the name set once with ``geo review name``."""
    for name in (explicit, os.environ.get("GEO_REVIEWER")):
        if name and name.strip():
            return " ".join(name.split())
    p = reviewer_file()
    if p.is_file():
        name = " ".join(p.read_text(encoding="utf-8", errors="replace").split())
        if name:
            return name
    raise InputError("who is reviewing? set your name once with: geo review name 'Your Name' (or pass --by)")


def check_event(e: Event) -> None:
    """InputError (one line) when a corrected or added event is not a valid event."""
    if e.type not in EVENT_TYPES:
        raise InputError(f"unknown type {e.type!r}; use one of {', '.join(EVENT_TYPES)}")
    if e.status not in STATUSES:
        raise InputError(f"unknown status {e.status!r}; use one of {', '.join(STATUSES)}")
    if e.date_precision not in DATE_PRECISIONS:
        raise InputError(f"unknown date precision {e.date_precision!r}; use one of {', '.join(DATE_PRECISIONS)}")
    if e.end_date is not None and e.end_date < e.date:
        raise InputError(f"the end date {e.end_date} lies before the date {e.date}")
    for k in COUNT_FIELDS:
        v = getattr(e, k)
        if v is not None and v < 0:
            raise InputError(f"{k} cannot be negative ({v})")


def decide(view: ReviewedView, index: int, status: str, reviewer: str, *, note: str = "",
           changes: dict[str, Any] | None = None, at: str | None = None) -> Review:
    """The decision ``status`` ("confirmed", "corrected" or "rejected") about ``view.events[index]``.

    ``changes`` are Event field values (dates, Places, ints, None); they add to earlier corrections.
    Confirming a corrected event keeps its corrections (it stays "corrected").
    """
    if status not in ("confirmed", "corrected", "rejected"):
        raise InputError(f"unknown decision {status!r}")
    at = at or now_utc()
    event, existing = view.events[index], view.review[index]
    note = note or (existing.note if existing else "")
    spec = dict(existing.changes) if existing else {}
    spec.update(field_data(changes or {}))
    if existing is not None and existing.is_added:
        out = Review(existing.key, "rejected" if status == "rejected" else "added", reviewer, at, note,
                     existing.event_id, (), spec)
        check_event(added_event(out))
        return out
    anchors: list[Anchor] = list(existing.anchors) if existing else []
    known = {a.key for a in anchors}
    for j in view.members[index]:
        a = anchor_of(*view.raw[j])
        if a.key not in known:
            anchors.append(a)
            known.add(a.key)
    if not anchors:  # pragma: no cover - every extracted event has a report
        raise InputError(f"event {event.id} has no stored report to attach a review to")
    if status != "rejected":
        status = "corrected" if spec else "confirmed"
    key = existing.key if existing else short_hash(anchors[0].key)
    out = Review(key, status, reviewer, at, note, existing.event_id if existing else event.id, tuple(anchors), spec)
    check_event(reviewed(event, out))
    return out


def add(fields: dict[str, Any], reviewer: str, *, note: str = "", article: dict[str, Any] | None = None,
        at: str | None = None) -> Review:
    """A hand-added event: ``fields`` are Event field values (at least type and date); ``article``
    (id, text, source, published) is the article it comes from, when it has one: the event keeps its
    reference, and the quote's offsets in its text when the quote is found there."""
    at = at or now_utc()
    if "type" not in fields or "date" not in fields:
        raise InputError("an added event needs at least a type and a date")
    values = {k: v for k, v in fields.items() if k in {f.name for f in dataclasses.fields(Event)}}
    if article is not None:
        quote = values.get("quote") or ""
        start = article["text"].find(quote) if quote else 0
        if start < 0:
            raise InputError(f"the quote is not in article {article['id'][:12]}; copy its words exactly")
        values.setdefault("source", article["source"])
        values.setdefault("published", article["published"])
        values["start"], values["end"] = start, start + len(quote)
    spec = field_data(values)
    if article is not None:
        spec["article_id"] = article["id"]
    key = "added:" + short_hash(reviewer, at, repr(sorted(spec.items(), key=lambda kv: kv[0])))
    out = Review(key, "added", reviewer, at, note, "", (), spec)
    check_event(added_event(out))
    return out
