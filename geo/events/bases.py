"""Each curated base's coalition status over time: a sourced, curated history (``data/base_history.csv``)
merged with what the extracted events imply."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gazetteer import places
from gazetteer.models import Place

from ..core.data import read_rows
from ..core.errors import GeoError
from ..core.models import Event
from ..core.taxonomy import canonical_type
from .merge import place_km

HISTORY_CSV = Path(__file__).parent / "data" / "base_history.csv"

# A site-precision place this close to a base is the base under another gazetteer entry.
SAME_SITE_KM = 1.0
PRESENT, HANDED_OVER, WITHDRAWN, UNKNOWN = "present", "handed_over", "withdrawn", "unknown"


@dataclass(frozen=True)
class Curated:
    """One row of the curated history: a sourced status change of a base."""

    place_id: str
    date: dt.date
    date_precision: str  # "day" | "year"
    status: str
    source: str
    url: str


@dataclass(frozen=True)
class HistoryStep:
    """A run of one status: from ``date`` (its first report) to ``last`` (its last), with the source of
    the report that started it. ``label`` is the sentence a popup shows."""

    date: dt.date
    status: str
    label: str
    source: str
    curated: bool
    last: dt.date
    precision: str = "day"  # of ``date``: "day" or "year"


@dataclass(frozen=True)
class BaseStatus:
    place: Place
    status: str  # "present" | "handed_over" | "withdrawn" | "unknown"
    since: dt.date | None
    evidence: tuple[Event, ...] = field(repr=False)  # events that set the status, latest last
    # Every event that set or confirmed a status, in date order: (date, status, event).
    timeline: tuple[tuple[dt.date, str, Event], ...] = field(default=(), repr=False)
    # Curated and extracted status runs, in date order (up to ``at``).
    history: tuple[HistoryStep, ...] = field(default=(), repr=False)


def _is(p: Place | None, base: Place) -> bool:
    if p is None:
        return False
    if p.id == base.id:
        return True
    return p.precision == "site" and place_km(p, base) <= SAME_SITE_KM


def _implied(e: Event, base: Place) -> tuple[str, bool] | None:
    """(status, strong) that ``e`` implies for ``base``, or None when it says nothing about it."""
    if e.status != "occurred":
        return None  # plans and promises do not move troops
    kind = canonical_type(e.type)
    if kind == "withdrawal":  # withdrawals and redeployments
        if _is(e.destination, base):
            return PRESENT, True  # troops moved to this base
        if _is(e.place, base):
            return WITHDRAWN, True
        return None
    if not _is(e.place, base):
        return None
    if e.type == "presence":
        return PRESENT, True
    if e.type == "handover":
        return HANDED_OVER, True
    if e.type == "attack":
        # Weaker evidence: militias aim at bases where coalition troops are, but an attack after a
        # handover hits Iraqi forces, so an attack never overturns a handover or a withdrawal.
        return PRESENT, False
    return None


@functools.cache
def curated_history(path: Path = HISTORY_CSV) -> dict[str, tuple[Curated, ...]]:
    """The curated rows by base id, in date order. A bad row is an error naming the file and the row
    (it is our data: a test loads it)."""
    out: dict[str, list[Curated]] = {}
    for n, row in enumerate(read_rows(path), start=2):
        try:
            c = Curated(row["place_id"].strip(), dt.date.fromisoformat(row["date"].strip()),
                        row["date_precision"].strip(), row["status"].strip(), row["source"].strip(),
                        (row.get("url") or "").strip())
        except (KeyError, ValueError, AttributeError) as exc:
            raise GeoError(f"{path.name} row {n}: {exc}") from exc
        if c.status not in (PRESENT, HANDED_OVER, WITHDRAWN) or c.date_precision not in ("day", "year") or not c.source:
            raise GeoError(f"{path.name} row {n}: status, date_precision or source not valid: {row}")
        out.setdefault(c.place_id, []).append(c)
    return {k: tuple(sorted(v, key=lambda c: c.date)) for k, v in out.items()}


_LABEL = {PRESENT: "coalition troops present", HANDED_OVER: "handed over to Iraq", WITHDRAWN: "coalition withdrew"}


def _label(status: str, start: dt.date, last: dt.date, precision: str, curated: bool) -> str:
    when = str(start.year) if precision == "year" else start.isoformat()
    if status == PRESENT:
        text = f"Coalition troops present since {when}"
        if last > start:
            text += f"; last reported with coalition troops on {last.isoformat()}"
        return text
    verb = "Handed over to Iraq" if status == HANDED_OVER else "Coalition withdrew"
    return f"{verb} on {when}" + ("" if curated else " (as reported)")


def _status_of(base: Place, events: Sequence[Event], at: dt.date | None) -> BaseStatus:
    timeline: list[tuple[dt.date, str, Event]] = []
    # Both kinds of evidence in date order; on one day a curated row comes first.
    items: list[tuple[dt.date, int, str, Event | Curated]] = [
        (c.date, 0, c.place_id, c) for c in curated_history().get(base.id, ())
    ]
    # ``events`` come in (date, id) order (bases_status sorts once); a stable sort by day keeps it.
    items += [(e.date, 1, "", e) for e in events]
    items.sort(key=lambda t: t[:2])
    runs: list[list[object]] = []  # [status, first, last, source, curated, precision, events]
    for when, _, _, item in items:
        if at is not None and when > at:
            break
        if isinstance(item, Curated):
            status, strong, source, precision = item.status, True, item.source, item.date_precision
        else:
            implied = _implied(item, base)
            if implied is None:
                continue
            status, strong = implied
            source, precision = f"{item.source}, {item.published.isoformat()}", "day"
        current = runs[-1][0] if runs else UNKNOWN
        if not strong and current in (HANDED_OVER, WITHDRAWN):
            continue
        if isinstance(item, Event):
            timeline.append((when, status, item))
        if runs and runs[-1][0] == status:
            runs[-1][2] = when
            if isinstance(item, Event):
                runs[-1][6].append(item)  # type: ignore[attr-defined]
        else:
            runs.append([status, when, when, source, isinstance(item, Curated), precision,
                         [item] if isinstance(item, Event) else []])
    if not runs:
        return BaseStatus(base, UNKNOWN, None, (), ())
    history = tuple(
        HistoryStep(first, status, _label(status, first, last, prec, cur), src, cur, last, prec)  # type: ignore[arg-type]
        for status, first, last, src, cur, prec, _ in runs
    )
    status, since = str(runs[-1][0]), runs[-1][1]
    return BaseStatus(base, status, since, tuple(runs[-1][6]), tuple(timeline), history)  # type: ignore[arg-type]


def _bases() -> list[Place]:
    return sorted((p for p in places() if p.is_base), key=lambda p: (p.name, p.id))


def bases_status(events: Sequence[Event], at: dt.date | None = None) -> list[BaseStatus]:
    """One ``BaseStatus`` per curated base (sorted by name), as of ``at`` (None = latest evidence).

    Events are sorted once and handed only to the bases their place or destination is (a collection has
    few distinct places), so 100,000 events cost one pass, not one pass per base.
    """
    bases = _bases()
    touches: dict[str, tuple[int, ...]] = {}

    def touched(p: Place | None) -> tuple[int, ...]:
        if p is None:
            return ()
        if p.id not in touches:
            touches[p.id] = tuple(i for i, b in enumerate(bases) if _is(p, b))
        return touches[p.id]

    per_base: list[list[Event]] = [[] for _ in bases]
    for _, _, e in sorted(((e.date, e.id, e) for e in events), key=lambda t: t[:2]):  # each sha1 id once
        if at is not None and e.date > at:
            break
        if e.status != "occurred":
            continue
        for i in set(touched(e.place)) | set(touched(e.destination)):
            per_base[i].append(e)
    return [_status_of(base, per_base[i], at) for i, base in enumerate(bases)]
