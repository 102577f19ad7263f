"""The interrupt path, driven by hooks rather than by timing: SIGINT or SIGTERM at a chosen moment of an
ingest (opening the store, reading, extracting, inside a commit, after the last commit, in a worker, to the
whole process group), a reprocess and an export.

Every run is the real CLI in a subprocess. A ``sitecustomize`` hook (on PYTHONPATH, so the extraction
workers load it too) counts calls to one function and sends the signal when the count is reached: the
moment is exact on any machine, however loaded, and no test sleeps. What is checked, in this order: how
far the work got (the store), then the exit code and the message, then that the store holds only whole
articles equal to a clean ingest's, and that running the command again finishes it to exactly the clean
result.
"""

from __future__ import annotations

import json
import os
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
ARTICLES = 12
MESSAGE = "interrupted; the store keeps every article committed so far"

# GEO_TEST_SIGNAL="point:n:SIGNAL:target": on the n-th call of the point's function (before the call, or
# after it for "after-commit"), send SIGNAL to this process ("self"), its parent ("parent") or the whole
# process group ("group").
SITECUSTOMIZE = '''\
import os
_spec = os.environ.get("GEO_TEST_SIGNAL")
if _spec:
    import signal

    _point, _n, _sig, _target = _spec.split(":")
    _calls = [0]

    def _fire():
        _calls[0] += 1
        if _calls[0] != int(_n):
            return
        signum = getattr(signal, _sig)
        if _target == "group":
            os.killpg(0, signum)
        else:
            os.kill(os.getppid() if _target == "parent" else os.getpid(), signum)

    def _wrap(owner, name, after=False):
        f = getattr(owner, name)

        def hooked(*a, **k):
            if not after:
                _fire()
            out = f(*a, **k)
            if after:
                _fire()
            return out

        setattr(owner, name, hooked)

    import geo.ingest.local as _local

    _local.WRITE_BATCH = 1  # one article per transaction: "the 5th commit" is the 5th article
    if _point in ("open", "commit", "after-commit", "replace"):
        from geo.store.geopackage import Store

        name = {"open": "_init", "replace": "replace_events"}.get(_point, "add_article")
        _wrap(Store, name, after=_point == "after-commit")
    elif _point == "read":
        import geo.ingest.pipeline as _m

        _wrap(_m, "plan_file")
    elif _point == "extract":
        import geo.ingest.plan as _m

        _wrap(_m, "extract_events")
    elif _point == "finish":
        import tqdm

        _wrap(tqdm.tqdm, "close")
    elif _point == "export":
        import geo.export.files as _m

        for _name in ("dump_json", "_write_frame", "_dumps", "_append_csv"):  # whole or streamed page by page
            _wrap(_m, _name)
        import geo.export.events as _e

        for _name in ("columns_geojson", "pending_columns_table"):  # geo export's GeoJSON/GeoParquet, page by page
            _wrap(_e, _name)
'''

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("interrupts") / "in"
    write_corpus(folder, ARTICLES, seed=5)
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
    assert len(snap[0]) == ARTICLES and sum(map(len, snap[1].values())) >= ARTICLES
    return snap


def committed(store: Path) -> int:
    if not store.exists():
        return 0
    con = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return int(con.execute("SELECT count(*) FROM articles").fetchone()[0]) if "articles" in tables else 0
    finally:
        con.close()


def assert_whole(store: Path, clean: Snapshot) -> None:
    """A sound file in which every stored article holds exactly its clean events (no half article)."""
    if not store.exists():
        return
    con = sqlite3.connect(store)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "articles" not in tables:
            return
        orphans = con.execute("SELECT count(*) FROM events WHERE article_id NOT IN (SELECT id FROM articles)")
        assert orphans.fetchone()[0] == 0
    finally:
        con.close()
    arts, events = snapshot(store)
    clean_arts, clean_events = clean
    assert arts == clean_arts[: len(arts)]  # written in input order, none skipped
    for aid in arts:
        assert events.get(aid, []) == clean_events.get(aid, []), aid


def _default_sigint() -> None:
    # A shell starts background jobs with SIGINT ignored, and Python keeps it so: the CLI must see Ctrl-C
    # here whether pytest runs in the foreground or in a background loop.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run(args: list[str], site: Path, hook: str, new_session: bool = False) -> subprocess.CompletedProcess:
    """The CLI with the hook; ``.pid`` is kept (with ``new_session`` it is also the process group id)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]), "GEO_TEST_SIGNAL": hook,
           "GEO_LOG_LEVEL": "WARNING"}
    with subprocess.Popen([sys.executable, "-m", "geo.cli", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, start_new_session=new_session,
                          preexec_fn=_default_sigint) as p:
        out, err = p.communicate(timeout=300)
    done = subprocess.CompletedProcess(p.args, p.returncode, out, err)
    done.pid = p.pid  # type: ignore[attr-defined]
    return done


def group_gone(pgid: int, within_s: float = 15.0) -> list[int]:
    """The group's live members once they are all gone, or whoever is left after ``within_s``: a
    worker's nanny may still be tearing down when the parent has already exited."""
    deadline = time.monotonic() + within_s
    while (left := group_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def group_members(pgid: int) -> list[int]:
    """Live processes of a process group (the subprocess ran in a session of its own)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def ingest_args(corpus: Path, store: Path, jobs: int = 1) -> list[str]:
    return ["ingest", str(corpus), "--store", str(store), "--no-progress", "--jobs", str(jobs)]


def assert_interrupted(proc: subprocess.CompletedProcess, sig: signal.Signals) -> None:
    assert proc.returncode == 128 + sig, (proc.returncode, proc.stderr[-2000:])
    assert MESSAGE in proc.stderr, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]


def assert_resumes_to_clean(corpus: Path, store: Path, clean: Snapshot, clean_store: Path) -> None:
    before = committed(store)
    report = ingest_paths([corpus], store=store)
    assert (report.new, report.duplicates, report.skipped) == (ARTICLES - before, before, [])
    assert snapshot(store) == clean
    with open_store(store) as st, open_store(clean_store) as cl:
        assert [(e.id, e.sources) for e in st.events()] == [(e.id, e.sources) for e in cl.events()]


# (point, call count, signal, whom) -> articles committed when it stops
MOMENTS = [
    pytest.param("open", 1, signal.SIGINT, "self", 0, id="opening-the-store-SIGINT"),
    pytest.param("read", 2, signal.SIGTERM, "self", 0, id="reading-files-SIGTERM"),
    pytest.param("extract", 4, signal.SIGINT, "self", 3, id="extracting-SIGINT"),
    pytest.param("commit", 5, signal.SIGINT, "self", 5, id="inside-a-commit-SIGINT"),
    pytest.param("commit", 5, signal.SIGTERM, "self", 5, id="inside-a-commit-SIGTERM"),
    pytest.param("after-commit", 7, signal.SIGTERM, "self", 7, id="end-of-a-commit-SIGTERM"),
]


@pytest.mark.parametrize(("point", "n", "sig", "whom", "stored"), MOMENTS)
def test_a_signal_mid_ingest_stops_it_with_the_message_and_loses_nothing(
    corpus, clean, clean_store, site, tmp_path, point, n, sig, whom, stored
):
    store = tmp_path / "s.gpkg"
    proc = run(ingest_args(corpus, store), site, f"{point}:{n}:{sig.name}:{whom}")
    assert committed(store) == stored  # first what was done: exactly up to the signalled moment
    assert_interrupted(proc, sig)
    assert_whole(store, clean)
    assert_resumes_to_clean(corpus, store, clean, clean_store)


@pytest.mark.parametrize(("point", "n"), [("commit", ARTICLES), ("finish", 1)])
def test_a_signal_once_everything_is_stored_is_a_success(corpus, clean, site, tmp_path, point, n):
    """Ctrl-C held during the last commit, or arriving after the loop: all was done, so exit 0 and the summary."""
    store = tmp_path / "s.gpkg"
    proc = run(ingest_args(corpus, store), site, f"{point}:{n}:SIGINT:self")
    assert committed(store) == ARTICLES
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f"ingested {ARTICLES} articles ({ARTICLES} new, 0 already stored)" in proc.stdout
    assert MESSAGE not in proc.stderr and "Traceback" not in proc.stderr
    assert snapshot(store) == clean


@pytest.mark.parametrize(("sig", "whom"), [(signal.SIGINT, "parent"), (signal.SIGTERM, "group")])
def test_a_signal_during_parallel_extraction(corpus, clean, clean_store, site, tmp_path, sig, whom):
    """Two workers; the first worker to reach its 3rd article signals the writer (or, like a terminal's
    Ctrl-C or ``kill -TERM -PGID``, every process of the group). The pool is shut down, never broken."""
    store = tmp_path / "s.gpkg"
    proc = run(ingest_args(corpus, store, jobs=2), site, f"extract:3:{sig.name}:{whom}", new_session=True)
    done = committed(store)
    assert done < ARTICLES
    assert_interrupted(proc, sig)
    assert "worker died" not in proc.stderr
    assert group_gone(proc.pid) == []  # no worker left behind
    assert_whole(store, clean)
    assert_resumes_to_clean(corpus, store, clean, clean_store)


def test_a_signal_mid_reprocess(corpus, clean, clean_store, site, tmp_path):
    store = tmp_path / "s.gpkg"
    store.write_bytes(clean_store.read_bytes())
    with open_store(store) as st:  # as if an older extractor had found nothing: reprocess puts them back
        st.conn.execute("DELETE FROM events")
        st.conn.execute("DELETE FROM movements")
    proc = run(["reprocess", "--store", str(store)], site, "replace:4:SIGTERM:self")
    arts, events = snapshot(store)
    assert arts == clean[0]  # articles are never touched
    assert sorted(events) == sorted(aid for aid in arts[:4] if clean[1].get(aid))  # 4 whole ones rebuilt
    for aid in events:
        assert events[aid] == clean[1][aid]
    assert_interrupted(proc, signal.SIGTERM)
    again = run(["reprocess", "--store", str(store)], site, "")
    assert again.returncode == 0, again.stderr
    assert snapshot(store) == clean


@pytest.mark.parametrize("suffix", [".geojson", ".parquet", ".csv"])
def test_a_signal_mid_export_leaves_the_previous_file(clean_store, site, tmp_path, suffix):
    out = tmp_path / f"events{suffix}"
    out.write_text("the previous export\n", encoding="utf-8")
    proc = run(["export", "-o", str(out), "--store", str(clean_store)], site, "export:1:SIGINT:self")
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    assert_interrupted(proc, signal.SIGINT)
    again = run(["export", "-o", str(out), "--store", str(clean_store)], site, "")
    assert again.returncode == 0, again.stderr
    if suffix == ".geojson":
        with open_store(clean_store) as st:
            assert len(json.loads(out.read_text(encoding="utf-8"))["features"]) == len(st.events())


@pytest.mark.parametrize(("sig", "whom"), [(signal.SIGINT, "self"), (signal.SIGTERM, "group")])
def test_a_signal_during_a_dask_ingest(corpus, clean, clean_store, site, tmp_path, sig, whom):
    """The Dask engine (a LocalCluster of two workers): the 3rd commit is signalled; the cluster is closed."""
    store = tmp_path / "s.gpkg"
    args = ["ingest", str(corpus), "--store", str(store), "--no-progress", "--engine", "dask", "--jobs", "2"]
    proc = run(args, site, f"commit:3:{sig.name}:{whom}", new_session=True)
    assert committed(store) == 3
    assert_interrupted(proc, sig)
    assert group_gone(proc.pid) == []
    assert_whole(store, clean)
    assert_resumes_to_clean(corpus, store, clean, clean_store)
