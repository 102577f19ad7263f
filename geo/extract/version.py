"""Which rules made an event: a hash of every file that can change what is extracted."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..core.settings import MIN_CONFIDENCE

_GEO = Path(__file__).resolve().parents[1]
# The packages whose code or data decide the events: a file moved or added inside them counts.
RULE_FOLDERS = (_GEO / "core", _GEO / "dates", _GEO / "extract", _GEO.parent / "gazetteer")


def rules_version() -> str:
    """"geo-" + a short hash of the rules' files (code and data, by path and content)."""
    h = hashlib.sha1()
    for folder in RULE_FOLDERS:
        for f in sorted(p for p in folder.rglob("*") if p.suffix in {".py", ".csv"} and p.is_file()):
            h.update(f.relative_to(_GEO.parent).as_posix().encode())
            h.update(f.read_bytes())
    h.update(f"min_confidence={MIN_CONFIDENCE}".encode())  # an override changes what is reported
    return "geo-" + h.hexdigest()[:12]


EXTRACTOR_VERSION = rules_version()
