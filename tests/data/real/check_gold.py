#!/usr/bin/env python3
"""Checks a real-article gold set: every quote is an exact substring of its article, every gold row's
article is in index.csv, dates parse and are ordered, and every single-day event whose quote or note
names a weekday falls on that weekday (checked with datetime).

    python3 tests/data/real/check_gold.py tests/data/real/dev tests/data/real/test
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import sys
from pathlib import Path

# Weekday words as the press writes them (Arabic and English), Monday = 0.
WEEKDAYS = {
    0: ("الاثنين", "الإثنين", "Monday"), 1: ("الثلاثاء", "Tuesday"), 2: ("الأربعاء", "الاربعاء", "Wednesday"),
    3: ("الخميس", "Thursday"), 4: ("الجمعة", "Friday"), 5: ("السبت", "Saturday"), 6: ("الأحد", "الاحد", "Sunday"),
}
# A note states its resolution as "... = Tue 2021-04-13" or "Tuesday 13 April"; the quote's weekday may
# belong to another event, so only the note's stated pairs are checked.
PAIR = re.compile(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,? (\d{4}-\d{2}-\d{2})")
ABBR = {"Mon": 0, "Tue": 1, "Wed": 2, "Thu": 3, "Fri": 4, "Sat": 5, "Sun": 6}


def check(folder: Path) -> list[str]:
    problems: list[str] = []
    with open(folder / "index.csv", encoding="utf-8", newline="") as f:
        index = {r["file"]: r for r in csv.DictReader(f)}
    for name, row in index.items():
        if not (folder / name).is_file():
            problems.append(f"{folder / name}: listed in index.csv but missing")
        dt.date.fromisoformat(row["published"])
        for k in ("url", "language", "published_basis"):
            if not row.get(k):
                problems.append(f"{name}: index.csv has no {k}")
    for line in (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        g = json.loads(line)
        gid, name = g["id"], g["seed"]
        if name not in index:
            problems.append(f"{gid}: article {name} not in index.csv")
            continue
        text = (folder / name).read_text(encoding="utf-8")
        if g["quote"] not in text:
            problems.append(f"{gid}: quote is not an exact substring of {name}")
        if len(g["quote"]) >= 300 or "\n" in g["quote"]:
            problems.append(f"{gid}: quote must be one line under 300 characters")
        lo, hi = dt.date.fromisoformat(g["date_min"]), dt.date.fromisoformat(g["date_max"])
        if lo > hi:
            problems.append(f"{gid}: date_min after date_max")
        for abbr, iso in PAIR.findall(g.get("note", "")):
            if dt.date.fromisoformat(iso).weekday() != ABBR[abbr]:
                problems.append(f"{gid}: the note says {abbr} {iso}, which is a {dt.date.fromisoformat(iso):%A}")
        if lo == hi:
            named = [wd for wd, words in WEEKDAYS.items() if any(w in g["quote"] for w in words)]
            if len(named) == 1 and named[0] != lo.weekday() and lo.isoformat() not in g.get("note", ""):
                problems.append(f"{gid}: quote names {WEEKDAYS[named[0]][-1]} but {lo} is a {lo:%A}"
                                " (say in the note why, with the date)")
    return problems


def main(folders: list[str]) -> int:
    problems = [p for f in folders for p in check(Path(f))]
    for p in problems:
        print(p)
    print(f"{len(folders)} folder(s) checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or [str(Path(__file__).parent / d) for d in ("dev", "test")]))
