"""The app's cached loaders: one copy per server process, shared by every session, keyed by the store's
fingerprint (``stamp``) so new articles, a review or another process's write make them read the store again.

They live here, not in ``app.py``, so the launcher (``dashboard.serve``) can fill them before the server
listens (``warm``): Streamlit keys a cached function by its module and source, and ``app.py`` imports this
module, so the first page's run finds the events, bases, options and the default map already built instead
of spending 2.5 s of CPU on them (issue 13, the cold first map at 100,000 events).
"""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from geo.core.models import Event

from . import charts, data, filters, views


# cache_resource, not cache_data: events are frozen, and copying 100,000 of them per rerun took seconds.
@st.cache_resource(show_spinner="Loading events…", max_entries=2)
def load(path: str | None, stamp: str) -> list[Event]:
    """All stored events; ``stamp`` (the store's fingerprint) makes new articles invalidate the cache."""
    return data.load_events(path)


@st.cache_resource(show_spinner=False, max_entries=2)
def options(path: str | None, stamp: str) -> views.Options:
    return views.options(load(path, stamp))


@st.cache_resource(show_spinner=False, max_entries=8)
def selected_events(path: str | None, stamp: str, f: filters.Filters) -> tuple[list[Event], pd.DataFrame]:
    """The filtered events (every date) and their weekly timeline frame, once per filter set."""
    events = filters.apply(load(path, stamp), f)
    return events, charts.timeline_frame(events)


@st.cache_resource(show_spinner=False, max_entries=2)
def bases(path: str | None, stamp: str) -> list:
    """Every base with its status history (curated + extracted), once per store state."""
    return data.bases_status(load(path, stamp), at=None)


@st.cache_resource(show_spinner="Drawing the map…", max_entries=8)
def map_parts(
    path: str | None, stamp: str, f: filters.Filters, govs: tuple[str, ...], mark: tuple | None, online: bool
) -> tuple[str, bytes, list[str]]:
    """The map's script for these filters (the page keeps it until a filter changes)."""
    events = load(path, stamp)
    return views.map_parts(filters.apply(events, f), events, list(govs), mark, online, bases(path, stamp))


def warm(path: str | None) -> str:
    """Fill every loader the first page calls with the sidebar's defaults (no filter, no search, no
    online tiles) for the store as it is now; returns its stamp. A store that changes before the first
    page has another stamp, so that page reads it again."""
    stamp = data.store_stamp(path)
    # Outside a page run Streamlit warns once per call that there is no script context: expected here.
    log = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        f = filters.from_sidebar()
        load(path, stamp)
        bases(path, stamp)
        options(path, stamp)
        selected_events(path, stamp, f)
        map_parts(path, stamp, f, (), None, False)
    finally:
        log.setLevel(level)
    return stamp
