#!/usr/bin/env python3
"""Self-check for the h4 real-article set."""
import csv, json, re, datetime as dt
from pathlib import Path

HERE = Path(__file__).resolve().parent
KEYS = ["id","seed","type","date_min","date_max","status","place","province","lat","lon","max_km",
        "geo_precision","core","quote","note"]
TYPES = {"attack","airstrike","withdrawal","redeployment","handover","agreement","announcement","presence"}
WD = {"monday":0,"tuesday":1,"wednesday":2,"thursday":3,"friday":4,"saturday":5,"sunday":6,
      "الاثنين":0,"الإثنين":0,"الثلاثاء":1,"الأربعاء":2,"الاربعاء":2,"الخميس":3,"الجمعة":4,"السبت":5,"الأحد":6,"الاحد":6}
errs = []
idx = list(csv.DictReader(open(HERE / "index.csv", encoding="utf-8")))
assert list(idx[0].keys()) == ["file","url","published","language","outlet","published_basis"], idx[0].keys()
files = {r["file"]: r for r in idx}
urls = [r["url"] for r in idx]
if len(set(urls)) != len(urls): errs.append("duplicate URL")
for r in idx:
    if not (HERE / r["file"]).exists(): errs.append(f"missing file {r['file']}")
    p = dt.date.fromisoformat(r["published"])
    if not dt.date(2020,1,1) <= p <= dt.date(2025,12,31): errs.append(f"{r['file']} published out of range")
    if r["language"] not in ("ar","en"): errs.append(f"{r['file']} language")
ids = set()
seeds_with_gold = set()
for n, line in enumerate(open(HERE / "gold.jsonl", encoding="utf-8"), 1):
    g = json.loads(line)
    for k in KEYS:
        if k not in g: errs.append(f"line {n}: missing key {k}")
    if g["id"] in ids: errs.append(f"dup id {g['id']}")
    ids.add(g["id"])
    if g["seed"] not in files: errs.append(f"{g['id']}: seed not in index"); continue
    seeds_with_gold.add(g["seed"])
    if g["type"] not in TYPES: errs.append(f"{g['id']}: type")
    if g["status"] not in ("occurred","planned"): errs.append(f"{g['id']}: status")
    a, b = dt.date.fromisoformat(g["date_min"]), dt.date.fromisoformat(g["date_max"])
    if a > b: errs.append(f"{g['id']}: date_min > date_max")
    pub = dt.date.fromisoformat(files[g["seed"]]["published"])
    if g["status"] == "occurred" and a > pub: errs.append(f"{g['id']}: occurred after publication")
    text = open(HERE / g["seed"], encoding="utf-8").read()
    q = g["quote"]
    if q not in text: errs.append(f"{g['id']}: quote not in file")
    if "\n" in q or len(q) >= 300: errs.append(f"{g['id']}: quote not one line / too long")
    if g["max_km"] not in (10,25,60,400,None): errs.append(f"{g['id']}: max_km")
    if a == b:
        blob = (q + " " + g["note"]).lower()
        for w, d in WD.items():
            if re.search(r"(?<!\w)" + w + r"(?!\w)", blob) and a.weekday() != d:
                # a weekday named in the note may belong to another date (e.g. publication); flag for review
                errs.append(f"{g['id']}: names {w} but {a} is {a.strftime('%A')}")
neg = open(HERE / "negatives.txt", encoding="utf-8").read()
for f in files:
    if f not in seeds_with_gold and f not in neg: errs.append(f"{f}: no gold and not in negatives.txt")
    if f in seeds_with_gold and f + ":" in neg: errs.append(f"{f}: has gold but listed as negative")
print(f"{len(idx)} articles, {len(ids)} gold events, {len(files)-len(seeds_with_gold)} negatives")
print("\n".join(errs) if errs else "OK")
