"""Logging configured once, for the CLI and the dashboard."""

from __future__ import annotations

import logging
import os

_CONFIGURED = False


def setup_logging(level: str | int | None = None) -> None:
    """Configure the root ``geo``/``gazetteer`` loggers once (level from ``GEO_LOG_LEVEL``)."""
    global _CONFIGURED
    if _CONFIGURED:
        return
    lvl = level or os.environ.get("GEO_LOG_LEVEL", "INFO")
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    for name in ("geo", "gazetteer", "dashboard"):
        lg = logging.getLogger(name)
        lg.addHandler(handler)
        lg.setLevel(lvl)
        lg.propagate = False
    _CONFIGURED = True
