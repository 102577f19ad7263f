"""The ``geo`` console script: resolve, ingest, events, export, reprocess, evaluate, dashboard.

Bad input prints one clear line on stderr and exits non-zero; nothing already stored is lost.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import math
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gazetteer import candidates, resolve

from .core import access
from .core.errors import GeoError
from .core.log import setup_logging
from .core.settings import PROJECT_ROOT
from .core.taxonomy import EVENT_TYPES
from .export import export_bases, export_events, format_table
from .extract import EXTRACTOR_VERSION
from .ingest import HELD_SIGNALS, Interrupted, ingest_paths, open_seeded_store, reprocess, take_sigterm
from .store import is_url
from .store.check import check_store

log = logging.getLogger("geo.cli")


def _date(s: str) -> dt.date:
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {s!r} (use YYYY-MM-DD)") from None


def _positive(s: str) -> int:
    try:
        n = int(s)
    except ValueError:
        n = -1
    if n < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {s!r}")
    return n


def _bbox(s: str) -> tuple[float, float, float, float]:
    try:
        parts = tuple(float(p) for p in s.split(","))
    except ValueError:
        parts = ()
    if len(parts) != 4:
        raise argparse.ArgumentTypeError(f"not a bbox: {s!r} (use minlon,minlat,maxlon,maxlat)")
    return parts[0], parts[1], parts[2], parts[3]


def _add_store(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--store",
        help="store file, or postgresql://user@host:port/db for a shared PostGIS store"
        " (default: $GEO_STORE, else data/events.gpkg, built from seeds/ on first use)",
    )


def _add_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--start", type=_date, help="first date (YYYY-MM-DD)")
    p.add_argument("--end", type=_date, help="last date (YYYY-MM-DD)")
    p.add_argument("--type", action="append", choices=EVENT_TYPES, dest="types", help="event type (repeatable)")
    p.add_argument("--governorate", action="append", dest="governorates", help="province name (repeatable)")
    p.add_argument("--bbox", type=_bbox, help="minlon,minlat,maxlon,maxlat")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="geo", description=__doc__.splitlines()[0])
    parser.add_argument("-q", "--quiet", action="store_true", help="warnings and errors only")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("resolve", help="print the match(es) for place names as JSON lines")
    p.add_argument("names", nargs="+", metavar="NAME")
    p.add_argument("--all", action="store_true", help="print every candidate, best first")
    p.add_argument("--online", action="store_true", help="allow the opt-in online geocoder (Nominatim)")

    p = sub.add_parser("ingest", help="extract events from .txt/.md/.html/.json(l) files or folders")
    p.add_argument("paths", nargs="+", metavar="PATH", type=Path)
    p.add_argument("--published", type=_date,
                   help="publication date for files that carry none (index.csv, metadata or a date line win)")
    p.add_argument("--source", help="source label (default: outlet from index.csv, else the file name)")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (0 = all cores; default 1); with"
                   " --engine dask and no --scheduler, the local cluster's workers (default: all cores)")
    p.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="where extraction runs: here (local) or on a dask.distributed cluster (dask)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler address (tcp://host:8786); default: a local cluster of --jobs workers")
    p.add_argument("--no-progress", action="store_true")
    _add_store(p)

    p = sub.add_parser("reprocess", help="rebuild every event from the stored article texts")
    _add_store(p)

    p = sub.add_parser("events", help="list stored events as a table")
    _add_store(p)
    _add_filters(p)
    p.add_argument("--limit", type=_positive, default=0, help="show the first N events only")

    p = sub.add_parser("export", help="export events (or bases) as geojson, gpkg, csv or parquet")
    p.add_argument("-o", "--output", required=True, type=Path)
    p.add_argument("--format", choices=("geojson", "gpkg", "csv", "parquet"), help="default: from the suffix")
    p.add_argument("--layer", choices=("events", "bases"), default="events")
    _add_store(p)
    _add_filters(p)

    p = sub.add_parser("check", help="verify a store (integrity, schema, relations, quotes); say what to do")
    _add_store(p)

    p = sub.add_parser("evaluate", help="score the extractor against a gold JSONL file")
    p.add_argument("gold", type=Path)
    p.add_argument("--seeds", type=Path, default=None, help="folder of the gold's articles (with index.csv)")

    p = sub.add_parser("dashboard", help="start the Streamlit app (read-only unless --allow-upload)")
    p.add_argument("--port", type=int, default=int(os.environ.get("GEO_PORT", 8501)))
    p.add_argument("--headless", action="store_true")
    p.add_argument("--allow-upload", action="store_true",
                   help="let the browser add articles; beyond localhost this needs the access token printed at"
                   f" start (or ${access.ENV_TOKEN})")
    p.add_argument("--address", help="where to listen (default: localhost only; 0.0.0.0 shares it on the LAN)")
    _add_store(p)
    return parser


def _done(args: argparse.Namespace, line: str) -> str:
    """Mark the command's work as finished (a signal from now on interrupts nothing); returns ``line``."""
    args.done = line
    return line


def _cmd_resolve(args: argparse.Namespace) -> int:
    missing = 0
    for name in args.names:
        found = candidates(name) if args.all else [p for p in [resolve(name, online=args.online)] if p]
        if not found:
            missing += 1
            print(f"geo resolve: no place matches {name!r}", file=sys.stderr)
        for place in found:
            print(json.dumps({"query": name, **place.to_dict()}, ensure_ascii=False))
    return 1 if missing else 0


def _cmd_ingest(args: argparse.Namespace) -> int:
    engine = "dask" if args.scheduler else args.engine
    jobs = args.jobs if args.jobs is not None else (0 if engine == "dask" else 1)
    report = ingest_paths(
        args.paths,
        store=args.store,
        published=args.published,
        source=args.source,
        jobs=jobs,
        progress=not args.no_progress and sys.stderr.isatty(),
        engine=engine,
        scheduler=args.scheduler,
    )
    print(_done(args, report.summary()))
    return 0 if report.read or not report.skipped else 1


def _cmd_reprocess(args: argparse.Namespace) -> int:
    print(_done(args, reprocess(store=args.store).summary()))
    return 0


def _filters(args: argparse.Namespace) -> dict[str, Any]:
    return {"start": args.start, "end": args.end, "types": args.types, "governorates": args.governorates,
            "bbox": args.bbox}


def _cmd_events(args: argparse.Namespace) -> int:
    # The store answers in SQL: only the events asked for (and only --limit of them) are read.
    with open_seeded_store(args.store, create=False) as store:
        events = store.query(limit=args.limit or None, **_filters(args))
    print(format_table(events))
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    if args.layer == "bases":
        # A base's status needs its whole history up to the chosen date, not only the window's events.
        with open_seeded_store(args.store, create=False) as store:
            history = store.events(end=args.end)
        n = export_bases(history, args.output, fmt=args.format, at=args.end)
    else:
        with open_seeded_store(args.store, create=False) as store:
            # streamed: a page of the answer at a time, whatever its size
            n = export_events(store.iter_query(**_filters(args)), args.output, fmt=args.format)
    print(_done(args, f"wrote {n} {args.layer} to {args.output}"))
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    findings = check_store(args.store, current_version=EXTRACTOR_VERSION)
    for f in findings:
        print(f.line())
    bad = sum(not f.ok for f in findings)
    print(f"{bad} problem{'s' if bad != 1 else ''} found" if bad else "the store is sound")
    return 1 if bad else 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    # the one command that uses the development tools; imported here so the pipeline never loads them
    from .devtools.evaluate import evaluate_file

    result = evaluate_file(args.gold, seeds_dir=args.seeds)
    print(result.report())
    return 0


def _cmd_dashboard(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    if args.store:
        env["GEO_STORE"] = args.store if is_url(args.store) else str(Path(args.store).resolve())
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "dashboard" / "app.py"),
        "--server.port", str(args.port),
        "--server.enableStaticServing", "true",  # the vendored Leaflet & co., whatever the cwd
        "--browser.gatherUsageStats", "false",
    ]
    if args.headless:
        cmd += ["--server.headless", "true"]
    if args.address:
        cmd += ["--server.address", args.address]
    env, line = _dashboard_access(args.allow_upload, args.address or "localhost", env)
    if line:
        print(f"geo dashboard: {line}", file=sys.stderr)
    # Streamlit refuses bigger files itself (whole MB), before the app's own per-file check
    limit_mb = env.get(access.ENV_MAX_MB, str(access.DEFAULT_MAX_MB))
    try:
        cmd += ["--server.maxUploadSize", str(max(1, math.ceil(float(limit_mb))))]
    except ValueError:
        raise GeoError(f"{access.ENV_MAX_MB}={limit_mb!r} is not a number of MB") from None
    os.chdir(PROJECT_ROOT / "dashboard")  # streamlit reads dashboard/.streamlit/config.toml
    # Replace this process, so Ctrl-C and kill reach streamlit itself.
    os.execve(sys.executable, cmd, env)
    return 0  # not reached


def _dashboard_access(allow_upload: bool, address: str, env: dict[str, str]) -> tuple[dict[str, str], str | None]:
    """The Streamlit process's environment for the write switch, and the line to print at start."""
    env = {k: v for k, v in env.items() if k != access.ENV_UPLOAD}
    if not allow_upload:
        return env, None
    env[access.ENV_UPLOAD] = "1"
    if access.is_local(address):
        return env, None
    chosen = env.get(access.ENV_TOKEN)
    token = chosen or access.new_token()
    env[access.ENV_TOKEN] = token
    how = "" if chosen else f" (set {access.ENV_TOKEN} to choose it)"
    return env, (f"uploads from other machines need this access token{how}: {token}"
                 f"  (or open the page with ?{access.TOKEN_PARAM}={token})")


_COMMANDS = {
    "resolve": _cmd_resolve,
    "ingest": _cmd_ingest,
    "reprocess": _cmd_reprocess,
    "events": _cmd_events,
    "export": _cmd_export,
    "check": _cmd_check,
    "evaluate": _cmd_evaluate,
    "dashboard": _cmd_dashboard,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging("WARNING" if args.quiet else None)
    old_term = take_sigterm() if threading.current_thread() is threading.main_thread() else None
    try:
        return _COMMANDS[args.command](args)
    except GeoError as exc:
        print(f"geo {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        if getattr(args, "done", None):  # the signal came after the work was finished: nothing is undone
            print(args.done)
            return 0
        print(f"geo {args.command}: interrupted; the store keeps every article committed so far", file=sys.stderr)
        return 128 + (exc.signum if isinstance(exc, Interrupted) else signal.SIGINT)
    except BrokenPipeError:
        return 0
    finally:
        if old_term is not None:
            signal.signal(signal.SIGTERM, old_term)
        if argv is None and getattr(args, "done", None):
            # the program is about to exit with its work done: a late Ctrl-C must not turn that into a traceback
            for s in HELD_SIGNALS:
                signal.signal(s, signal.SIG_IGN)


if __name__ == "__main__":
    sys.exit(main())
