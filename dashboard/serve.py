"""The process ``geo dashboard`` starts: Streamlit's own command line, with the first page's work done first.

    python -m dashboard.serve run dashboard/app.py --server.port 8501 ...   (what ``geo dashboard`` execs)

Streamlit runs ``app.py`` only when the first page connects, so that page used to wait for pandas, altair,
folium, the project and the basemap's town labels (GeoNames) to load (1.2 s of CPU), then for the store's
events, the bases and the map to be built (2.5 s at 100,000 events), all in the process that also serves
the page its ~170 script files. Here all of it happens before the server listens: the imports, the labels,
and the app's cached loaders for the store as it is now (``cached.warm``, keyed by the store's
fingerprint: a store written to before the first page is read again by that page). Then everything is
frozen out of the garbage collector's full passes; the first visitor finds it ready.
"""

from __future__ import annotations

import gc
import sys


def preload(warm_store: bool = True) -> None:
    """Import what ``app.py`` imports, build the store-independent basemap labels (cached per process)
    and, with ``warm_store``, fill the app's cached loaders for ``GEO_STORE`` (or the default store)."""
    import altair  # noqa: F401
    import pandas  # noqa: F401
    import streamlit.emojis  # noqa: F401  (the page icon is checked against its catalogue: 0.1 s, first page)

    from dashboard import access, assets, cached, charts, data, filters, review, review_ui, state, views  # noqa: F401
    from dashboard.map import component  # noqa: F401

    views.labels()
    if warm_store:
        try:
            cached.warm(data.store_path())
        except Exception as exc:  # the page reads the store again and shows what is wrong
            print(f"geo dashboard: the store is read on the first page instead ({type(exc).__name__}: {exc})",
                  file=sys.stderr)
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
