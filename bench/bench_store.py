"""Store benchmark: ingest throughput (jobs=1 vs jobs=2) and export time for 100k events.

Run with ``python bench/run.py store``; numbers land in results["store"].
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
import time
from pathlib import Path
from typing import Any

ARTICLES = 300
EXPORT_EVENTS = 100_000


def _variants(folder: Path, n: int) -> int:
    """``n`` distinct articles made from the seeds by changing their numbers (so hashes differ)."""
    import re

    from geo.core import settings

    with open(settings.SEEDS_DIR / "index.csv", encoding="utf-8") as f:
        seeds = list(csv.DictReader(f))
    texts = [(r, (settings.SEEDS_DIR / r["file"]).read_text(encoding="utf-8")) for r in seeds]
    rows = []
    for i in range(n):
        row, text = texts[i % len(texts)]
        # Shift every number a little: the text keeps its shape, its hash changes.
        varied = re.sub(r"\d+", lambda m, i=i: str(int(m[0]) + i // len(texts)), text)
        name = f"a{i:04d}.txt"
        (folder / name).write_text(varied, encoding="utf-8")
        rows.append([name, row["published"], row["outlet"]])
    with open(folder / "index.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "published", "outlet"])
        w.writerows(rows)
    return n


def _synthetic_events(n: int) -> list[Any]:
    from gazetteer.models import Place
    from geo.core.models import Event
    from geo.core.taxonomy import EVENT_TYPES

    rng = random.Random(1)
    places = [
        Place(
            f"p{i}",
            f"Place {i}",
            rng.uniform(29.5, 37.0),
            rng.uniform(39.0, 48.0),
            "town",
            "city",
            f"مكان {i}",
            f"Province {i % 18}",
            "IQ",
        )
        for i in range(500)
    ]
    start = dt.date(2019, 1, 1)
    out = []
    for i in range(n):
        t = EVENT_TYPES[i % len(EVENT_TYPES)]
        day = start + dt.timedelta(days=rng.randrange(2000))
        place = places[rng.randrange(500)] if i % 20 else None
        dest = places[rng.randrange(500)] if t in ("withdrawal", "redeployment") and place else None
        quote = f"قالت مصادر إن هجوما بواسطة {i % 9 + 1} صواريخ استهدف الموقع رقم {i}"
        out.append(
            Event(
                t,
                day,
                quote,
                0,
                len(quote),
                f"outlet{i % 7} {day}",
                day,
                place=place,
                destination=dest,
                rockets=(i % 9 + 1) if t == "attack" else None,
            )
        )
    return out


def run(results: dict[str, Any]) -> None:
    from geo.export import export_events
    from geo.ingest import ingest_paths
    from geo.store import open_store

    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        n = _variants(folder, ARTICLES)
        for jobs in (1, 2):
            store = Path(tmp) / f"jobs{jobs}.gpkg"
            t0 = time.perf_counter()
            report = ingest_paths([folder], store=store, jobs=jobs)
            secs = time.perf_counter() - t0
            out[f"ingest_jobs{jobs}_articles_per_s"] = round(n / secs, 1)
            out[f"ingest_jobs{jobs}_s"] = round(secs, 2)
            out[f"ingest_jobs{jobs}_events"] = report.events_added
            print(
                f"   ingest {n} articles, jobs={jobs}: {secs:.2f} s = {n / secs:.1f} articles/s, "
                f"{report.events_added} events"
            )
        out["ingest_speedup_jobs2"] = round(out["ingest_jobs1_s"] / out["ingest_jobs2_s"], 2)
        print(f"   jobs=2 / jobs=1 speed-up: {out['ingest_speedup_jobs2']}x (target ~1.6x on 2 cores)")
        t0 = time.perf_counter()
        again = ingest_paths([folder], store=Path(tmp) / "jobs1.gpkg")
        out["reingest_s"] = round(time.perf_counter() - t0, 2)
        print(f"   re-ingest (all duplicates, {again.new} new): {out['reingest_s']} s")
        with open_store(Path(tmp) / "jobs1.gpkg") as st:
            t0 = time.perf_counter()
            events = st.events()
            out["store_events_query_s"] = round(time.perf_counter() - t0, 3)
        print(f"   Store.events() with dedup over {len(events)} events: {out['store_events_query_s']} s")

        t0 = time.perf_counter()
        synthetic = _synthetic_events(EXPORT_EVENTS)
        print(f"   built {EXPORT_EVENTS} synthetic events in {time.perf_counter() - t0:.1f} s")
        for fmt in ("geojson", "gpkg", "parquet", "csv"):
            path = Path(tmp) / f"events.{fmt}"
            t0 = time.perf_counter()
            export_events(synthetic, path)
            secs = time.perf_counter() - t0
            out[f"export_100k_{fmt}_s"] = round(secs, 2)
            out[f"export_100k_{fmt}_mb"] = round(path.stat().st_size / 1e6, 1)
            print(f"   export {EXPORT_EVENTS} events to {fmt}: {secs:.2f} s, {path.stat().st_size / 1e6:.1f} MB")
    results["store"] = out
