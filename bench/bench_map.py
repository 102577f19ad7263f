"""The map at 1k / 10k / 100k synthetic events: in Python (build_map + the component's script) and in a real
browser (Debian chromium, network blocked) running the dashboard as `make run` does.

Measured per size: the page's payload (the map script the component receives), time to first map (page
open -> every located event drawn) three ways: cold = the server's first page in a fresh browser, warm = a
reload (Streamlit's caches and the browser's cache hot, as an analyst's second visit), nocache = a reload
with the browser's cache off (every one of Streamlit's ~170 JavaScript files fetched again from the busy
server: what "warm" measured until the network was blocked without intercepting requests), each with the
server's CPU time (its process group) and the page's main-thread busy time; one Play step in the browser
(median of 20 ``GeoApp.step`` calls, timed in the page), a slider move through a Streamlit rerun to the map
updated, and the browser's JS heap. Targets at 100,000 events: first map <= 3 s, payload <= 12 MB, a Play
step <= 100 ms with no rerun, heap <= 300 MB. Per load also the whole page (the timeline, the table and the
review panel, which wait for the map's first paint above 5,000 events) and the page's main-thread CPU
("browser CPU"). ``map_baseline.json`` holds the same bench run on the code before the first-map work, and
``map_baseline_cold.json`` on the code before the cold-page work (the launcher's warm cache, the parts
below the map after the map); both are printed beside today's numbers. ``BENCH_MAP_SIZES=100000`` runs one
size; ``python bench/bench_map.py --save-baseline FILE`` writes a run as a baseline file.

Timings on a shared 2-core machine are noisy (the load average is printed with them); CPU times and the
ratios (per-event bytes, step / target) are the stable part. Without chromium only the Python half runs.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = (1_000, 10_000, 100_000)
TARGETS = {"first_map_s": 3.0, "payload_mb": 12.0, "step_ms": 100.0, "heap_mb": 300.0}
# The same bench on older code (issue 13), to print beside today's numbers: before the first-map work,
# and before the cold-page work.
BASELINES = (Path(__file__).with_name("map_baseline.json"), Path(__file__).with_name("map_baseline_cold.json"))
BELOW_MAP = ('[data-testid="stVegaLiteChart"]', '[data-testid="stDataFrame"]')  # the timeline, the tables


def _helpers() -> Any:
    spec = importlib.util.spec_from_file_location("screenshot", ROOT / "scripts" / "screenshot.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _python_side(n: int, events: list) -> dict[str, Any]:
    from dashboard import views

    t0 = time.perf_counter()
    _, script, _ = views.map_parts(events, events)
    secs = time.perf_counter() - t0
    return {"events": n, "build_s": round(secs, 3), "payload_mb": round(len(script) / 1e6, 2),
            "bytes_per_event": round(len(script) / n)}


def _until(page: Any, check: Any, timeout: float) -> Any:
    """Poll ``check()``; waiting through the page (not time.sleep) lets Playwright see new frames."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            got = check()
            if got:
                return got
        except Exception:  # the frame is being replaced
            pass
        page.wait_for_timeout(20)
    raise TimeoutError("the map did not draw")


def _cpu_s(pgid: int) -> float:
    """CPU time (user + system) of every live process in the dashboard's process group."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # field 5 of stat: the process group
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _browser_side(n: int, events: list, tmp: Path) -> dict[str, Any]:
    from geo.store import Article, Store

    h = _helpers()
    store = tmp / f"bench_{n}.gpkg"
    s = Store(store)
    s.add_article(Article(id=f"{n:064d}", text="t", published=dt.date(2024, 1, 1), source="bench"), events)
    s.close()
    from geo.store import open_store

    with open_store(store) as st:  # what the app shows: the store merges repeated events
        located = sum(e.place is not None for e in st.events())
    out: dict[str, Any] = {"load_avg": round(os.getloadavg()[0], 1)}
    proc: dict[str, Any] = {}
    # The network stays blocked, but not by intercepting requests (which turns the browser's cache off):
    # an analyst's reload finds Streamlit's ~170 JavaScript files in the cache.
    with h.running_app(store, timeout=180, info=proc) as url, h.offline_page(browser_cache=True) as (page, external):
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")
        cdp.send("Network.enable")

        def drawn() -> Any:
            fr = page.frame(url=lambda u: "geo_map" in u)
            d = fr.evaluate("window.geoApp ? window.geoApp.drawn() : null") if fr else None
            return d if d and d["events"] == located else None

        def busy() -> float:  # the page's main-thread busy time, seconds (its own CPU, whatever the load)
            return float({m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
                         .get("TaskDuration", 0.0))

        # cold: the server's first page, nothing cached; warm: a reload, Streamlit's caches and the
        # browser's hot; nocache: a reload with the browser's cache off (what "warm" measured before).
        for label in ("cold", "warm", "nocache"):
            print(f"   ... {n:,}: {label} load", flush=True)
            if label == "nocache":
                cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            cpu0, busy0 = _cpu_s(proc["pid"]), busy()
            t0 = time.perf_counter()
            if label == "cold":
                page.goto(url, wait_until="domcontentloaded")
            else:
                page.reload(wait_until="domcontentloaded")
            _until(page, drawn, 300)
            out[f"first_map_{label}_s"] = round(time.perf_counter() - t0, 2)
            out[f"server_cpu_{label}_s"] = round(_cpu_s(proc["pid"]) - cpu0, 2)
            b = busy()
            out[f"browser_cpu_{label}_s"] = round(b - busy0 if b >= busy0 else b, 2)  # a reload may reset it
            fr = page.frame(url=lambda u: "geo_map" in u)
            times = fr.evaluate("window.geoTimes")
            # The part in the page: decode the script, evaluate it, draw the first window.
            out[f"in_page_{label}_ms"] = round(times["built"] - times["buildStart"])
            # The whole page: the timeline chart and both tables (the events', the review queue's) drawn.
            _until(page, lambda: page.locator(BELOW_MAP[0]).count() >= 1
                   and page.locator(BELOW_MAP[1]).count() >= 2, 300)
            out[f"full_page_{label}_s"] = round(time.perf_counter() - t0, 2)
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
        fr = page.frame(url=lambda u: "geo_map" in u)
        # One Play step as Play does it (filter, cluster, draw, histogram), timed inside the page.
        steps = fr.evaluate(
            """() => { const app = window.geoApp, out = [];
                app.unit = 'month'; app.setWindow(app.lo, app.lo + 30);
                for (let i = 0; i < 20; i++) {
                  const t = performance.now(); app.step(1); out.push(performance.now() - t);
                }
                return out; }"""
        )
        out["step_ms"] = round(statistics.median(steps), 1)
        out["step_ms_max"] = round(max(steps), 1)
        # A slider move in Streamlit (one rerun) to the map showing the new window.
        thumb = page.locator('[data-testid="stSlider"] input[type="range"]').last
        before = fr.evaluate("window.geoApp.drawn().window")
        thumb.focus()
        t0 = time.perf_counter()
        page.keyboard.press("Home")
        _until(page, lambda: fr.evaluate("window.geoApp.drawn().window") != before, 120)
        out["slider_rerun_s"] = round(time.perf_counter() - t0, 2)
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        out["heap_mb"] = round(metrics.get("JSHeapUsedSize", 0) / 1e6, 1)
        out["external_requests"] = len(external)
    return out


def _first_map(r: dict[str, Any]) -> str:
    """"cold / warm / no-cache s (server CPU ... s, browser CPU ... s; whole page ... s)" for one size."""
    loads = [k for k in ("cold", "warm", "nocache") if f"first_map_{k}_s" in r]
    wall = " / ".join(f"{r[f'first_map_{k}_s']:.2f}" for k in loads)
    out = f"{wall} s ({' / '.join(loads)})"
    for key, what in (("server_cpu", "server CPU"), ("browser_cpu", "browser CPU"), ("full_page", "whole page")):
        vals = " / ".join(f"{r[f'{key}_{k}_s']:.2f}" for k in loads if f"{key}_{k}_s" in r)
        out += f", {what} {vals} s" if vals else ""
    return out


def baselines() -> list[dict[str, Any]]:
    """The same bench on older code (``map_baseline*.json``: commit, when, load, what it was before)."""
    out = []
    for path in BASELINES:
        try:
            out.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return out


def run(results: dict[str, Any]) -> None:
    from geo.devtools.sample import synthetic_events

    chromium = Path("/usr/bin/chromium").exists()
    sizes = [int(x) for x in os.environ.get("BENCH_MAP_SIZES", "").split(",") if x.strip()] or SIZES
    before = baselines()
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            events = synthetic_events(n, days=3000)
            r = _python_side(n, events)
            if chromium:
                try:
                    r.update(_browser_side(n, events, Path(tmp)))
                except Exception as exc:  # a bench never fails the build; say what happened
                    r["browser_error"] = f"{type(exc).__name__}: {exc}"[:200]
            out[str(n)] = r
            line = (f"   map {n:>7,} events: script {r['build_s']:.2f} s, payload {r['payload_mb']:.2f} MB "
                    f"({r['bytes_per_event']} B/event)")
            if "first_map_cold_s" in r:
                line += (f"; first map {_first_map(r)} (in the page {r['in_page_warm_ms']} ms), "
                         f"Play step {r['step_ms']:.1f} ms (max {r['step_ms_max']:.1f}), slider rerun "
                         f"{r['slider_rerun_s']:.2f} s, heap {r['heap_mb']:.0f} MB, load average {r['load_avg']}")
            elif "browser_error" in r:
                line += f"; browser: {r['browser_error']}"
            print(line)
            for base in before:
                old = base.get(str(n), {})
                if "first_map_cold_s" in old:
                    print(f"       before {base.get('before', '')} ({base.get('commit', '?')}): first map "
                          f"{_first_map(old)}, payload {old['payload_mb']:.2f} MB, load average "
                          f"{old.get('load_avg', '?')}")
    big = out.get("100000", {})
    if "step_ms" in big:
        print("   at 100k vs targets: " + ", ".join(
            f"{k} {big[v]:.2f}/{t:g} = {big[v] / t:.2f}x"
            for k, v, t in (("first map (cold)", "first_map_cold_s", TARGETS["first_map_s"]),
                            ("first map (warm)", "first_map_warm_s", TARGETS["first_map_s"]),
                            ("payload", "payload_mb", TARGETS["payload_mb"]),
                            ("Play step", "step_ms", TARGETS["step_ms"]),
                            ("heap", "heap_mb", TARGETS["heap_mb"]))))
    print("   targets at 100k: first map <= 3 s, payload <= 12 MB, Play step <= 100 ms (no rerun), heap <= 300 MB")
    if before:
        out["before"] = before
    out["when"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    results["map"] = out


if __name__ == "__main__":
    res: dict[str, Any] = {}
    run(res)
    if sys.argv[1:2] == ["--save-baseline"] and len(sys.argv) > 2:  # a run on older code, kept as a baseline
        keep = {k: v for k, v in res["map"].items() if k.isdigit()}
        Path(sys.argv[2]).write_text(json.dumps(keep, indent=1) + "\n", encoding="utf-8")
