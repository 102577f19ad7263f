"""The gazetteer's vocabulary: a Place and a Mention of it in text."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Ordered from most to least precise; the dashboard and the extractor rank by this.
PRECISIONS: tuple[str, ...] = ("site", "city", "district", "governorate", "region", "country")


def precision_rank(precision: str | None) -> int:
    """0 for "site" (best) up to len(PRECISIONS) for unknown/"none" (worst)."""
    try:
        return PRECISIONS.index(precision or "none")
    except ValueError:
        return len(PRECISIONS)


@dataclass(frozen=True, slots=True)
class Place:
    """A named place with a WGS84 point and how precise that point is."""

    id: str
    name: str  # English display name
    lat: float
    lon: float
    kind: str  # air_base, military_base, airport, city, town, province, country, region, ...
    precision: str  # one of PRECISIONS
    name_ar: str = ""
    province: str = ""  # English governorate/province name, "" for countries
    country: str = ""  # ISO 3166-1 alpha-2
    aliases: tuple[str, ...] = field(default=(), compare=False)
    source: str = field(default="", compare=False)
    confidence: str = field(default="high", compare=False)  # high | medium | low
    origin: str = field(default="curated", compare=False)  # curated | geonames | online

    @property
    def is_base(self) -> bool:
        return self.kind in {"air_base", "military_base", "base"}

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["aliases"] = list(self.aliases)
        return d


@dataclass(frozen=True, slots=True)
class Mention:
    """A place found in text; ``text[start:end] == surface`` in the original, un-normalised text."""

    start: int
    end: int
    surface: str
    place: Place
