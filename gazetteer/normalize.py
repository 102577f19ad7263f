"""One normaliser for Arabic (and Latin) text, used by every matcher in the project.

``normalize`` folds spelling variants the press mixes (hamza forms, ta marbuta, Persian letters,
Arabic-Indic digits, tashkeel, tatweel, odd spaces, invisible bidi marks) so that patterns can be
matched on one form. ``normalize_with_map`` does the same and also returns, for every character of
the result, the index of the original character it came from, so matches map back to exact offsets.
"""

from __future__ import annotations

import bisect
import re
import unicodedata

# Folds applied after NFKC, character by character. Hamza carriers are folded to their base
# letter because the press writes the same name with and without hamza (الأنبار / الانبار).
_FOLD: dict[str, str] = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ی": "ي", "ې": "ي", "ۍ": "ي", "ئ": "ي",
    "ة": "ه", "ھ": "ه", "ۀ": "ه", "ە": "ه", "ہ": "ه",
    "ؤ": "و",
    "ک": "ك", "ڪ": "ك",
    "گ": "ك",  # Kurdish/Persian gaf in Iraqi place names (e.g. كركوك/گرگوک)
    "٫": ".", "٬": ",",
    # Quotation marks read as spaces: the press quotes names (حقل "كونيكو"، قاعدة «التنف»), and one
    # character for one keeps every offset where it was.
    '"': " ", "“": " ", "”": " ", "«": " ", "»": " ", "„": " ", "‟": " ",
}
for _i, _d in enumerate("٠١٢٣٤٥٦٧٨٩"):
    _FOLD[_d] = str(_i)
for _i, _d in enumerate("۰۱۲۳۴۵۶۷۸۹"):
    _FOLD[_d] = str(_i)

# Dropped entirely: tashkeel, Quranic marks, tatweel, combining hamza, bidi controls, zero-width.
_DROP = set(
    [chr(c) for c in range(0x064B, 0x0660)]
    + [chr(0x0670), chr(0x0640)]
    + [chr(c) for c in range(0x06D6, 0x06EE) if c not in (0x06E5, 0x06E6)]
    + ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff", "\u00ad"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)

_SPACES = set(
    "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t"
)


def _fold_char(ch: str) -> str:
    if ch in _DROP:
        return ""
    if ch in _SPACES:
        return " "
    if ch in _FOLD:
        return _FOLD[ch]
    out = []
    for c in unicodedata.normalize("NFKC", ch):
        if c in _DROP:
            continue
        if c in _SPACES:
            out.append(" ")
            continue
        c = _FOLD.get(c, c)
        out.append(c.lower() if c.isascii() else c)
    return "".join(out)


_CACHE: dict[str, str] = {}
# Every character seen so far whose fold differs from itself, split in two: the frequent ones (the
# explicit _FOLD table: hamza forms, ta marbuta, alif maqsura, digits...) are replaced after a cheap
# ``in`` test; the rest (tashkeel, ASCII capitals, presentation forms, odd spaces...) are found with
# one regex scan. Chained ``str.replace`` is several times faster than ``str.translate`` on long
# Arabic text; it is exact because every fold result is itself already folded (idempotence).
# _IRREGULAR holds the characters whose fold is not exactly one character (dropped or expanded):
# only those break the identity offset map.
_CHANGED: set[str] = set()
_COMMON: tuple[str, ...] = tuple(_FOLD)
_IRREGULAR: set[str] = set()
_rare_re: re.Pattern[str] | None = None
_irregular_re: re.Pattern[str] | None = None


def _fold(ch: str) -> str:
    r = _CACHE.get(ch)
    if r is None:
        r = _fold_char(ch)
        _CACHE[ch] = r
    return r


def _char_class(chars: set[str]) -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")


def _learn_chars(chars: set[str]) -> None:
    global _irregular_re, _rare_re
    for ch in chars:
        f = _fold(ch)
        if f != ch and ch not in _CHANGED:
            _CHANGED.add(ch)
            _rare_re = None
        if len(f) != 1 and ch not in _IRREGULAR:
            _IRREGULAR.add(ch)
            _irregular_re = None


# Characters learnt at import: ASCII/Latin, Arabic blocks, general punctuation, presentation forms.
# Anything else is found with one regex scan (much cheaper than ``set(text)`` on long articles).
_PRELEARNT = "\x00-\u024f\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\u2000-\u206f\ufb50-\ufdff\ufe70-\ufeff"
_PRELEARNT_RANGES = ((0, 0x24F), (0x600, 0x6FF), (0x750, 0x77F), (0x8A0, 0x8FF), (0x2000, 0x206F),
                     (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
_learn_chars({chr(c) for lo, hi in _PRELEARNT_RANGES for c in range(lo, hi + 1)})
_UNKNOWN_RE = re.compile(f"[^{_PRELEARNT}]")


def _learn(text: str) -> None:
    unknown = set(_UNKNOWN_RE.findall(text)).difference(_CACHE)
    if unknown:
        _learn_chars(unknown)


def _irregular() -> re.Pattern[str] | None:
    global _irregular_re
    if _irregular_re is None and _IRREGULAR:
        _irregular_re = _char_class(_IRREGULAR)
    return _irregular_re


def _rare() -> re.Pattern[str]:
    global _rare_re
    if _rare_re is None:
        _rare_re = _char_class(_CHANGED.difference(_COMMON) or {"\x00"})
    return _rare_re


def _apply(text: str) -> str:
    for ch in _COMMON:
        if ch in text:
            text = text.replace(ch, _CACHE[ch])
    for ch in set(_rare().findall(text)):
        if ch in _CHANGED:
            text = text.replace(ch, _CACHE[ch])
    return text


def normalize(text: str) -> str:
    """Fold ``text`` to the single form every matcher uses (idempotent; ASCII is lower-cased)."""
    _learn(text)
    return _apply(text)


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Return ``(normalized, index)`` where ``index[i]`` is the original offset of normalized char ``i``.

    ``index`` has one extra entry, ``len(text)``, so a normalized end offset maps to an original
    end offset: a match ``norm[a:b]`` is ``text[index[a]:index[b - 1] + 1]``.
    """
    norm, offsets = normalize_with_offsets(text)
    return norm, offsets.to_list(len(norm))


class OffsetMap:
    """Normalised offset -> original offset, stored as anchors (cheap for long texts).

    Between anchors the map is the identity shifted: position ``i`` maps to
    ``orig[k] + (i - norm[k])`` for the last anchor ``k`` with ``norm[k] <= i``.
    """

    __slots__ = ("norm", "orig")

    def __init__(self, norm: list[int] | None = None, orig: list[int] | None = None) -> None:
        self.norm = norm if norm is not None else [0]
        self.orig = orig if orig is not None else [0]

    def __call__(self, i: int) -> int:
        k = bisect.bisect_right(self.norm, i) - 1
        return self.orig[k] + (i - self.norm[k])

    def to_list(self, length: int) -> list[int]:
        """The full index (``length + 1`` entries, as ``normalize_with_map`` returns)."""
        index: list[int] = []
        bounds = [*self.norm[1:], length + 1]
        for a, b, o in zip(self.norm, bounds, self.orig, strict=True):
            index.extend(range(o, o + (b - a)))
        return index


def normalize_with_offsets(text: str) -> tuple[str, OffsetMap]:
    """Like ``normalize_with_map`` but the offsets come as a compact ``OffsetMap``."""
    _learn(text)
    norm = _apply(text)
    pattern = _irregular()
    if pattern is None or (len(norm) == len(text) and not pattern.search(text)):
        return norm, OffsetMap()
    anchors_n, anchors_o = [0], [0]
    shift = 0  # len(norm so far) - len(text so far)
    for m in pattern.finditer(text):
        i = m.start()
        f_len = len(_CACHE[text[i]])
        p = i + shift  # where the fold of text[i] starts in norm
        for j in range(1, f_len):
            anchors_n.append(p + j)
            anchors_o.append(i)
        shift += f_len - 1
        anchors_n.append(i + 1 + shift)
        anchors_o.append(i + 1)
    return norm, OffsetMap(anchors_n, anchors_o)


def original_span(index: list[int], start: int, end: int) -> tuple[int, int]:
    """Map a half-open span of the normalized text back to the original text."""
    if end <= start:
        o = index[start]
        return o, o
    return index[start], index[end - 1] + 1


# --- Latin transliterations -------------------------------------------------------------------

_LATIN_SUBS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"[’‘`´ʿʾ']"), ""),
    (re.compile(r"[-_/.,()]+"), " "),
    (re.compile(r"\b(?:al|el|as|ash|ad|ar|an|at|az|adh)\s+"), ""),  # article: "al Asad" -> "asad"
    (re.compile(r"\b(?:ayn|ein)\b"), "ain"),
    (re.compile(r"\b(?:thi|zi|di)\s+qar\b"), "dhi qar"),
    (re.compile(r"\bqa\s*im\b"), "qaim"),
    (re.compile(r"ss"), "s"),
    (re.compile(r"iyy"), "iy"),
    (re.compile(r"\s+"), " "),
]


def normalize_latin(name: str) -> str:
    """Fold a Latin transliteration: case, accents, "al-", Ayn/Ain, apostrophes, hyphens, Thi/Dhi/Zi."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower().strip()
    for pat, rep in _LATIN_SUBS:
        s = pat.sub(rep, s)
    return s.strip()


_ARABIC_RE = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")


def is_arabic(text: str) -> bool:
    """True when ``text`` contains any Arabic-script character."""
    return bool(_ARABIC_RE.search(text))
