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

from gazetteer import candidates, get_place, resolve
from gazetteer.models import Place

from .core import access
from .core.errors import GeoError, InputError
from .core.log import setup_logging
from .core.models import Event
from .core.settings import PROJECT_ROOT
from .core.taxonomy import COUNT_FIELDS, DATE_PRECISIONS, EVENT_TYPES, REVIEW_STATUSES, STATUSES
from .export import COLUMN_FORMATS, export_bases, export_columns, export_events, format_for, format_table
from .extract import EXTRACTOR_VERSION
from .ingest import HELD_SIGNALS, Interrupted, ingest_paths, open_seeded_store, reprocess, take_sigterm
from .review import (
    add,
    conflicts,
    decide,
    needs_review,
    point_place,
    read_reviews,
    reviewer_name,
    set_reviewer,
    write_reviews,
)
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
    p.add_argument("--include-rejected", action="store_true",
                   help="also export the events an analyst rejected (review_status 'rejected')")
    _add_store(p)
    _add_filters(p)

    p = sub.add_parser("check", help="verify a store (integrity, schema, relations, quotes); say what to do")
    _add_store(p)

    p = sub.add_parser("evaluate", help="score the extractor against a gold JSONL file")
    p.add_argument("gold", type=Path)
    p.add_argument("--seeds", type=Path, default=None, help="folder of the gold's articles (with index.csv)")
    p.add_argument("--store", help="score the events this store holds for those articles, before and after"
                   " its analysts' reviews (instead of running the extractor)")

    _add_review_parser(sub)

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
    with open_seeded_store(args.store, create=False) as store:
        orphans = store.reviewed().orphans
    if orphans:  # kept, never dropped: the analyst decides what they meant
        print(f"{len(orphans)} review decisions match no event any more (kept; see geo review list --orphans)")
    return 0


def _filters(args: argparse.Namespace) -> dict[str, Any]:
    return {"start": args.start, "end": args.end, "types": args.types, "governorates": args.governorates,
            "bbox": args.bbox, "include_rejected": getattr(args, "include_rejected", False)}


def _cmd_events(args: argparse.Namespace) -> int:
    # The store answers in SQL (only the events asked for are read), or from the reviewed view once
    # decisions are stored.
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
            # streamed: a page of the answer at a time, whatever its size; GeoJSON and GeoParquet straight
            # from the rows' columns (no Event per row) unless analysts' decisions must be applied first
            columns = (store.iter_columns(**_filters(args))
                       if format_for(args.output, args.format) in COLUMN_FORMATS else None)
            if columns is not None:
                n = export_columns(columns, args.output, fmt=args.format)
            else:
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
    from .devtools.evaluate import evaluate_file, evaluate_store

    if args.store:
        print(evaluate_store(args.gold, args.store, seeds_dir=args.seeds).report())
        return 0
    result = evaluate_file(args.gold, seeds_dir=args.seeds)
    print(result.report())
    return 0


def _cmd_dashboard(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    if args.store:
        env["GEO_STORE"] = args.store if is_url(args.store) else str(Path(args.store).resolve())
    cmd = [
        # dashboard.serve: Streamlit's command line, after importing what the first page would wait for
        sys.executable, "-m", "dashboard.serve", "run", str(PROJECT_ROOT / "dashboard" / "app.py"),
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


# ---------------------------------------------------------------- geo review (analyst review, issue #16)
def _count(s: str) -> int | None:
    if s.strip().lower() in ("", "none", "unknown"):
        return None
    try:
        n = int(s)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"not a count: {s!r} (a whole number >= 0, or 'none')")
    return n


def _date_or_none(s: str) -> dt.date | None:
    return None if s.strip().lower() in ("", "none") else _date(s)


def _point(s: str) -> tuple[float, float]:
    try:
        lat, lon = (float(x) for x in s.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a point: {s!r} (use LAT,LON in degrees)") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise argparse.ArgumentTypeError(f"not a point on the globe: {s!r} (use LAT,LON)")
    return lat, lon


def _add_event_fields(p: argparse.ArgumentParser) -> None:
    p.add_argument("--type", choices=EVENT_TYPES)
    p.add_argument("--date", type=_date, help="YYYY-MM-DD")
    p.add_argument("--end-date", type=_date_or_none, default=argparse.SUPPRESS, help="YYYY-MM-DD, or none")
    p.add_argument("--precision", choices=DATE_PRECISIONS, help="how precise the date is")
    p.add_argument("--status", choices=STATUSES)
    where = p.add_mutually_exclusive_group()
    where.add_argument("--place", help="a gazetteer place, in Arabic or English (or its id)")
    where.add_argument("--point", type=_point, help="LAT,LON: a point of your own (a click on the map)")
    p.add_argument("--place-name", default="", help="a name for --point")
    p.add_argument("--destination", help="a gazetteer place, or none")
    p.add_argument("--weapon", help="the weapon, or none")
    for k in COUNT_FIELDS:
        p.add_argument(f"--{k}", type=_count, default=argparse.SUPPRESS, help="a count, or none")


def _add_review_parser(sub: argparse._SubParsersAction) -> None:
    review = sub.add_parser("review", help="confirm, correct, reject or add events (kept through every reprocess)")
    rsub = review.add_subparsers(dest="review_command", required=True)

    def who(p: argparse.ArgumentParser) -> None:
        p.add_argument("--note", default="", help="why (shown with the event, exported as review_note)")
        p.add_argument("--by", help="reviewer name (default: $GEO_REVIEWER, else the one set by geo review name)")
        _add_store(p)

    p = rsub.add_parser("name", help="set your reviewer name once")
    p.add_argument("name")
    p = rsub.add_parser("list", help="events with their review state (default: every event)")
    p.add_argument("--status", action="append", choices=REVIEW_STATUSES, help="only this state (repeatable)")
    p.add_argument("--queue", action="store_true", help="the needs-review queue: unsure, consequential first")
    p.add_argument("--orphans", action="store_true", help="decisions whose event is gone (kept, never dropped)")
    p.add_argument("--limit", type=_positive, default=0)
    p.add_argument("--json", action="store_true", help="JSON lines of the events' properties")
    _add_store(p)
    for name, what in (("confirm", "the event is right"), ("reject", "the event is wrong: off the map and exports")):
        p = rsub.add_parser(name, help=what)
        p.add_argument("id", metavar="ID", help="the event's id, as the GeoJSON export gives it")
        who(p)
    p = rsub.add_parser("edit", help="correct an event's type, date, place, destination, status or counts")
    p.add_argument("id", metavar="ID", help="the event's id, as the GeoJSON export gives it")
    _add_event_fields(p)
    who(p)
    p = rsub.add_parser("add", help="add an event the extractor missed")
    _add_event_fields(p)
    p.add_argument("--article", help="the id (or a unique prefix) of the article it comes from")
    p.add_argument("--quote", default="", help="the words of the article that support it")
    p.add_argument("--source", help="source label (default: the article's, else 'analyst NAME')")
    who(p)
    p = rsub.add_parser("export", help="write every decision as JSON lines (to exchange with another analyst)")
    p.add_argument("-o", "--output", default="-", help="file, or - for stdout (default)")
    _add_store(p)
    p = rsub.add_parser("import", help="merge review files: the later decision per event wins; conflicts reported")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    _add_store(p)


def _review_place(name: str) -> Place:
    try:
        return get_place(name)
    except (KeyError, LookupError, ValueError):
        pass
    place = resolve(name)
    if place is None:
        raise InputError(f"no place matches {name!r}; try geo resolve {name!r}, or give --point LAT,LON")
    return place


def _review_fields(args: argparse.Namespace) -> dict[str, Any]:
    """The event fields an edit or add sets, as Event values."""
    out: dict[str, Any] = {}
    for opt, name in (("type", "type"), ("date", "date"), ("precision", "date_precision"), ("status", "status")):
        if getattr(args, opt) is not None:
            out[name] = getattr(args, opt)
    if hasattr(args, "end_date"):
        out["end_date"] = args.end_date
    if args.place:
        out["place"] = _review_place(args.place)
    elif args.point:
        lat, lon = args.point
        out["place"] = point_place(lat, lon, name=args.place_name)
    if args.destination is not None:
        none = args.destination.strip().lower() in ("", "none")
        out["destination"] = None if none else _review_place(args.destination)
    if args.weapon is not None:
        out["weapon"] = None if args.weapon.strip().lower() in ("", "none") else args.weapon
    out.update({k: getattr(args, k) for k in COUNT_FIELDS if hasattr(args, k)})
    return out


def _review_line(e: Event) -> str:
    conf = f"{e.confidence:.2f}" if e.confidence is not None else "-"
    place = e.place.name if e.place else "-"
    who = f"{e.reviewed_by} {e.reviewed_at[:16]}" if e.reviewed_by and e.reviewed_at else ""
    note = f"  {e.review_note}" if e.review_note else ""
    return f"{e.id}  {e.review_status:<10} {e.type:<12} {e.date}  {place[:28]:<28} {conf:>4}  {who}{note}"


def _review_article(store: Any, prefix: str) -> dict[str, Any]:
    found = [a for a in store.articles() if str(a["id"]).startswith(prefix)]
    if len(found) != 1:
        many = "several articles" if found else "no article"
        raise InputError(f"{many} with an id starting {prefix!r}; see the articles' ids in the store")
    a = found[0]
    return {"id": a["id"], "text": store.article_text(a["id"]), "source": a["source"] or "",
            "published": dt.date.fromisoformat(str(a["published"])[:10])}


def _cmd_review(args: argparse.Namespace) -> int:
    cmd = args.review_command
    if cmd == "name":
        print(f"reviewer name saved in {set_reviewer(args.name)}")
        return 0
    with open_seeded_store(args.store, create=cmd not in ("list", "export")) as store:
        view = store.reviewed()
        if cmd == "list":
            if args.orphans:
                for r in view.orphans:
                    where = ", ".join(f"{a.type} at {a.place_id or '-'} in article {a.article_id[:12]}"
                                      for a in r.anchors[:1])
                    note = f"  {r.note}" if r.note else ""
                    print(f"{r.event_id or r.key}  {r.status:<10} {r.reviewer} {r.at[:16]}  ({where}){note}")
                print(f"{len(view.orphans)} decisions match no event", file=sys.stderr)
                return 0
            events = needs_review(view.events) if args.queue else list(view.events)
            if args.status:
                events = [e for e in events if e.review_status in args.status]
            if args.limit:
                events = events[: args.limit]
            for e in events:
                print(json.dumps(e.to_dict(), ensure_ascii=False) if args.json else _review_line(e))
            counts = view.counts()
            orphans = f"; {len(view.orphans)} orphaned decisions (geo review list --orphans)" if view.orphans else ""
            # two reviewed events that now merge into one: the later decision rules, the other is kept
            shadowed = f"; {len(view.shadowed)} decisions overruled by a later one on the same event" \
                if view.shadowed else ""
            print(", ".join(f"{counts.get(s, 0)} {s}" for s in REVIEW_STATUSES) + orphans + shadowed, file=sys.stderr)
            return 0
        if cmd == "export":
            rows = store.review_rows()
            if args.output == "-":
                n = write_reviews(rows, sys.stdout)
            else:
                try:
                    with open(args.output, "w", encoding="utf-8") as f:
                        n = write_reviews(rows, f)
                except OSError as exc:
                    raise InputError(f"cannot write {args.output} ({exc.strerror})") from None
            print(f"wrote {n} review decisions to {args.output}", file=sys.stderr)
            return 0
        if cmd == "import":
            files = [(str(f), read_reviews(f)) for f in args.files]  # every file read before anything is stored
            found = conflicts([("this store", store.review_rows()), *files])
            new = store.add_reviews([r for _, rows in files for r in rows])
            after = store.reviewed()
            total = sum(len(rows) for _, rows in files)
            print(f"imported {total} review decisions from {len(files)} files ({new} new); {len(found)} conflicts"
                  f"{'; ' + str(len(after.orphans)) + ' match no event here (kept)' if after.orphans else ''}")
            for c in found:
                print(c.line())
            return 0
        who = reviewer_name(args.by)
        if cmd == "add":
            article = _review_article(store, args.article) if args.article else None
            fields = _review_fields(args)
            if args.quote:
                fields["quote"] = args.quote
            if args.source:
                fields["source"] = args.source
            review = add(fields, who, note=args.note, article=article)
        else:
            i = view.index_of(args.id)
            if i is None:
                raise InputError(f"no event with id {args.id!r} in {store.path}; list them with geo review list")
            if cmd == "edit":
                changes = _review_fields(args)
                if not changes:
                    raise InputError("nothing to change; give --type, --date, --place, --point, --status or a count")
                review = decide(view, i, "corrected", who, note=args.note, changes=changes)
            else:
                review = decide(view, i, "confirmed" if cmd == "confirm" else "rejected", who, note=args.note)
        store.add_reviews([review])
        shown = next((e for e in store.reviewed().events if e.id == (review.event_id or review.key.split(":")[-1])),
                     None)
        print(_review_line(shown) if shown else f"{review.status} {review.key}")
    return 0


_COMMANDS = {
    "resolve": _cmd_resolve,
    "ingest": _cmd_ingest,
    "reprocess": _cmd_reprocess,
    "events": _cmd_events,
    "export": _cmd_export,
    "check": _cmd_check,
    "evaluate": _cmd_evaluate,
    "dashboard": _cmd_dashboard,
    "review": _cmd_review,
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
