"""Read article files (.txt, .md, .html, .json, .jsonl) into plain text plus metadata.

Decoding copes with what the Arabic press and its archivists hand over: UTF-8 with or without BOM,
UTF-16 with BOM, Windows-1256. Binary, empty and oversized files raise ``InputError`` with one line
that says what was wrong; a huge file is rejected from its size alone, never read into memory.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core import settings
from ..core.errors import InputError

log = logging.getLogger("geo.ingest")  # the stage, as users read it in warnings

TEXT_SUFFIXES = frozenset({".txt", ".md", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSON_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson"})
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES

# Elements whose text is never article text.
_DROP_TAGS = "script, style, nav, noscript, template, svg, iframe, form, button"
# Elements that end a paragraph or a line in the rendered page.
_BLOCK_TAGS = (
    "p, div, br, h1, h2, h3, h4, h5, h6, li, tr, blockquote, article, section, header, footer, "
    "main, aside, figure, figcaption, pre, table, ul, ol, dl, dt, dd, hr, title"
)
# lexbor handles closing tags of very deep nesting in quadratic time (50k nested <div> take 4.5 s);
# past this depth the container tags are flattened to line breaks before parsing.
MAX_HTML_DEPTH = 2000
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "p",
        "li",
        "td",
        "tr",
        "th",
        "option",
        "dt",
        "dd",
    ]
)
# A start or end tag. Quoted attribute values may hold ">" and "<"; outside quotes a tag stops at the next "<",
# so a page full of unclosed "<a " costs linear time, not quadratic (60 KB of them took 11 s with [^>]*).
_TAG_RE = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9-]*)(?:[^<>"']|"[^"]*"|'[^']*'|["'])*?(/?)>""")
_KEEP_ON_FLATTEN = frozenset(
    ["html", "head", "body", "title", "script", "style", "nav", "noscript", "template", "meta", "time"]
)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class Document:
    """One article read from a file (a JSON file may hold several)."""

    path: Path
    name: str  # file name, with "#n" for the n-th record of a JSON list/JSONL file
    text: str
    title: str = ""
    url: str = ""
    published: dt.date | None = None
    source: str = ""
    outlet: str = ""
    encoding: str = "utf-8"


def _fail(path: Path | str, reason: str) -> InputError:
    return InputError(f"{Path(path).name}: {reason}")


# ---------------------------------------------------------------- decoding
def _plausible(text: str) -> bool:
    """True when decoded text looks like language: letters mostly Arabic or Latin, few control chars."""
    if not text:
        return False
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\n\r\t\f")
    letters = [c for c in text if c.isalpha()]
    if controls > max(2, len(text) // 200) or not letters:
        return False
    good = sum(1 for c in letters if c < "\u0250" or "\u0600" <= c <= "\u06ff" or "\ufb50" <= c <= "\ufeff")
    return good >= 0.9 * len(letters)


def _bomless_utf16(data: bytes) -> list[str]:
    """The UTF-16 byte orders ``data`` may be in: NULs only in odd (LE) or only in even (BE) positions."""
    sample = data[:4096] if len(data) % 2 == 0 else b""
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if not sample or (even and odd):
        return []
    return ["utf-16-le"] if odd else ["utf-16-be"]


def decode_bytes(data: bytes, name: str = "input") -> tuple[str, str]:
    """Decode article bytes to text; returns (text, encoding). Raises InputError for binary data."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    for bom, codec in (
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), codec
            except UnicodeDecodeError:
                raise _fail(name, f"invalid {codec.upper()} text; save it as UTF-8") from None
    if b"\x00" in data:
        # UTF-16 saved without a BOM: Arabic and ASCII leave a NUL in every other byte. Anything else
        # with NULs is binary.
        for codec in _bomless_utf16(data):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if _plausible(text):
                return text, codec
        raise _fail(name, "binary file, not text; skipped")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    candidates: list[str] = []
    best = from_bytes(data).best()
    if best is not None:
        candidates.append(best.encoding)
    candidates.append("cp1256")  # the Arabic press's legacy encoding; detection misses short texts
    for codec in candidates:
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        if _plausible(text):
            return text, codec
    raise _fail(name, "binary file, not text; skipped")


def _size(n: int) -> str:
    if n >= 1e6:
        return f"{n / 1e6:.1f} MB"
    return f"{n / 1e3:.1f} KB" if n >= 1e3 else f"{n} bytes"


def read_bytes(path: Path) -> bytes:
    """The file's bytes, after checking its size against ``settings.MAX_ARTICLE_BYTES``."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _fail(path, f"cannot read ({exc.strerror or exc}); skipped") from None
    limit = settings.MAX_ARTICLE_BYTES
    if size > limit:
        raise _fail(
            path,
            f"too large ({_size(size)} > {_size(limit)} limit); split it or raise GEO_MAX_ARTICLE_BYTES",
        )
    if size == 0:
        raise _fail(path, "empty file; skipped")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _fail(path, f"cannot read ({exc.strerror or exc}); skipped") from None


def clean_text(text: str) -> str:
    """Drop a BOM and NULs, unify line ends; the text itself is otherwise kept as written."""
    text = text.replace("\ufeff", "").replace("\x00", "")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def normalized_for_hash(text: str) -> str:
    """The form whose sha256 is an article's id: NFC, no trailing spaces, no blank-line runs."""
    text = unicodedata.normalize("NFC", clean_text(text))
    lines = [ln.rstrip() for ln in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# ---------------------------------------------------------------- HTML
def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    m = _ISO_DATE.search(value)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _max_depth(html: str) -> int:
    depth = best = 0
    for m in _TAG_RE.finditer(html):
        tag = m[2].lower()
        if tag in _VOID or m[3]:
            continue
        if m[1]:
            depth = max(0, depth - 1)
        else:
            depth += 1
            best = max(best, depth)
    return best


def _flatten(html: str) -> str:
    def repl(m: re.Match[str]) -> str:
        return m[0] if m[2].lower() in _KEEP_ON_FLATTEN else "\n"

    return _TAG_RE.sub(repl, html)


def html_to_text(html: str, name: str = "input") -> tuple[str, dict[str, Any]]:
    """Main text of an HTML page (paragraph breaks kept) and its metadata (title, published, url)."""
    from selectolax.lexbor import LexborHTMLParser

    depth = _max_depth(html)
    if depth > MAX_HTML_DEPTH:
        log.warning("%s: tags nested %d deep; flattened before parsing", name, depth)
        html = _flatten(html)
    tree = LexborHTMLParser(html)
    meta: dict[str, Any] = {}
    title = tree.css_first("title")
    if title is not None:
        meta["title"] = " ".join(title.text().split())
    for sel, attr in (
        ('meta[property="article:published_time"]', "content"),
        ('meta[itemprop="datePublished"]', "content"),
        ('meta[name="date"]', "content"),
        ('meta[name="pubdate"]', "content"),
        ("time[datetime]", "datetime"),
    ):
        node = tree.css_first(sel)
        if node is not None and (d := _parse_date(node.attributes.get(attr))):
            meta["published"] = d
            break
    canon = tree.css_first('link[rel="canonical"]') or tree.css_first('meta[property="og:url"]')
    if canon is not None:
        meta["url"] = canon.attributes.get("href") or canon.attributes.get("content") or ""
    for node in tree.css(_DROP_TAGS):
        node.decompose()
    body = tree.body or tree.root
    if body is None:
        return "", meta
    for node in body.css(_BLOCK_TAGS):
        node.insert_before("\n\n")
        node.insert_after("\n\n")
    raw = body.text(deep=True)
    lines = [re.sub(r"[ \t\f\v\r]+", " ", ln).strip() for ln in raw.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text, meta


# ---------------------------------------------------------------- JSON
def _record_doc(path: Path, name: str, rec: Any, encoding: str) -> Document:
    if not isinstance(rec, dict):
        raise _fail(name, "JSON record is not an object; skipped")
    text = rec.get("text") or rec.get("content") or rec.get("body") or ""
    if not isinstance(text, str) or not text.strip():
        raise _fail(name, "JSON record has no text; skipped")
    published = rec.get("published") or rec.get("date") or rec.get("published_at")
    return Document(
        path=path,
        name=name,
        text=clean_text(text),
        title=str(rec.get("title") or ""),
        url=str(rec.get("url") or ""),
        published=_parse_date(str(published)) if published else None,
        source=str(rec.get("source") or ""),
        outlet=str(rec.get("outlet") or ""),
        encoding=encoding,
    )


def read_documents(path: Path) -> tuple[list[Document], list[tuple[str, str]]]:
    """Documents of one file, and (name, reason) for records of a JSON file that were skipped.

    Raises InputError when the whole file cannot be used.
    """
    path = Path(path)
    data = read_bytes(path)
    text, encoding = decode_bytes(data, path.name)
    text = clean_text(text)
    if not text.strip():
        raise _fail(path, "empty file; skipped")
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES or (suffix not in SUFFIXES and re.match(r"\s*<(!doctype|html)", text, re.I)):
        body, meta = html_to_text(text, path.name)
        if not body:
            raise _fail(path, "no text in the HTML page; skipped")
        doc = Document(
            path,
            path.name,
            body,
            meta.get("title", ""),
            meta.get("url", ""),
            meta.get("published"),
            encoding=encoding,
        )
        return [doc], []
    if suffix in JSON_SUFFIXES:
        return _read_json(path, text, encoding)
    return [Document(path, path.name, text, encoding=encoding)], []


def _read_json(path: Path, text: str, encoding: str) -> tuple[list[Document], list[tuple[str, str]]]:
    records: list[Any]
    if path.suffix.lower() in {".jsonl", ".ndjson"}:
        records = []
        for i, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                raise _fail(path, f"invalid JSON on line {i}; fix it or split the file") from None
    else:
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _fail(path, f"invalid JSON (line {exc.lineno}); fix it or save the text as .txt") from None
        records = obj if isinstance(obj, list) else [obj]
    if not records:
        raise _fail(path, "empty file; skipped")
    single = len(records) == 1
    docs, skipped = [], []
    for i, rec in enumerate(records, 1):
        name = path.name if single else f"{path.name}#{i}"
        try:
            docs.append(_record_doc(path, name, rec, encoding))
        except InputError as exc:
            if single:
                raise
            skipped.append((name, str(exc).removeprefix(f"{name}: ")))
    return docs, skipped
