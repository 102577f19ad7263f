"""build_map at scale: build + render time and HTML size for 1k, 10k and 100k synthetic events.

Target: 10k events in well under 2 s and ~10 MB, so the dashboard stays responsive (one folium Marker per
event would take ~10 s and ~7 MB for 10k; here every event is one feature of one GeoJSON layer).
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SIZES = (1_000, 10_000, 100_000)


def run(results: dict[str, Any]) -> None:
    from dashboard import data
    from dashboard.map import build_map
    from geo.devtools.sample import synthetic_events

    out: dict[str, Any] = {}
    for n in SIZES:
        events = synthetic_events(n, days=3000)
        bases = data.bases_status(events, at=dt.date(2023, 1, 1))
        t0 = time.perf_counter()
        m = build_map(events, bases, at=dt.date(2023, 1, 1))
        t1 = time.perf_counter()
        html = m.get_root().render()
        t2 = time.perf_counter()
        size = len(html.encode("utf-8"))
        out[str(n)] = {
            "events": n,
            "build_s": round(t1 - t0, 3),
            "render_s": round(t2 - t1, 3),
            "total_s": round(t2 - t0, 3),
            "html_mb": round(size / 1e6, 2),
            "bytes_per_event": round(size / n),
            "renderer": "canvas" if m.options.get("prefer_canvas") else "svg",
        }
        r = out[str(n)]
        print(
            f"   build_map {n:>7,} events: {r['total_s']:6.2f} s (build {r['build_s']:.2f} + render "
            f"{r['render_s']:.2f}), {r['html_mb']:6.2f} MB, {r['bytes_per_event']} B/event, {r['renderer']}"
        )
    print("   target: 10k events < 2 s and < 10 MB")
    results["map"] = out


if __name__ == "__main__":
    res: dict[str, Any] = {}
    run(res)
