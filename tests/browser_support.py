"""What the real-browser tests share (tests/dashboard/test_browser.py, tests/review/test_review_browser.py):
their markers, the helpers of ``scripts/screenshot.py`` (which starts the dashboard and the offline page),
a poll for a condition and the map's frame. Importable as ``browser_support``: pytest puts ``tests/`` on
sys.path for its conftest.py."""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")

MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium missing: `make chromium`"),
]


@cache
def helpers() -> ModuleType:
    spec = importlib.util.spec_from_file_location("screenshot", ROOT / "scripts" / "screenshot.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def until(check: Callable[[], Any], timeout: float, what: str = "condition",
          show: Callable[[], Any] | None = None, every: float = 0.25) -> Any:
    """Poll ``check()`` until it returns a truthy value, which is returned: Streamlit reruns and iframe
    remounts happen in their own time. An exception (the iframe is being replaced) is a "not yet"; on
    timeout the last value, and ``show()`` when given, go into the AssertionError."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except Exception as exc:  # the iframe is being replaced; try again
            last = exc
        time.sleep(every)
    seen = f"; now: {show()!r}" if show else ""
    raise AssertionError(f"timed out waiting for {what} (last: {last!r}{seen})")


def map_frame(page: Any, timeout: float) -> Any:
    """The geo_map component's frame, once the page has it."""
    return until(lambda: page.frame(url=lambda u: "geo_map" in u), timeout, what="the map frame")
