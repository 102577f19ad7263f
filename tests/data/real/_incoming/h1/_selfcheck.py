#!/usr/bin/env python3
"""Self-check for the h1 real-article set: quotes, seeds, dates, weekdays."""
import csv, json, re, sys, datetime as dt
from pathlib import Path

HERE = Path(__file__).resolve().parent
AR_DAYS = {"الاثنين": 0, "الإثنين": 0, "الثلاثاء": 1, "الأربعاء": 2, "الاربعاء": 2, "الخميس": 3,
           "الجمعة": 4, "السبت": 5, "الأحد": 6, "الاحد": 6}
EN_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
errors = []

index = {r["file"]: r for r in csv.DictReader(open(HERE / "index.csv", encoding="utf-8"))}
for f, r in index.items():
    if not (HERE / f).exists():
        errors.append(f"index row without file: {f}")
    p = dt.date.fromisoformat(r["published"])
    if not dt.date(2020, 1, 1) <= p <= dt.date(2025, 12, 31):
        errors.append(f"{f}: published {p} out of range")
    if r["language"] not in ("ar", "en"):
        errors.append(f"{f}: language {r['language']}")
for t in HERE.glob("h1_*.txt"):
    if t.name not in index:
        errors.append(f"file not in index: {t.name}")

KEYS = {"id", "seed", "type", "date_min", "date_max", "status", "place", "province", "lat", "lon",
        "max_km", "geo_precision", "core", "quote", "note"}
TYPES = {"attack", "airstrike", "withdrawal", "redeployment", "handover", "agreement", "announcement", "presence"}
ids = set(); n = 0; seeds_with_gold = set()
for line in open(HERE / "gold.jsonl", encoding="utf-8"):
    if not line.strip():
        continue
    g = json.loads(line); n += 1
    extra = set(g) - KEYS - {"dest_lat", "dest_lon", "dest_max_km"}
    if KEYS - set(g) or extra:
        errors.append(f"{g.get('id')}: keys missing {KEYS - set(g)} extra {extra}")
    if g["id"] in ids:
        errors.append(f"duplicate id {g['id']}")
    ids.add(g["id"])
    if g["seed"] not in index:
        errors.append(f"{g['id']}: seed {g['seed']} not in index.csv")
        continue
    seeds_with_gold.add(g["seed"])
    if g["type"] not in TYPES: errors.append(f"{g['id']}: type {g['type']}")
    if g["status"] not in ("occurred", "planned"): errors.append(f"{g['id']}: status")
    if g["max_km"] not in (10, 25, 60, 400, None): errors.append(f"{g['id']}: max_km")
    if g["geo_precision"] not in ("site", "city", "governorate", "country", "region"): errors.append(f"{g['id']}: precision")
    text = (HERE / g["seed"]).read_text(encoding="utf-8")
    q = g["quote"]
    if q not in text: errors.append(f"{g['id']}: quote not in {g['seed']}")
    if "\n" in q or len(q) >= 300: errors.append(f"{g['id']}: quote not one line / too long")
    a, b = dt.date.fromisoformat(g["date_min"]), dt.date.fromisoformat(g["date_max"])
    if a > b: errors.append(f"{g['id']}: date_min > date_max")
    pub = dt.date.fromisoformat(index[g["seed"]]["published"])
    if g["status"] == "occurred" and a > pub: errors.append(f"{g['id']}: occurred event after publication")
    # weekday checks
    for m in re.finditer(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.? (\d{4}-\d\d-\d\d)", g["note"]):
        d = dt.date.fromisoformat(m.group(2))
        if d.weekday() != EN_DAYS[m.group(1).lower()]:
            errors.append(f"{g['id']}: note says {m.group(1)} {d} but it is {d.strftime('%A')}")
    for m in re.finditer(r"(\d{4}-\d\d-\d\d) \((Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\)", g["note"]):
        d = dt.date.fromisoformat(m.group(1))
        if d.weekday() != EN_DAYS[m.group(2).lower()]:
            errors.append(f"{g['id']}: note says {d} ({m.group(2)}) but it is {d.strftime('%A')}")
    if a == b:
        days = {AR_DAYS[w] for w in re.findall("|".join(AR_DAYS), q)}
        if len(days) == 1 and a.weekday() not in days:
            errors.append(f"{g['id']}: quote weekday {days} != {a.strftime('%A')}")
        elif len(days) > 1:
            errors.append(f"{g['id']}: single-day event but quote names several weekdays")

negs = [l.split(":")[0] for l in open(HERE / "negatives.txt", encoding="utf-8") if l.strip()]
for f in negs:
    if f not in index: errors.append(f"negative {f} not in index")
    if f in seeds_with_gold: errors.append(f"negative {f} has gold rows")
for f in index:
    if f not in seeds_with_gold and f not in negs:
        errors.append(f"{f}: no gold and not listed as negative")

print(f"{len(index)} articles, {n} gold events, {len(negs)} negatives")
for e in errors: print("ERROR", e)
print("OK" if not errors else f"{len(errors)} errors")
sys.exit(1 if errors else 0)
