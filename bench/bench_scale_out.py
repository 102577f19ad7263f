"""Scale-out benchmark: the Dask engine next to the process pool, the PostGIS store next to the GeoPackage.

Run with ``python bench/run.py scale_out``; numbers land in results["scale_out"]. Ingests a generated
corpus (``geo.devtools.corpus``, ``BENCH_SCALE_OUT_ARTICLES`` articles, default 1000) with the local
engine (jobs=1, jobs=2 process pool) and the Dask engine (a LocalCluster of 1 and 2 workers) into a
GeoPackage, then jobs=1, Dask-1 and Dask-2 into PostGIS on a private durable server (fsync on; the Dask
workers write their partitions themselves), and times ``events()`` (cold: read + merge; warm: cached) and a
filtered query on both stores. Without PostgreSQL the PostGIS rows print "skipped: no PostgreSQL".
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

ARTICLES = int(os.environ.get("BENCH_SCALE_OUT_ARTICLES", "1000"))  # the figure: 20000 (a long run)
REPEAT = 3  # query timings: the median of this many


def _ingest(folder: Path, store: str, **kw: Any) -> tuple[float, Any]:
    from geo.ingest import ingest_paths

    t0 = time.perf_counter()
    report = ingest_paths([folder], store=store, **kw)
    return time.perf_counter() - t0, report


def _median(fn: Any) -> float:
    times = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _queries(store: str) -> dict[str, float]:
    from geo.store import open_store

    box = (38.0, 29.0, 44.5, 37.5)  # western Iraq
    window: dict[str, Any] = {"start": dt.date(2022, 1, 1), "end": dt.date(2023, 12, 31)}
    window["types"] = ["attack", "airstrike"]

    def cold() -> None:
        with open_store(store) as st:
            st.events()

    def filtered() -> None:
        with open_store(store) as st:
            st.events(**window, bbox=box)

    with open_store(store) as st:
        st.events()
        warm = _median(st.events)
        n = len(st.events())
        hits = len(st.events(**window, bbox=box))
    return {"events_cold_s": _median(cold), "events_warm_s": warm, "filtered_cold_s": _median(filtered),
            "events": n, "filtered_events": hits}  # fmt: skip


def _parts(folder: Path) -> tuple[float, list[Any]]:
    """Extraction alone, in this process: (seconds, [(article, events)])."""
    from geo.ingest import IndexFiles
    from geo.ingest.dask_engine import FileTask, process_partition
    from geo.ingest.plan import extractor_version

    index = IndexFiles()
    tasks = [FileTask(str(f), index.row(f)) for f in sorted(folder.glob("*.txt"))]
    t0 = time.perf_counter()
    outcomes = process_partition(tasks, None, None, extractor_version(), frozenset())
    secs = time.perf_counter() - t0
    return secs, [(job.article, ev) for o in outcomes for job, ev in o.results if isinstance(ev, list)]


def _write_only(store: str, done: list[Any], batch: int = 1) -> float:
    from geo.store import open_store

    with open_store(store) as st:
        t0 = time.perf_counter()
        if batch == 1:
            for article, events in done:
                st.add_article(article, events)
        else:
            for i in range(0, len(done), batch):
                st.add_articles(done[i : i + batch])
        return time.perf_counter() - t0


def _cluster_start() -> float:
    from distributed import Client, LocalCluster

    t0 = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(
        cluster
    ) as client:
        client.submit(sum, [1, 2]).result()
    return time.perf_counter() - t0


def run(results: dict[str, Any]) -> None:
    from geo.devtools.corpus import write_corpus
    from geo.devtools.pgserver import TempPostgres, postgres_bindir

    out: dict[str, Any] = {"articles": ARTICLES}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        write_corpus(folder, ARTICLES)
        runs = [
            ("local_jobs1", "local engine, jobs=1", {"jobs": 1}),
            ("local_jobs2", "local engine, jobs=2 (process pool)", {"jobs": 2}),
            ("dask_1", "dask engine, LocalCluster 1 worker", {"engine": "dask", "jobs": 1}),
            ("dask_2", "dask engine, LocalCluster 2 workers", {"engine": "dask", "jobs": 2}),
        ]
        for key, label, kw in runs:
            secs, report = _ingest(folder, str(Path(tmp) / f"{key}.gpkg"), **kw)
            out[f"gpkg_{key}_s"] = round(secs, 2)
            out[f"gpkg_{key}_articles_per_s"] = round(report.new / secs, 1)
            print(f"   gpkg    {label:<38} {secs:6.2f} s = {report.new / secs:7.1f} articles/s ({report.new} new)")
        ext_s, done = _parts(folder)
        out["extract_only_articles_per_s"] = round(len(done) / ext_s, 1)
        print(f"   extraction alone (read+date+extract, one core, no store): {len(done) / ext_s:7.1f} articles/s")
        w = _write_only(str(Path(tmp) / "write_only.gpkg"), done)
        out["gpkg_write_only_articles_per_s"] = round(len(done) / w, 1)
        print(f"   gpkg    writer alone (one transaction per article):      {len(done) / w:7.1f} articles/s")
        w = _write_only(str(Path(tmp) / "write_batched.gpkg"), done, batch=200)
        out["gpkg_write_batched_articles_per_s"] = round(len(done) / w, 1)
        print(f"   gpkg    writer alone (batches of 200 articles):          {len(done) / w:7.1f} articles/s")
        out["dask_cluster_start_stop_s"] = round(_cluster_start(), 2)
        print(f"   dask LocalCluster(2) start + first task + close: {out['dask_cluster_start_stop_s']:.2f} s")
        gpkg = str(Path(tmp) / "local_jobs1.gpkg")
        q = _queries(gpkg)
        out.update({f"gpkg_{k}": round(v, 4) for k, v in q.items()})
        print(f"   gpkg    events() over {q['events']} merged: cold {q['events_cold_s'] * 1000:.0f} ms,"
              f" warm {q['events_warm_s'] * 1000:.1f} ms; filtered ({q['filtered_events']} hits)"
              f" cold {q['filtered_cold_s'] * 1000:.0f} ms")  # fmt: skip

        bindir = postgres_bindir()
        if bindir is None:
            print("   postgis skipped: no PostgreSQL")
            out["postgis"] = "skipped: no PostgreSQL"
        else:
            server = TempPostgres(bindir, durable=True)
            try:
                for key, label, kw in (runs[0], runs[2], runs[3]):
                    secs, report = _ingest(folder, server.database(), **kw)
                    out[f"postgis_{key}_s"] = round(secs, 2)
                    out[f"postgis_{key}_articles_per_s"] = round(report.new / secs, 1)
                    print(f"   postgis {label:<38} {secs:6.2f} s = {report.new / secs:7.1f} articles/s")
                out["postgis_speedup_dask2_over_dask1"] = round(out["postgis_dask_1_s"] / out["postgis_dask_2_s"], 2)
                ratio = out["postgis_speedup_dask2_over_dask1"]
                print(f"   postgis dask 2 workers / 1 worker (workers writing): {ratio}x (target >= 1.5x)")
                w = _write_only(server.database(), done)
                out["postgis_write_only_articles_per_s"] = round(len(done) / w, 1)
                print(f"   postgis writer alone (one transaction per article):      {len(done) / w:7.1f} articles/s")
                w = _write_only(server.database(), done, batch=200)
                out["postgis_write_batched_articles_per_s"] = round(len(done) / w, 1)
                print(f"   postgis writer alone (batches of 200 articles):          {len(done) / w:7.1f} articles/s")
                pg = server.database()
                _ingest(folder, pg, jobs=2)
                q = _queries(pg)
                out.update({f"postgis_{k}": round(v, 4) for k, v in q.items()})
                print(f"   postgis events() over {q['events']} merged: cold {q['events_cold_s'] * 1000:.0f} ms,"
                      f" warm {q['events_warm_s'] * 1000:.1f} ms; filtered ({q['filtered_events']} hits)"
                      f" cold {q['filtered_cold_s'] * 1000:.0f} ms")  # fmt: skip
            finally:
                server.stop()
    base = out["gpkg_local_jobs1_s"]
    for key in ("local_jobs2", "dask_1", "dask_2"):
        out[f"speedup_{key}"] = round(base / out[f"gpkg_{key}_s"], 2)
    print(f"   speed-up over jobs=1: process pool {out['speedup_local_jobs2']}x,"
          f" dask 1 worker {out['speedup_dask_1']}x, dask 2 workers {out['speedup_dask_2']}x"
          " (2 cores here)")  # fmt: skip
    results["scale_out"] = out


if __name__ == "__main__":
    res: dict[str, Any] = {}
    run(res)
