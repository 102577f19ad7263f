"""Gazetteer throughput: find_places on ~5 MB of Arabic news, resolve lookups per second.

Targets: find_places >= 5 MB/s of Arabic text on one core; resolve >= 50,000 lookups/s (a mix of
hits and misses, Arabic and Latin, as the extractor and the CLI call it: repeated names hit the cache).
"""

from __future__ import annotations

import time
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "tests" / "data" / "seeds"
FIND_TARGET_MB_S = 5.0
RESOLVE_TARGET_PER_S = 50_000

NAMES = [
    "عين الأسد", "Harir", "Camp Victory", "قاعدة بلد الجوية", "Balad", "بابل", "Dhi Qar", "الكويت",
    "Ain al-Assad airbase", "محافظة السماوة", "Thi-Qar province", "بغداد", "محافظة البصرة", "Erbil",
    "Az Zubayr", "الشطرة", "Fallouja", "xyzzy", "مدينة خيالية", "Atlantis", "الأسد", "Iraqi",
]


def _best(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def run(results: dict) -> None:
    from gazetteer import find_places, resolve
    from gazetteer.geonames import geonames_index
    from gazetteer.index import gazetteer
    from gazetteer.normalize import normalize_with_map

    t0 = time.perf_counter()
    gazetteer()
    load_curated = time.perf_counter() - t0
    t0 = time.perf_counter()
    geonames_index()
    load_geonames = time.perf_counter() - t0

    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    n_bytes = len(text.encode("utf-8"))
    big = text * max(1, 5_000_000 // n_bytes)
    mb = len(big.encode("utf-8")) / 1e6
    find_places(text)  # warm up
    n_mentions = len(find_places(big))
    t_find = _best(lambda: find_places(big))
    t_norm = _best(lambda: normalize_with_map(big))
    find_mb_s = mb / t_find

    # Cold: every distinct name once through the whole pipeline (cache cleared); warm: the cached path.
    import importlib

    resolve_mod = importlib.import_module("gazetteer.resolve")
    resolve_mod._resolve.cache_clear()
    t0 = time.perf_counter()
    for name in NAMES:
        resolve(name)
    cold_per_s = len(NAMES) / (time.perf_counter() - t0)
    lookups = NAMES * 5000
    t_resolve = _best(lambda: [resolve(n) for n in lookups])
    resolve_per_s = len(lookups) / t_resolve
    hits = sum(resolve(n) is not None for n in NAMES)

    def mark(ok: bool) -> str:
        return "ok" if ok else "BELOW TARGET"

    print(f"   curated index {load_curated * 1000:.0f} ms, GeoNames fallback {load_geonames:.2f} s "
          f"({geonames_index().size} places), loaded once per process")
    print(f"   find_places: {find_mb_s:.1f} MB/s of Arabic text ({mb:.1f} MB, {n_mentions} mentions; "
          f"normalize_with_map alone {mb / t_norm:.1f} MB/s)  target >= {FIND_TARGET_MB_S} MB/s  "
          f"[{mark(find_mb_s >= FIND_TARGET_MB_S)}]")
    print(f"   resolve: {resolve_per_s:,.0f} lookups/s ({len(NAMES)} names, {hits} hits / "
          f"{len(NAMES) - hits} misses, repeated)  target >= {RESOLVE_TARGET_PER_S:,}  "
          f"[{mark(resolve_per_s >= RESOLVE_TARGET_PER_S)}]; first lookups uncached {cold_per_s:,.0f}/s")
    results["gazetteer"] = {
        "find_places_mb_per_s": round(find_mb_s, 2),
        "find_places_target_mb_per_s": FIND_TARGET_MB_S,
        "normalize_with_map_mb_per_s": round(mb / t_norm, 2),
        "resolve_lookups_per_s": round(resolve_per_s),
        "resolve_uncached_lookups_per_s": round(cold_per_s),
        "resolve_target_lookups_per_s": RESOLVE_TARGET_PER_S,
        "curated_load_s": round(load_curated, 3),
        "geonames_load_s": round(load_geonames, 2),
        "text_mb": round(mb, 2),
        "mentions": n_mentions,
    }


if __name__ == "__main__":
    out: dict = {}
    run(out)
