"""The Dask engine (geo.engine): same stored result as the local engine; bad files never fail a partition."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import variants

from geo.ingest import ingest_paths
from geo.ingest.dask_engine import FileTask, partitions, process_partition
from geo.store import open_store

pytest.importorskip("distributed")


def stored(path: str) -> tuple[list, list, list]:
    with open_store(path) as st:
        arts = [(a["id"], Path(a["path"]).name, a["source"], a["published"], a["events"]) for a in st.articles()]
        raw = [(aid, e) for aid, e in st.raw_events()]
        return arts, raw, st.events()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, seeds_dir) -> Path:
    folder = tmp_path_factory.mktemp("dask") / "in"
    variants(folder, seeds_dir, 12)
    for f in seeds_dir.iterdir():  # the seeds themselves, with their index rows
        if f.suffix == ".txt":
            (folder / f.name).write_bytes(f.read_bytes())
    with open(seeds_dir / "index.csv", encoding="utf-8") as f:
        seed_rows = f.read().splitlines()[1:]
    with open(folder / "index.csv", "a", encoding="utf-8") as f:
        f.write("\n".join(seed_rows) + "\n")
    (folder / "zz_empty.txt").write_text("")
    (folder / "zz_binary.txt").write_bytes(bytes(range(256)) * 32)
    (folder / "zz_copy.txt").write_bytes(next(folder.glob("v000.txt")).read_bytes())  # a duplicate, no index row
    return folder


def test_dask_engine_stores_exactly_what_the_local_engine_stores(corpus, tmp_path):
    from distributed import LocalCluster

    local = str(tmp_path / "local.gpkg")
    r_local = ingest_paths([corpus], store=local, published=dt.date(2021, 5, 1))
    assert (r_local.new, r_local.duplicates) == (17, 1)
    assert sorted(Path(p).name for p, _ in r_local.skipped) == ["zz_binary.txt", "zz_empty.txt"]

    # A cluster of its own (2 workers), as `geo ingest --engine dask --jobs 2` makes.
    own = str(tmp_path / "dask.gpkg")
    r_dask = ingest_paths([corpus], store=own, published=dt.date(2021, 5, 1), engine="dask", jobs=2)
    # An existing cluster reached by its address, as `--scheduler tcp://host:8786` does.
    remote = str(tmp_path / "remote.gpkg")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        r_remote = ingest_paths([corpus], store=remote, published=dt.date(2021, 5, 1), engine="dask",
                                scheduler=cluster.scheduler_address)  # fmt: skip
        # Run again on the same store: nothing new, nothing extracted twice.
        again = ingest_paths([corpus], store=remote, published=dt.date(2021, 5, 1), engine="dask",
                             scheduler=cluster.scheduler_address)  # fmt: skip
    assert (again.new, again.duplicates, again.events_added) == (0, 18, 0)

    want = stored(local)
    assert len(want[0]) == 17 and len(want[1]) == r_local.events_added > 17
    for path, report in ((own, r_dask), (remote, r_remote)):
        assert stored(path) == want
        assert (report.read, report.new, report.duplicates, report.events_added, report.merged) == (
            r_local.read, r_local.new, r_local.duplicates, r_local.events_added, r_local.merged,
        )  # fmt: skip
        assert sorted(report.skipped) == sorted(r_local.skipped)


def test_a_bad_file_never_fails_its_partition(corpus, tmp_path):
    good = sorted(corpus.glob("v00*.txt"))[:2]
    tasks = [
        FileTask(str(good[0]), {"published": "2021-04-18"}),
        FileTask(str(tmp_path / "missing.txt"), {}),  # vanished before the worker got to it
        FileTask(str(corpus / "zz_binary.txt"), {}),
        FileTask(str(tmp_path), {}),  # a folder: reading it raises IsADirectoryError
        FileTask(str(good[1]), {"published": "2021-04-18"}),
    ]
    out = process_partition(tasks, None, None, "test", frozenset())
    assert [o.path for o in out] == [t.path for t in tasks]
    assert [len(o.results) for o in out] == [1, 0, 0, 0, 1]
    assert all(len(o.skipped) == 1 and o.skipped[0][1] for o in out[1:4])
    job, events = out[0].results[0]
    assert job.article.published == dt.date(2021, 4, 18) and isinstance(events, list) and events
    # Known articles are not extracted again: the worker says so with None.
    known = frozenset({job.article.id})
    again = process_partition(tasks[:1], None, None, "test", known)
    assert again[0].results == [(job, None)]


def test_partitions_cover_every_file_in_order():
    tasks = [FileTask(f"f{i}", {}) for i in range(203)]
    parts = partitions(tasks, 2)
    assert [t for p in parts for t in p] == tasks
    assert max(len(p) for p in parts) == 16 and len(parts) == 13
    assert partitions(tasks[:5], 2) == [[t] for t in tasks[:5]]
    assert partitions([], 4) == []
