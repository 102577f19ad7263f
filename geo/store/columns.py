"""The store's tables as data: every backend's DDL and the row ↔ Event mapping are generated here.

The events table is ``geo.core.PROPERTIES`` (the stored ones), framed by the store's own keys: a new
Event property appears in both schemas, the writers and the reader without another listing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

import shapely

from gazetteer.models import Place

from ..core.errors import NOT_UTF8, StoreError
from ..core.models import FIELD_DEFAULTS, PROPERTIES, Event, EventColumns
from ..events import merge_kind


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text | int | real | date | point | line | key (a NOT NULL text key)


# The SQL type of each kind, per backend (``{srs}`` is the SRS id).
SQL_TYPES: dict[str, dict[str, str]] = {
    "gpkg": {"text": "TEXT", "key": "TEXT NOT NULL", "int": "INTEGER", "real": "REAL", "date": "DATE",
             "point": "POINT", "line": "LINESTRING"},
    "postgis": {"text": "text", "key": "text NOT NULL", "int": "integer", "real": "double precision",
                "date": "date", "point": "geometry(Point, {srs})", "line": "geometry(LineString, {srs})"},
}

_STORED = tuple(p for p in PROPERTIES if p.column)
EVENT_COLUMNS: tuple[Column, ...] = (
    Column("geom", "point"),
    Column("event_id", "key"),
    Column("article_id", "key"),
    *(Column(p.column, p.kind) for p in _STORED if p.column != "event_id"),
    Column("extractor_version", "text"),
    # The store's own: what the incremental merge looks up (``merge_kind``, the span's last day) and
    # the merged event this report belongs to (``merged_events.fid``).
    Column("merge_kind", "text"),
    Column("last_date", "date"),
    Column("merged_fid", "int"),
)
# The cross-article merge as rows: one per merged event, its kept report's properties (with the counts,
# destination and confidence the merge filled in), every source and quote (JSON lists) and, for the
# bounding-box question, the destination's point (a movement is found by either end).
MERGED_COLUMNS: tuple[Column, ...] = (
    Column("geom", "point"),
    Column("event_id", "key"),
    Column("article_id", "key"),
    *(Column(p.column, p.kind) for p in _STORED if p.column != "event_id"),
    Column("merge_kind", "text"),
    Column("last_date", "date"),
    Column("sources", "text"),
    Column("quotes", "text"),
    Column("reports", "int"),
    Column("dest_lon", "real"),
    Column("dest_lat", "real"),
)
PLACE_COLUMNS: tuple[Column, ...] = (
    Column("geom", "point"),
    Column("id", "key"),
    *(Column(n, "text") for n in ("name", "name_ar", "kind", "precision")),
    Column("lat", "real"),
    Column("lon", "real"),
    *(Column(n, "text") for n in ("province", "country", "origin", "confidence")),
)
MOVE_COLUMNS: tuple[Column, ...] = (
    Column("geom", "line"),
    Column("event_id", "key"),
    Column("article_id", "key"),
    Column("type", "text"),
    Column("date", "date"),
    Column("end_date", "date"),
    *(Column(n, "text") for n in ("status", "origin", "destination", "source")),
)

EVENT_COLS = tuple(c.name for c in EVENT_COLUMNS)
MERGED_COLS = tuple(c.name for c in MERGED_COLUMNS)
PLACE_COLS = tuple(c.name for c in PLACE_COLUMNS)
MOVE_COLS = tuple(c.name for c in MOVE_COLUMNS)
# What the reader selects: the stored properties and the article key (the geometry is the place's).
EVENT_READ_COLS = ("article_id", *(p.column for p in _STORED if p.column != "event_id"))
PLACE_READ_COLS = PLACE_COLS[1:]
MERGED_READ_COLS = (*EVENT_READ_COLS, "sources", "quotes")


def column_defs(columns: Sequence[Column], backend: str, srs: int) -> str:
    """``name TYPE, ...`` for a CREATE TABLE of ``backend`` ("gpkg" or "postgis")."""
    types = SQL_TYPES[backend]
    return ", ".join(f"{c.name} {types[c.kind].format(srs=srs)}" for c in columns)


def missing_columns(have: set[str], columns: Sequence[Column], backend: str, srs: int) -> list[str]:
    """``ADD COLUMN`` clauses for the columns a store made by an older version lacks (a new property)."""
    types = SQL_TYPES[backend]
    return [f"ADD COLUMN {c.name} {types[c.kind].format(srs=srs).replace(' NOT NULL', '')}"
            for c in columns if c.name not in have]


def iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def as_date(s: str | dt.date | None) -> dt.date | None:
    if isinstance(s, dt.date):  # PostgreSQL hands back dates, SQLite ISO strings
        return s
    return dt.date.fromisoformat(s[:10]) if s else None


# ---------------------------------------------------------------- rows <-> objects (shared by both backends)
# Every ``*_values`` tuple lines up with its ``*_COLS`` minus the leading "geom": each backend encodes
# the geometry its own way (GeoPackage binary, EWKB/WKB in PostGIS) and puts it in front.
def place_values(p: Place) -> tuple[Any, ...]:
    return (p.id, p.name, p.name_ar, p.kind, p.precision, p.lat, p.lon, p.province, p.country, p.origin, p.confidence)


def _compile_stored() -> Any:
    """``e -> tuple(p.get(e) for p in _STORED)``, with the fields read inline: the writers call it for
    every report and merged event, and one Python call per property was most of their row cost. A
    property with a ``field`` reads back into that field (``_event_fields``), so its value is the field's
    (a day as ISO text); the others (id, place, coordinates) keep their getter."""
    env: dict[str, Any] = {}
    parts = []
    for i, p in enumerate(_STORED):
        if p.field and p.kind == "date":
            parts.append(f"(e.{p.field}.isoformat() if e.{p.field} else None)")
        elif p.field:
            parts.append(f"e.{p.field}")
        else:
            env[f"_get{i}"] = p.get
            parts.append(f"_get{i}(e)")
    exec(f"def stored(e):\n    return ({', '.join(parts)},)\n", env)  # text made here, from PROPERTIES
    return env["stored"]


_stored_values = _compile_stored()
assert EVENT_COLS[3:-4] == MERGED_COLS[3:-7] == tuple(p.column for p in _STORED[1:])


def event_values(article_id: str, e: Event, version: str) -> tuple[Any, ...]:
    values = _stored_values(e)
    return (values[0], article_id, *values[1:], version, merge_kind(e), e.last_date.isoformat(), None)


def _json_texts(items: Sequence[str]) -> str:
    """``json.dumps(list(items), ensure_ascii=False)`` for texts, joined here (the encoder's own layers
    cost more than the encoding of a list of a few texts)."""
    try:
        return "[" + ", ".join(map(encode_basestring, items)) + "]"
    except TypeError:  # not all texts
        return json.dumps(list(items), ensure_ascii=False)


def merged_values(article_id: str, e: Event, reports: int) -> tuple[Any, ...]:
    """A ``MERGED_COLS`` row (minus geom) for the merged event ``e`` whose kept report is of ``article_id``."""
    values = _stored_values(e)
    dest = e.destination
    return (values[0], article_id, *values[1:], merge_kind(e),
            e.last_date.isoformat(), _json_texts(e.all_sources), _json_texts(e.all_quotes), reports,
            dest.lon if dest else None, dest.lat if dest else None)


def movement_line(e: Event) -> shapely.LineString | None:
    """The origin→destination line of a movement, None for any other event."""
    vertices = e.geometry()
    return shapely.LineString(vertices) if len(vertices) == 2 else None


def movement_values(article_id: str, e: Event) -> tuple[Any, ...]:
    assert e.place is not None and e.destination is not None
    return (e.id, article_id, e.type, e.date.isoformat(), iso(e.end_date), e.status, e.place.name,
            e.destination.name, e.source)


def event_places(events: Sequence[Event]) -> list[Place]:
    """The distinct places (origins and destinations) of ``events``, sorted by id (a stable lock order)."""
    found = {p.id: p for e in events for p in (e.place, e.destination) if p is not None}
    return [found[k] for k in sorted(found)]


def row_to_place(r: Sequence[Any]) -> Place:
    """A ``PLACE_READ_COLS`` row as a Place."""
    d = dict(zip(PLACE_READ_COLS, r, strict=True))
    return Place(
        id=d["id"],
        name=d["name"] or "",
        lat=d["lat"],
        lon=d["lon"],
        kind=d["kind"] or "",
        precision=d["precision"] or "",
        name_ar=d["name_ar"] or "",
        province=d["province"] or "",
        country=d["country"] or "",
        origin=d["origin"] or "curated",
        confidence=d["confidence"] or "high",
    )


assert _STORED[0].column == "event_id" and not _STORED[0].field
_READ_FIELDS = tuple((i, p.field, p.kind) for i, p in enumerate(_STORED) if p.field)
_PLACE_AT = EVENT_READ_COLS.index("place_id")
_DEST_AT = EVENT_READ_COLS.index("destination_id")
_PUBLISHED_AT = EVENT_READ_COLS.index("published")


_DATE_FIELDS = tuple((i, name) for i, name, kind in _READ_FIELDS if kind == "date")
_OTHER_FIELDS = tuple((i, name) for i, name, kind in _READ_FIELDS if kind != "date")
# A stored NULL reads back as the field's default (for a required field: empty, or the publication day)
_NULLS = {name: FIELD_DEFAULTS.get(name, "" if kind == "text" else 0) for _, name, kind in _READ_FIELDS}
_DAYS: dict[str, dt.date] = {}  # ISO text -> date: a store holds a few thousand distinct days


def _day(value: str | dt.date) -> dt.date:
    if isinstance(value, dt.date):
        return value
    day = _DAYS.get(value)
    if day is None:
        if len(_DAYS) > 100_000:
            _DAYS.clear()
        day = _DAYS[value] = dt.date.fromisoformat(value[:10])
    return day


def _event_fields(r: Sequence[Any], places: dict[str, Place]) -> dict[str, Any]:
    # EVENT_READ_COLS is the article key where the event id (not read back) stands in _STORED, so a
    # property's position in _STORED is its position in the row.
    published = _day(r[_PUBLISHED_AT])
    fields: dict[str, Any] = {}
    for i, name in _OTHER_FIELDS:
        v = r[i]
        fields[name] = _NULLS[name] if v is None else v
    for i, name in _DATE_FIELDS:
        v = r[i]
        fields[name] = FIELD_DEFAULTS.get(name, published) if v is None else _day(v)
    fields["place"] = places.get(r[_PLACE_AT]) if r[_PLACE_AT] else None
    fields["destination"] = places.get(r[_DEST_AT]) if r[_DEST_AT] else None
    return fields


def row_to_event(r: Sequence[Any], places: dict[str, Place]) -> tuple[str, Event]:
    """An ``EVENT_READ_COLS`` row as (article id, Event), its places looked up in ``places``."""
    return r[0], Event(**_event_fields(r, places))


def str_list(text: str | None) -> tuple[str, ...]:
    """A stored JSON list of strings (``sources``, ``quotes``) as a tuple, what ``json.loads`` gives.

    JSON with no backslash has no escapes, so its strings hold no ``"``: splitting at ``"`` is exact, and
    parsing 200,000 of these lists was a third of reading 100,000 events. Anything else is parsed.
    """
    if not text or text == "[]":
        return ()
    if "\\" not in text:
        parts = text.split('"')
        if parts[0] == "[" and parts[-1] == "]" and all(p.strip() == "," for p in parts[2:-1:2]):
            return tuple(parts[1::2])
    return tuple(json.loads(text))


def row_to_merged(r: Sequence[Any], places: dict[str, Place]) -> Event:
    """A ``MERGED_READ_COLS`` row as the merged Event (with its sources and quotes)."""
    fields = _event_fields(r, places)
    return Event(**fields, sources=str_list(r[-2]), quotes=str_list(r[-1]))


# ---------------------------------------------------------------- rows -> columns (the fast exports)
# What ``rows_to_columns`` reads: every stored field (as ``_event_fields`` does), the place keys and the
# merge's lists, with no place or Event built per row.
_COLUMN_FIELDS = tuple((EVENT_READ_COLS[i], name, kind) for i, name, kind in _READ_FIELDS)
COLUMNS_READ_COLS = (*(c for c, _, _ in _COLUMN_FIELDS), "place_id", "destination_id", "sources", "quotes")
_COLUMN_AT = {c: i for i, c in enumerate(COLUMNS_READ_COLS)}
# The long texts a store may hand over as its UTF-8 bytes (``EventColumns.utf8``): decoding them is a
# tenth of reading a page, and the GeoParquet export only copies them.
COLUMNS_UTF8 = ("quote", "sources", "quotes")
_ISO: dict[str, str] = {}  # stored day text -> its ISO form (as ``_day(...).isoformat()`` gives it)


def _iso_day(value: str | dt.date) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    iso = _ISO.get(value)
    if iso is None:
        if len(_ISO) > 100_000:
            _ISO.clear()
        iso = _ISO[value] = _day(value).isoformat()
    return iso


def _iso_column(values: Sequence[str | dt.date | None], null: Sequence[str | None] | str | None) -> Sequence[Any]:
    """Each day as ISO text (``_iso_day``), a NULL as ``null`` (one value, or the row's value of a column).

    Worked out once per distinct value: a page holds a few hundred days, and a column already in ISO
    form with no NULL (what the writers store) is handed on as it is."""
    seen = set(values)
    has_null = None in seen
    seen.discard(None)
    iso = {v: _iso_day(v) for v in seen}  # type: ignore[arg-type]
    if not has_null and all(type(k) is str and k == v for k, v in iso.items()):
        return values
    if isinstance(null, str) or null is None:
        return [null if v is None else iso[v] for v in values]
    return [n if v is None else iso[v] for v, n in zip(values, null, strict=True)]


class _Columns(Mapping[str, Sequence[Any]]):
    """``rows_to_columns``'s columns, each worked out from the stored values on first use (an export
    reads some columns as the store gives them and never asks for others)."""

    def __init__(self, raw: list[Sequence[Any]], places: dict[str, Place], utf8: bool = False) -> None:
        self._raw = raw
        self._places = places
        self._done: dict[str, Sequence[Any]] = {}
        self._encoded = {_COLUMN_AT[c] for c in COLUMNS_UTF8} if utf8 else set()  # raw columns still bytes

    def __getitem__(self, name: str) -> Sequence[Any]:
        done = self._done.get(name)
        if done is None:
            done = self._done[name] = self._column(name)
        return done

    def __iter__(self) -> Iterator[str]:
        return (k for k in _KEYS if k in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def stored(self, at: int) -> Sequence[Any]:
        """The raw column ``at`` as the store's texts (decoded once when it came as UTF-8)."""
        if at in self._encoded:
            values = self._raw[at]
            try:
                try:
                    decoded: Sequence[Any] = list(map(bytes.decode, values))
                except TypeError:  # a NULL
                    decoded = [None if v is None else v.decode() for v in values]
            except UnicodeDecodeError as exc:
                raise StoreError(NOT_UTF8.format(exc)) from None
            self._raw[at] = decoded
            self._encoded.discard(at)
        return self._raw[at]

    def _column(self, name: str) -> Sequence[Any]:
        if name not in _KINDS:
            raise KeyError(name)
        kind = _KINDS[name]
        if kind == "id":
            # The id the store wrote is ``Event.id`` of the merged event, the hash of fields read back
            # here unchanged, unless a place it names is missing from the places (then the Event has
            # none, and another id): no stored ids for such a page.
            if len(self._raw) <= len(COLUMNS_READ_COLS):
                raise KeyError(name)
            places = self._places
            for key in ("place_id", "destination_id"):
                if not all(v in places for v in set(self._raw[_COLUMN_AT[key]]) if v):
                    raise KeyError(name)
            return self._raw[len(COLUMNS_READ_COLS) + 1]
        if kind == "place":
            places = self._places
            values = self._raw[_COLUMN_AT[name]]
            if all(v is None or (v and v in places) for v in set(values)):  # as stored: worked out per distinct id
                return values
            return [v if v and v in places else None for v in values]
        if kind == "list":
            return [list(str_list(v)) for v in self.stored(_COLUMN_AT[name])]
        column = _FIELD_COLUMN[name]
        values = self.stored(_COLUMN_AT[column])
        if name == "published":
            return _iso_column(values, None)
        if kind == "date":
            if name in FIELD_DEFAULTS:
                d = FIELD_DEFAULTS[name]
                return _iso_column(values, d.isoformat() if d else None)
            return _iso_column(values, self["published"])  # a required day: the publication day stands in
        null = _NULLS[name]
        if null is None or None not in values:
            return values
        return [null if v is None else v for v in values]


class _Lists(Mapping[str, Sequence[str | None]]):
    """``EventColumns.lists``: the stored texts of the lists, decoded when asked for."""

    def __init__(self, columns: _Columns) -> None:
        self._columns = columns

    def __getitem__(self, name: str) -> Sequence[str | None]:
        if name not in _LISTS:
            raise KeyError(name)
        return self._columns.stored(_COLUMN_AT[name])

    def __iter__(self) -> Iterator[str]:
        return iter(_LISTS)

    def __len__(self) -> int:
        return len(_LISTS)


_LISTS = ("sources", "quotes")


def rows_to_columns(rows: Sequence[Sequence[Any]], places: dict[str, Place], utf8: bool = False) -> EventColumns:
    """``COLUMNS_READ_COLS`` rows as one ``EventColumns``: the values ``row_to_merged`` would give its
    Events, column by column (each column when first asked for), and the stored JSON of the lists.
    Rows of ``_keyset_pages`` carry the keys of their order after those (date, event id, fid): the
    event ids are then the ``event_id`` column. ``utf8``: the ``COLUMNS_UTF8`` came as the store's
    UTF-8 bytes (``EventColumns.utf8``)."""
    raw: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [()] * len(COLUMNS_READ_COLS)
    columns = _Columns(raw, places, utf8)
    encoded: dict[str, Sequence[bytes | None]] = {k: raw[_COLUMN_AT[k]] for k in COLUMNS_UTF8} if utf8 else {}
    for name, values in encoded.items():
        null = _NULLS.get(_COLUMN_NAMES.get(name, ""))
        if null is not None and None in values:  # a field's NULL reads as its default (``_column``)
            encoded[name] = [null.encode() if v is None else v for v in values]
    return EventColumns(columns, places, _Lists(columns), encoded)


# Every key of a page's columns: the stored fields, the place keys and the merge's lists.
_FIELD_COLUMN = {name: column for column, name, _ in _COLUMN_FIELDS}
_COLUMN_NAMES = {column: name for column, name, _ in _COLUMN_FIELDS}
_KINDS = {**{name: kind for _, name, kind in _COLUMN_FIELDS}, "place_id": "place", "destination_id": "place",
          "sources": "list", "quotes": "list", "event_id": "id"}
_KEYS = tuple(_KINDS)
