"""Apply reviews on read: extracted reports → merged events → each event under its latest review.

Reviews attach to extracted reports (``attach``), not to merged events: a merge with another source's
report, a re-ingest or a reprocess changes the merged event, not the report the analyst looked at.
A merged event takes the latest decision among the reviews attached to any of its reports; a review
whose reports are all gone is an orphan, kept and reported.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..core.models import Event
from ..core.taxonomy import canonical_type
from ..events import merge_groups
from .model import CORRECTABLE, Anchor, Review, anchor_of, current, field_values, quote_sha

_EVENT_FIELDS = {f.name for f in dataclasses.fields(Event)}
# The fallback match needs this much evidence (see ``similarity``); an exact key match scores 7.
_MIN_SCORE = 3.0


def similarity(a: Anchor, e: Event) -> float:
    """How well an extracted event of the anchor's article matches the anchor (0 = not at all).

    It must share words with the anchored quote (same quote text, or overlapping offsets) and keep
    its type or its place; then equal quote, overlap, type, place and date each add evidence.
    """
    overlap = min(a.end, e.end) - max(a.start, e.start)
    union = max(a.end, e.end) - min(a.start, e.start)
    span = overlap / union if overlap > 0 and union > 0 else 0.0
    same_quote = quote_sha(e.quote) == a.quote_sha
    if not same_quote and span == 0.0:
        return 0.0
    same_type = canonical_type(e.type) == canonical_type(a.type)
    same_place = (e.place.id if e.place else "") == a.place_id
    if not (same_type or same_place):
        return 0.0
    return 2.0 * same_quote + 2.0 * span + 1.5 * same_type + 1.5 * same_place + 0.5 * (e.date.isoformat() == a.date)


def attach(reviews: Sequence[Review], raw: Sequence[tuple[str, Event]]) -> dict[str, int]:
    """Review key → index into ``raw`` of the report it is attached to (orphans are left out).

    An exact key (article, type, quote, place) wins; else the best fallback over the review's anchors
    in their order (the first anchor is the report the analyst saw).
    """
    by_key: dict[str, list[int]] = defaultdict(list)
    by_article: dict[str, list[int]] = defaultdict(list)
    wanted = {a.article_id for r in reviews for a in r.anchors}  # key only the reviewed articles' events
    for i, (aid, e) in enumerate(raw):
        if aid in wanted:
            by_key[anchor_of(aid, e).key].append(i)
            by_article[aid].append(i)
    out: dict[str, int] = {}
    for r in reviews:
        found = None
        for a in r.anchors:
            exact = by_key.get(a.key)
            if exact:  # one quote may give one event per place: the nearest offsets
                found = min(exact, key=lambda i: abs(raw[i][1].start - a.start))
                break
        if found is None:
            best = (0.0, 0)
            for rank, a in enumerate(r.anchors):
                for i in by_article.get(a.article_id, ()):
                    s = similarity(a, raw[i][1])
                    if s >= _MIN_SCORE and (s, -rank) > best:
                        best, found = (s, -rank), i
        if found is not None:
            out[r.key] = found
    return out


def reviewed(e: Event, r: Review) -> Event:
    """``e`` under review ``r``: its corrections applied, its review fields set, its id kept."""
    values = field_values({k: v for k, v in r.changes.items() if k in CORRECTABLE})
    return replace(e, **values, review_status=r.status, reviewed_by=r.reviewer, reviewed_at=r.at,
                   review_note=r.note or None, pinned_id=r.event_id or e.id)


def added_event(r: Review) -> Event:
    """The event a hand-added review describes (rejected when it was rejected since)."""
    v = {k: val for k, val in field_values(r.changes).items() if k in _EVENT_FIELDS}
    v.setdefault("quote", "")
    v.setdefault("start", 0)
    v.setdefault("end", 0)  # no article: no text the offsets could point into
    v["source"] = v.get("source") or f"analyst {r.reviewer}"
    v["published"] = v.get("published") or v["date"]
    # An analyst's own event is not a guess: it passes any confidence filter.
    v.setdefault("confidence", 1.0)
    e = Event(**v)
    return replace(e, review_status="rejected" if r.status == "rejected" else "added", reviewed_by=r.reviewer,
                   reviewed_at=r.at, review_note=r.note or None, pinned_id=r.event_id or r.key.split(":", 1)[1])


@dataclass(frozen=True)
class ReviewedView:
    """The store as reviewed. ``events`` holds every event, the rejected ones too (sorted by date, id);
    ``members[i]`` are the indexes into ``raw`` of event i's reports (none for a hand-added one),
    ``articles[i]`` their article ids, ``review[i]`` the decision in force (or None)."""

    raw: list[tuple[str, Event]]
    events: list[Event]
    members: list[tuple[int, ...]]
    articles: list[tuple[str, ...]]
    review: list[Review | None]
    orphans: list[Review]  # decisions in force that match no stored report: kept, reported
    shadowed: list[Review]  # attached to an event that a later decision (with another key) now rules

    def index_of(self, ident: str) -> int | None:
        """The event an id names: its export ``id``, the id of any of its reports, or a review key."""
        for i, e in enumerate(self.events):
            if e.id == ident:
                return i
        for i, r in enumerate(self.review):
            if r is not None and ident in (r.key, r.key.split(":", 1)[-1]):
                return i
        for i, m in enumerate(self.members):
            if any(self.raw[j][1].id == ident for j in m):
                return i
        return None

    def counts(self) -> dict[str, int]:
        """Events per review status (rejected included)."""
        out: dict[str, int] = defaultdict(int)
        for e in self.events:
            out[e.review_status] += 1
        return dict(out)


def apply_reviews(raw: Sequence[tuple[str, Event]], reviews: Sequence[Review]) -> ReviewedView:
    """Merge the extracted reports and put each merged event under its latest attached review."""
    raw = list(raw)
    latest = current(list(reviews))
    extracted = [r for r in latest.values() if not r.is_added]
    attached = attach(extracted, raw)
    groups = merge_groups([e for _, e in raw])
    group_of = {i: g for g, (_, members) in enumerate(groups) for i in members}
    ruling: dict[int, Review] = {}
    shadowed: list[Review] = []
    for r in sorted(extracted, key=lambda r: (r.at, r.reviewer, r.key)):  # later decisions win
        if r.key not in attached:
            continue
        g = group_of[attached[r.key]]
        if g in ruling:
            shadowed.append(ruling[g])
        ruling[g] = r
    rows: list[tuple[Event, tuple[int, ...], tuple[str, ...], Review | None]] = []
    for g, (event, members) in enumerate(groups):
        rule = ruling.get(g)
        arts = tuple(dict.fromkeys(raw[i][0] for i in members))
        rows.append((reviewed(event, rule) if rule else event, tuple(members), arts, rule))
    for r in latest.values():
        if r.is_added:
            rows.append((added_event(r), (), r.article_ids, r))
    rows.sort(key=lambda t: (t[0].date, t[0].id))
    orphans = [r for r in extracted if r.key not in attached]
    return ReviewedView(raw, [t[0] for t in rows], [t[1] for t in rows], [t[2] for t in rows],
                        [t[3] for t in rows], sorted(orphans, key=lambda r: r.at), shadowed)
