"""The date lexicon: month names, weekdays, relative words and markers, loaded once from CSV.

Every Arabic (and English) spelling lives in ``geo/dates/data/*.csv``; this module only reads
them, folds them with the project's one ``normalize()`` and builds regular-expression alternations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from gazetteer.normalize import normalize

from ..core.data import read_rows

DATA_DIR = Path(__file__).parent / "data"


def lexicon_key(word: str) -> str:
    """The lookup form of a lexicon word (normalized, single spaces)."""
    return " ".join(normalize(word).split())


def _rows(name: str) -> list[dict[str, str]]:
    return read_rows(DATA_DIR / name)


@dataclass
class DateLexicon:
    """Normalized date vocabulary, keyed for lookups after a regex match."""

    months: dict[str, int] = field(default_factory=dict)
    month_lang: dict[str, str] = field(default_factory=dict)
    ambiguous_months: set[str] = field(default_factory=set)
    weekdays: dict[str, int] = field(default_factory=dict)
    ordinals: dict[str, int] = field(default_factory=dict)  # "الخامس" -> 5 (day of month)
    cardinals: dict[str, int] = field(default_factory=dict)  # "ثلاثة" -> 3 (a count of units)
    # kind ("day" | "unit" | "plural" | "count") -> word -> (unit, value)
    relative: dict[str, dict[str, tuple[str, int]]] = field(default_factory=dict)
    # role -> words, and word -> roles
    words: dict[str, list[str]] = field(default_factory=dict)
    roles: dict[str, set[str]] = field(default_factory=dict)

    def has(self, word: str | None, role: str) -> bool:
        """True when the matched ``word`` plays ``role`` (e.g. "past", "part_late")."""
        return word is not None and role in self.roles.get(lexicon_key(word), set())

    def role_in(self, word: str | None, prefix: str) -> str | None:
        """The first role of ``word`` that starts with ``prefix`` ("part_" -> "part_late")."""
        if word is None:
            return None
        for r in sorted(self.roles.get(lexicon_key(word), ())):
            if r.startswith(prefix):
                return r
        return None


@lru_cache(maxsize=1)
def lexicon() -> DateLexicon:
    """Load every date lexicon file once."""
    lex = DateLexicon()
    for row in _rows("months.csv"):
        k = lexicon_key(row["word"])
        lex.months[k] = int(row["month"])
        lex.month_lang[k] = row["lang"]
        if row["ambiguous"].strip() == "1":
            lex.ambiguous_months.add(k)
    for row in _rows("weekdays.csv"):
        lex.weekdays[lexicon_key(row["word"])] = int(row["weekday"])
    for row in _rows("ordinals.csv"):
        lex.ordinals[lexicon_key(row["word"])] = int(row["day"])
    for row in _rows("cardinals.csv"):
        lex.cardinals[lexicon_key(row["word"])] = int(row["value"])
    for row in _rows("relative.csv"):
        lex.relative.setdefault(row["kind"], {})[lexicon_key(row["word"])] = (row["unit"], int(row["value"]))
    for row in _rows("words.csv"):
        k = lexicon_key(row["word"])
        lex.words.setdefault(row["role"], [])
        if k not in lex.words[row["role"]]:
            lex.words[row["role"]].append(k)
        lex.roles.setdefault(k, set()).add(row["role"])
    return lex


def trie_alt(words: list[str] | set[str] | tuple[str, ...]) -> str:
    """A non-capturing regex alternation of ``words`` factored as a trie.

    Python's ``re`` tries alternation branches one by one at every position; a trie makes a
    failing position cost one character-class test, which keeps the scanner above 1 MB/s.
    A space inside a word matches any run of whitespace. Longer words win (greedy optionals).
    """
    trie: dict[str, dict] = {}
    for w in words:
        if not w:
            continue
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        branches = [(r"\s+" if ch == " " else re.escape(ch)) + build(sub)
                    for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return "(?:" + body + ")?"
        return body

    if not trie:
        return "(?!)"
    return "(?:" + build(trie) + ")"
