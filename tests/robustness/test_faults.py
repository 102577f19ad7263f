"""Faults: an ingest killed (SIGKILL) at random moments, run after run, never leaves a half-written store,
and the ingest that finally completes gives exactly the store a clean ingest gives.

One kill and two concurrent ingests are in test_ingest.py; this adds the random-kill loop (serial and
parallel extraction) and what a killed parallel ingest leaves behind. Sizes come from the environment:
``FAULT_RUNS`` (kills per test, default 5) and ``FAULT_ARTICLES`` (default 200).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from store_snapshot import Snapshot, snapshot  # tests/robustness/, on sys.path as the tests' folder

import geo
from geo.devtools.corpus import write_corpus
from geo.ingest import ingest_paths
from geo.store import open_store

ROOT = Path(geo.__file__).parent.parent
RUNS = int(os.environ.get("FAULT_RUNS", "5"))
ARTICLES = int(os.environ.get("FAULT_ARTICLES", "200"))
# Loaded at start-up by the CLI process and by its extraction workers (via PYTHONPATH): every extraction is
# slowed by FAULT_SLOW_EXTRACT seconds, so a kill lands mid-ingest whatever --jobs is.
SITECUSTOMIZE = """\
import os
if os.environ.get("FAULT_SLOW_EXTRACT"):
    import time
    import geo.extract as x
    _f, _d = x.extract_events, float(os.environ["FAULT_SLOW_EXTRACT"])
    def _slow(*a, **k):
        time.sleep(_d)
        return _f(*a, **k)
    x.extract_events = _slow
"""

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def slow_site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Generated articles with their index.csv (the gold is written beside the folder)."""
    root = tmp_path_factory.mktemp("faults")
    folder = root / "in"
    write_corpus(folder, ARTICLES, seed=11)
    return folder


@pytest.fixture(scope="module")
def clean_store(corpus, tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("clean") / "clean.gpkg"
    report = ingest_paths([corpus], store=store)
    assert (report.new, report.skipped) == (ARTICLES, [])
    return store


@pytest.fixture(scope="module")
def clean(clean_store) -> Snapshot:
    snap = snapshot(clean_store)
    assert len(snap[0]) == ARTICLES and sum(map(len, snap[1].values())) > ARTICLES
    return snap


def merged_view(store: Path) -> list[tuple[str, tuple[str, ...]]]:
    """What the map and exports show: Store.events() after cross-article dedup, with their sources."""
    with open_store(store) as st:
        return sorted((e.id, tuple(sorted(e.sources))) for e in st.events())


def _cli(args: list[str], site: Path, delay: float) -> subprocess.Popen:
    # No pipes: workers orphaned by a kill would hold them open (and communicate() would wait for them).
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]), "GEO_LOG_LEVEL": "CRITICAL",
           "FAULT_SLOW_EXTRACT": str(delay)}
    return subprocess.Popen([sys.executable, "-m", "geo.cli", *args], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped has exited)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def check_consistent(store: Path, clean: Snapshot) -> int:
    """The store after a kill: sound file, and every stored article holds exactly its clean events."""
    if not store.exists():
        return 0
    con = sqlite3.connect(store)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "articles" not in tables:  # killed while creating the schema: nothing stored yet
            return 0
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        orphans = con.execute("SELECT count(*) FROM events WHERE article_id NOT IN (SELECT id FROM articles)")
        assert orphans.fetchone()[0] == 0
    finally:
        con.close()
    arts, events = snapshot(store)
    clean_arts, clean_events = clean
    assert len(set(arts)) == len(arts)
    assert set(arts) <= set(clean_arts)
    for aid in arts:  # no article without its events, none with a part of them
        assert events.get(aid, []) == clean_events.get(aid, []), aid
    assert set(events) <= set(arts)
    return len(arts)


def _committed(store: Path) -> int:
    """Articles committed in ``store`` so far, read without a lock (0 while it is being created)."""
    try:
        con = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=0.1)
        try:
            return int(con.execute("SELECT count(*) FROM articles").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def _kill_loop(corpus: Path, clean: Snapshot, store: Path, site: Path, jobs: int,
               seed: int) -> list[tuple[float, int]]:
    """FAULT_RUNS ingests of the same folder into ``store``, each SIGKILLed a random 0–1 s after the run's
    first commit (every other run) or at a random 0.2–1 s from its start (start-up and schema creation).

    Waiting for the commit, not a fixed time, keeps the loop meaningful on a loaded machine."""
    rng = random.Random(seed)
    stored, history = 0, []
    for i in range(RUNS):
        delay = rng.uniform(0.0, 1.0) if i % 2 == 0 else rng.uniform(0.2, 1.0)
        args = ["ingest", str(corpus), "--store", str(store), "--no-progress", "--jobs", str(jobs)]
        proc = _cli(args, site, 0.01 * jobs)
        kids: set[int] = set()
        started = time.monotonic()
        if i % 2 == 0:  # the event: this run has committed an article (or finished)
            while proc.poll() is None and _committed(store) <= stored and time.monotonic() - started < 120:
                kids.update(_children(proc.pid))
                time.sleep(0.02)
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline and proc.poll() is None:
            kids.update(_children(proc.pid))
            time.sleep(0.02)
        kids.update(_children(proc.pid))
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=60) in (-signal.SIGKILL, 0)
        for pid in kids:  # belt and braces: never leave a worker behind, whatever the test below says
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        now = check_consistent(store, clean)
        assert now >= stored  # a kill never takes back what was committed
        history.append((round(delay, 2), now - stored))
        stored = now
    return history


@pytest.mark.parametrize("jobs", [1, 2])
def test_random_kills_leave_a_consistent_store_and_the_resume_equals_a_clean_ingest(
    corpus, clean, clean_store, slow_site, tmp_path, jobs
):
    store = tmp_path / "killed.gpkg"
    history = _kill_loop(corpus, clean, store, slow_site, jobs, seed=2024 + jobs)
    print(f"jobs={jobs}: (kill after s, articles committed by that run): {history}")
    # Some kills landed mid-ingest (the loop is not vacuous) ...
    assert any(added > 0 for _, added in history), history
    # ... and finishing the ingest gives exactly what one uninterrupted ingest gives.
    before = check_consistent(store, clean)
    report = ingest_paths([corpus], store=store)
    assert (report.new, report.duplicates, report.skipped) == (ARTICLES - before, before, [])
    arts, events = snapshot(store)
    clean_arts, clean_events = clean
    assert sorted(arts) == sorted(clean_arts)
    assert events == clean_events
    assert merged_view(store) == merged_view(clean_store)


def test_killed_parallel_ingest_leaves_no_worker_behind(corpus, slow_site, tmp_path):
    """Workers of a SIGKILLed ingest used to wait on the pool's call queue forever (now PR_SET_PDEATHSIG)."""
    store = tmp_path / "s.gpkg"
    proc = _cli(["ingest", str(corpus), "--store", str(store), "--no-progress", "--jobs", "2"], slow_site, 0.02)
    kids: set[int] = set()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None and len(kids) < 2:
            kids.update(_children(proc.pid))
            time.sleep(0.02)
        assert len(kids) >= 2, "no workers started"
        # The event, not a guess at timing: an article is committed, so the workers ran their initializer
        # (a worker still importing under load when its parent dies has no PR_SET_PDEATHSIG yet).
        while time.monotonic() < deadline + 90 and proc.poll() is None and _committed(store) < 1:
            kids.update(_children(proc.pid))
            time.sleep(0.02)
        kids.update(_children(proc.pid))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        gone_by = time.monotonic() + 60  # a bound for a failure, not a race: they die as soon as they run
        while time.monotonic() < gone_by and any(_alive(p) for p in kids):
            time.sleep(0.1)
        assert [p for p in kids if _alive(p)] == []
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=60)
        for pid in kids:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
