"""The seed gold: every core event found, F1 at least 0.85, and the scorer itself."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from gazetteer.models import Place
from geo.core.models import Event
from geo.devtools.evaluate import evaluate_file, matches, score

DATA = Path(__file__).parents[1] / "data"


def test_seed_gold_core_recall_and_f1():
    ev = evaluate_file(DATA / "seed_events.jsonl", seeds_dir=DATA / "seeds")
    print(ev.report())
    assert ev.core_recall == 1.0, ev.report()
    assert ev.overall.f1 >= 0.85, ev.report()


def _event(etype: str, day: dt.date, lat: float | None = None, lon: float | None = None) -> Event:
    place = Place("p", "P", lat, lon, "city", "city") if lat is not None and lon is not None else None
    return Event(type=etype, date=day, quote="q", start=0, end=1, source="s", published=day, place=place)


def test_scorer_rules():
    g = {"id": "g", "seed": "a", "type": "withdrawal", "date_min": "2021-01-01", "date_max": "2021-01-31",
         "lat": 33.0, "lon": 44.0, "max_km": 10, "core": True}
    assert matches(_event("redeployment", dt.date(2021, 1, 5), 33.0, 44.05), g) is not None
    assert matches(_event("withdrawal", dt.date(2021, 2, 1), 33.0, 44.0), g) is None  # outside the window
    assert matches(_event("withdrawal", dt.date(2021, 1, 5), 33.5, 44.0), g) is None  # 55 km away
    assert matches(_event("attack", dt.date(2021, 1, 5), 33.0, 44.0), g) is None
    ev = score([g], {"a": [_event("withdrawal", dt.date(2021, 1, 5), 33.0, 44.0)] * 2})
    assert (ev.overall.tp, ev.overall.fp, ev.overall.fn) == (1, 1, 0)  # one-to-one
    assert abs(ev.overall.f1 - 2 / 3) < 1e-9


def test_heldout_articles_written_without_seeing_the_rules():
    """12 realistic articles (tests/data/heldout/README.md): a guard against rules that only fit the seeds."""
    ev = evaluate_file(DATA / "heldout" / "gold.jsonl", seeds_dir=DATA / "heldout")
    print(ev.report())
    # 0.752 -> 0.747 when the reporting floor came in (it gains 0.03-0.04 F1 on both real halves); 0.727 with
    # the weights refitted on the 335-article dev/ at a floor of 0.25 (test/ 0.622 -> 0.643 the same day); 0.719
    # refitted on the 364-article dev/ (test/ 0.634 -> 0.640, its >= 0.8 bin 0.85 -> 0.87: real text decides)
    assert ev.overall.f1 >= 0.71, ev.report()
    assert ev.core_recall >= 0.8, ev.report()


def test_second_heldout_set_by_another_annotator():
    """10 more articles (tests/data/heldout2/README.md), annotated with a wider idea of 'presence'."""
    ev = evaluate_file(DATA / "heldout2" / "gold.jsonl", seeds_dir=DATA / "heldout2")
    assert ev.overall.f1 >= 0.65, ev.report()
    assert ev.core_recall >= 0.8, ev.report()


def test_matching_is_a_maximum_assignment_not_greedy():
    wide = {"id": "a", "seed": "s", "type": "attack", "date_min": "2021-01-01", "date_max": "2021-01-31",
            "lat": None, "lon": None, "max_km": None, "core": True}
    narrow = {**wide, "id": "b", "date_min": "2021-01-05", "date_max": "2021-01-05"}
    preds = [_event("attack", dt.date(2021, 1, 5)), _event("attack", dt.date(2021, 1, 20))]
    ev = score([wide, narrow], {"s": preds})
    assert (ev.overall.tp, ev.overall.fp, ev.overall.fn) == (2, 0, 0)


def test_third_heldout_set_in_the_seed_analysts_style():
    """10 more articles annotated to the seed gold's conventions (tests/data/heldout3/README.md)."""
    ev = evaluate_file(DATA / "heldout3" / "gold.jsonl", seeds_dir=DATA / "heldout3")
    assert ev.overall.f1 >= 0.65, ev.report()
    assert ev.core_recall >= 0.9, ev.report()


def _located(etype: str, day: dt.date, lat: float, lon: float) -> Event:

    place = Place("p", "P", lat, lon, "air_base", "site")
    return Event(etype, day, "q", 0, 1, "s", day, place=place)


def test_errors_are_sorted_into_kinds_and_negatives_count():
    from geo.devtools.evaluate import score

    day = dt.date(2021, 4, 18)
    gold = [
        {"id": "a", "seed": "x", "type": "attack", "date_min": "2021-04-18", "date_max": "2021-04-18",
         "lat": 33.0, "lon": 44.0, "max_km": 10, "quote": "q"},
        {"id": "b", "seed": "x", "type": "handover", "date_min": "2021-04-10", "date_max": "2021-04-10",
         "lat": 35.0, "lon": 44.0, "max_km": 10, "quote": "q"},
        {"id": "c", "seed": "x", "type": "withdrawal", "date_min": "2021-04-01", "date_max": "2021-04-30",
         "lat": 30.0, "lon": 47.0, "max_km": 10, "quote": "q"},
    ]
    predicted = {
        "x": [_located("attack", day, 33.5, 44.0),  # 55 km off: wrong place
              _located("handover", day, 35.0, 44.0)],  # 8 days late: wrong date
        "neg": [_located("attack", day, 33.0, 44.0)],  # an article with no gold: a negative
        "clean": [],
    }
    ev = score(gold, predicted, {"x": "ar", "neg": "en", "clean": "en"})
    kinds = {k: len(v) for k, v in ev.errors.items()}
    assert kinds == {"missed": 1, "spurious": 0, "wrong type": 0, "wrong date": 1, "wrong place": 1,
                     "event on a negative": 1}
    assert (ev.articles, ev.negatives, ev.negatives_clean) == (3, 2, 1)
    assert (ev.overall.tp, ev.overall.fp, ev.overall.fn) == (0, 3, 3)
    assert ev.by_language["en"].fp == 1 and ev.by_language["ar"].fn == 3


def test_real_sets_are_well_formed():
    import importlib.util

    spec = importlib.util.spec_from_file_location("check_gold", DATA / "real" / "check_gold.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for half, articles in (("dev", 364), ("test", 317)):
        assert module.check(DATA / "real" / half) == []
        names = [p.name for p in (DATA / "real" / half).glob("*.txt") if p.name != "negatives.txt"]
        assert len(names) == articles
