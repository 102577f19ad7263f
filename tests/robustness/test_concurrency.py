"""Two ingests and a reader at once, on one GeoPackage and on one PostGIS database: both ingests exit 0 (no
"database is locked" escapes), the reader (the dashboard's own query, then the raw rows) never fails and
never sees half an article, and the store ends with the union, equal to a clean ingest row for row.

The two ingests share a third of their articles, so they race on the same ids too. The reader runs until
both have exited (polling their state, not sleeping for a fixed time). So that it surely reads the store
part way through, a hook holds the first ingest after its 10th commit until the reader has read once.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

import geo
from dashboard import data
from geo.devtools.corpus import write_corpus
from geo.ingest import ingest_paths
from geo.store import open_store

ROOT = Path(geo.__file__).parent.parent
ARTICLES = 60
# GEO_TEST_HOLD="n:path": after the n-th stored article, wait until the file ``path`` exists.
SITECUSTOMIZE = """\
import os
if os.environ.get("GEO_TEST_HOLD"):
    import time
    from geo.store.geopackage import Store
    from geo.store.postgis import PostgisStore
    _n, _path = os.environ["GEO_TEST_HOLD"].split(":", 1)
    _calls = [0]
    for _cls in (Store, PostgisStore):
        def _wrap(real):
            def hooked(self, *a, **k):
                out = real(self, *a, **k)
                _calls[0] += 1
                while _calls[0] == int(_n) and not os.path.exists(_path):
                    time.sleep(0.01)  # waiting on the test's event, not a guess at timing
                return out
            return hooked
        _cls.add_article = _wrap(_cls.add_article)
"""

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def halves(tmp_path_factory) -> tuple[Path, Path, Path]:
    """All articles, and two overlapping folders (0-39 and 20-59) with their index.csv rows."""
    root = tmp_path_factory.mktemp("concurrency")
    every = root / "all"
    write_corpus(every, ARTICLES, seed=17)
    with open(every / "index.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    names = sorted(r["file"] for r in rows)
    out = []
    for label, chosen in (("a", names[:40]), ("b", names[20:])):
        folder = root / label
        folder.mkdir()
        for n in chosen:
            shutil.copyfile(every / n, folder / n)
        with open(folder / "index.csv", "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(r for r in rows if r["file"] in chosen)
        out.append(folder)
    return every, out[0], out[1]


def per_article(store: str | Path) -> dict[str, list]:
    with open_store(store) as st:
        by: dict[str, list] = defaultdict(list)
        for aid, e in st.raw_events():
            by[aid].append(e)
    return {a: sorted(v, key=lambda e: e.id) for a, v in by.items()}


def articles(store: str | Path) -> set[tuple]:
    with open_store(store) as st:
        return {(a["id"], a["source"], a["published"], st.article_text(a["id"])) for a in st.articles()}


def run_together(store: str, a: Path, b: Path, clean_events: dict[str, list], tmp: Path) -> tuple[int, int]:
    (tmp / "site").mkdir()
    (tmp / "site" / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    go = tmp / "go"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp / "site"), str(ROOT)]), "GEO_LOG_LEVEL": "WARNING"}
    procs = [subprocess.Popen([sys.executable, "-m", "geo.cli", "ingest", str(f), "--store", store,
                               "--no-progress"], cwd=ROOT, env={**env, "GEO_TEST_HOLD": f"10:{go}"} if i == 0 else env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i, f in enumerate((a, b))]
    reads = partial = 0
    try:
        while any(p.poll() is None for p in procs) or reads == 0:
            seen = per_article(store) if Path(store).exists() or "://" in store else {}
            for aid, evs in seen.items():  # whole articles only
                assert evs == clean_events.get(aid, []), aid
            data.load_events(store)  # the dashboard's query: it must not fail (no "database is locked")
            reads += 1
            if 0 < len(seen) < len(clean_events):
                partial += 1
                go.touch()  # the held ingest may go on once a read has seen the store part way
    finally:
        go.touch()
        outs = [p.communicate(timeout=300) for p in procs]
    for p, (_, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err[-2000:]
        assert "locked" not in err and "Traceback" not in err, err[-2000:]
    assert partial > 0
    return reads, partial


def check_union(store: str | Path, clean_store: str | Path) -> None:
    assert articles(store) == articles(clean_store)
    assert per_article(store) == per_article(clean_store)
    with open_store(store) as st, open_store(clean_store) as cl:
        assert sorted((e.id, e.sources) for e in st.events()) == sorted((e.id, e.sources) for e in cl.events())


def test_two_ingests_and_a_reader_on_a_geopackage(halves, tmp_path):
    every, a, b = halves
    clean_store = tmp_path / "clean.gpkg"
    assert ingest_paths([every], store=clean_store).new == ARTICLES
    clean_events = per_article(clean_store)
    store = tmp_path / "shared.gpkg"
    reads, partial = run_together(str(store), a, b, clean_events, tmp_path)
    assert reads > 0
    check_union(store, clean_store)
    print(f"geopackage: {reads} reads, {partial} of them part way")


def test_two_ingests_and_a_reader_on_postgis(halves, postgis_url, postgres_server, tmp_path):
    every, a, b = halves
    clean_url = postgres_server.database()
    assert ingest_paths([every], store=clean_url).new == ARTICLES
    clean_events = per_article(clean_url)
    reads, partial = run_together(postgis_url, a, b, clean_events, tmp_path)
    assert reads > 0
    check_union(postgis_url, clean_url)
    print(f"postgis: {reads} reads, {partial} of them part way")
