"""`make bench`: run every bench/bench_*.py module's ``run(results)`` and write bench/results.json.

Each module prints its own lines (throughputs, ratios) and adds its numbers to ``results``.
Targets are printed next to the measurements; benchmarks never fail the build. Running only some
modules (``python bench/run.py scale map``) keeps the other modules' numbers from the last run. At the end
``scripts/bench_table.py`` writes the numbers into README.md (only between its table markers; a partial run
leaves a table it has not every number for as it is).
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
    results: dict = {}
    out = HERE / "results.json"
    if only and out.exists():  # a partial run updates the last full run's numbers
        try:
            results = json.loads(out.read_text(encoding="utf-8"))
        except ValueError:
            results = {}
    results["machine"] = {"python": platform.python_version(), "cpus": __import__("os").cpu_count()}
    results["when"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem
        if only and name.removeprefix("bench_") not in only:
            continue
        print(f"== {name}")
        mod = importlib.import_module(name)
        t0 = time.perf_counter()
        mod.run(results)
        print(f"   ({time.perf_counter() - t0:.1f} s)")
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {out}")
    sys.path.insert(0, str(HERE.parent / "scripts"))
    import bench_table

    return bench_table.main(["--results", str(out), *(["--partial"] if only else [])])


if __name__ == "__main__":
    raise SystemExit(main())
