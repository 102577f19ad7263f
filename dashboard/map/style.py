"""The map's visual vocabulary: colours, labels and marker shapes (also used by the legend, chart and table)."""

from __future__ import annotations

import math

# Colour-blind-friendly, print-safe hues; the shape carries the type too.
TYPE_STYLE: dict[str, tuple[str, str]] = {
    "attack": ("#d62728", "triangle"),
    "airstrike": ("#7b2d8e", "star"),
    "withdrawal": ("#1f77b4", "circle"),
    "redeployment": ("#17becf", "circle"),
    "handover": ("#2ca02c", "diamond"),
    "agreement": ("#ff7f0e", "pentagon"),
    "announcement": ("#8c8c8c", "pentagon"),
    "presence": ("#8c564b", "circle"),
}
TYPE_LABEL: dict[str, str] = {
    "attack": "Attack",
    "airstrike": "Air strike",
    "withdrawal": "Withdrawal",
    "redeployment": "Redeployment",
    "handover": "Handover",
    "agreement": "Agreement",
    "announcement": "Announcement",
    "presence": "Presence",
}
STATUS_STYLE: dict[str, tuple[str, str]] = {  # status -> (fill, label)
    "present": ("#b2182b", "Foreign forces present"),
    "handed_over": ("#1b7837", "Handed over to Iraq"),
    "withdrawn": ("#9e9e9e", "Withdrawn"),
    "unknown": ("#ffffff", "Status unknown"),
}

# Places known only to a governorate/region/country are drawn as a dashed marker plus a translucent disc
# of roughly that size, so they never read as a pin-point hit.
# No disc for "country": a circle would suggest a centre and a size the source never gave.
AREA_M: dict[str, float] = {"district": 15_000, "governorate": 45_000, "region": 120_000}
COARSE: frozenset[str] = frozenset({"governorate", "region", "country", "none"})
# Month/year dates are faded: the analyst should see at once that "when" is vague.
DATE_FADE: dict[str, float] = {"day": 1.0, "range": 0.8, "month": 0.5, "year": 0.35}

# Unit polygons of the non-circle shapes, for the legend's SVG swatches; static/map.js draws the same ones.
SHAPES: dict[str, list[tuple[float, float]]] = {
    "triangle": [(0, -1.3), (1.15, 0.75), (-1.15, 0.75)],
    "square": [(-1, -1), (1, -1), (1, 1), (-1, 1)],
    "diamond": [(0, -1.35), (1.35, 0), (0, 1.35), (-1.35, 0)],
    "pentagon": [
        (
            1.2 * math.cos(-math.pi / 2 + i * 2 * math.pi / 5),
            1.2 * math.sin(-math.pi / 2 + i * 2 * math.pi / 5),
        )
        for i in range(5)
    ],
    "star": [
        (
            (0.65 if i % 2 else 1.5) * math.cos(-math.pi / 2 + i * math.pi / 5),
            (0.65 if i % 2 else 1.5) * math.sin(-math.pi / 2 + i * math.pi / 5),
        )
        for i in range(10)
    ],
    "arrow": [(0, -1.5), (1.1, 0.9), (0, 0.35), (-1.1, 0.9)],
}
