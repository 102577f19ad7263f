"""Write the latest benchmark and evaluation numbers from bench/results.json into README.md.

Only the text between ``<!-- bench-table -->`` and ``<!-- /bench-table -->`` (and between
``<!-- eval-table -->`` and ``<!-- /eval-table -->``) is replaced; a missing closing marker is inserted
right after its opening one. Everything else in the README stays byte for byte as it was.

    python scripts/bench_table.py [--results bench/results.json] [--readme README.md]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NOT_RUN = "not measured in the last `make bench`"


def _num(x: Any, digits: int = 0) -> str:
    if x is None:
        return "–"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int | float):
        return f"{x:,.{digits}f}"
    return str(x)


def _get(d: dict[str, Any], *keys: str | int) -> Any:
    cur: Any = d
    for k in keys:
        if not isinstance(cur, dict):
            return None
        cur = cur.get(str(k))
    return cur


# ---------------------------------------------------------------- tables
def eval_table(results: dict[str, Any]) -> str:
    evals = _get(results, "scale", "eval") or {}
    if not evals:
        return f"_Extraction scores: {NOT_RUN} (`bench_scale`)._"
    names = {"seeds": "seed articles (`tests/data/seed_events.jsonl`)",
             "heldout": "held-out set (`tests/data/heldout/`)",
             "heldout2": "second held-out set (`tests/data/heldout2/`)",
             "heldout3": "third held-out set, seed analyst's conventions (`tests/data/heldout3/`)"}
    rows = ["| set | gold events | predicted | precision | recall | F1 | core recall |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    for key, s in evals.items():
        label = names.get(key)
        if label is None and key.startswith("corpus_"):
            label = f"generated corpus, {int(key.removeprefix('corpus_')):,} articles (`geo.devtools.corpus`)"
        rows.append(f"| {label or key} | {_num(s.get('gold'))} | {_num(s.get('predicted'))} | "
                    f"{_num(s.get('precision'), 3)} | {_num(s.get('recall'), 3)} | {_num(s.get('f1'), 3)} | "
                    f"{_num(s.get('core_recall'), 3)} |")
    return "\n".join(rows)


def _ingest_rows(results: dict[str, Any]) -> list[str]:
    scale = results.get("scale") or {}
    cpus = scale.get("cpus") or _get(results, "machine", "cpus") or "all"
    rows = [f"| articles | 1 core | all {cpus} cores | ratio (target ~1.6x on 2 cores) | identical stores | "
            "peak memory (process / largest worker) |",
            "|---:|---:|---:|---:|---|---:|"]
    for n in scale.get("sizes") or []:
        r = scale.get(str(n))
        if not r:
            continue
        rows.append(
            f"| {n:,} generated | {_num(r['ingest_jobs1_articles_per_s'])} articles/s ({r['ingest_jobs1_s']} s) | "
            f"{_num(r['ingest_all_articles_per_s'])} articles/s ({r['ingest_all_s']} s) | {r['ingest_ratio']}x | "
            f"{_num(r['identical'])} | {r['peak_rss_mb']} MB / {r.get('peak_rss_workers_mb', '–')} MB |")
    store = results.get("store") or {}
    if "ingest_jobs1_articles_per_s" in store:
        rows.append(
            f"| 300 seed variants (bench_store) | {_num(store['ingest_jobs1_articles_per_s'])} articles/s | "
            f"{_num(store.get('ingest_jobs2_articles_per_s'))} articles/s (jobs=2) | "
            f"{store.get('ingest_speedup_jobs2', '–')}x | – | – |")
    if len(rows) == 2:
        return [f"_Ingest: {NOT_RUN} (`bench_scale`, `bench_store`)._"]
    return rows


def _throughput_rows(results: dict[str, Any]) -> list[str]:
    rows = ["| measure | measured | target |", "|---|---:|---:|"]
    g = results.get("gazetteer") or {}
    d = results.get("dates") or {}
    x = results.get("extract") or {}
    scale = results.get("scale") or {}
    def per_s(value: Any, unit: str, extra: str = "") -> str | None:
        return None if value is None else f"{_num(value)} {unit}{extra}"

    specs: list[tuple[str, str | None, str]] = [
        ("`find_places`, Arabic news text",
         None if g.get("find_places_mb_per_s") is None else f"{g['find_places_mb_per_s']:.1f} MB/s",
         f"≥ {_num(g.get('find_places_target_mb_per_s', 5.0))} MB/s"),
        ("`resolve`, mixed names (cached)", per_s(g.get("resolve_lookups_per_s"), "lookups/s"),
         f"≥ {_num(g.get('resolve_target_lookups_per_s', 50_000))} lookups/s"),
        ("`resolve`, first lookups (uncached)", per_s(g.get("resolve_uncached_lookups_per_s"), "lookups/s"), "–"),
        ("date spans (`find_dates`), per article", per_s(d.get("kb_per_s"), "KB/s"),
         f"≥ {_num(d.get('target_kb_per_s', 1000))} KB/s"),
        ("`extract_events`, seed articles",
         per_s(x.get("articles_per_s"), "articles/s", f" ({_num(x.get('kb_per_s'))} KB/s)"), "≥ 200 articles/s"),
    ]
    for n in scale.get("sizes") or []:
        r = scale.get(str(n)) or {}
        if r:
            specs.append((f"`extract_events`, {n:,} generated articles",
                          per_s(r["extract_articles_per_s"], "articles/s", f" ({_num(r['extract_kb_per_s'])} KB/s)"),
                          "≥ 200 articles/s"))
    for label, value, target in specs:
        rows.append(f"| {label} | {value or NOT_RUN} | {target} |")
    return rows


def _export_rows(results: dict[str, Any]) -> list[str]:
    store = results.get("store") or {}
    if not any(k.startswith("export_100k_") for k in store):
        return [f"_Export of 100k events: {NOT_RUN} (`bench_store`)._"]
    rows = ["| export 100,000 events | seconds | file size |", "|---|---:|---:|"]
    for fmt, label in (("geojson", "GeoJSON"), ("gpkg", "GeoPackage"), ("parquet", "GeoParquet"), ("csv", "CSV")):
        if f"export_100k_{fmt}_s" in store:
            secs, mb = store[f"export_100k_{fmt}_s"], store.get(f"export_100k_{fmt}_mb")
            rows.append(f"| {label} | {secs:.2f} s | {mb} MB |")
    return rows


def _loads(r: dict[str, Any], key: str, loads: list[str]) -> str:
    """One measure over the loads, "a / b / c s" ("–" for a load the run did not measure)."""
    if not any(f"{key}_{k}_s" in r for k in loads):
        return "–"
    return " / ".join(_num(r.get(f"{key}_{k}_s"), 2) for k in loads) + " s"


def _map_row(label: str, r: dict[str, Any]) -> str:
    loads = [k for k in ("cold", "warm", "nocache") if f"first_map_{k}_s" in r]
    if not loads:
        return f"| {label} | {r['payload_mb']:.2f} MB | {r['build_s']:.2f} s | – | – | – | – | – | – | – |"
    wall = " / ".join(f"{r[f'first_map_{k}_s']:.2f}" for k in loads) + " s"
    page = r.get("in_page_warm_ms", "?")
    load = f"; load {r['load_avg']}" if "load_avg" in r else ""
    return (f"| {label} | {r['payload_mb']:.2f} MB | {r['build_s']:.2f} s | {wall} ({page} ms in the page{load}) "
            f"| {_loads(r, 'server_cpu', loads)} | {_loads(r, 'browser_cpu', loads)} "
            f"| {_loads(r, 'full_page', loads)} | {r['step_ms']:.1f} ms | {r['slider_rerun_s']:.2f} s "
            f"| {r['heap_mb']:.0f} MB |")


def _baselines(m: dict[str, Any]) -> list[dict[str, Any]]:
    """The runs on older code: one dict (commit, sizes) or a list of them, oldest first."""
    before = m.get("before") or []
    return [before] if isinstance(before, dict) else list(before)


def _map_rows(results: dict[str, Any]) -> list[str]:
    m = results.get("map") or {}
    sizes = sorted((k for k in m if k.isdigit()), key=int)
    if not sizes:
        return [f"_the map: {NOT_RUN} (`bench_map`)._"]
    bases = _baselines(m)
    when = m.get("when") or results.get("when", "?")
    said = "; ".join(f"\"before {b.get('commit', '?')}\" is the same bench on {b.get('commit', '?')}, before "
                     f"{b.get('before', 'the first-map work')}" for b in bases)
    rows = [f"_The map: measured {when} (a shared 2-core machine: wall times follow its load average, given per "
            "row; CPU times are steadier: the server's process group, the page's main thread). First map: cold = "
            "the server's first page in a fresh browser, warm = a reload (Streamlit's and the browser's caches "
            "hot), no cache = a reload with the browser's cache off; whole page = the timeline and both tables "
            "drawn too" + (f"; {said}" if said else "") + "._",
            "",
            "| map events | payload | script build | first map, cold / warm / no cache "
            "| server CPU | browser CPU | whole page | Play step | slider (rerun) | JS heap |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for key in sizes:
        rows.append(_map_row(f"{int(key):,}", m[key]))
        for b in reversed(bases):  # the newest baseline first, under today's row
            if key in b and "first_map_cold_s" in b[key]:
                rows.append(_map_row(f"_{int(key):,} before {b.get('commit', '?')}_", b[key]))
    rows.append("| _target at 100,000_ | _≤ 12 MB_ | | _≤ 3 s_ | | | | _≤ 100 ms, no rerun_ | | _≤ 300 MB_ |")
    return rows


def _scale_out_rows(results: dict[str, Any]) -> list[str]:
    so = results.get("scale_out") or {}
    if not so:
        return [f"_Dask engine and PostGIS store: {NOT_RUN} (`bench_scale_out`)._"]
    rows = [f"| ingest {so.get('articles', '?'):,} generated articles | GeoPackage | PostGIS |", "|---|---:|---:|"]
    for key, label in (("local_jobs1", "local engine, 1 process"), ("local_jobs2", "local engine, process pool of 2"),
                       ("dask_1", "Dask, LocalCluster of 1 worker"), ("dask_2", "Dask, LocalCluster of 2 workers")):
        g, p = so.get(f"gpkg_{key}_articles_per_s"), so.get(f"postgis_{key}_articles_per_s")
        if g is None and p is None:
            continue
        rows.append(f"| {label} | {_num(g)} articles/s | {_num(p) + ' articles/s' if p is not None else '–'} |")
    gw, pw = so.get("gpkg_write_only_articles_per_s"), so.get("postgis_write_only_articles_per_s")
    rows.append(f"| the writer alone | {_num(gw)} articles/s | {_num(pw)} articles/s |")

    def ms(store: str) -> str:
        if f"{store}_events_cold_s" not in so:
            return "–"
        return f"{so[store + '_events_cold_s'] * 1000:.0f} ms / {so[store + '_events_warm_s'] * 1000:.1f} ms"

    rows.append(f"| `events()` over {so.get('gpkg_events', '?')} merged events (cold / warm) | {ms('gpkg')} | "
                f"{ms('postgis')} |")
    return rows


def bench_table(results: dict[str, Any]) -> str:
    when = results.get("when", "?")
    machine = results.get("machine") or {}
    head = f"_Last run {when}, Python {machine.get('python', '?')}, {machine.get('cpus', '?')} CPUs._"
    parts = [head, "\n".join(_ingest_rows(results)), "\n".join(_throughput_rows(results)),
             "\n".join(_export_rows(results)), "\n".join(_map_rows(results)),
             "\n".join(_scale_out_rows(results))]
    return "\n\n".join(parts)


# ---------------------------------------------------------------- README surgery
def replace_section(text: str, name: str, body: str) -> str:
    """``text`` with the part between ``<!-- name -->`` and ``<!-- /name -->`` replaced by ``body``.

    The closing marker is added after the opening one when it is missing. Raises ValueError when the
    opening marker is absent or appears more than once.
    """
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    if text.count(start) != 1:
        raise ValueError(f"README must hold exactly one {start} marker (found {text.count(start)})")
    i = text.index(start) + len(start)
    if end not in text[i:]:
        text = text[:i] + "\n" + end + text[i:]
    j = text.index(end, i)
    new = text[:i] + "\n\n" + body.strip("\n") + "\n\n" + text[j:]  # blank lines: the table is its own block
    # Nothing outside the markers moved.
    assert new[:i] == text[:i] and new[new.index(end, i):] == text[j:]
    return new


# What each README section is made from: a partial run that lacks any of them leaves that section as it is.
SECTION_PARTS = {"eval-table": ("scale",),
                 "bench-table": ("scale", "store", "gazetteer", "dates", "extract", "map", "scale_out")}


def missing_parts(results: dict[str, Any], section: str) -> list[str]:
    return [k for k in SECTION_PARTS[section] if not results.get(k)]


def update_readme(results: dict[str, Any], readme: Path, partial: bool = False) -> bool:
    """Rewrite both sections of ``readme``; returns True when the file changed. With ``partial`` (some
    benchmarks run, no earlier full results to merge with), a section whose numbers are not all in
    ``results`` is left as it is rather than filled with "not measured"."""
    old = readme.read_text(encoding="utf-8")
    new = old
    for section, body in (("eval-table", eval_table), ("bench-table", bench_table)):
        lacking = missing_parts(results, section)
        if partial and lacking:
            print(f"bench_table: {section} left as it is (no numbers for {', '.join(lacking)}: run a full make bench)")
            continue
        new = replace_section(new, section, body(results))
    if new != old:
        readme.write_text(new, encoding="utf-8")
    return new != old


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", type=Path, default=ROOT / "bench" / "results.json")
    ap.add_argument("--readme", type=Path, default=ROOT / "README.md")
    ap.add_argument("--partial", action="store_true", help="leave sections whose numbers are missing as they are")
    args = ap.parse_args(argv)
    try:
        results = json.loads(args.results.read_text(encoding="utf-8"))
        changed = update_readme(results, args.readme, partial=args.partial)
    except (OSError, ValueError) as exc:
        print(f"bench_table: {exc}", file=sys.stderr)
        return 1
    print(f"{'updated' if changed else 'unchanged'}: {args.readme} (tables from {args.results})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
