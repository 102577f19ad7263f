"""Review files (JSON lines, one decision a line) for analysts to exchange, and merging them.

Merging keeps every decision (the history) and, per event key, the later one in force; where two
origins' latest decisions about one event disagree, that is a conflict, reported with both sides.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..core.errors import InputError
from .model import Review, later


def read_reviews(path: Path) -> list[Review]:
    """Every decision of a review file; InputError naming the line when one cannot be read."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(f"no review file {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path} ({exc}); a review file is UTF-8 JSON lines") from None
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            out.append(Review.from_dict(json.loads(line)))
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{n}: not JSON ({exc.msg}); a review file is JSON lines") from None
        except InputError as exc:
            raise InputError(f"{path}:{n}: {exc}") from None
    return out


def write_reviews(reviews: Iterable[Review], out: TextIO) -> int:
    n = 0
    for r in sorted(reviews, key=lambda r: (r.at, r.key)):
        out.write(r.to_json() + "\n")
        n += 1
    return n


@dataclass(frozen=True)
class Conflict:
    """Two origins decided one event differently: ``kept`` (the later) is in force."""

    key: str
    kept: Review
    kept_from: str
    overridden: tuple[tuple[str, Review], ...]

    def line(self) -> str:
        def say(origin: str, r: Review) -> str:
            return f"{r.reviewer} {r.status} at {r.at} ({origin})"

        others = "; ".join(say(o, r) for o, r in self.overridden)
        kept = say(self.kept_from, self.kept)
        return f"conflict on event {self.kept.event_id or self.key}: kept {kept} over {others}"


def conflicts(origins: Sequence[tuple[str, Sequence[Review]]]) -> list[Conflict]:
    """Events whose latest decisions differ between origins (a store, review files)."""
    latest: dict[str, dict[str, Review]] = {}
    for origin, reviews in origins:
        for r in reviews:
            mine = latest.setdefault(r.key, {})
            mine[origin] = later(mine[origin], r) if origin in mine else r
    out = []
    for key in sorted(latest):
        by_origin = latest[key]
        if len({r.decision() for r in by_origin.values()}) < 2:
            continue
        kept_from, kept = max(by_origin.items(), key=lambda kv: (kv[1].at, kv[1].reviewer, kv[1].to_json()))
        overridden = tuple((o, r) for o, r in by_origin.items() if r.decision() != kept.decision())
        out.append(Conflict(key, kept, kept_from, overridden))
    return out
