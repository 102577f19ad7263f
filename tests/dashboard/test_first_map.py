"""The first map's fast paths (issue 13, time to first map at 100,000 events) give what the slow ones gave."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from dashboard import charts, filters, review, review_ui
from geo.devtools.sample import synthetic_events
from geo.review import needs_review


@pytest.fixture(scope="module")
def many():
    return synthetic_events(3000, days=900)


def _timeline_by_loc(events) -> pd.DataFrame:
    """The week-by-type table as it was first written (one ``.loc`` write per week and type)."""
    from geo.core.taxonomy import EVENT_TYPES

    types = [t for t in EVENT_TYPES if any(e.type == t for e in events)]
    counts: dict = {}
    for e in events:
        key = (charts.week_start(e.date), e.type)
        counts[key] = counts.get(key, 0) + 1
    first, last = min(k[0] for k in counts), max(k[0] for k in counts)
    weeks = pd.date_range(pd.Timestamp(first), pd.Timestamp(last), freq="7D", name="week")
    frame = pd.DataFrame(0, index=weeks, columns=types, dtype="int64")
    for (week, t), n in counts.items():
        frame.loc[pd.Timestamp(week), t] = n
    return frame


def test_timeline_frame_is_the_loc_built_table(many):
    fast = charts.timeline_frame(many)
    pd.testing.assert_frame_equal(fast, _timeline_by_loc(many))
    assert int(fast.to_numpy().sum()) == len(many)
    one = charts.timeline_frame(many[:1])
    assert len(one) == 1 and one.index[0].weekday() == 0 and int(one.to_numpy().sum()) == 1


def test_table_frame_newest_first_limit_is_the_full_sort_cut(many):
    full = filters.table_frame(many)
    top = filters.table_frame(many, limit=500)
    assert len(top) == 500
    pd.testing.assert_frame_equal(top, full.head(500))
    assert list(top["date"]) == sorted(top["date"], reverse=True)


def test_the_queue_head_is_the_sorted_queue_cut(many):
    assert [e.id for e in needs_review(many, 200)] == [e.id for e in needs_review(many)[:200]]
    q = review.queue_frame(many, limit=50)
    assert list(q["id"]) == [e.id for e in needs_review(many)[:50]]


def test_the_review_picker_lists_every_event_of_a_small_store_and_the_queue_of_a_large_one():
    ids = [f"e{i}" for i in range(10)]
    assert review_ui.pick_options(ids, ["e3"], None) == ids  # small: unchanged, every event
    big = [f"e{i}" for i in range(review_ui.PICK_MAX + 1)]
    assert review_ui.pick_options(big, ["e5", "e2"], None) == ["e5", "e2"]
    assert review_ui.pick_options(big, ["e5", "e2"], "e9") == ["e9", "e5", "e2"]  # the picked one stays
    assert review_ui.pick_options(big, ["e5"], "gone") == ["e5"]  # an id no longer stored is dropped


def test_week_rows_start_on_mondays(many):
    f = charts.timeline_frame(many)
    assert all(d.weekday() == 0 for d in f.index)
    assert f.index[0].date() == charts.week_start(min(e.date for e in many))
    assert f.index[-1].date() == charts.week_start(max(e.date for e in many))
    assert isinstance(f.index[0].date(), dt.date)


def _small_store(path):
    from geo.devtools.sample import small_events
    from geo.store import Article, Store

    s = Store(path)
    s.add_article(Article(id="a" * 64, text="t", published=dt.date(2024, 1, 1), source="x"), small_events())
    s.close()
    return path


def test_the_launcher_runs_streamlit_after_the_imports_and_the_store(monkeypatch, tmp_path):
    import gc
    import sys

    from streamlit.web import cli

    from dashboard import cached, data, serve, views

    store = _small_store(tmp_path / "s.gpkg")
    monkeypatch.setenv("GEO_STORE", str(store))
    froze, ran, warmed = [], [], []
    real_warm = cached.warm
    monkeypatch.setattr(gc, "freeze", lambda: froze.append(True))
    monkeypatch.setattr(cached, "warm", lambda path: warmed.append(path) or real_warm(path))
    # Streamlit starts only once the store is read: the warm cache is there when cli.main runs.
    monkeypatch.setattr(cli, "main", lambda: ran.append((list(sys.argv), len(warmed))) or 0)
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    assert serve.main(["run", "app.py", "--server.port", "1"]) == 0
    assert ran == [(["streamlit", "run", "app.py", "--server.port", "1"], 1)] and warmed == [str(store)]
    assert froze and views.labels.cache_info().currsize == 1  # the town labels are built before serving
    assert {"folium", "altair", "pandas", "dashboard.review_ui", "streamlit.emojis"} <= set(sys.modules)
    assert len(cached.load(str(store), data.store_stamp(str(store)))) == len(data.load_events(store)) > 0


def test_the_first_page_finds_the_launchers_warm_cache_and_a_changed_store_is_read_again(monkeypatch, tmp_path):
    """``cached.warm`` fills exactly what the first run of app.py asks for: that run reads no event and
    builds no map; after a write to the store (a new stamp) the next page reads and builds again."""
    from streamlit.testing.v1 import AppTest

    from dashboard import cached, data, views
    from geo.store import Article, Store

    app = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
    store = _small_store(tmp_path / "s.gpkg")
    monkeypatch.setenv("GEO_STORE", str(store))
    cached.warm(str(store))
    loads, maps = [], []
    real_load, real_map = data.load_events, views.map_parts
    monkeypatch.setattr(data, "load_events", lambda *a, **k: loads.append(a) or real_load(*a, **k))
    monkeypatch.setattr(views, "map_parts", lambda *a, **k: maps.append(a) or real_map(*a, **k))

    at = AppTest.from_file(app, default_timeout=60).run()
    assert not at.exception
    assert loads == [] and maps == []  # all from the launcher's run
    n = int(next(m for m in at.metric if m.label == "Visible events").value)
    assert n == len(real_load(store)) > 0

    s = Store(store)
    s.add_article(Article(id="b" * 64, text="t", published=dt.date(2024, 2, 1), source="y"),
                  synthetic_events(5, days=10))
    s.close()
    at = AppTest.from_file(app, default_timeout=60).run()
    assert not at.exception
    assert len(loads) == 1 and len(maps) == 1
    assert int(next(m for m in at.metric if m.label == "Visible events").value) == len(real_load(store)) > n


def test_a_store_the_launcher_cannot_read_is_one_line_and_the_server_still_starts(monkeypatch, tmp_path, capsys):
    import sys

    from streamlit.web import cli

    from dashboard import serve

    bad = tmp_path / "broken.gpkg"
    bad.write_text("not a database")
    monkeypatch.setenv("GEO_STORE", str(bad))
    monkeypatch.setattr(cli, "main", lambda: 0)
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    assert serve.main(["run", "app.py"]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("geo dashboard: the store is read on the first page instead")


def test_geo_dashboard_execs_the_launcher(monkeypatch, tmp_path):
    import os

    from geo.cli import main as geo_main

    got = {}

    class Exec(Exception):
        pass

    def fake_execve(path, cmd, env):
        got["cmd"] = cmd
        raise Exec

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(os, "execve", fake_execve)
    with pytest.raises(Exec):
        geo_main(["dashboard", "--headless"])
    cmd = got["cmd"]
    assert cmd[1:4] == ["-m", "dashboard.serve", "run"] and cmd[4].endswith("dashboard/app.py")


def test_loading_the_events_pauses_the_collector_and_freezes_them(monkeypatch, tmp_path):
    import gc

    from dashboard import data
    from geo.devtools.sample import small_events
    from geo.store import Article, Store

    store = tmp_path / "s.gpkg"
    s = Store(store)
    s.add_article(Article(id="a" * 64, text="t", published=dt.date(2024, 1, 1), source="x"), small_events())
    s.close()
    seen = []
    real = data.open_seeded_store

    def spy(path):
        seen.append(gc.isenabled())
        return real(path)

    froze = []
    monkeypatch.setattr(data, "open_seeded_store", spy)
    monkeypatch.setattr(gc, "freeze", lambda: froze.append(True))
    assert gc.isenabled()
    events = data.load_events(store)
    assert len(events) == len({e.id for e in events}) > 0
    assert seen == [False] and froze == [True] and gc.isenabled()


def test_payload_order_is_the_sorted_order_whatever_the_input_order(many):
    from dashboard.map.payload import keyed_by_date, ordered_ids

    want = [e.id for e in sorted(many, key=lambda e: (e.date, e.id))]
    assert ordered_ids(many) == want  # generated events come unsorted
    assert ordered_ids(sorted(many, key=lambda e: (e.date, e.id))) == want  # a store's answer: no sort needed
    twice = [many[0], many[0]]  # equal keys keep their order, as sorted() does
    assert [t[2] for t in keyed_by_date(twice)] == twice


def test_the_readme_map_table_shows_before_and_after():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[2] / "scripts" / "bench_table.py"
    spec = importlib.util.spec_from_file_location("bench_table", path)
    bt = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bt)
    r = {"payload_mb": 2.34, "build_s": 2.1, "first_map_cold_s": 6.1, "first_map_warm_s": 1.9,
         "first_map_nocache_s": 3.2, "server_cpu_cold_s": 3.7, "server_cpu_warm_s": 0.7, "server_cpu_nocache_s": 1.1,
         "in_page_warm_ms": 101, "step_ms": 7.1, "slider_rerun_s": 0.98, "heap_mb": 46, "load_avg": 2.0}
    old = {**r, "first_map_warm_s": 9.0, "server_cpu_warm_s": 3.1}
    rows = bt._map_rows({"map": {"100000": r, "before": {"commit": "7e982b8", "100000": old}, "when": "T"}})
    text = "\n".join(rows)
    assert "| 100,000 | 2.34 MB | 2.10 s | 6.10 / 1.90 / 3.20 s (101 ms in the page; load 2.0) | 3.70 / 0.70 / 1.10 s |" in text
    assert "| _100,000 before 7e982b8_ |" in text and "6.10 / 9.00 / 3.20 s" in text
    assert bt._map_rows({}) == [f"_the map: {bt.NOT_RUN} (`bench_map`)._"]
    # Two baselines, each on its own row under today's (the newest first), with CPU and whole-page columns.
    now = {**r, "browser_cpu_cold_s": 1.5, "browser_cpu_warm_s": 1.2, "browser_cpu_nocache_s": 1.3,
           "full_page_cold_s": 3.9, "full_page_warm_s": 2.5, "full_page_nocache_s": 3.1}
    cold = {**r, "first_map_cold_s": 7.6, "before": "x"}
    rows = bt._map_rows({"map": {"100000": now, "when": "T", "before": [
        {"commit": "7e982b8", "100000": old}, {"commit": "f09f428", "before": "the cold-page work", "100000": cold}]}})
    labels = [row.split(" | ")[0] for row in rows if row.startswith("| ")]
    assert labels[1:4] == ["| 100,000", "| _100,000 before f09f428_", "| _100,000 before 7e982b8_"]
    today = next(row for row in rows if row.startswith("| 100,000 |"))
    assert "| 3.70 / 0.70 / 1.10 s | 1.50 / 1.20 / 1.30 s | 3.90 / 2.50 / 3.10 s | 7.1 ms |" in today
    assert "| 7.60 / 1.90 / 3.20 s" in next(row for row in rows if "f09f428_" in row)
    assert "before the cold-page work" in rows[0] and "before the first-map work" in rows[0]
    assert all(row.count("|") == 11 for row in rows if row.startswith("|"))


def test_the_first_paint_report_is_the_only_one_that_lets_the_page_below_the_map_come():
    from dashboard import state

    bounds = (dt.date(2020, 1, 1), dt.date(2021, 1, 1))
    play = {"step": "month", "speed": 1.0, "mode": "moving"}
    drawn = state.from_report({"drawn": True, "window": ["2020-01-01", "2021-01-01"]}, {}, bounds, play)
    assert drawn["_map_drawn"] is True and drawn["window"] == bounds and drawn["play"] == play
    assert "_map_drawn" not in state.from_report({"window": ["2020-02-01", "2020-03-01"]}, {}, bounds, play)


@pytest.mark.timeout(300)
def test_a_big_first_page_holds_back_the_timeline_table_and_review_until_the_map_is_drawn(monkeypatch, tmp_path):
    """Above BELOW_MAP_WAITS_AT events the first run ends after the map (and the URL); once the page
    reported its first paint (``_map_drawn``) the same session gets the timeline, both tables and the review."""
    from streamlit.testing.v1 import AppTest

    from geo.store import Article, Store

    app = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
    store = tmp_path / "big.gpkg"
    s = Store(store)
    s.add_article(Article(id="c" * 64, text="t", published=dt.date(2024, 1, 1), source="x"),
                  synthetic_events(6000, days=900))
    s.close()
    monkeypatch.setenv("GEO_STORE", str(store))
    at = AppTest.from_file(app, default_timeout=120).run()
    assert not at.exception
    n = int(next(m for m in at.metric if m.label == "Visible events").value)
    assert n > 5000  # the store merges some repeats; still above the bound
    assert len(at.dataframe) == 0 and len(at.get("vega_lite_chart")) == 0
    assert any("follow once the map is drawn" in c.value for c in at.caption)
    assert not any(h.value.startswith("Visible events") for h in at.subheader)

    at.session_state["_map_drawn"] = True  # what state.from_report sets for the page's first-paint report
    at.run()
    assert not at.exception
    assert len(at.dataframe) == 2 and len(at.get("vega_lite_chart")) == 1
    assert not any("follow once the map is drawn" in c.value for c in at.caption)
    assert any(h.value == f"Visible events ({n})" for h in at.subheader)
    assert any(h.value.startswith("Review · ") for h in at.subheader)


def test_a_partial_bench_run_leaves_the_tables_it_cannot_fill(tmp_path):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[2] / "scripts" / "bench_table.py"
    spec = importlib.util.spec_from_file_location("bench_table", path)
    bt = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bt)
    readme = tmp_path / "README.md"
    text = "# x\n<!-- eval-table -->\nOLD EVAL\n<!-- /eval-table -->\n<!-- bench-table -->\nOLD BENCH\n<!-- /bench-table -->\n"
    readme.write_text(text, encoding="utf-8")
    only_extract = {"when": "T", "extract": {"articles_per_s": 200.0}}
    assert bt.update_readme(only_extract, readme, partial=True) is False
    assert readme.read_text(encoding="utf-8") == text
    # a full run (or no --partial) writes them, "not measured" where a part is missing
    assert bt.update_readme(only_extract, readme) is True
    assert "OLD BENCH" not in readme.read_text(encoding="utf-8") and bt.NOT_RUN in readme.read_text(encoding="utf-8")
