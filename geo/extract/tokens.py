"""Trigger words and cues kept as data (``geo/extract/data/*.csv``), matched on normalised tokens.

A pattern is a sequence of words; a word ending in ``*`` matches any word that starts with it, and
``...`` is a gap of up to three words. Arabic tokens are matched after peeling clitics (و ف ب ل ك س
and the article ال) and pronoun/plural suffixes, so ``انسحاب`` matches وانسحابها and لانسحاب.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

from gazetteer.normalize import normalize, normalize_with_map

from ..core.data import read_rows

DATA_DIR = Path(__file__).parent / "data"
GAP = "..."
MAX_GAP = 3

_CONJ = ("و", "ف")
_PREP = ("ب", "ل", "ك", "س")
_SUFFIXES = ("هما", "هم", "هن", "ها", "ه", "نا", "كم", "ي", "ات", "ين", "ون", "ان", "وا", "يه", "يا", "ا")
_TOKEN = re.compile(r"[^\W\d_]+|\d+")  # letters and digits apart: "بـ6 صواريخ" is ب, 6, صواريخ


class Token(NamedTuple):
    """A word of the normalised text, with its span in the original text (a tuple: an article makes
    thousands, and a frozen dataclass costs a setattr per field)."""

    norm: str
    start: int  # original offsets
    end: int


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon row: a role (trigger, talk, irrealis, ...), event type, pattern and weapon."""

    role: str
    type: str
    words: tuple[str, ...]
    weapon: str
    priority: int
    field: str = ""  # counts.csv: the count field


class Hit(NamedTuple):
    """An entry matched on tokens ``first..last`` (inclusive); a tuple, as Token."""

    entry: Entry
    first: int
    last: int


def tokenize(text: str, normalized: tuple[str, list[int]] | None = None) -> list[Token]:
    """Words of ``text`` (normalised), each with its original offsets.

    ``normalized`` may pass a precomputed ``normalize_with_map(text)``.
    """
    norm, index = normalized or normalize_with_map(text)
    return [Token(m.group(), index[m.start()], index[m.end() - 1] + 1) for m in _TOKEN.finditer(norm)]


@cache
def stems(token: str) -> frozenset[str]:
    """The token and its forms with clitics and suffixes peeled (a small closed set)."""
    out = {token}
    bases = {token}
    for c in ("", *_CONJ):
        if c and not token.startswith(c):
            continue
        rest = token[len(c):]
        for p in ("", *_PREP):
            if p and not rest.startswith(p):
                continue
            r2 = rest[len(p):]
            cands = [r2]
            if r2.startswith("ال"):
                cands.append(r2[2:])
            if p == "ل" and r2.startswith("ل"):  # لل = ل + ال with the alef elided
                cands.append(r2[1:])
            for cand in cands:
                if len(cand) >= 2:
                    bases.add(cand)
    out |= bases
    for b in bases:
        forms = [b] + [b[: -len(s)] for s in _SUFFIXES if b.endswith(s) and len(b) - len(s) >= 3]
        out.update(forms)
        for f in forms:
            if f is b and f.endswith("ت") and len(f) >= 4:  # feminine construct: مهمت -> مهمه
                out.add(f[:-1] + "ه")
            if f.endswith(("او", "اي")) and len(f) >= 4:  # a final hamza's seat before a suffix: إخلاؤه -> إخلاء
                out.add(f[:-1] + "ء")
    return frozenset(out)


def _norm_word(word: str) -> str:
    w = normalize(word.strip())
    if w.startswith("ال") and len(w) > 4 and not w.endswith("*"):
        w = w[2:]  # pattern words are stored without the article; tokens are peeled the same way
    return w


class TriggerLexicon:
    """Compiled patterns with an index from first word to entries."""

    def __init__(self, entries: list[Entry]):
        self.entries = entries
        self._exact: dict[str, list[Entry]] = defaultdict(list)
        self._prefix: dict[str, list[Entry]] = defaultdict(list)
        for e in entries:
            w = e.words[0]
            (self._prefix[w[:-1]] if w.endswith("*") else self._exact[w]).append(e)
        self._prefix_lens = sorted({len(k) for k in self._prefix}, reverse=True)
        self._cache: dict[str, tuple[Entry, ...]] = {}
        self._ok: dict[tuple[str, str], bool] = {}
        # A token's entries in lexicon order: its stems come as a set, whose order changes with Python's
        # hash seed from one process to the next, and hits of one token must not change order with it.
        self._rank = {id(e): i for i, e in enumerate(entries)}
        # The most tokens a hit can span (each gap may stretch to MAX_GAP + 1): window checks bisect with it.
        self.max_span = max((len(e.words) * (MAX_GAP + 1) for e in entries), default=1)

    def _word_ok(self, word: str, token: str) -> bool:
        key = (word, token)
        ok = self._ok.get(key)
        if ok is None:
            forms = stems(token)
            ok = any(f.startswith(word[:-1]) for f in forms) if word.endswith("*") else word in forms
            if len(self._ok) < 500_000:  # (a pattern word against a token: the same pairs recur in every article)
                self._ok[key] = ok
        return ok

    def _first(self, token: str) -> tuple[Entry, ...]:
        hit = self._cache.get(token)
        if hit is None:
            found: list[Entry] = []
            for f in stems(token):
                found.extend(self._exact.get(f, ()))
                for n in self._prefix_lens:
                    if len(f) >= n:
                        found.extend(self._prefix.get(f[:n], ()))
            hit = tuple(sorted(dict.fromkeys(found), key=lambda e: self._rank[id(e)]))
            if len(self._cache) < 200_000:
                self._cache[token] = hit
        return hit

    def _match_rest(self, words: tuple[str, ...], tokens: list[Token], i: int) -> int | None:
        """Index of the last token when ``words[1:]`` match from token ``i + 1``; else None."""
        j = i
        k = 1
        while k < len(words):
            w = words[k]
            if w == GAP:
                nxt = words[k + 1]
                for g in range(1, MAX_GAP + 2):
                    if j + g < len(tokens) and self._word_ok(nxt, tokens[j + g].norm):
                        j += g
                        break
                else:
                    return None
                k += 2
                continue
            j += 1
            if j >= len(tokens) or not self._word_ok(w, tokens[j].norm):
                return None
            k += 1
        return j

    def find(self, tokens: list[Token]) -> list[Hit]:
        """Every match, longest first at each start token."""
        hits: list[Hit] = []
        for i, tok in enumerate(tokens):
            for e in self._first(tok.norm):
                last = i if len(e.words) == 1 else self._match_rest(e.words, tokens, i)
                if last is not None:
                    hits.append(Hit(e, i, last))
        return hits


def _rows(name: str) -> list[dict[str, str]]:
    return read_rows(DATA_DIR / name)


def _entries(pattern: str, **kw: object) -> list[Entry]:
    out = []
    for alt in pattern.split("|"):
        words = tuple(_norm_word(w) for w in alt.split())
        if words and words[0] != GAP and words[-1] != GAP:
            out.append(Entry(words=words, **kw))  # type: ignore[arg-type]
    return out


@cache
def triggers() -> TriggerLexicon:
    """Event triggers and cues from ``triggers.csv``."""
    entries: list[Entry] = []
    for r in _rows("triggers.csv"):
        entries += _entries(
            r["pattern"], role=r["role"], type=r["type"], weapon=r["weapon"], priority=int(r["priority"] or 0)
        )
    return TriggerLexicon(entries)


@cache
def count_words() -> TriggerLexicon:
    """Nouns that say what a number counts, from ``counts.csv``."""
    entries: list[Entry] = []
    for r in _rows("counts.csv"):
        if not r["field"].startswith("_"):
            entries += _entries(r["word"], role="count", type="", weapon="", priority=0, field=r["field"])
    return TriggerLexicon(entries)


@cache
def count_cues() -> dict[str, frozenset[str]]:
    """The non-field rows of ``counts.csv`` (``_multiplier``, ``_hedge``, ``_percent``): role → words."""
    out: dict[str, set[str]] = {}
    for r in _rows("counts.csv"):
        if r["field"].startswith("_"):
            out.setdefault(r["field"][1:], set()).update(normalize(w) for w in r["word"].split("|"))
    return {k: frozenset(v) for k, v in out.items()}


@cache
def number_words() -> dict[str, int]:
    """Cardinal words (ثلاثة، أربعة ...) to values, from ``numbers.csv``."""
    return {normalize(r["word"]): int(r["value"]) for r in _rows("numbers.csv")}
