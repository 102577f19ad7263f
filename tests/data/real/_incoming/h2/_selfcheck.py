#!/usr/bin/env python3
"""Self-check for the h2 real-article gold slice."""
import csv, datetime as dt, json, re, sys
from pathlib import Path
HERE = Path(__file__).resolve().parent
KEYS = ["id","seed","type","date_min","date_max","status","place","province","lat","lon","max_km","geo_precision","core","quote","note"]
TYPES = {"attack","airstrike","withdrawal","redeployment","handover","agreement","announcement","presence"}
WEEKDAYS = {"Monday":["الاثنين","الإثنين","Monday"],"Tuesday":["الثلاثاء","Tuesday"],"Wednesday":["الأربعاء","الاربعاء","Wednesday"],
            "Thursday":["الخميس","Thursday"],"Friday":["الجمعة","Friday"],"Saturday":["السبت","Saturday"],"Sunday":["الأحد","الاحد","Sunday"]}
errs = []

MON = {m: i for i, m in enumerate(["Jan","Feb","Mar","Apr","May","Jun","Jul","Aug","Sep","Oct","Nov","Dec"], 1)}
WD = "(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
DATE = r"(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* (\d{4})"
pairs_checked = [0]
def check_pairs(text, who):
    """every 'Weekday D Mon YYYY' / 'D Mon YYYY = Weekday' / 'D Mon YYYY (a Weekday' in English notes must agree with datetime"""
    n = 0
    found = []
    for m in re.finditer(WD + r"(?: evening| night)? (\d{1,2})(?:/[A-Za-z]+ \d{1,2}| / [A-Za-z]+ \d{1,2})? (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* (\d{4})", text):
        found.append((m.group(1), int(m.group(2)), m.group(3), int(m.group(4))))
    for m in re.finditer(r"/ ?" + WD + r" (\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* (\d{4})", text):
        found.append((m.group(1), int(m.group(2)), m.group(3), int(m.group(4))))
    for m in re.finditer(DATE + r" (?:= |\(a |\()" + WD, text):
        found.append((m.group(4), int(m.group(1)), m.group(2), int(m.group(3))))
    for w, d, mo, y in found:
        real = dt.date(y, MON[mo], d).strftime("%A")
        if not real.startswith(w[:3]):
            errs.append(f"{who}: '{w} {d} {mo} {y}' but that day is a {real}")
        n += 1
    return n
rows = list(csv.DictReader(open(HERE/"index.csv", encoding="utf-8")))
assert list(rows[0].keys()) == ["file","url","published","language","outlet","published_basis"], rows[0].keys()
files = {r["file"]: r for r in rows}
urls = [r["url"] for r in rows]
if len(set(urls)) != len(urls): errs.append("duplicate URL in index")
for r in rows:
    if not (HERE/r["file"]).exists(): errs.append(f"missing file {r['file']}")
    p = dt.date.fromisoformat(r["published"])
    if not (dt.date(2020,1,1) <= p <= dt.date(2025,12,31)): errs.append(f"{r['file']} published out of range")
    if r["language"] not in ("ar","en"): errs.append(f"{r['file']} bad language")
gold = [json.loads(l) for l in open(HERE/"gold.jsonl", encoding="utf-8") if l.strip()]
ids = set()
for g in gold:
    base = [k for k in g if not k.startswith("dest_")]
    if base != KEYS: errs.append(f"{g.get('id')} keys {base}")
    if g["id"] in ids: errs.append(f"dup id {g['id']}")
    ids.add(g["id"])
    if g["seed"] not in files: errs.append(f"{g['id']} seed not in index"); continue
    text = (HERE/g["seed"]).read_text(encoding="utf-8")
    if g["quote"] not in text: errs.append(f"{g['id']} quote not in file")
    if len(g["quote"]) >= 300 or "\n" in g["quote"]: errs.append(f"{g['id']} quote too long / multiline")
    if g["type"] not in TYPES: errs.append(f"{g['id']} bad type")
    if g["status"] not in ("occurred","planned"): errs.append(f"{g['id']} bad status")
    a, b = dt.date.fromisoformat(g["date_min"]), dt.date.fromisoformat(g["date_max"])
    if a > b: errs.append(f"{g['id']} date_min > date_max")
    pub = dt.date.fromisoformat(files[g["seed"]]["published"])
    if g["status"] == "occurred" and a > pub: errs.append(f"{g['id']} occurred after publication")
    if g["max_km"] not in (10,25,60,400,None): errs.append(f"{g['id']} bad max_km")
    if a == b:
        wd = a.strftime("%A")
        for d, ns in WEEKDAYS.items():
            if any(n in g["quote"] for n in ns) and d != wd:
                errs.append(f"{g['id']}: quote names {d}, but {a} is a {wd}")
    pairs_checked[0] += check_pairs(g["note"], g["id"])
for r in rows:
    pairs_checked[0] += check_pairs(r["published_basis"], r["file"])
print(f"weekday/date pairs checked in notes and published_basis: {pairs_checked[0]}")
print(f"{len(rows)} articles, {len(gold)} gold events, {len({g['seed'] for g in gold})} articles with events")
neg = [l.split(":")[0] for l in open(HERE/"negatives.txt", encoding="utf-8") if l.strip()]
for n in neg:
    if n not in files: errs.append(f"negative {n} not in index")
    if any(g["seed"] == n for g in gold): errs.append(f"negative {n} has gold rows")
for f in files:
    if f not in neg and not any(g["seed"] == f for g in gold): errs.append(f"{f} has no gold and is not a negative")
print("\n".join(errs) if errs else "OK: all checks passed")
sys.exit(1 if errs else 0)
