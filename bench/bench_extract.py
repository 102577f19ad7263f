"""extract_events throughput on one core: articles/s and KB/s over the seed articles."""

from __future__ import annotations

import csv
import datetime as dt
import time
from pathlib import Path

from geo import extract_events

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TARGET_ARTICLES_PER_S = 200


def _articles() -> list[tuple[str, dt.date]]:
    with open(SEEDS / "index.csv", encoding="utf-8") as f:
        return [((SEEDS / r["file"]).read_text(encoding="utf-8"), dt.date.fromisoformat(r["published"]))
                for r in csv.DictReader(f)]


def run(results: dict) -> None:
    arts = _articles()
    # Vary each copy (a number changes) so per-text caches cannot help; token caches still warm up, as in use.
    corpus = [(t.replace("2021", str(2000 + i % 25), 1) + f"\n{i}", p) for i in range(60) for t, p in arts]
    for t, p in arts:  # warm-up: lexicons and the gazetteer indexes (GeoNames too) load once per process
        extract_events(t, p)
    t0 = time.perf_counter()
    n_events = sum(len(extract_events(t, p, source="bench")) for t, p in corpus)
    secs = time.perf_counter() - t0
    kb = sum(len(t.encode("utf-8")) for t, _ in corpus) / 1024
    aps = len(corpus) / secs
    print(f"extract_events: {aps:,.0f} articles/s, {kb / secs:,.0f} KB/s "
          f"({len(corpus)} articles, {kb:,.0f} KB, {n_events} events; target {TARGET_ARTICLES_PER_S} articles/s: "
          f"{aps / TARGET_ARTICLES_PER_S:.2f}x)")
    results["extract"] = {"articles_per_s": round(aps, 1), "kb_per_s": round(kb / secs, 1),
                          "articles": len(corpus), "events": n_events}
