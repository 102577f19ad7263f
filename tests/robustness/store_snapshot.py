"""What the fault tests compare a store by: its articles in insertion order and each article's events
(test_faults.py's killed ingests, test_interrupts.py's signalled ones)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from geo.store import open_store

Snapshot = tuple[list[str], dict[str, list]]


def snapshot(store: Path) -> Snapshot:
    """Article ids in insertion order, and each article's events (full Event values) sorted by id."""
    with open_store(store) as st:
        arts = [a["id"] for a in st.articles()]
        events: dict[str, list] = defaultdict(list)
        for aid, e in st.raw_events():
            events[aid].append(e)
    return arts, {aid: sorted(v, key=lambda e: e.id) for aid, v in events.items()}
