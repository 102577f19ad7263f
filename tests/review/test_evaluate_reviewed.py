"""``geo evaluate --store``: the value of review as a number."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from gazetteer import resolve
from geo.cli import main
from geo.devtools.evaluate import evaluate_store
from geo.ingest import ingest_paths
from geo.review import add, decide
from geo.store import open_store

GOLD = "tests/data/seed_events.jsonl"


def _decide(store, ident, status, changes=None, at="2026-01-01T00:00:00.000Z"):
    with open_store(store) as st:
        view = st.reviewed()
        i = view.index_of(ident)
        assert i is not None
        st.add_reviews([decide(view, i, status, "alice", changes=changes, at=at)])


def test_evaluate_scores_the_store_as_extracted_and_as_reviewed(tmp_path, seeds_dir, capsys):
    store = tmp_path / "s.gpkg"
    ingest_paths([seeds_dir], store=store)
    before = evaluate_store(GOLD, store, seeds_dir)
    # an unreviewed store scores as the extractor does (every gold event found; ``fp`` false alarms, the
    # extractor's own, which no decision below touches)
    fp = before.extracted.overall.fp
    assert dataclasses.astuple(before.extracted.overall) == dataclasses.astuple(before.reviewed.overall) == (20, fp, 0)
    assert fp <= 1
    assert before.articles == 5 and before.decisions == 0
    april = next(e for g, e in before.extracted.matched if g["quote"].startswith("وفي أبريل الماضي"))

    # Rejecting a true event (the April 2021 agreement) takes it off the reviewed store: recall falls...
    _decide(store, april.id, "rejected")
    after = evaluate_store(GOLD, store, seeds_dir)
    assert dataclasses.astuple(after.extracted.overall) == (20, fp, 0)
    assert dataclasses.astuple(after.reviewed.overall) == (19, fp, 1)
    (lost,) = after.reviewed.misses
    assert lost["quote"].startswith("وفي أبريل الماضي")
    # ... until the analyst adds the true one back by hand, with its article and quote
    with open_store(store) as st:
        article = next(a for a in st.articles() if a["path"].endswith(lost["seed"]))
        text = st.article_text(article["id"])
        quote = text[text.index("وفي أبريل الماضي"):][:60]
        st.add_reviews([add({"type": "agreement", "date": dt.date(2021, 4, 1), "date_precision": "month",
                             "place": resolve("بغداد"), "quote": quote}, "alice", at="2026-01-01T01:00:00.000Z",
                            article={"id": article["id"], "text": text, "source": article["source"],
                                     "published": dt.date.fromisoformat(article["published"])})])
    after = evaluate_store(GOLD, store, seeds_dir)
    assert dataclasses.astuple(after.reviewed.overall) == (20, fp, 0)
    assert after.reviewed.overall.f1 == before.extracted.overall.f1

    # a wrong correction shows too: a matched event moved 400 km away is a miss and a false alarm
    gold_event, matched = next((g, e) for g, e in after.reviewed.matched if g.get("max_km") and e.type == "attack")
    _decide(store, matched.id, "corrected", {"place": resolve("البصرة")}, at="2026-01-02T00:00:00.000Z")
    worse = evaluate_store(GOLD, store, seeds_dir)
    assert dataclasses.astuple(worse.reviewed.overall) == (19, fp + 1, 1)
    assert gold_event in worse.reviewed.misses

    assert main(["evaluate", GOLD, "--seeds", str(seeds_dir), "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert f"as extracted: gold 20, predicted {20 + fp}, matched 20; precision {20 / (20 + fp):.3f}" in out
    assert f"as reviewed : gold 20, predicted {20 + fp}, matched 19; precision {19 / (20 + fp):.3f}  recall 0.950" in out
    assert "3 reviewed reports and added events scored" in out  # one rejected, one added, one moved


def test_evaluate_store_leaves_out_articles_the_store_lacks(tmp_path, seeds_dir, capsys):
    store = tmp_path / "s.gpkg"
    ingest_paths([seeds_dir / "004_a322a2262cb437ac.txt"], store=store, published=None)
    ev = evaluate_store(GOLD, store, seeds_dir)
    assert ev.articles == 1 and len(ev.absent) == 4
    lines = Path(GOLD).read_text(encoding="utf-8").splitlines()
    assert ev.extracted.overall.tp + ev.extracted.overall.fn == sum('"004_a322a2262cb437ac.txt"' in x for x in lines)
    assert main(["evaluate", GOLD, "--seeds", str(seeds_dir), "--store", str(tmp_path / "none.gpkg")]) == 2
    assert "no store at" in capsys.readouterr().err
