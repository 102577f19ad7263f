"""Streamlit dashboard: foreign bases, withdrawals and attacks in Iraq, scrubbed through time.

A thin script: widgets in, pure functions (``filters``, ``map.build_map``, ``charts``) out.
Run with ``geo dashboard`` (or ``make run``); reads ``GEO_STORE`` or the default store. Works with no
network: Leaflet & co. come from ``static/vendor`` (``scripts/vendor_assets.sh``), the basemap from
``static/basemap_countries.geojson``.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import streamlit as st

# `streamlit run` puts dashboard/ (not the project) on sys.path; make `dashboard.*` importable either way.
_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from streamlit_folium import st_folium  # noqa: E402

from dashboard import access, assets, charts, data, filters, review, review_ui  # noqa: E402
from dashboard.map import TYPE_LABEL, build_map  # noqa: E402
from geo.core.models import Event  # noqa: E402

PLAY_SECONDS = 2.5  # one step of the play loop (a map rebuild takes well under a second)
MAP_HEIGHT = 600

st.set_page_config(page_title="Foreign forces in Iraq — events map", page_icon="🗺️", layout="wide")
ss = st.session_state


@st.cache_data(show_spinner="Loading events…")
def _load(path: str | None, stamp: str) -> list[Event]:
    """All stored events; ``stamp`` (the store's fingerprint) makes new articles invalidate the cache."""
    return data.load_events(path)


@st.cache_data(show_spinner=False)
def _governorates() -> list:
    return data.governorate_places()


def _events() -> list[Event]:
    # Tests inject events directly; users always read the store.
    injected = ss.get("_test_events")
    if injected is not None:
        return list(injected)
    path = data.store_path()
    return _load(path, data.store_stamp(path))


events_all = _events()
bounds = filters.date_bounds(events_all)
lo, hi = bounds
if lo == hi:  # a slider needs two distinct ends
    hi = lo + dt.timedelta(days=1)
    bounds = (lo, hi)

# --- Time window state (set before the slider exists: Streamlit forbids changing it afterwards) -------------
if "_next_window" in ss:
    ss["window"] = ss.pop("_next_window")
win = ss.get("window")
if not win or win[0] > hi or win[1] < lo or win[0] > win[1]:
    ss["window"] = bounds
elif win[0] < lo or win[1] > hi:  # the collection changed (new articles): keep what still fits
    ss["window"] = (max(win[0], lo), min(win[1], hi))
ss.setdefault("playing", False)
ss.setdefault("step", "1 month")


def _toggle_play() -> None:
    if ss["playing"]:
        ss["playing"] = False
        return
    ss["window"] = filters.play_start(tuple(ss["window"]), bounds)
    ss["playing"] = True
    ss["_last_tick"] = time.monotonic()


def _reset_window() -> None:
    ss["playing"] = False
    ss["window"] = bounds


# --- Sidebar: filters, search, map options, adding articles -----------------------------------------------
with st.sidebar:
    st.header("Filters")
    types = st.multiselect(
        "Event type",
        filters.types_present(events_all),
        key="types",
        placeholder="All types",
        format_func=lambda t: TYPE_LABEL.get(t, t),
    )
    govs = st.multiselect("Governorate", filters.governorates(events_all), key="govs", placeholder="All governorates")
    srcs = st.multiselect("Source", filters.sources(events_all), key="srcs", placeholder="All sources")
    prec = st.selectbox(
        "Minimum place precision",
        filters.PRECISION_CHOICES,
        key="min_prec",
        help="'city' keeps events located to a site or a town; 'any' also keeps events with no place.",
    )
    min_conf = st.number_input(
        "Minimum confidence", 0.0, 1.0, 0.0, 0.05, key="min_conf",
        help="How likely an event is right, from its evidence (place, date, trigger) and how many sources "
             "report it; calibrated on real articles. 0 shows everything.",
    )
    reviewed_flag = review_ui.sidebar_filter()
    st.header("Find a place")
    query = st.text_input("Place name (Arabic or English)", key="place_q", placeholder="e.g. عين الأسد, Balad")
    center: tuple[float, float] | None = None
    mark: tuple[float, float, str] | None = None
    if query.strip():
        found = data.resolve_place(query.strip())
        if found is None:
            st.warning(f"No place matches {query.strip()!r}.")
        else:
            center = (found.lat, found.lon)
            mark = (found.lat, found.lon, found.name)
            st.caption(f"Centred on **{found.name}** ({found.precision}, {found.lat:.3f}, {found.lon:.3f})")
    st.header("Map")
    online = st.checkbox(
        "Offer online tiles (needs internet)",
        key="online",
        value=False,
        help="Adds OpenStreetMap / CartoDB layers, switched off, to the layer menu.",
    )
    with st.expander("Add articles"):
        # who may write: read-only unless --allow-upload, a token beyond localhost, limits (access.py)
        gate = access.current(st.get_option("server.address"))
        token = st.query_params.get(access.TOKEN_PARAM) or (
            st.text_input("Access token", type="password", key="token") if gate.needs_token else None)
        refused = gate.refusal(token)
        if refused:
            st.info(refused)
        uploads = st.file_uploader(
            "Saved articles (.txt, .html)",
            type=["txt", "html", "htm", "md"],
            accept_multiple_files=True,
            key="uploads",
            disabled=bool(refused),
        )
        published = st.date_input("Publication date", value=dt.date.today(), key="published")
        too_much = gate.check_uploads((up.name, up.size) for up in uploads or [])
        if too_much:
            st.error(too_much)
        if st.button("Extract events", disabled=not uploads or bool(refused or too_much), key="ingest") \
                and not (gate.refusal(token) or too_much):  # checked here too: a disabled widget is no guard
            with tempfile.TemporaryDirectory() as tmp, st.spinner("Extracting events…"):
                paths = []
                for up in uploads or []:
                    p = Path(tmp) / Path(up.name).name  # never trust a client-supplied path
                    p.write_bytes(up.getvalue())
                    paths.append(p)
                ss["ingest_summary"] = data.ingest_files(paths, data.store_path(), published)
            st.cache_data.clear()
            st.rerun()
        if "ingest_summary" in ss:
            st.success(ss["ingest_summary"])

# --- Header and time controls ----------------------------------------------------------------------------
# Less empty space above the title: the map should be visible without scrolling.
st.markdown("<style>[data-testid='stMainBlockContainer']{padding-top:2.2rem}</style>", unsafe_allow_html=True)
st.markdown("## Foreign forces in Iraq: bases, withdrawals and attacks")
store_label = data.store_path() or "default store"
st.caption(f"{len(events_all)} events from Arabic news · {review.counts_line(events_all)} · {bounds[0]} – "
           f"{bounds[1]} · {store_label}")
if not st.get_option("server.enableStaticServing"):
    st.error(
        "Static file serving is off, so the map cannot load Leaflet: start the app with `geo dashboard` "
        "(it reads dashboard/.streamlit/config.toml) or pass `--server.enableStaticServing true`."
    )
if missing := assets.missing_files():
    st.error(
        f"Map libraries are not vendored ({len(missing)} files missing): run `make build` "
        "(scripts/vendor_assets.sh). The map stays blank without them."
    )

c_slider, c_play, c_step, c_reset = st.columns([8, 1.2, 1.4, 1.1], vertical_alignment="bottom")
with c_slider:
    window: tuple[dt.date, dt.date] = st.slider(  # type: ignore[assignment]
        "Time window", min_value=bounds[0], max_value=bounds[1], key="window", format="YYYY-MM-DD"
    )
with c_play:
    st.button("⏸ Pause" if ss["playing"] else "▶ Play", key="play", on_click=_toggle_play, width="stretch")
with c_step:
    st.selectbox("Step", list(filters.STEPS), key="step", label_visibility="collapsed")
with c_reset:
    st.button("All dates", key="reset", on_click=_reset_window, width="stretch")


@st.fragment(run_every=PLAY_SECONDS if ss["playing"] else None)
def _ticker() -> None:
    """While playing, move the window one step per tick and rerun the whole page."""
    if not ss["playing"]:
        return
    now = time.monotonic()
    if now - ss.get("_last_tick", 0.0) < PLAY_SECONDS * 0.8:  # the page run that started play
        return
    ss["_last_tick"] = now
    new, at_end = filters.step_window(tuple(ss["window"]), bounds, filters.STEPS[ss["step"]])
    ss["_next_window"] = new
    if at_end:
        ss["playing"] = False
    st.rerun()


_ticker()

# --- Select ---------------------------------------------------------------------------------------------
start: dt.date = window[0]
end: dt.date = window[1]
base_filters = filters.Filters(
    types=tuple(types) or None,
    governorates=tuple(govs) or None,
    sources=tuple(srcs) or None,
    min_precision=filters.precision_filter(prec),
    min_confidence=min_conf or None,
)
in_filters = review.only_reviewed(filters.apply(events_all, base_filters), reviewed_flag)  # every date
visible = filters.apply(in_filters, filters.Filters(start=start, end=end))
bases = data.bases_status(events_all, at=end)
if govs:
    bases = [b for b in bases if b.place.province in govs]
on_map = [e for e in visible if e.place is not None]

m1, m2, m3, m4, m5 = st.columns(5)
m1.metric("Visible events", len(visible))
m2.metric("On the map", len(on_map))
m3.metric("Attacks & air strikes", sum(e.type in ("attack", "airstrike") for e in visible))
m4.metric("Withdrawals & handovers", sum(e.type in ("withdrawal", "redeployment", "handover") for e in visible))
m5.metric(
    "Bases with troops", sum(b.status == "present" for b in bases), help=f"Status on {end}, the window's last day"
)

# --- Map ------------------------------------------------------------------------------------------------
fmap = build_map(
    visible, bases, at=end, center=center, mark=mark, governorates=_governorates(), online_tiles=online
)
st_folium(fmap, height=MAP_HEIGHT, use_container_width=True, returned_objects=[], key="map")
st.caption(
    f"{len(on_map)} of {len(visible)} visible events are on the map ({len(visible) - len(on_map)} have no "
    f"known place). Bases coloured by status on {end}. Click a marker for the quote and its source."
)

# --- Timeline -------------------------------------------------------------------------------------------
frame = charts.timeline_frame(in_filters)
if len(frame):
    st.altair_chart(charts.timeline_chart(frame, window=(start, end)), width="stretch")

# --- Table, details, export -----------------------------------------------------------------------------
st.subheader(f"Visible events ({len(visible)})")
table = filters.table_frame(visible)
picked = st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key="table",
    column_config={
        "date": st.column_config.DateColumn("date"),
        "published": st.column_config.DateColumn("published"),
        "quote": st.column_config.TextColumn("quote", width="large"),
        "id": None,
    },
)
rows = picked.selection.rows if picked is not None else []
if rows:
    st.markdown(filters.quote_html(visible, table.iloc[rows[0]]["id"]), unsafe_allow_html=True)
else:
    st.caption("Select a row to read its full quote.")

stamp = f"{start}_{end}"
d1, d2, _ = st.columns([1, 1, 3])
d1.download_button(
    "⬇ GeoJSON (visible events)",
    data.geojson_bytes(visible),
    f"events_{stamp}.geojson",
    "application/geo+json",
    key="dl_geojson",
    width="stretch",
)
d2.download_button(
    "⬇ CSV (visible events)",
    filters.csv_bytes(visible),
    f"events_{stamp}.csv",
    "text/csv",
    key="dl_csv",
    width="stretch",
)

# --- Review (geo.review): the queue, and confirm / reject / edit of the picked event ----------------------
if review_ui.panel(events_all, data.store_path(), str(table.iloc[rows[0]]["id"]) if rows else None):
    st.cache_data.clear()
    st.rerun()
