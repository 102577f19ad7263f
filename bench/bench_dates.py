"""Throughput of geo.dates.find_dates on the seed articles (target: >= 1 MB/s of UTF-8 text)."""

from __future__ import annotations

import csv
import datetime as dt
import time
from pathlib import Path

from geo.dates import find_dates, older_items_offset

SEEDS = Path(__file__).resolve().parent.parent / "tests" / "data" / "seeds"
TARGET_KB_S = 1000.0


def _seeds() -> list[tuple[str, dt.date]]:
    with open(SEEDS / "index.csv", encoding="utf-8") as f:
        return [((SEEDS / r["file"]).read_text(encoding="utf-8"), dt.date.fromisoformat(r["published"]))
                for r in csv.DictReader(f)]


def run(results: dict, repeat: int = 40) -> None:
    """Per-article calls (as the extractor makes them) and one big text; prints KB/s."""
    arts = _seeds()
    find_dates(arts[0][0], arts[0][1])  # compile the patterns outside the timing
    nbytes = sum(len(t.encode("utf-8")) for t, _ in arts) * repeat
    t0 = time.perf_counter()
    n = 0
    for _ in range(repeat):
        for text, pub in arts:
            n += len(find_dates(text, pub, older_from=older_items_offset(text)))
    per_article = time.perf_counter() - t0
    big = "\n".join(t for t, _ in arts) * repeat
    t0 = time.perf_counter()
    find_dates(big, arts[0][1])
    one_text = time.perf_counter() - t0
    kb_a = nbytes / 1024 / per_article
    kb_b = len(big.encode("utf-8")) / 1024 / one_text
    arts_s = repeat * len(arts) / per_article
    print(f"   dates: {kb_a:,.0f} KB/s per article ({arts_s:,.0f} articles/s, {n // repeat} spans/pass), "
          f"{kb_b:,.0f} KB/s as one text; target >= {TARGET_KB_S:,.0f} KB/s")
    results["dates"] = {
        "kb_per_s": round(kb_a, 1),
        "kb_per_s_one_text": round(kb_b, 1),
        "articles_per_s": round(arts_s, 1),
        "spans_per_pass": n // repeat,
        "target_kb_per_s": TARGET_KB_S,
    }


if __name__ == "__main__":
    run({})
