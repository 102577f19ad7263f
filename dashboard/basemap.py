"""The offline basemap: Natural Earth country outlines around Iraq, shipped as a small GeoJSON file.

``static/basemap_countries.geojson`` is committed; it was made from the npm package ``world-atlas@2.0.2``
(TopoJSON of Natural Earth 4.1.0 Admin 0 countries, 1:10m; Natural Earth is public domain, world-atlas is
ISC) with::

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python -m dashboard.basemap package/countries-10m.json dashboard/static/basemap_countries.geojson

The TopoJSON decoder below is the whole of what is needed (quantized arcs, delta-encoded), so no extra
dependency is pulled in for a one-off conversion.
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from shapely import clip_by_rect
from shapely.geometry import mapping, shape

STATIC = Path(__file__).parent / "static"
BASEMAP = STATIC / "basemap_countries.geojson"

# lon/lat window kept around Iraq: the neighbours withdrawals head for (Kuwait, Jordan, Syria, Gulf).
BBOX: tuple[float, float, float, float] = (30.0, 22.0, 60.0, 42.0)


def _decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat coordinates of every arc (undoing quantization and delta encoding)."""
    transform = topology.get("transform")
    arcs: list[list[tuple[float, float]]] = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            pts = []
            for dx, dy in arc:
                x += dx
                y += dy
                pts.append((x * sx + tx, y * sy + ty))
        else:
            pts = [(float(p[0]), float(p[1])) for p in arc]
        arcs.append(pts)
    return arcs


def _ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """Stitch arcs into one ring; a negative index ~i means arc i reversed."""
    out: list[tuple[float, float]] = []
    for i in indices:
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        # Consecutive arcs share their end/start point.
        out.extend(pts if not out else pts[1:])
    return out


def _rings(polygon: list[list[int]], arcs: list[list[tuple[float, float]]]) -> list[list[tuple[float, float]]]:
    """A polygon's rings, dropping those quantization collapsed below a valid ring (4 points)."""
    rings = [_ring(r, arcs) for r in polygon]
    if not rings or len(rings[0]) < 4:
        return []
    return [r for r in rings if len(r) >= 4]


def topojson_to_geojson(topology: dict[str, Any], obj: str = "countries") -> dict[str, Any]:
    """Decode one GeometryCollection of a TopoJSON topology into a GeoJSON FeatureCollection."""
    arcs = _decode_arcs(topology)
    features = []
    for geom in topology["objects"][obj]["geometries"]:
        kind = geom.get("type")
        if kind == "Polygon":
            coords: Any = _rings(geom["arcs"], arcs)
        elif kind == "MultiPolygon":
            coords = [rings for poly in geom["arcs"] if (rings := _rings(poly, arcs))]
        else:  # null geometries (e.g. tiny islands dropped at this scale)
            continue
        features.append(
            {
                "type": "Feature",
                "id": geom.get("id"),
                "properties": dict(geom.get("properties") or {}),
                "geometry": {"type": kind, "coordinates": coords},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _round(coords: Any, nd: int) -> Any:
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), nd) for c in coords]
    return [_round(c, nd) for c in coords]


def clip(
    fc: dict[str, Any],
    bbox: tuple[float, float, float, float] = BBOX,
    tolerance: float = 0.01,
    ndigits: int = 3,
) -> dict[str, Any]:
    """Keep the countries that touch ``bbox``, clipped to it, simplified and rounded (small file)."""
    out = []
    for f in fc["features"]:
        geom = clip_by_rect(shape(f["geometry"]).buffer(0), *bbox)
        if geom.is_empty:
            continue
        geom = geom.simplify(tolerance, preserve_topology=True)
        g = mapping(geom)
        out.append(
            {
                "type": "Feature",
                "properties": {"name": f["properties"].get("name", ""), "iso_n3": f.get("id")},
                "geometry": {"type": g["type"], "coordinates": _round(g["coordinates"], ndigits)},
            }
        )
    return {"type": "FeatureCollection", "features": out}


@lru_cache(maxsize=1)
def countries() -> dict[str, Any]:
    """The shipped country outlines (an empty collection if the file is missing, so the map still draws)."""
    if not BASEMAP.exists():
        return {"type": "FeatureCollection", "features": []}
    data: dict[str, Any] = json.loads(BASEMAP.read_text(encoding="utf-8"))
    return data


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m dashboard.basemap COUNTRIES_TOPOJSON OUT_GEOJSON", file=sys.stderr)
        return 2
    topo = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    fc = clip(topojson_to_geojson(topo))
    text = json.dumps(fc, ensure_ascii=False, separators=(",", ":"))
    Path(argv[1]).write_text(text + "\n", encoding="utf-8")
    print(f"wrote {len(fc['features'])} countries, {len(text) // 1024} KB to {argv[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
