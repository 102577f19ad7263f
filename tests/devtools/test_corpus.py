"""The synthetic corpus: deterministic, its gold consistent with its text, and the extractor scores well on it."""

from __future__ import annotations

import json

from geo.devtools.corpus import Generator, gold_path, write_corpus
from geo.devtools.evaluate import evaluate_file


def test_same_seed_same_corpus_and_exact_quotes():
    a = list(Generator(seed=3).articles(20))
    b = list(Generator(seed=3).articles(20))
    assert [x.text for x in a] == [x.text for x in b]
    assert [x.text for x in a] != [x.text for x in Generator(seed=4).articles(20)]
    for art in a:
        assert art.gold, art.text
        for g in art.gold:
            assert art.text[g["start"] : g["end"]] == g["quote"]
            assert g["date_min"] <= g["date_max"] <= art.published.isoformat()


def test_extractor_on_generated_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    n_gold = write_corpus(corpus, 150, seed=11)
    assert sorted(p.suffix for p in corpus.iterdir()) == [".csv"] + [".txt"] * 150  # only articles inside
    movers = [json.loads(line) for line in gold_path(corpus).read_text(encoding="utf-8").splitlines()]
    assert n_gold == len(movers)
    # The generated corpus checks the mechanisms, so every candidate is scored: the reporting floor is chosen on
    # real text, where a country-level movement with a troop count was right 0 times in 4 (dev/, 2026-12-02), so
    # the floor drops some of the generator's "سحب 2440 جندي من العراق" (0.992 -> 0.943 recall at 0.3).
    every = evaluate_file(gold_path(corpus), seeds_dir=corpus, min_confidence=0)
    print(every.report().splitlines()[1])
    assert every.overall.recall >= 0.97, every.report()
    assert every.overall.precision >= 0.95, every.report()
    floored = evaluate_file(gold_path(corpus), seeds_dir=corpus)
    assert floored.overall.recall >= 0.9 and floored.overall.precision >= 0.95, floored.report()
    # movements toward Kuwait/Syria carry their destination
    with_dest = {g["id"] for g in movers if g.get("destination")}
    got = [e for g, e in every.matched if g["id"] in with_dest]
    assert got and all(e.destination is not None for e in got)
