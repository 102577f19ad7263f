"""The dashboard's doorway to analyst review (``geo.review``): pure helpers and the store writes.

Writes follow the dashboard's write permission (``dashboard.access``, through ``write_refusal``): the
same switch (``geo dashboard --allow-upload``, and the access token beyond localhost) lets an analyst
upload articles and record reviews; without it the dashboard only reads.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

import gazetteer
from gazetteer.models import Place
from geo.core.access import ENV_UPLOAD
from geo.core.errors import InputError
from geo.core.models import Event
from geo.ingest import open_seeded_store
from geo.review import (
    add,
    decide,
    needs_review,
    point_place,
    priority,
    review_counts,
    reviewed_only,
    reviewer_name,
    set_reviewer,
)

from . import access

# The dashboard's write switch (``dashboard.access``; `geo dashboard --allow-upload` sets it, a token is
# needed beyond localhost): uploads and reviews alike.
WRITE_ENV = ENV_UPLOAD


def write_refusal(token: str | None = None) -> str | None:
    """Why this browser may not record reviews (one line), or None when it may: the upload box's rules."""
    import streamlit as st

    refused = access.current(str(st.get_option("server.address") or "localhost")).refusal(token)
    return None if refused is None else refused.replace("add articles", "add articles or review events")


def writes_allowed(token: str | None = None) -> bool:
    return write_refusal(token) is None


def counts_line(events: Sequence[Event]) -> str:
    """The header's "N reviewed · M unreviewed" (rejected events are off the map, not counted)."""
    c = review_counts(events)
    return f"{c['reviewed']} reviewed · {c['unreviewed']} unreviewed"


def only_reviewed(events: Sequence[Event], on: bool) -> list[Event]:
    """The "reviewed only" filter: confirmed, corrected and added events when ``on``."""
    return reviewed_only(events) if on else list(events)


def queue_frame(events: Sequence[Event], limit: int | None = None) -> pd.DataFrame:
    """The needs-review queue as table rows: least sure and most consequential first (its first ``limit``)."""
    rows = [{"id": e.id, "priority": round(priority(e), 2), "type": e.type, "date": e.date,
             "place": e.place.name if e.place else "", "confidence": e.confidence,
             "casualties": (e.killed or 0) + (e.wounded or 0), "source": e.source}
            for e in needs_review(events, limit)]
    return pd.DataFrame(rows, columns=["id", "priority", "type", "date", "place", "confidence", "casualties",
                                       "source"])


# What the map's popup buttons ask (the component's ``review`` report) and the decision each records.
MAP_ACTIONS: dict[str, str | None] = {"confirm": "confirmed", "reject": "rejected", "edit": None}


def map_request(report: Mapping[str, Any], ids_by_key: Mapping[str, Sequence[str]]) -> tuple[str, str] | None:
    """``(event id, action)`` for a review button the map page reported, or None.

    The id must belong to the payload the report quotes (``key``): a click on an older map (the store
    changed since) or a malformed report records nothing."""
    req = report.get("review")
    if not isinstance(req, Mapping):
        return None
    ident, action = req.get("id"), req.get("action")
    ids = ids_by_key.get(str(report.get("key")))
    if not isinstance(ident, str) or action not in MAP_ACTIONS or ids is None or ident not in ids:
        return None
    return ident, str(action)


def map_point(report: Mapping[str, Any]) -> tuple[float, float] | None:
    """The point a click on the map offered as a corrected place (``{"point": {"lat", "lon"}}``), or None
    when the report carries none or a point off the globe."""
    p = report.get("point")
    if not isinstance(p, Mapping):
        return None
    try:
        lat, lon = float(p["lat"]), float(p["lon"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return round(lat, 5), round(lon, 5)


def default_reviewer() -> str:
    try:
        return reviewer_name()
    except InputError:
        return ""


def label(e: Event) -> str:
    place = e.place.name if e.place else "no place"
    return f"{e.id} · {e.date} · {e.type} · {place} · {e.review_status}"


def find_place(text: str) -> Place | None:
    """A place typed in the edit form: "LAT,LON" is a point of its own, anything else a gazetteer
    name in Arabic or English (or a place id)."""
    text = text.strip()
    if not text:
        return None
    parts = text.replace("،", ",").split(",")
    if len(parts) == 2:
        try:
            lat, lon = float(parts[0]), float(parts[1])
        except ValueError:
            pass
        else:
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise InputError(f"{text!r} is not a point on the globe (LAT,LON)")
            return point_place(lat, lon)
    try:
        return gazetteer.get_place(text)
    except KeyError:
        pass
    found = gazetteer.resolve(text)
    if found is None:
        raise InputError(f"no place matches {text!r}; try another spelling, or type LAT,LON")
    return found


def parse_count(text: str) -> int | None:
    text = text.strip()
    if not text or text.lower() in ("none", "unknown"):
        return None
    if not text.isdigit():
        raise InputError(f"not a count: {text!r} (a whole number, or empty for unknown)")
    return int(text)


def edit_changes(event: Event, *, type_: str, date: dt.date, precision: str, status: str, place: str,
                 counts: dict[str, str], destination: str = "") -> dict[str, Any]:
    """What the edit form changes: the fields that differ from the event as shown."""
    out: dict[str, Any] = {}
    for name, value in (("type", type_), ("date", date), ("date_precision", precision), ("status", status)):
        if getattr(event, name) != value:
            out[name] = value
    if place.strip():
        new = find_place(place)
        if new is not None and (event.place is None or new.id != event.place.id):
            out["place"] = new
    if destination.strip():
        none = destination.strip().lower() in ("none", "-")
        dest = None if none else find_place(destination)
        if (dest.id if dest else None) != (event.destination.id if event.destination else None):
            out["destination"] = dest
    for k, text in counts.items():
        count = parse_count(text)
        if count != getattr(event, k):
            out[k] = count
    return out


def save_decision(store: str | Path | None, event_id: str, status: str, reviewer: str, note: str = "",
                  changes: dict[str, Any] | None = None, token: str | None = None) -> str:
    """Record one decision ("confirmed", "corrected", "rejected") about the event with this id; the
    one-line message to show. Refused (InputError) when writes are off."""
    refused = write_refusal(token)
    if refused:
        raise InputError(refused)
    if not reviewer.strip():
        raise InputError("give your name first (it goes with every decision)")
    with open_seeded_store(store) as st:
        view = st.reviewed()
        i = view.index_of(event_id)
        if i is None:
            raise InputError(f"no event {event_id} in the store any more; reload the page")
        st.add_reviews([decide(view, i, status, " ".join(reviewer.split()), note=note, changes=changes)])
    if default_reviewer() != " ".join(reviewer.split()):
        set_reviewer(reviewer)  # set once: the next session starts with it
    return f"{status} {event_id}" + (f" ({', '.join(sorted(changes))})" if changes else "")


def save_added(store: str | Path | None, reviewer: str, *, type_: str, date: dt.date, precision: str, status: str,
               place: str, note: str = "", article_id: str = "", quote: str = "", token: str | None = None) -> str:
    """Record an event the extractor missed; ``article_id`` (a stored article) and ``quote`` (its exact
    words) are the reference it keeps. The one-line message to show."""
    refused = write_refusal(token)
    if refused:
        raise InputError(refused)
    if not reviewer.strip():
        raise InputError("give your name first (it goes with every decision)")
    where = find_place(place)
    fields: dict[str, Any] = {"type": type_, "date": date, "date_precision": precision, "status": status,
                              "place": where, "quote": quote.strip()}
    with open_seeded_store(store) as st:
        article = None
        if article_id:
            row = next((a for a in st.articles() if a["id"] == article_id), None)
            if row is None:
                raise InputError(f"no article {article_id[:12]} in the store any more; reload the page")
            article = {"id": row["id"], "text": st.article_text(row["id"]), "source": row["source"] or "",
                       "published": dt.date.fromisoformat(str(row["published"])[:10])}
        r = add(fields, " ".join(reviewer.split()), note=note, article=article)
        st.add_reviews([r])
    return f"added {r.key.split(':', 1)[1]} ({type_} on {date}" + (f" at {where.name})" if where else ")")


def article_choices(store: str | Path | None) -> dict[str, str]:
    """Stored articles for the add form: id → "published · source · title or file"."""
    with open_seeded_store(store) as st:
        rows = st.articles()
    return {str(a["id"]): " · ".join((str(a["published"])[:10], a["source"] or "",
                                      a["title"] or Path(a["path"] or "").name)) for a in rows}
