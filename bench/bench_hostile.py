"""Time on hostile input (issue #15): one long sentence repeating an attack, and a run of weekday names.

Prints ms per KB at two sizes and the growth ratio (time ratio / size ratio): ~1 is linear, ~8 is what the
extractor did before (the square of the input: 0.13 s at 250 repetitions, 8.0 s at 2,000). Target: every
input <= 20 ms/KB (the bound tests/robustness/test_time_bounds.py asserts)."""

from __future__ import annotations

import datetime as dt
import time

from geo import extract_events
from geo.dates import find_dates

PUB = dt.date(2021, 4, 18)
ATTACK = "هجوم صاروخي استهدف قاعدة عين الأسد مساء الأحد، "
WEEKDAYS = "الأحد الاثنين الثلاثاء "
TARGET_MS_PER_KB = 20.0


def _ms_per_kb(fn, text: str) -> float:
    t0 = time.process_time()
    fn(text)
    return (time.process_time() - t0) * 1000 / (len(text.encode("utf-8")) / 1024)


def run(results: dict) -> None:
    extract = lambda t: extract_events(t, published=PUB, source="bench")  # noqa: E731
    dates = lambda t: find_dates(t, PUB)  # noqa: E731
    extract(ATTACK)  # lexicons and the gazetteer load outside the timing
    out = {}
    for name, fn, unit, small, big in (("attack_sentence", extract, ATTACK, 250, 2000),
                                       ("weekday_run", dates, WEEKDAYS, 500, 4000)):
        a, b = _ms_per_kb(fn, unit * small), _ms_per_kb(fn, unit * big)
        growth = b / a  # ms/KB ratio for 8x the text: 1 = linear, 8 = quadratic
        kb = len((unit * big).encode("utf-8")) / 1024
        print(f"   {name}: {a:.2f} ms/KB at {small} repetitions, {b:.2f} ms/KB at {big} ({kb:.0f} KB);"
              f" growth x{growth:.1f} per KB for x{big // small} the text (target <= {TARGET_MS_PER_KB} ms/KB)")
        out[name] = {"ms_per_kb_small": round(a, 3), "ms_per_kb_big": round(b, 3), "growth": round(growth, 2)}
    results["hostile"] = out
