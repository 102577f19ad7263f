"""Placeholder: replaced by the real extractor (issue 4)."""

from __future__ import annotations

import datetime as dt

from .models import Event


def extract_events(text: str, published: dt.date, source: str = "") -> list[Event]:
    return []
