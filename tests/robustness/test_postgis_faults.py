"""PostGIS faults: the server stopped (as a crash would) in the middle of an ingest, on the 5th article's write.

Driven by hooks, not by timing: the server is stopped from inside the 5th ``add_article`` call, and (in the
recovery test) started again from the store's first retry. With the server back in time the ingest
finishes and equals a clean ingest, row for row; with it gone for longer than the bounded wait, the
ingest stops with one line, keeps the 4 articles it committed, and a rerun once the server is back
gives exactly the clean result.
"""

from __future__ import annotations

import logging

import pytest

from geo.cli import main as geo_main
from geo.devtools.corpus import write_corpus
from geo.ingest import ingest_paths, local
from geo.store import open_store, resilient
from geo.store.postgis import PostgisStore

ARTICLES = 16

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server():
    """A server of this module's own: these tests stop it."""
    from geo.devtools.pgserver import TempPostgres, postgres_bindir

    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip("no PostgreSQL server binaries with PostGIS (make postgres)")
    srv = TempPostgres(bindir, durable=True)  # a crash must not lose committed transactions
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pgfaults") / "in"
    write_corpus(folder, ARTICLES, seed=21)
    return folder


def table(url: str) -> tuple[list, list]:
    """Articles in order (id, path, source, published, text) and every (article, event) as stored."""
    with open_store(url) as st:
        arts = [(a["id"], a["path"], a["source"], a["published"]) for a in st.articles()]
        texts = [st.article_text(a[0]) for a in arts]
        events = sorted(((aid, e) for aid, e in st.raw_events()), key=lambda x: (x[0], x[1].id))
    return [(*a, t) for a, t in zip(arts, texts, strict=True)], events


@pytest.fixture(scope="module")
def clean(server, corpus):
    url = server.database()
    assert ingest_paths([corpus], store=url).new == ARTICLES
    return table(url)


@pytest.fixture
def stop_at_fifth_write(server, monkeypatch):
    """Stop the server as the 5th article is about to be written (once)."""
    calls = {"n": 0}
    real = PostgisStore.add_article

    def hooked(self, *a, **k):
        calls["n"] += 1
        if calls["n"] == 5:
            server.pause()
        return real(self, *a, **k)

    monkeypatch.setattr(PostgisStore, "add_article", hooked)
    monkeypatch.setattr(local, "WRITE_BATCH", 1)  # one article per transaction: "the 5th write" is the 5th article
    return calls


def test_a_restart_mid_ingest_is_retried_and_the_result_is_clean(server, corpus, clean, stop_at_fifth_write,
                                                                 monkeypatch):
    url = server.database()
    retries: list[int] = []

    def back_on_first_retry(attempt, exc):
        retries.append(attempt)
        if attempt == 1:
            server.resume()

    monkeypatch.setattr(resilient, "ON_RETRY", [back_on_first_retry])
    report = ingest_paths([corpus], store=url)
    assert retries and retries[0] == 1
    assert (report.new, report.duplicates, report.skipped) == (ARTICLES, 0, [])
    got = table(url)
    assert got[0] == clean[0]
    for a, b in zip(got[1], clean[1], strict=True):
        assert a == b, (a, b)


def test_a_server_gone_too_long_stops_with_one_line_and_a_rerun_is_clean(server, corpus, clean,
                                                                         stop_at_fifth_write, monkeypatch, capsys):
    url = server.database()
    monkeypatch.setenv("GEO_PG_RETRY_SECONDS", "1.5")
    # the retry warnings go to a handler an earlier test may have bound to its own (closed) stderr
    monkeypatch.setattr(logging.getLogger("geo.store"), "disabled", True)
    rc = geo_main(["ingest", str(corpus), "--store", url, "--no-progress"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2
    last = err[-1]  # (the warnings of each retry would come before it)
    assert last.startswith("geo ingest: lost the connection to ") and "could not get it back within 2 s" in last
    assert "the store keeps every article committed so far" in last and "Traceback" not in "\n".join(err)
    server.resume()
    arts, events = table(url)
    assert len(arts) == 4 and arts == clean[0][:4]  # the four committed before the stop, whole
    assert events == [x for x in clean[1] if x[0] in {a[0] for a in arts}]
    monkeypatch.setattr(PostgisStore, "add_article", PostgisStore.add_article)
    again = ingest_paths([corpus], store=url)
    assert (again.new, again.duplicates) == (ARTICLES - 4, 4)
    assert table(url) == clean
