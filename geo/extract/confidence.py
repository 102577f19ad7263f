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
LEAD_CHARS = 400  # an event told this close to the top is in the title or the lead


def evidence(e: Event) -> list[str]:
    """The cues an event carries, as feature names (``bias`` always)."""
    # type and place together: a country-level attack is weak, a country-level agreement is the norm
    # (a compass part of a country, "eastern Syria", is weighed apart from the regions: "the Middle East")
    prec = "part" if e.place is not None and e.place.kind == "country_part" else e.geo_precision
    cues = ["bias", f"place:{prec}", f"type:{e.type}", f"{e.type}@{prec}"]
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
    if e.start < LEAD_CHARS:
        cues.append("lead")  # the title and lead tell the article's own events; later lines, background
    if len(e.all_quotes) >= 2:
        cues.append("told twice")  # headline and lead, or lead and a later paragraph
    if e.place is not None and e.place.is_base:
        cues.append("place:base")
    if e.date_text and any(ch.isdigit() for ch in e.date_text):
        cues.append("date:written")  # "19 آذار", "2024-01-28": not a weekday or "last month"
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
