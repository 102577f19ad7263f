"""One normaliser for Arabic (and Latin) text, used by every matcher in the project.

``normalize`` folds spelling variants the press mixes (hamza forms, ta marbuta, Persian letters,
Arabic-Indic digits, tashkeel, tatweel, odd spaces, invisible bidi marks) so that patterns can be
matched on one form. ``normalize_with_map`` does the same and also returns, for every character of
the result, the index of the original character it came from, so matches map back to exact offsets.
"""

from __future__ import annotations

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

_SPACES = set("\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t")


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


def _fold(ch: str) -> str:
    r = _CACHE.get(ch)
    if r is None:
        r = _fold_char(ch)
        _CACHE[ch] = r
    return r


def normalize(text: str) -> str:
    """Fold ``text`` to the single form every matcher uses (idempotent; ASCII is lower-cased)."""
    return "".join([_fold(ch) for ch in text])


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Return ``(normalized, index)`` where ``index[i]`` is the original offset of normalized char ``i``.

    ``index`` has one extra entry, ``len(text)``, so a normalized end offset maps to an original
    end offset: a match ``norm[a:b]`` is ``text[index[a]:index[b - 1] + 1]``.
    """
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        f = _fold(ch)
        if f:
            out.append(f)
            index.extend([i] * len(f))
    index.append(len(text))
    return "".join(out), index


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
