"""Start the dashboard as `make run` does, open it in Debian's chromium with the network blocked, save a PNG.

    python scripts/screenshot.py [--store FILE] [-o docs/screenshot.png]

Without --store, a temporary store is built from tests/data/seeds. The helpers here (``running_app``,
``offline_page``, ``map_frame``) are also used by tests/dashboard/test_browser.py.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "data" / "seeds"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MAP_IFRAME = 'iframe[title="dashboard\\.map\\.component\\.geo_map"]'
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build_seed_store(path: Path) -> Path:
    """A fresh store with the test seed articles."""
    sys.path.insert(0, str(ROOT))
    from geo.ingest import ingest_paths

    ingest_paths([SEEDS], store=path)
    return path


@contextlib.contextmanager
def running_app(store: Path, port: int | None = None, timeout: float = 60, allow_upload: bool = False,
                info: dict[str, Any] | None = None) -> Iterator[str]:
    """Run `geo dashboard --headless --port P --store FILE` (what `make run` calls; with `--allow-upload`
    when ``allow_upload``: the write switch of uploads and reviews); yield its URL.

    The app runs in its own process group, so the streamlit child of `geo dashboard` is stopped too;
    ``info["pid"]`` is that group's id (the bench reads the server's CPU time).
    """
    port = port or free_port()
    log = tempfile.NamedTemporaryFile(prefix="dashboard-", suffix=".log", delete=False)  # noqa: SIM115
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    cmd = [sys.executable, "-m", "geo.cli", "dashboard", "--headless", "--port", str(port), "--store", str(store)]
    if allow_upload:
        cmd.append("--allow-upload")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    if info is not None:
        info["pid"] = proc.pid
    url = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"dashboard exited with {proc.returncode}: {Path(log.name).read_text()[-2000:]}")
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    break
            if time.monotonic() > deadline:
                raise TimeoutError(f"dashboard not up after {timeout} s: {Path(log.name).read_text()[-2000:]}")
            time.sleep(0.3)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        log.close()
        Path(log.name).unlink(missing_ok=True)


@contextlib.contextmanager
def offline_page(width: int = 1440, height: int = 1240, browser_cache: bool = False) -> Iterator[tuple[Any, list[str]]]:
    """A Playwright page in Debian's chromium where every non-localhost request is aborted.

    Yields ``(page, external)``: ``external`` collects every URL outside localhost the page tried.
    Requests are intercepted (``context.route``), which also turns the browser's cache off; with
    ``browser_cache`` the browser instead sends everything beyond localhost to a closed port on this
    machine (a proxy that is never there) and a listener records it, so a reload finds Streamlit's
    JavaScript in the cache as an analyst's browser does (the bench's warm loads).
    """
    from playwright.sync_api import sync_playwright

    external: list[str] = []

    def local(url: str) -> bool:
        return url.startswith(("data:", "blob:", "about:")) or (urlparse(url).hostname or "") in LOCAL_HOSTS

    def guard(route: Any) -> None:
        url = route.request.url
        if local(url):
            route.continue_()
        else:
            external.append(url)
            route.abort()

    with sync_playwright() as p:
        proxy = {"server": f"http://127.0.0.1:{free_port()}", "bypass": "localhost,127.0.0.1,[::1]"}
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
                                    proxy=proxy if browser_cache else None)  # type: ignore[arg-type]
        try:
            context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
            if browser_cache:
                context.on("request", lambda r: None if local(r.url) else external.append(r.url))
            else:
                context.route("**/*", guard)
            yield context.new_page(), external
        finally:
            browser.close()


def map_frame(page: Any) -> Any:
    return page.frame_locator(MAP_IFRAME)


def wait_for_markers(page: Any, timeout_ms: int = 60_000) -> None:
    map_frame(page).locator("path.base-marker").first.wait_for(state="attached", timeout=timeout_ms)


def metric(page: Any, label: str) -> int:
    """The value of the st.metric with this label."""
    box = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label)
    )
    return int(box.locator('[data-testid="stMetricValue"]').inner_text().strip())


def screenshot(page: Any, out: Path) -> None:
    """The top of the page: header, time slider, metrics, map (and the start of the timeline)."""
    page.wait_for_timeout(1200)  # let Leaflet finish drawing and fonts settle
    out.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out), full_page=False)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, help="store to show (default: a temp store of tests/data/seeds)")
    ap.add_argument("--synthetic", type=int, metavar="N", help="a temp store of N generated events instead")
    ap.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "screenshot.png")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or (synthetic_store(Path(tmp) / "events.gpkg", args.synthetic) if args.synthetic
                               else build_seed_store(Path(tmp) / "events.gpkg"))
        with running_app(store, timeout=180) as url, offline_page() as (page, external):
            page.goto(url, wait_until="domcontentloaded")
            wait_for_markers(page, timeout_ms=300_000)
            screenshot(page, args.output)
            frame = page.frame(url=lambda u: "geo_map" in u)
            n = frame.evaluate("window.geoApp.drawn().events") if frame else 0
    print(f"wrote {args.output} ({n} events drawn; {len(external)} external requests blocked)")
    return 0


def synthetic_store(path: Path, n: int) -> Path:
    """A fresh store of ``n`` generated events (geo.devtools.sample; for pictures and benches only)."""
    sys.path.insert(0, str(ROOT))
    import datetime as dt

    from geo.devtools.sample import synthetic_events
    from geo.store import Article, Store

    s = Store(path)
    s.add_article(Article(id="s" * 64, text="t", published=dt.date(2024, 1, 1), source="synthetic"),
                  synthetic_events(n, days=3000))
    s.close()
    return path


if __name__ == "__main__":
    raise SystemExit(main())
