"""Cross-article deduplication (geo.dedup.merge_events)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from gazetteer.models import Place
from geo.core.models import Event
from geo.events.merge import merge_events, place_km

D = dt.date
AIN = Place("ain_al_asad", "Ain al-Asad Air Base", 33.7856, 42.4412, "air_base", "site", province="Anbar")
AIN_NEAR = Place("ain_geonames", "Al Asad", 33.80, 42.45, "airport", "site", province="Anbar")  # ~1.8 km
BALAD = Place("balad_ab", "Balad Air Base", 33.9402, 44.3615, "air_base", "site", province="Salah al-Din")
ERBIL = Place("erbil", "Erbil", 36.19, 44.01, "city", "city", province="Erbil")


DAY = D(2021, 4, 18)


def ev(type_="attack", date=DAY, place=AIN, source="a", quote="q", published=None, **kw) -> Event:
    return Event(type_, date, quote, 0, len(quote), source, published or date, place=place, **kw)


def test_haversine_known_distance():
    # Ain al-Asad to Balad Air Base is about 180 km.
    assert 175 < place_km(AIN, BALAD) < 185
    assert place_km(AIN, AIN) == 0


def test_same_event_from_two_sources_merges_with_earliest_first():
    late = ev(source="b", quote="qb", published=D(2021, 4, 19), rockets=6)
    early = ev(source="a", quote="qa", published=D(2021, 4, 18))
    out = merge_events([late, early])
    assert len(out) == 1
    m = out[0]
    assert m.sources == ("a", "b")
    assert m.quotes == ("qa", "qb")
    assert m.source == "a" and m.quote == "qa"
    assert m.rockets == 6  # filled from the later report
    assert m.id == early.id


def test_nearby_places_merge_far_places_do_not():
    a, b = ev(source="a"), ev(source="b", place=AIN_NEAR)
    assert len(merge_events([a, b])) == 1
    assert len(merge_events([a, b], max_km=1.0)) == 2
    assert len(merge_events([a, ev(source="b", place=BALAD)])) == 2


def test_types_status_and_dates_must_agree():
    a = ev(source="a")
    assert len(merge_events([a, ev(source="b", type_="handover")])) == 2
    assert len(merge_events([a, ev(source="b", status="planned")])) == 2
    assert len(merge_events([a, ev(source="b", date=D(2021, 4, 19))])) == 2
    # Equivalent types (redeployment ~ withdrawal) merge.
    w = ev("withdrawal", source="a")
    assert len(merge_events([w, ev("redeployment", source="b")])) == 1


def test_overlapping_ranges_merge():
    month = ev(source="a", date=D(2021, 4, 1), end_date=D(2021, 4, 30), date_precision="month")
    day = ev(source="b", date=D(2021, 4, 18))
    out = merge_events([day, month])
    assert len(out) == 1 and set(out[0].sources) == {"a", "b"}
    assert len(merge_events([month, ev(source="b", date=D(2021, 5, 1))])) == 2


def test_destinations_must_agree_when_both_known():
    a = ev("withdrawal", place=BALAD, destination=AIN, source="a")
    assert len(merge_events([a, ev("withdrawal", place=BALAD, destination=ERBIL, source="b")])) == 2
    assert len(merge_events([a, ev("withdrawal", place=BALAD, destination=None, source="b")])) == 1
    # The merged event keeps the destination even when the earliest report lacks it.
    early = ev("withdrawal", place=BALAD, source="x", published=D(2021, 4, 1))
    (m,) = merge_events([a, early])
    assert m.source == "x" and m.destination == AIN and m.sources == ("x", "a")


def test_same_source_needs_identical_quote():
    a = ev(source="a", quote="one", published=D(2021, 4, 18))
    b = ev(source="a", quote="two", published=D(2021, 4, 18))
    assert len(merge_events([a, b])) == 2
    c = Event("attack", D(2021, 4, 18), "one", 50, 53, "a", D(2021, 4, 18), place=AIN)
    out = merge_events([a, c])
    assert len(out) == 1 and out[0].sources == ("a",)


def test_unlocated_events_merge_only_on_same_day_and_type():
    a = ev(place=None, source="a")
    assert len(merge_events([a, ev(place=None, source="b")])) == 1
    assert len(merge_events([a, ev(place=None, source="b", date=D(2021, 4, 19))])) == 2
    assert len(merge_events([a, ev(source="b")])) == 2  # one located, one not


def test_deterministic_whatever_the_input_order():
    rng = random.Random(5)
    events = [
        ev(source=s, quote=f"q{s}{i}", published=D(2021, 4, 18 + i), place=p, date=D(2021, 4, 10 + i % 3))
        for i in range(12)
        for s, p in (("a", AIN), ("b", AIN_NEAR), ("c", BALAD))
    ]
    first = merge_events(events)
    for _ in range(5):
        shuffled = events[:]
        rng.shuffle(shuffled)
        again = merge_events(shuffled)
        assert [(e.id, e.sources, e.quotes) for e in again] == [(e.id, e.sources, e.quotes) for e in first]
    assert [e.date for e in first] == sorted(e.date for e in first)
    assert sum(len(e.sources) for e in first) == len(events)


def test_single_events_get_their_own_source_and_quote():
    out = merge_events([ev(source="a", quote="qa")])
    assert out[0].sources == ("a",) and out[0].quotes == ("qa",)


def test_many_events_merge_fast():
    import time

    places = [Place(f"p{i}", f"P{i}", 30 + i * 0.05, 40 + i * 0.05, "town", "city") for i in range(100)]
    events = [
        ev(
            source=f"s{j}",
            quote=f"q{i}-{j}",
            place=places[i % 100],
            date=D(2021, 1, 1) + dt.timedelta(days=i % 365),
        )
        for i in range(5000)
        for j in range(2)
    ]
    t0 = time.perf_counter()
    out = merge_events(events)
    assert time.perf_counter() - t0 < 5
    assert len(out) == 5000  # each pair (two sources, same day and place) merged


def test_a_vague_report_does_not_absorb_a_dated_one():
    import datetime as _dt

    from gazetteer import get_place
    from geo.core.models import Event
    from geo.events.merge import merge_events

    iraq = get_place("country:IQ")
    dated = Event(type="withdrawal", date=_dt.date(2021, 11, 4), quote="a", start=0, end=1, source="s1",
                  published=_dt.date(2021, 11, 4), place=iraq)
    vague = Event(type="withdrawal", date=_dt.date(2021, 1, 1), end_date=_dt.date(2021, 12, 9),
                  date_precision="range", quote="b", start=0, end=1, source="s2",
                  published=_dt.date(2021, 12, 9), place=iraq)
    same_day = Event(type="withdrawal", date=_dt.date(2021, 11, 4), quote="c", start=0, end=1, source="s3",
                     published=_dt.date(2021, 11, 5), place=iraq)
    merged = merge_events([dated, vague, same_day])
    assert len(merged) == 2
    (one,) = [e for e in merged if e.date_precision == "day"]
    assert set(one.sources) == {"s1", "s3"}


def test_merge_order_is_the_sort_key_order_with_ids_only_for_ties():
    import dataclasses
    import random

    from geo.devtools.sample import synthetic_events
    from geo.events.merge import _in_merge_order, _sort_key

    events = synthetic_events(600, seed=2)
    # ties of (published, source, date, start): other quotes (ids differ) and exact copies (ids equal)
    events += [dataclasses.replace(e, quote=e.quote + " x") for e in events[:150]] + events[:50]
    random.Random(1).shuffle(events)
    assert _in_merge_order(events) == sorted(range(len(events)), key=lambda i: _sort_key(events[i]))


def _reference_groups(events, max_km):
    """The merge's rule without its indexes: each report, in merge order, joins the first cluster (in the
    order they formed) that accepts it, every cluster tried."""
    from geo.events.merge import _Cluster, _sort_key

    clusters, members = [], []
    for i in sorted(range(len(events)), key=lambda i: _sort_key(events[i])):
        target = next((c for c in clusters if c.accepts(events[i], max_km)), None)
        if target is None:
            clusters.append(_Cluster(events[i], len(clusters)))
            members.append([i])
        else:
            target.add(events[i])
            members[target.order].append(i)
    return [(c.event(), members[c.order]) for c in clusters]


@pytest.mark.parametrize("max_km", [5.0, 60.0, 3000.0])
def test_merge_groups_equal_the_rule_tried_against_every_cluster(max_km):
    """Clusters looked up by kind, day and nearby place give the merge of trying every cluster: places a
    few km apart, one id at two positions, unlocated reports, the antimeridian, the pole, long spans."""
    import dataclasses
    import random

    from gazetteer.models import Place
    from geo.devtools.sample import synthetic_events
    from geo.events import merge_groups

    rng = random.Random(3)
    # around a corner of the 1-degree grid the lookup uses, so near places lie in different cells
    spots = [Place(f"p{i}", f"P{i}", 33.0 + rng.uniform(-0.06, 0.06), 44.0 + rng.uniform(-0.06, 0.06), "city", "city")
             for i in range(30)]
    spots += [Place("p0", "P0 moved", 33.9, 44.9, "city", "city"),  # the same id elsewhere
              Place("east", "E", 10.0, 179.99, "city", "city"), Place("west", "W", 10.0, -179.99, "city", "city"),
              Place("pole", "N", 89.5, 10.0, "city", "city"), Place("pole2", "N2", 89.5, 170.0, "city", "city")]
    events = []
    for k, e in enumerate(synthetic_events(700, seed=4, days=60)):
        place = rng.choice([*spots, None]) if k % 5 else rng.choice(spots[-4:])
        end = e.date + dt.timedelta(days=rng.choice([0, 0, 0, 3, 30, 420])) if rng.random() < 0.3 else None
        events.append(dataclasses.replace(e, place=place, destination=None, end_date=end,
                                          source=rng.choice(["A", "B", "C", "D"]), quote=f"q{k % 9}"))
    got = merge_groups(events, max_km)
    want = _reference_groups(events, max_km)
    assert [idx for _, idx in got] == [idx for _, idx in want]
    assert [(m, m.sources, m.quotes) for m, _ in got] == [(m, m.sources, m.quotes) for m, _ in want]
    assert len(got) < len(events) - 50  # the corpus does merge
