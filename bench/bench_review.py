"""Review benchmark: what applying analysts' decisions on read costs over the plain cross-article merge.

Run with ``python bench/run.py review``; numbers land in results["review"]. The store rebuilds its
reviewed view only after a write, so this is the cost of the first read after one.
"""

from __future__ import annotations

import time
from typing import Any

SIZES = (10_000, 100_000)
REVIEWED_SHARE = 0.10  # one event in ten under a decision


def _best(f: Any, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t0)
    return best


def run(results: dict[str, Any]) -> None:
    from geo.devtools.sample import synthetic_events
    from geo.events import merge_events
    from geo.review import anchor_of, apply_reviews
    from geo.review.model import Review, short_hash

    out: dict[str, Any] = {}
    for n in SIZES:
        events = synthetic_events(n)
        raw = [(f"article{i // 2:07d}", e) for i, e in enumerate(events)]
        step = int(1 / REVIEWED_SHARE)
        reviews = []
        for i in range(0, n, step):
            a = anchor_of(*raw[i])
            status = "rejected" if i % (3 * step) == 0 else "confirmed"
            reviews.append(Review(short_hash(a.key), status, "bench", "2026-01-01T00:00:00.000Z", anchors=(a,)))
        plain = _best(lambda events=events: merge_events(events))
        none = _best(lambda raw=raw: apply_reviews(raw, []))
        some = _best(lambda raw=raw, reviews=reviews: apply_reviews(raw, reviews))
        view = apply_reviews(raw, reviews)
        assert not view.orphans, "every benchmark decision should find its event"
        out[str(n)] = {"merge_s": round(plain, 3), "apply_no_reviews_s": round(none, 3),
                       "apply_s": round(some, 3), "reviews": len(reviews),
                       "ratio_no_reviews": round(none / plain, 2), "ratio": round(some / plain, 2)}
        print(f"   {n:>7,} events: merge {plain:.2f} s; with review, none stored {none:.2f} s "
              f"({none / plain:.2f}x); {len(reviews):,} decisions {some:.2f} s ({some / plain:.2f}x)")
    results["review"] = out
