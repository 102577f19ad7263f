"""Fit the confidence weights on the real development half and print the calibration tables.

    python -m geo.devtools.calibrate            # fit on tests/data/real/dev, write geo/extract/data/confidence.csv
    python -m geo.devtools.calibrate --check    # only print the tables (dev and test) for the weights in use

A logistic model over the binary cues of ``geo.extract.confidence.evidence``: each predicted event of the
dev half is labelled right (matched one-to-one to a gold event) or wrong, and the weights are fitted by
gradient descent with a small L2 penalty (few examples: the penalty keeps rare cues near zero).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import math
from collections.abc import Sequence
from pathlib import Path

from ..core.settings import PROJECT_ROOT
from ..extract.confidence import DATA, evidence, report_confidence, weights
from .evaluate import evaluate_file

REAL = PROJECT_ROOT / "tests" / "data" / "real"
BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0001)


def labelled(half: str) -> list[tuple[list[str], bool, float]]:
    """(cues, right?, confidence now) of every candidate event of one half of the real set, those under
    the reporting floor included (the fit must see what the floor would drop)."""
    ev = evaluate_file(REAL / half / "gold.jsonl", REAL / half, min_confidence=0.0)
    right = {id(p) for _, p in ev.matched}
    preds = [p for _, p in ev.matched] + ev.false_alarms
    return [(evidence(p), id(p) in right, report_confidence(p)) for p in preds]


def fit(rows: Sequence[tuple[list[str], bool, float]], l2: float = 0.6, steps: int = 4000,
        rate: float = 0.1) -> dict[str, float]:
    names = sorted({c for cues, _, _ in rows for c in cues})
    w = dict.fromkeys(names, 0.0)
    n = len(rows)
    for _ in range(steps):
        grad = {k: (l2 * v / n if k != "bias" else 0.0) for k, v in w.items()}
        for cues, y, _ in rows:
            p = 1.0 / (1.0 + math.exp(-sum(w[c] for c in cues)))
            for c in cues:
                grad[c] += (p - float(y)) / n
        for k in w:
            w[k] -= rate * grad[k] * 10
    return w


def table(rows: Sequence[tuple[list[str], bool, float]]) -> str:
    lines = ["| confidence | events | right | share right |", "|---|---:|---:|---:|"]
    for lo, hi in itertools.pairwise(BINS):
        got = [y for _, y, c in rows if lo <= c < hi]
        share = f"{sum(got) / len(got):.2f}" if got else "–"
        lines.append(f"| {lo:.1f}–{min(hi, 1.0):.1f} | {len(got)} | {sum(got)} | {share} |")
    high = [y for _, y, c in rows if c >= 0.8]
    lines.append(f"| ≥ 0.8 | {len(high)} | {sum(high)} | {sum(high) / len(high):.2f} |" if high
                 else "| ≥ 0.8 | 0 | 0 | – |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="fit and check the event confidence")
    parser.add_argument("--check", action="store_true", help="print the tables only")
    args = parser.parse_args(argv)
    if not args.check:
        w = fit(labelled("dev"))
        with open(DATA, "w", encoding="utf-8", newline="") as f:
            out = csv.writer(f)
            out.writerow(["feature", "weight", "source"])
            for k in sorted(w):
                out.writerow([k, f"{w[k]:.4f}", "fitted on tests/data/real/dev by geo.devtools.calibrate"])
        weights.cache_clear()
        print(f"wrote {Path(DATA).name}: {len(w)} weights")
    for half in ("dev", "test"):
        print(f"\n{half} half:\n{table(labelled(half))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
