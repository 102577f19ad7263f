"""The process ``geo dashboard`` starts: Streamlit's own command line, with the dashboard's imports done first.

    python -m dashboard.serve run dashboard/app.py --server.port 8501 ...   (what ``geo dashboard`` execs)

Streamlit runs ``app.py`` only when the first page connects, so that page used to wait for pandas, altair,
folium, the project and the basemap's town labels (GeoNames) to load: 1.2 s of CPU in the process that also
serves the page its files. Here they load before the server listens (and are frozen out of the garbage
collector's full passes); the first visitor finds them ready.
Nothing here reads the store (its events load on the first page, as before, and follow every change).
"""

from __future__ import annotations

import gc
import sys


def preload() -> None:
    """Import what ``app.py`` imports and build the store-independent basemap labels (cached per process)."""
    import altair  # noqa: F401
    import pandas  # noqa: F401

    from dashboard import access, assets, charts, data, filters, review, review_ui, state, views  # noqa: F401
    from dashboard.map import component  # noqa: F401

    views.labels()
    # All of this lives as long as the server: out of every later full garbage collection, which would
    # otherwise walk it again during page runs (the first page's collections cost seconds).
    gc.collect()
    gc.freeze()


def main(argv: list[str] | None = None) -> int:
    preload()
    from streamlit.web import cli

    sys.argv = ["streamlit", *(sys.argv[1:] if argv is None else argv)]
    return int(cli.main() or 0)  # click exits the process itself; the int is for a caller that catches it


if __name__ == "__main__":
    raise SystemExit(main())
