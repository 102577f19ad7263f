"""`make bench`: run every bench/bench_*.py module's ``run(results)`` and write bench/results.json.

Each module prints its own lines (throughputs, ratios) and adds its numbers to ``results``.
Targets are printed next to the measurements; benchmarks never fail the build.
"""

from __future__ import annotations

import importlib
import json
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def main() -> int:
    sys.path.insert(0, str(HERE))
    only = sys.argv[1:]
    results: dict = {
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem
        if only and name.removeprefix("bench_") not in only:
            continue
        print(f"== {name}")
        mod = importlib.import_module(name)
        t0 = time.perf_counter()
        mod.run(results)
        print(f"   ({time.perf_counter() - t0:.1f} s)")
    (HERE / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {HERE / 'results.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
