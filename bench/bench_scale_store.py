"""Scale series of the store: 10k, 100k (and, when asked, 1M) generated events.

``python bench/run.py scale_store``; sizes from ``BENCH_EVENTS`` (default ``10000,100000``; the issue's
``10000,100000,1000000`` takes a long while on 2 cores). For each size, in a fresh GeoPackage:

- write articles/s (articles with their events already extracted: the store's own speed, batched
  ``add_articles`` with the incremental merge), events and merged events, file size;
- a one-month typed query, a bounding-box + year query and the dashboard's first load (``overview`` +
  counts per governorate and per week + the last month's events): median of warm runs after a cold one;
- ``geo events`` (one month, one type) and ``geo export`` (GeoJSON and GeoParquet of up to 100,000 events)
  run as the CLI in a fresh process each: wall time and peak memory (``VmHWM``);
- PostGIS (up to ``BENCH_PG_EVENTS``, default 100000; durable server, fsync on): batched writer
  articles/s next to one transaction per article (first 2,000 articles), and the ratio.

Timings on a shared machine are noisy: CPU seconds of this process are printed beside the wall clock.
Numbers land in ``results["scale_store"]``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
START = dt.date(2015, 1, 1)
DAYS = 3652  # ten years
BATCH = 500
MONTH = {"start": "2020-01-01", "end": "2020-01-31", "types": ["attack"]}
BOX_YEAR = {"start": "2020-01-01", "end": "2020-12-31", "bbox": (43.9, 33.0, 44.8, 33.7)}  # Baghdad and around
TARGETS = {"month_ms": 100, "bbox_year_ms": 200, "first_load_ms": 1000, "events_mb": 300,
           "export_parquet_s": 1, "export_geojson_s": 3, "export_mb": 500, "postgis_articles_per_s": 5000}


def sizes() -> list[int]:
    raw = os.environ.get("BENCH_EVENTS", "10000,100000")
    return [int(s) for s in raw.replace(" ", "").split(",") if s]


def generate(n_events: int, seed: int = 1) -> Iterator[tuple[Any, list[Any]]]:
    """About ``n_events`` reports over ten years, published as articles of 1-3 reports by eight outlets;
    a happening is reported by 1-3 outlets (so the merge has work), at a real place of Iraq (or none)."""
    from gazetteer import places
    from geo.core.models import Event
    from geo.core.taxonomy import EVENT_TYPES
    from geo.store import Article

    rng = random.Random(seed)
    where = [p for p in places() if p.country == "IQ" and p.province]
    outlets = [f"Outlet {i}" for i in range(8)]
    weights = [5 if t in ("attack", "airstrike") else 1 for t in EVENT_TYPES]
    per_day = n_events / DAYS
    pending: dict[tuple[dt.date, str], list[Event]] = {}
    made = 0
    serial = 0
    for d in range(DAYS + 3):
        day = START + dt.timedelta(days=d)
        if d < DAYS:
            target = int(per_day * (d + 1)) - made
            while target > 0:
                typ = rng.choices(EVENT_TYPES, weights)[0]
                place = rng.choice(where) if rng.random() < 0.92 else None
                r = rng.random()
                date, end, precision = day, None, "day"
                if r < 0.06:
                    date = day.replace(day=1)
                    end = (date + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
                    precision = "month"
                elif r < 0.10:
                    end, precision = day + dt.timedelta(days=rng.randint(2, 14)), "range"
                status = "planned" if rng.random() < 0.08 else "occurred"
                k = min(target, rng.choice([1, 1, 1, 2, 2, 3]))
                for src in rng.sample(outlets, k):
                    serial += 1
                    pub = day + dt.timedelta(days=rng.randint(0, 2))
                    quote = f"قالت مصادر إن هجوما استهدف الموقع في التقرير رقم {serial}"
                    e = Event(typ, date, quote, 0, len(quote), f"{src} {pub}", pub, date_precision=precision,
                              end_date=end, status=status, place=place,
                              rockets=rng.randint(1, 9) if typ == "attack" and rng.random() < 0.5 else None)
                    pending.setdefault((pub, src), []).append(e)
                target -= k
                made += k
        for key in [k for k in pending if k[0] <= day]:
            events = pending.pop(key)
            for i in range(0, len(events), 3):
                text = f"{key[1]} {key[0]} {i} {events[i].quote}"
                aid = hashlib.sha256(text.encode()).hexdigest()
                yield Article(aid, text, key[0], f"{key[1]} {key[0]}", path=f"{aid[:12]}.txt"), events[i : i + 3]


def _write(store: Any, n: int, batched: bool = True, limit: int | None = None) -> tuple[int, float, float]:
    """Write the corpus of ``n`` events (or its first ``limit`` articles): (articles, wall s, cpu s)."""
    wall = cpu = 0.0
    count = 0
    batch: list[Any] = []

    def flush() -> None:
        nonlocal wall, cpu
        t0, c0 = time.perf_counter(), time.process_time()
        if batched:
            store.add_articles(batch)
        else:
            for a, ev in batch:
                store.add_article(a, ev)
        wall += time.perf_counter() - t0
        cpu += time.process_time() - c0
        batch.clear()

    for item in generate(n):
        batch.append(item)
        count += 1
        if len(batch) >= BATCH:
            flush()
        if limit and count >= limit:
            break
    if batch:
        flush()
    return count, wall, cpu


CPU_MS: dict[str, float] = {}  # the last _timed call's median CPU ms (a load-independent estimate)


def _timed(fn: Any, repeat: int = 5) -> tuple[float, float, Any]:
    """(cold ms, median warm ms, result); the median CPU ms of the warm runs goes to CPU_MS["last"]."""
    t0 = time.perf_counter()
    result = fn()
    cold = (time.perf_counter() - t0) * 1000
    warm, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        warm.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    CPU_MS["last"] = statistics.median(cpu)
    return cold, statistics.median(warm), result


_PEAK = (
    "import sys, time\n"
    "from geo.cli import main\n"
    "t0 = time.perf_counter()\n"
    "code = main(sys.argv[1:])\n"
    "secs = time.perf_counter() - t0\n"
    "hwm = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM'))\n"
    "print(f'@@ {secs} {hwm / 1024}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def _cli(args: list[str]) -> tuple[float, float]:
    """Run ``geo ARGS`` in a fresh process: (seconds inside main, peak resident MB of that process);
    the process's whole CPU time (imports included) goes to CPU_MS["cli"]."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-c", _PEAK, *args], capture_output=True, text=True, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU_MS["cli"] = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000
    line = next((ln for ln in done.stderr.splitlines() if ln.startswith("@@ ")), None)
    if done.returncode or line is None:
        raise RuntimeError(f"geo {' '.join(args)} failed: {done.stderr.strip()[-500:]}")
    secs, mb = line.split()[1:]
    return float(secs), float(mb)


def _window_args(q: dict[str, Any]) -> list[str]:
    args = ["--start", q["start"], "--end", q["end"]]
    for t in q.get("types", []):
        args += ["--type", t]
    return args


def _export_window(st: Any, n: int) -> dict[str, str]:
    """A date window holding about min(n, 100,000) events (all of them up to 100k)."""
    o = st.overview()
    if n <= 100_000:
        return {"start": o["first"].isoformat(), "end": o["last"].isoformat()}
    days = int(DAYS * 100_000 / n)
    return {"start": "2018-01-01", "end": (dt.date(2018, 1, 1) + dt.timedelta(days=days - 1)).isoformat()}


def one_size(n: int, tmp: Path) -> dict[str, Any]:
    from geo.store import open_store

    out: dict[str, Any] = {"events_target": n}
    path = tmp / f"scale_{n}.gpkg"
    with open_store(path) as st:
        arts, wall, cpu = _write(st, n)
        counts = st.counts()
    out.update(articles=arts, events=counts["events"], merged=counts["merged_events"],
               write_articles_per_s=round(arts / wall, 1), write_cpu_articles_per_s=round(arts / cpu, 1),
               store_mb=round(path.stat().st_size / 1e6, 1))
    print(f"   {n:>9,} events: wrote {arts:,} articles in {wall:.1f} s = {arts / wall:,.0f} articles/s "
          f"({arts / cpu:,.0f}/s of CPU), {counts['events']:,} events -> {counts['merged_events']:,} merged, "
          f"{out['store_mb']} MB")
    with open_store(path) as st:
        month = {**MONTH, "start": dt.date.fromisoformat(MONTH["start"]), "end": dt.date.fromisoformat(MONTH["end"])}
        box = {**BOX_YEAR, "start": dt.date.fromisoformat(BOX_YEAR["start"]),
               "end": dt.date.fromisoformat(BOX_YEAR["end"])}
        cold, warm, rows = _timed(lambda: st.query(**month))
        out.update(month_cold_ms=round(cold, 1), month_ms=round(warm, 2), month_rows=len(rows),
                   month_cpu_ms=round(CPU_MS["last"], 2))
        print(f"      one-month typed query: {len(rows)} rows, {warm:.1f} ms, {CPU_MS['last']:.1f} ms of CPU"
              f" (cold {cold:.1f} ms; target <= 100 ms)")
        cold, warm, rows = _timed(lambda: st.query(**box))
        out.update(bbox_year_cold_ms=round(cold, 1), bbox_year_ms=round(warm, 2), bbox_year_rows=len(rows),
                   bbox_year_cpu_ms=round(CPU_MS["last"], 2))
        print(f"      bbox + year query:     {len(rows)} rows, {warm:.1f} ms, {CPU_MS['last']:.1f} ms of CPU"
              f" (cold {cold:.1f} ms; target <= 200 ms)")

        def first_load() -> int:
            o = st.overview()
            st.aggregate("governorate")
            st.aggregate("week")
            last = o["last"]
            return len(st.query(start=last - dt.timedelta(days=30), end=last))

        cold, warm, rows = _timed(first_load, repeat=3)
        out.update(first_load_cold_ms=round(cold, 1), first_load_ms=round(warm, 1), first_load_rows=rows,
                   first_load_cpu_ms=round(CPU_MS["last"], 1))
        print(f"      dashboard first load (overview, counts per governorate and week, last month: {rows} rows): "
              f"{warm:.0f} ms, {CPU_MS['last']:.0f} ms of CPU (cold {cold:.0f} ms; target <= 1000 ms)")
        window = _export_window(st, n)
        exported = st.count(start=dt.date.fromisoformat(window["start"]), end=dt.date.fromisoformat(window["end"]))
    secs, mb = _cli(["events", "--store", str(path), *_window_args(MONTH)])
    out.update(geo_events_s=round(secs, 2), geo_events_mb=round(mb, 1),
               geo_events_process_cpu_s=round(CPU_MS["cli"] / 1000, 2))
    print(f"      geo events (one month, attacks): {secs:.2f} s, peak {mb:.0f} MB (target <= 300 MB);"
          f" whole process {CPU_MS['cli'] / 1000:.1f} s of CPU with its imports")
    out["export_events"] = exported
    for fmt in ("parquet", "geojson"):
        target = tmp / f"export_{n}.{fmt}"
        secs, mb = _cli(["export", "-o", str(target), "--store", str(path), "--start", window["start"],
                         "--end", window["end"]])
        out[f"export_{fmt}_s"] = round(secs, 2)
        out[f"export_{fmt}_process_cpu_s"] = round(CPU_MS["cli"] / 1000, 2)
        out[f"export_{fmt}_mb"] = round(mb, 1)
        out[f"export_{fmt}_file_mb"] = round(target.stat().st_size / 1e6, 1)
        print(f"      geo export {exported:,} events to {fmt}: {secs:.2f} s, peak {mb:.0f} MB; whole process"
              f" {CPU_MS['cli'] / 1000:.1f} s of CPU (target <= {TARGETS['export_' + fmt + '_s']} s, <= 500 MB)")
        target.unlink()
    out.update(_export_paths(path, window, tmp))
    path.unlink()
    return out


def _export_paths(path: Path, window: dict[str, str], tmp: Path) -> dict[str, Any]:
    """The same exports in this process by both paths: from columns (what ``geo export`` does) and from
    one Event per row (what it did before, and still does once reviews are stored), CPU seconds each."""
    from geo.export import export_columns, export_events
    from geo.store import open_store

    out: dict[str, Any] = {}
    f = {k: dt.date.fromisoformat(v) for k, v in window.items()}
    with open_store(path, create=False) as st:
        for fmt in ("parquet", "geojson"):
            cpu: dict[str, float] = {}
            for how in ("columns", "events", "columns", "events"):  # the best of two: the first pays imports
                target = tmp / f"paths.{fmt}"
                c0 = time.process_time()
                if how == "columns":
                    export_columns(st.iter_columns(**f), target)  # type: ignore[arg-type]
                else:
                    export_events(st.iter_query(**f), target)
                cpu[how] = min(cpu.get(how, float("inf")), time.process_time() - c0)
                target.unlink()
            out[f"export_{fmt}_columns_cpu_s"] = round(cpu["columns"], 2)
            out[f"export_{fmt}_events_cpu_s"] = round(cpu["events"], 2)
            print(f"      export to {fmt} in this process: from columns {cpu['columns']:.2f} s of CPU, one Event per"
                  f" row (before; with reviews) {cpu['events']:.2f} s ({cpu['events'] / cpu['columns']:.1f}x)")
    return out


def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a local process, 0 when it cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def postgis(n: int) -> dict[str, Any]:
    from geo.devtools.pgserver import TempPostgres, postgres_bindir
    from geo.store import open_store

    bindir = postgres_bindir()
    if bindir is None:
        print("   postgis skipped: no PostgreSQL")
        return {"skipped": "no PostgreSQL"}
    server = TempPostgres(bindir, durable=True)
    try:
        with open_store(server.database()) as st:
            backend = st.conn.execute("SELECT pg_backend_pid()").fetchone()[0]
            s0 = _proc_cpu(backend)
            arts, wall, cpu = _write(st, n)
            server_cpu = _proc_cpu(backend) - s0
            counts = st.counts()
        with open_store(server.database()) as st:
            single, swall, _ = _write(st, n, batched=False, limit=2000)
    finally:
        server.stop()
    both = cpu + server_cpu
    out = {"events": counts["events"], "articles": arts, "batched_articles_per_s": round(arts / wall, 1),
           "batched_client_cpu_s": round(cpu, 2), "batched_server_cpu_s": round(server_cpu, 2),
           "batched_cpu_articles_per_s": round(arts / both, 1) if both else None,
           "single_articles_per_s": round(single / swall, 1)}
    out["ratio"] = round(out["batched_articles_per_s"] / out["single_articles_per_s"], 1)
    print(f"   postgis (durable) {counts['events']:,} events: batched writer {arts / wall:,.0f} articles/s wall, "
          f"{out['batched_cpu_articles_per_s']:,}/s of CPU (client {cpu:.1f} s + server backend {server_cpu:.1f} s); "
          f"one transaction per article {single / swall:,.0f}/s; ratio {out['ratio']}x (target >= 5,000/s)")
    return out


def run(results: dict[str, Any]) -> None:
    out: dict[str, Any] = {"sizes": sizes()}
    pg_max = int(os.environ.get("BENCH_PG_EVENTS", "100000"))
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes():
            out[str(n)] = one_size(n, Path(tmp))
            if n <= pg_max:
                out[f"postgis_{n}"] = postgis(n)
    results["scale_store"] = out


if __name__ == "__main__":
    res: dict[str, Any] = {}
    run(res)
    print(json.dumps(res, indent=2))
