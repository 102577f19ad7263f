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
from pathlib import Path

import streamlit as st

# `streamlit run` puts dashboard/ (not the project) on sys.path; make `dashboard.*` importable either way.
_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from dashboard import access, assets, cached, charts, data, filters, review, review_ui, state, views  # noqa: E402
from dashboard.map import TYPE_LABEL, component  # noqa: E402

MAP_HEIGHT = 640
TABLE_ROWS = 2000  # more rows cost seconds per rerun and no analyst reads them in a table
# Above this many events the timeline, the table and the review panel of a session's first page wait for
# the map's first paint: the page and the map's frame share one main thread, and drawing the table's grid
# and the Vega chart first held the map back by 1.2 s of a 3.4 s cold page at 100,000 events.
BELOW_MAP_WAITS_AT = 5000

st.set_page_config(page_title="Foreign forces in Iraq — events map", page_icon="🗺️", layout="wide")
ss = st.session_state


# Tests inject events directly; users always read the store (its fingerprint keys every cache).
INJECTED = ss.get("_test_events") is not None
STORE = data.store_path()
STAMP = "" if INJECTED else data.store_stamp(STORE)
if INJECTED:
    events_all = list(ss["_test_events"])
    bases_all = data.bases_status(events_all, at=None)
    options = views.options(events_all)
else:
    events_all, bases_all = cached.load(STORE, STAMP), cached.bases(STORE, STAMP)
    options = cached.options(STORE, STAMP)
bounds = options.bounds
lo, hi = bounds
if lo == hi:  # a slider needs two distinct ends
    hi = lo + dt.timedelta(days=1)
    bounds = (lo, hi)

# --- A shared link: the URL's view, window, filters and selected event, read once per session ---------
if "_from_url" not in ss:
    ss["_from_url"] = True
    for k, v in state.from_query(dict(st.query_params), bounds, events_all).items():
        ss[k] = v

# --- Time window state (set before the slider exists: Streamlit forbids changing it afterwards) -------------
win = ss.get("window")
if not win or win[0] > hi or win[1] < lo or win[0] > win[1]:
    ss["window"] = bounds
elif win[0] < lo or win[1] > hi:  # the collection changed (new articles): keep what still fits
    ss["window"] = (max(win[0], lo), min(win[1], hi))
ss.setdefault("play", {"step": "month", "speed": 1.0, "mode": "moving"})
ss.setdefault("_sel_seq", 0)
ss.setdefault("_fit_seq", 0)


def _on_map() -> None:
    """The page reported (pause, a brush of the timeline, a click, a popup's review button): its window
    and selection reach Python; a review is recorded before this run reads the store."""
    report = ss.get("geo_map") or {}
    updates = state.from_report(report, ss.get("_map_ids", {}), bounds, ss["play"])
    if "sel" in updates:
        ss["_sel_seq"] += 1
    for k, v in updates.items():
        ss[k] = v
    if review_ui.from_map(report, ss.get("_map_ids", {}), STORE, events_all):
        st.cache_data.clear()
        st.cache_resource.clear()


def _on_table() -> None:
    """A table row selects its event: the map flies to it and opens its popup."""
    rows = ss["table"].selection.rows if ss.get("table") is not None else []
    updates = state.from_table(rows, ss.get("_table_ids", []))
    if updates:
        ss["_sel_seq"] += 1
    for k, v in updates.items():
        ss[k] = v


def _reset_window() -> None:
    ss["window"] = bounds


# --- Sidebar: filters, search, map options, adding articles -----------------------------------------------
with st.sidebar:
    st.header("Filters")
    types = st.multiselect(
        "Event type",
        options.types,
        key="types",
        placeholder="All types",
        format_func=lambda t: TYPE_LABEL.get(t, t),
    )
    govs = st.multiselect("Governorate", options.governorates, key="govs", placeholder="All governorates")
    srcs = st.multiselect("Outlet", options.outlets, key="srcs", placeholder="All outlets")
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
    mark: tuple[float, float, str] | None = None
    if query.strip():
        found = data.resolve_place(query.strip())
        if found is None:
            st.warning(f"No place matches {query.strip()!r}.")
        else:
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
        outlet = st.text_input("Outlet", key="outlet", placeholder="e.g. Shafaq News",
                               help="Who published the articles: the source filter and the table show it.")
        published = st.date_input(
            "Publication date", value=dt.date.today(), key="published",
            help="Used when a file carries no date of its own (page metadata or a date line wins).",
        )
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
                ss["ingest_dates"] = data.dates_used(paths, published)
                ss["ingest_ok"], ss["ingest_summary"] = data.ingest_files(paths, STORE, published,
                                                                         outlet.strip() or None)
            st.cache_data.clear()
            st.cache_resource.clear()
            st.rerun()
        if "ingest_summary" in ss:
            (st.success if ss.get("ingest_ok", True) else st.error)(ss["ingest_summary"])
            for line in ss.get("ingest_dates", []):
                st.caption(line)

# --- Header --------------------------------------------------------------------------------------------
# Less empty space above the title: the map should be visible without scrolling. The place search box
# follows its text's direction (Arabic right-to-left).
st.markdown(
    "<style>[data-testid='stMainBlockContainer']{padding-top:2.2rem}"
    "[data-testid='stTextInputRootElement'] input{unicode-bidi:plaintext;text-align:start}</style>",
    unsafe_allow_html=True,
)
st.markdown("## Foreign forces in Iraq: bases, withdrawals and attacks")
store_label = STORE or "default store"
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

c_slider, c_reset = st.columns([9, 1.1], vertical_alignment="bottom")
with c_slider:
    window: tuple[dt.date, dt.date] = st.slider(  # type: ignore[assignment]
        "Time window (Play, speed and steps are on the map; the figures and the table follow when it pauses)",
        min_value=bounds[0], max_value=bounds[1], key="window", format="YYYY-MM-DD",
    )
with c_reset:
    st.button("All dates", key="reset", on_click=_reset_window, width="stretch")

# --- Select ---------------------------------------------------------------------------------------------
start: dt.date = window[0]
end: dt.date = window[1]
base_filters = filters.from_sidebar(types, govs, srcs, prec, min_conf)
if INJECTED:
    in_filters, frame = filters.apply(events_all, base_filters), None
else:  # every date: the map's payload, the timeline's bars
    in_filters, frame = cached.selected_events(STORE, STAMP, base_filters)
if reviewed_flag:  # "reviewed only" (geo.review): the timeline and the map follow it
    in_filters, frame = review.only_reviewed(in_filters, True), None
visible = filters.apply(in_filters, filters.Filters(start=start, end=end))
on_map = [e for e in visible if e.place is not None]
bases_shown = [b for b in bases_all if not govs or b.place.province in govs]
status_now = views.status_at(bases_shown, end)

m1, m2, m3, m4, m5 = st.columns(5)
m1.metric("Visible events", len(visible))
m2.metric("On the map", len(on_map))
m3.metric("Attacks & air strikes", sum(e.type in ("attack", "airstrike") for e in visible))
m4.metric("Withdrawals & handovers", sum(e.type in ("withdrawal", "redeployment", "handover") for e in visible))
m5.metric(
    "Bases with troops",
    sum(s == "present" for s in status_now.values()),
    help=f"Status on {end}, the window's last day",
)

# --- Map ------------------------------------------------------------------------------------------------
# The page reports its first paint (state.from_report sets _map_drawn) and that report's rerun adds the rest.
waiting = not ss.get("_map_drawn") and len(in_filters) > BELOW_MAP_WAITS_AT
if INJECTED or reviewed_flag:
    map_id, script, ids = views.map_parts(in_filters, events_all, govs, mark, online, bases_all)
else:
    map_id, script, ids = cached.map_parts(STORE, STAMP, base_filters, tuple(govs), mark, online)
skey = component.script_key(script)
ss["_map_ids"] = {skey: ids}
# Fit the view when the governorate filter or the searched place changes (never on other reruns).
fit_key = (tuple(govs), mark)
if ss.get("_fit_key") != fit_key:
    first_run = "_fit_key" not in ss
    ss["_fit_key"] = fit_key
    if not first_run or govs or mark:
        ss["_fit_seq"] += 1
fit = views.fit(in_filters, govs, mark, ss["_fit_seq"]) if (govs or mark) else None
sel = views.selected(ids, visible, ss.get("sel"), ss.get("_sel_fly", False), ss["_sel_seq"])
component.geo_map(
    map_id,
    script,
    height=MAP_HEIGHT,
    window=(start.isoformat(), end.isoformat()),
    view=ss.get("_url_view"),
    selected=sel,
    fit=fit,
    step=ss["play"]["step"],
    speed=ss["play"]["speed"],
    mode=ss["play"]["mode"],
    review=not refused,  # Confirm / Reject / Edit in popups: the upload box's write switch and token
    report_drawn=waiting,
    key="geo_map",
    on_change=_on_map,
)
review_ui.map_notice()
st.caption(
    f"{len(on_map)} of {len(visible)} visible events are on the map ({len(visible) - len(on_map)} have no "
    f"known place). Bases coloured by status on the window's last day. Click a marker for the quote and "
    f"its source; a table row flies the map to its event."
)
# --- The URL says what is on screen (a link opens the same map) ----------------------------------------
wanted = state.to_query(
    dict(st.query_params),
    bounds=bounds,
    window=(start, end),
    types=types,
    govs=govs,
    srcs=srcs,
    prec=prec,
    min_conf=min_conf,
    sel=ss.get("sel"),
    query=query.strip(),
    play=ss["play"],
)
if wanted != dict(st.query_params):
    st.query_params.from_dict(wanted)

if waiting:  # the rest comes with the rerun of the page's first-paint report
    st.caption("The timeline, the table and the review panel follow once the map is drawn.")
    st.stop()

# --- Timeline -------------------------------------------------------------------------------------------
if frame is None:
    frame = charts.timeline_frame(in_filters)
if len(frame):
    st.altair_chart(charts.timeline_chart(frame, window=(start, end)), width="stretch")

# --- Table, details, export -----------------------------------------------------------------------------
st.subheader(f"Visible events ({len(visible)})")
table = filters.table_frame(visible, limit=TABLE_ROWS)
if len(visible) > TABLE_ROWS:
    st.caption(f"The newest {TABLE_ROWS:,} of {len(visible):,} are listed; narrow the window or the filters, or "
               "download them all below.")
ss["_table_ids"] = list(table["id"])
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    on_select=_on_table,
    selection_mode="single-row",
    key="table",
    # Taller than 4 rem, or Streamlit does not wrap text at all: four full lines of a quote.
    row_height=100,
    column_config={
        "date": st.column_config.DateColumn("date"),
        "published": st.column_config.DateColumn("published"),
        # Right-aligned and wrapped (row_height): an Arabic quote starts on its right, which must stay in view.
        "quote": st.column_config.TextColumn("quote", width="large", alignment="right"),
        "id": None,
    },
)
chosen = ss.get("sel")
if chosen and any(e.id == chosen for e in visible):
    st.markdown(filters.quote_html(visible, chosen), unsafe_allow_html=True)
else:
    st.caption("Select a row (or a marker on the map) to read its full quote.")

stamp = f"{start}_{end}"
d1, d2, _ = st.columns([1, 1, 3])
# Built only when clicked (a callable), not on every rerun.
d1.download_button(
    "⬇ GeoJSON (visible events)",
    lambda: data.geojson_bytes(visible),
    f"events_{stamp}.geojson",
    "application/geo+json",
    key="dl_geojson",
    width="stretch",
    on_click="ignore",
)
d2.download_button(
    "⬇ CSV (visible events)",
    lambda: filters.csv_bytes(visible),
    f"events_{stamp}.csv",
    "text/csv",
    key="dl_csv",
    width="stretch",
    on_click="ignore",
)

# --- Review (geo.review): the queue, and confirm / reject / edit of the picked event ----------------------
if review_ui.panel(events_all, STORE, ss.get("sel")):
    st.cache_data.clear()
    st.cache_resource.clear()
    st.rerun()
