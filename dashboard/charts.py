"""The timeline under the map: events per week by type, with the selected window shaded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import cast

import altair as alt
import numpy as np
import pandas as pd

from geo.core.models import Event
from geo.core.taxonomy import EVENT_TYPES

from .map import TYPE_LABEL, TYPE_STYLE


def week_start(d: dt.date) -> dt.date:
    """The Monday of ``d``'s ISO week."""
    return d - dt.timedelta(days=d.weekday())


def timeline_frame(events: Sequence[Event]) -> pd.DataFrame:
    """Events per week (index: the week's Monday, every week from first to last) by type (columns, in
    taxonomy order, only types present; a type outside the taxonomy after them). Counts by the event's
    start date."""
    present = dict.fromkeys(e.type for e in events)
    types = [t for t in EVENT_TYPES if t in present] + [t for t in present if t not in EVENT_TYPES]
    if not events:
        return pd.DataFrame(columns=types, index=pd.DatetimeIndex([], name="week"), dtype="int64")
    col = {t: i for i, t in enumerate(types)}
    first = min(week_start(e.date) for e in events)  # a Monday: days since it // 7 is the week's row
    week = np.fromiter(((e.date - first).days // 7 for e in events), dtype=np.int64, count=len(events))
    kind = np.fromiter((col[e.type] for e in events), dtype=np.int64, count=len(events))
    counts = np.zeros((int(week.max()) + 1, len(types)), dtype=np.int64)
    np.add.at(counts, (week, kind), 1)  # one pass in numpy: 3,400 ``.loc`` writes took 0.7 s at 100k events
    weeks = pd.date_range(pd.Timestamp(first), periods=len(counts), freq="7D", name="week")
    return pd.DataFrame(counts, index=weeks, columns=types)


def timeline_chart(
    frame: pd.DataFrame, window: tuple[dt.date, dt.date] | None = None, height: int = 170
) -> alt.LayerChart:
    """Stacked weekly bars in the map's type colours; the selected window as a shaded band."""
    long = frame.reset_index().melt(id_vars="week", var_name="type", value_name="events")
    long = long[long["events"] > 0]
    long["label"] = long["type"].map(lambda t: TYPE_LABEL.get(t, t))
    types = list(frame.columns)
    scale = alt.Scale(
        domain=[TYPE_LABEL.get(t, t) for t in types],
        range=[TYPE_STYLE.get(t, ("#555555", ""))[0] for t in types],
    )
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("week:T", title=None),
            y=alt.Y("sum(events):Q", title="events / week"),
            color=alt.Color("label:N", scale=scale, legend=alt.Legend(title=None, orient="top", columns=8)),
            tooltip=[
                alt.Tooltip("week:T", title="week of"),
                alt.Tooltip("label:N", title="type"),
                "events:Q",
            ],
        )
    )
    if window is None:
        return cast(alt.LayerChart, alt.layer(bars).properties(height=height))
    band = (
        alt.Chart(pd.DataFrame({"start": [pd.Timestamp(window[0])], "end": [pd.Timestamp(window[1])]}))
        .mark_rect(color="#f2c14e", opacity=0.25)
        .encode(x="start:T", x2="end:T")
    )
    return cast(alt.LayerChart, alt.layer(band, bars).properties(height=height))
