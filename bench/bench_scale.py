"""Scale: ingest and extraction over 1k and 10k generated articles, extraction scores, peak memory.

For each size (``BENCH_SIZES``, default ``1000,10000``) a fresh process writes the synthetic corpus
(``geo.devtools.corpus.write_corpus``) to a temporary folder and measures:

- ingest articles/s on one core (``jobs=1``) and on all cores (``jobs=0``), their ratio, and whether
  both stores hold exactly the same article and event ids;
- ``extract_events`` articles/s over the corpus texts (one core, files already in memory);
- precision / recall / F1 / core recall of ``evaluate_file(gold_path(corpus), corpus)``;
- peak resident memory of that process and of its largest child (an extraction worker).

Each size runs in its own process so its peak memory is its own, not that of the benchmarks run before
it. Linux carries a parent's peak RSS into a forked child's ``ru_maxrss`` (even across exec: a child of
``bench/run.py`` after bench_map reports ~600 MB before doing anything), so the peaks reported are the
kernel's ``VmHWM`` of the process and of each worker (sampled while it runs); ``ru_maxrss`` for the process
and its children is kept beside them as ``ru_maxrss_mb`` / ``ru_maxrss_children_mb`` (upper bounds).
The seed gold and the held-out set(s) are scored once, next to the generated corpus.
Numbers land in ``results["scale"]``; export at 100k and build_map sizes live in bench_store / bench_map.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
DEFAULT_SIZES = "1000,10000"
TARGET_RATIO_2_CORES = 1.6  # the target bench_store prints for jobs=2 on this 2-core machine
TARGET_EXTRACT_ARTICLES_PER_S = 200  # as bench_extract


def sizes() -> list[int]:
    raw = os.environ.get("BENCH_SIZES", DEFAULT_SIZES)
    return [int(s) for s in raw.replace(" ", "").split(",") if s]


def _mb(kb: int) -> float:
    return round(kb / 1024, 1)  # ru_maxrss is in KiB on Linux


def _hwm_kb(pid: int | str = "self") -> int:
    """Peak resident set (VmHWM, KiB) of a live process; 0 when unknown."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class _ChildPeaks(threading.Thread):
    """Samples the VmHWM of this process's children (extraction workers) until stopped."""

    def __init__(self, every: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.every, self.peak_kb, self._stop_event = every, 0, threading.Event()

    def run(self) -> None:
        me = os.getpid()
        while not self._stop_event.is_set():
            try:
                with open(f"/proc/{me}/task/{me}/children", encoding="ascii") as f:
                    kids = f.read().split()
            except OSError:
                kids = []
            for pid in kids:
                self.peak_kb = max(self.peak_kb, _hwm_kb(pid))
            self._stop_event.wait(self.every)

    def __enter__(self) -> _ChildPeaks:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop_event.set()
        self.join()


def _scores(ev: Any) -> dict[str, Any]:
    o = ev.overall
    return {
        "precision": round(o.precision, 3),
        "recall": round(o.recall, 3),
        "f1": round(o.f1, 3),
        "core_recall": round(ev.core_recall, 3),
        "gold": o.tp + o.fn,
        "predicted": o.tp + o.fp,
        "matched": o.tp,
    }


def _store_ids(path: Path) -> tuple[list[str], list[tuple[str, str]]]:
    from geo.store import open_store

    with open_store(path) as st:
        return sorted(a["id"] for a in st.articles()), sorted((aid, e.id) for aid, e in st.raw_events())


def measure(n: int) -> dict[str, Any]:
    """Everything for one corpus size, in this process (called in a child by ``run``)."""
    from geo import extract_events
    from geo.devtools.corpus import gold_path, write_corpus
    from geo.devtools.evaluate import evaluate_file
    from geo.ingest import ingest_paths

    out: dict[str, Any] = {"articles": n, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        t0 = time.perf_counter()
        out["gold_events"] = write_corpus(corpus, n)
        out["generate_s"] = round(time.perf_counter() - t0, 2)
        files = sorted(corpus.glob("*.txt"))
        assert len(files) == n

        for jobs, key in ((1, "jobs1"), (0, "all")):
            store = Path(tmp) / f"{key}.gpkg"
            with _ChildPeaks() as kids:
                t0 = time.perf_counter()
                report = ingest_paths(files, store=store, jobs=jobs)
                secs = time.perf_counter() - t0
            if jobs == 0:
                out["peak_rss_workers_mb"] = _mb(kids.peak_kb)
            assert report.new == n and not report.skipped, report.summary()
            out[f"ingest_{key}_s"] = round(secs, 2)
            out[f"ingest_{key}_articles_per_s"] = round(n / secs, 1)
            out["events_added"] = report.events_added
            out["events_merged"] = report.merged
        out["ingest_ratio"] = round(out["ingest_jobs1_s"] / out["ingest_all_s"], 2)
        one, every = _store_ids(Path(tmp) / "jobs1.gpkg"), _store_ids(Path(tmp) / "all.gpkg")
        out["identical"] = one == every
        out["stored_events"] = len(one[1])

        with open(corpus / "index.csv", encoding="utf-8") as f:
            texts = [((corpus / r["file"]).read_text(encoding="utf-8"), dt.date.fromisoformat(r["published"]))
                     for r in csv.DictReader(f)]
        extract_events(*texts[0])  # lexicons and the gazetteer index load once, outside the timing
        t0 = time.perf_counter()
        n_events = sum(len(extract_events(t, p, source="bench")) for t, p in texts)
        secs = time.perf_counter() - t0
        kb = sum(len(t.encode("utf-8")) for t, _ in texts) / 1024
        out["extract_articles_per_s"] = round(n / secs, 1)
        out["extract_kb_per_s"] = round(kb / secs, 1)
        out["extract_events"] = n_events

        t0 = time.perf_counter()
        out["eval"] = _scores(evaluate_file(gold_path(corpus), seeds_dir=corpus))
        out["eval_s"] = round(time.perf_counter() - t0, 2)
    out["peak_rss_mb"] = _mb(_hwm_kb()) or _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    out["ru_maxrss_mb"] = _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    out["ru_maxrss_children_mb"] = _mb(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return out


def _in_child(n: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        dest = Path(tmp) / "out.json"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        subprocess.run([sys.executable, __file__, str(n), str(dest)], check=True, cwd=ROOT, env=env)
        result: dict[str, Any] = json.loads(dest.read_text(encoding="utf-8"))
        return result


def run(results: dict[str, Any]) -> None:
    from geo.devtools.evaluate import evaluate_file

    out: dict[str, Any] = {"sizes": sizes(), "cpus": os.cpu_count()}
    evals = {"seeds": _scores(evaluate_file(DATA / "seed_events.jsonl", seeds_dir=DATA / "seeds"))}
    for name in ("heldout", "heldout2", "heldout3"):  # sets written by annotators who never saw the rules
        if (DATA / name / "gold.jsonl").exists():
            evals[name] = _scores(evaluate_file(DATA / name / "gold.jsonl", seeds_dir=DATA / name))
    for n in out["sizes"]:
        r = _in_child(n)
        out[str(n)] = r
        evals[f"corpus_{n}"] = r["eval"]
        print(f"   {n:>6,} articles, ingest jobs=1: {r['ingest_jobs1_articles_per_s']:7.1f} articles/s "
              f"({r['ingest_jobs1_s']} s); all {r['cpus']} cores: {r['ingest_all_articles_per_s']:7.1f} articles/s "
              f"({r['ingest_all_s']} s); ratio {r['ingest_ratio']}x (target ~{TARGET_RATIO_2_CORES}x on 2 cores)")
        print(f"          identical: {'yes' if r['identical'] else 'no'} ({r['stored_events']} event rows, "
              f"{r['events_merged']} merged across articles)")
        print(f"          extract_events: {r['extract_articles_per_s']:,.0f} articles/s, "
              f"{r['extract_kb_per_s']:,.0f} KB/s ({r['extract_events']} events; target "
              f"{TARGET_EXTRACT_ARTICLES_PER_S} articles/s)")
        print(f"          peak memory: {r['peak_rss_mb']} MB (process), {r['peak_rss_workers_mb']} MB "
              f"(largest worker); ru_maxrss {r['ru_maxrss_mb']} MB self, {r['ru_maxrss_children_mb']} MB children")
    print("   extraction scores (P / R / F1 / core recall):")
    for name, s in evals.items():
        print(f"     {name:<14} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  "
              f"core {s['core_recall']:.3f}  (gold {s['gold']}, predicted {s['predicted']}, matched {s['matched']})")
    out["eval"] = evals
    results["scale"] = out


if __name__ == "__main__":
    if len(sys.argv) == 3:  # the child: measure one size, write JSON
        Path(sys.argv[2]).write_text(json.dumps(measure(int(sys.argv[1]))), encoding="utf-8")
    else:
        res: dict[str, Any] = {}
        run(res)
