"""The review panel's widgets (a thin layer over ``dashboard.review``): the needs-review queue, and
confirm / reject / edit for the event picked in the queue, the events table or on the map."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import streamlit as st

from geo.core.errors import GeoError
from geo.core.models import Event
from geo.core.taxonomy import COUNT_FIELDS, DATE_PRECISIONS, EVENT_TYPES, STATUSES

from . import access, review

ss = st.session_state
SCROLL_JS = Path(__file__).parent / "static" / "review_scroll.js"


QUEUE_ROWS = 200  # the queue's table
PICK_MAX = 1000  # beyond this the picker lists the queue's rows and the picked event, not every event


def pick_options(ids: list[str], queue_ids: list[str], picked: str | None) -> list[str]:
    """The "Event to review" choices: every event of a small collection; of a large one the queue's rows
    and the event already picked (100,000 options were 6.5 MB sent to the page on every rerun, and the
    browser's work on them held up the map for seconds)."""
    if len(ids) <= PICK_MAX:
        return ids
    known = set(ids)
    out = [i for i in queue_ids if i in known]
    if picked in known and picked not in out:
        out.insert(0, picked)
    return out


def sidebar_filter() -> bool:
    """The "reviewed only" checkbox (call inside the sidebar)."""
    return st.checkbox("Reviewed only", key="reviewed_only",
                       help="Only events an analyst confirmed, corrected or added.")


def token() -> str | None:
    """The upload box's access token: the URL's ?token=, or the one typed in the "Add articles" box."""
    return st.query_params.get(access.TOKEN_PARAM) or ss.get("token") or None


def from_map(report: Mapping[str, Any], ids_by_key: Mapping[str, Sequence[str]], store: str | None,
             events: Sequence[Event]) -> bool:
    """Apply a review button clicked in a map popup (call from the map's on_change); True when a
    decision was recorded (the caller clears its caches). Confirm and reject are recorded at once,
    with the reviewer's name; edit picks the event in the review panel, where the new place is typed."""
    point = review.map_point(report)
    if point is not None:  # a click on the map: the place of the event the panel corrects
        picked = ss.get("review_pick")
        if not picked:
            ss["_map_review_note"] = (":material/info:", "Pick the event to correct first (Edit in its popup), "
                                                         "then click its place on the map.")
            return False
        ss[f"review_place_{picked}"] = f"{point[0]},{point[1]}"
        ss["_review_scroll"] = True
        ss["_map_review_note"] = (":material/place:", f"The place of {picked} is now {point[0]},{point[1]} in "
                                                      "the Review panel: Save correction to keep it.")
        return False
    req = review.map_request(report, ids_by_key)
    if req is None:
        return False
    ident, action = req
    status = review.MAP_ACTIONS[action]
    if status is None:  # edit: the panel's form, scrolled into view on the next run
        ss["sel"], ss["_sel_fly"] = ident, False
        ss["review_pick"] = ss["_review_choice"] = ident
        ss["_review_scroll"] = True
        e = next((x for x in events if x.id == ident), None)
        what = review.label(e) if e else ident
        ss["_map_review_note"] = (":material/edit:", f"Editing {what}: change it in the Review panel below the "
                                                     "table, then Save correction.")
        return False
    who = ss.get("review_who") or review.default_reviewer()
    try:
        msg = review.save_decision(store, ident, status, who, token=token())
    except GeoError as exc:
        ss["_map_review_note"] = (":material/warning:", str(exc))
        return False
    ss["review_msg"] = msg
    ss["_map_review_note"] = (":material/check_circle:" if status == "confirmed" else ":material/block:", msg)
    if status == "rejected" and ss.get("sel") == ident:
        ss.pop("sel", None)  # it left the map
    return True


def map_notice() -> None:
    """What the last popup button did (a toast beside the map, where the analyst is looking; Material
    icons, which Streamlit ships: an emoji needs a font the machine may lack)."""
    note = ss.pop("_map_review_note", None)
    if note:
        st.toast(note[1], icon=note[0])


def panel(events: Sequence[Event], store: str | None, selected: str | None = None) -> bool:
    """The review section; True when a decision was saved (the caller clears its caches and reruns)."""
    by_id = {e.id: e for e in events}
    st.subheader(f"Review · {review.counts_line(events)}")
    if "review_msg" in ss:
        st.success(ss.pop("review_msg"))
    queue = review.queue_frame(events, limit=QUEUE_ROWS)
    st.caption("Needs review: unreviewed events, the least sure and most consequential first "
               "(attacks with casualties, base handovers). Select a row to review it.")
    picked = st.dataframe(queue, hide_index=True, width="stretch", on_select="rerun",
                          selection_mode="single-row", key="review_queue",
                          column_config={"date": st.column_config.DateColumn("date")})
    rows = picked.selection.rows if picked is not None else []
    choice = str(queue.iloc[rows[0]]["id"]) if rows else selected
    if choice in by_id and ss.get("_review_choice") != choice:
        ss["_review_choice"] = choice
        ss["review_pick"] = choice
    ids = pick_options(list(by_id), list(queue["id"]), ss.get("review_pick"))
    if not ids:
        st.caption("Select an event in the table or on the map to review it." if by_id else "No event to review.")
        return False
    ident = st.selectbox("Event to review", ids, key="review_pick", format_func=lambda i: review.label(by_id[i]))
    e = by_id[ident]
    # the upload box's switch and token (dashboard.access)
    tok = token()
    refused = review.write_refusal(tok)
    allowed = refused is None
    if refused:
        st.info(f"Read-only: {refused}")
    st.markdown(f"**{e.type}** on {e.date} at {e.place.name if e.place else 'no known place'} — "
                f"{e.review_status}" + (f" by {e.reviewed_by}" if e.reviewed_by else ""))
    who = st.text_input("Your name (goes with every decision)", value=review.default_reviewer(), key="review_who")
    with st.form("review_form", border=True):
        note = st.text_input("Note (optional)", key="review_note")
        c1, c2, c3 = st.columns(3)
        type_ = c1.selectbox("Type", EVENT_TYPES, index=EVENT_TYPES.index(e.type) if e.type in EVENT_TYPES else 0,
                             key=f"review_type_{ident}")
        date = c2.date_input("Date", value=e.date, key=f"review_date_{ident}")
        precision = c3.selectbox("Date precision", DATE_PRECISIONS, key=f"review_precision_{ident}",
                                 index=DATE_PRECISIONS.index(e.date_precision)
                                 if e.date_precision in DATE_PRECISIONS else 0)
        place = st.text_input("Place (Arabic or English name, or LAT,LON)", key=f"review_place_{ident}",
                              placeholder=e.place.name if e.place else "e.g. قاعدة بلد, Balad, 33.94,44.36")
        destination = st.text_input("Destination of a movement (name, LAT,LON, or none)",
                                    key=f"review_destination_{ident}",
                                    placeholder=e.destination.name if e.destination else "")
        status = st.selectbox("Status", STATUSES, index=STATUSES.index(e.status) if e.status in STATUSES else 0,
                              key=f"review_status_{ident}")
        cols = st.columns(len(COUNT_FIELDS))
        counts = {k: col.text_input(k, value="" if getattr(e, k) is None else str(getattr(e, k)),
                                    key=f"review_{k}_{ident}") for k, col in zip(COUNT_FIELDS, cols, strict=True)}
        b1, b2, b3 = st.columns(3)
        confirm = b1.form_submit_button("✔ Confirm", disabled=not allowed, width="stretch")
        reject = b2.form_submit_button("✖ Reject", disabled=not allowed, width="stretch")
        save = b3.form_submit_button("Save correction", disabled=not allowed, width="stretch")
    if ss.pop("_review_scroll", False):
        _scroll_to_form()
    if add_form(store, who, allowed, tok):
        return True
    if not (confirm or reject or save):
        return False
    try:
        if save:
            changes = review.edit_changes(e, type_=type_, date=date, precision=precision, status=status,
                                          place=place, counts=counts, destination=destination)
            if not changes:
                st.warning("Nothing changed: edit a field, or confirm the event as it is.")
                return False
            msg = review.save_decision(store, ident, "corrected", who, note, changes, token=tok)
        else:
            msg = review.save_decision(store, ident, "confirmed" if confirm else "rejected", who, note, token=tok)
    except GeoError as exc:
        st.error(str(exc))
        return False
    ss["review_msg"] = msg
    for k in (f"review_place_{ident}", "review_note"):
        ss.pop(k, None)
    return True


def _scroll_to_form() -> None:
    """Bring the review form into view (after a popup's Edit, it is a page below the map)."""
    st.html(f"<script>{SCROLL_JS.read_text(encoding='utf-8')}</script>", unsafe_allow_javascript=True)


def add_form(store: str | None, who: str, allowed: bool, token: str | None = None) -> bool:
    """An event the extractor missed, with the article and quote it comes from when it has them."""
    with st.expander("Add an event the extractor missed"), st.form("review_add_form", border=False):
        c1, c2, c3 = st.columns(3)
        type_ = c1.selectbox("Type", EVENT_TYPES, key="add_type")
        date = c2.date_input("Date", key="add_date")
        precision = c3.selectbox("Date precision", DATE_PRECISIONS, key="add_precision")
        place = st.text_input("Place (Arabic or English name, or LAT,LON)", key="add_place")
        status = st.selectbox("Status", STATUSES, key="add_status")
        choices = {"": "no article", **review.article_choices(store)}
        article = st.selectbox("Article", list(choices), format_func=lambda k: choices[k], key="add_article")
        quote = st.text_area("Quote (its exact words, optional)", key="add_quote")
        note = st.text_input("Note (optional)", key="add_note")
        go = st.form_submit_button("Add event", disabled=not allowed)
    if not go:
        return False
    try:
        ss["review_msg"] = review.save_added(store, who, type_=type_, date=date, precision=precision, status=status,
                                             place=place, note=note, article_id=article, quote=quote, token=token)
    except GeoError as exc:
        st.error(str(exc))
        return False
    return True
