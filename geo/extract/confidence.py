"""A confidence for every event (0-1), from its evidence: how precise its place and date are, how
specific its trigger is, what kind of event it is. Weights are data (``data/confidence.csv``), fitted
on the real development half by ``python -m geo.devtools.calibrate``; a logistic model over binary cues."""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

from ..core.data import read_rows
from ..core.models import Event

DATA = Path(__file__).parent / "data" / "confidence.csv"


def evidence(e: Event) -> list[str]:
    """The cues an event carries, as feature names (``bias`` always)."""
    cues = ["bias", f"place:{e.geo_precision}", f"type:{e.type}"]
    if not e.date_text:
        cues.append("date:report day")
    else:
        cues.append(f"date:{e.date_precision}")
    cues.append("trigger:weapon" if e.weapon else "trigger:plain")
    if e.status == "planned":
        cues.append("status:planned")
    if e.counts():
        cues.append("counts")
    if e.destination is not None:
        cues.append("destination")
    return cues


@cache
def weights() -> dict[str, float]:
    return {r["feature"]: float(r["weight"]) for r in read_rows(DATA)} if DATA.exists() else {"bias": 0.0}


def report_confidence(e: Event) -> float:
    """The chance that one report's event is right, by the fitted weights."""
    w = weights()
    z = sum(w.get(c, 0.0) for c in evidence(e))
    return round(1.0 / (1.0 + math.exp(-z)), 3)


def combined(confidences: list[float]) -> float:
    """Several independent reports of one event: the chance that at least one is right (noisy-or)."""
    miss = 1.0
    for c in confidences:
        miss *= 1.0 - c
    return round(1.0 - miss, 3)
