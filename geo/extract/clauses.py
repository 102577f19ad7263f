"""Sentences and clauses of an article, as offsets into the original text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

# A sentence ends at a newline, or at . ! ? ؟ ؛ followed by space, a quote or the end — but not after a
# digit unless a space follows (2.5), nor after a capital or an abbreviation ("U.S.", "Jan. 20", "Lt. Gen.").
_ABBREVIATIONS = frozenset({
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Mr", "Mrs", "Ms", "Dr",
    "Gen", "Lt", "Col", "Maj", "Sgt", "Capt", "Adm", "St", "No", "Gov", "Sen", "Rep", "Pres", "Brig", "vs", "etc",
})
# A wire dateline ("BAGHDAD, Feb 8 (Reuters) -", "بغداد (الأناضول) -") is not part of the first sentence:
# its date is the report's, not the event's.
# A stop ends a sentence before a space, a quote or a bracket, and also straight before an Arabic letter
# ("رسميا.وجاء": pages that lost the space; a Latin letter or digit after it is "U.S." or "3.5").
_SENTENCE_END = re.compile(r"\n+|[.!?؟؛]+(?=[\s\"'”“»)]|$|[\u0621-\u064a])|(?<=\))\s*[-—–]\s+(?=\S)")
_WORD_BEFORE = re.compile(r"(\w+)$")


def _ends_sentence(text: str, m: re.Match[str]) -> bool:
    ch = m.group()[0]
    if ch not in ".!?؟؛":
        return True  # a newline or a dateline dash
    before = text[m.start() - 1] if m.start() else ""
    if "A" <= before <= "Z":
        return False
    if before.isdigit():
        return m.end() == len(text) or text[m.end()].isspace()
    w = _WORD_BEFORE.search(text, max(0, m.start() - 8), m.start())
    return not (ch == "." and w is not None and w.group(1) in _ABBREVIATIONS)


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


def _trim(text: str, start: int, end: int) -> Span | None:
    while start < end and (text[start].isspace() or text[start] in "،,-–—:\"'”“«»()"):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end - start >= 2 else None


def sentences(text: str) -> list[Span]:
    """Sentence spans (trimmed; the closing punctuation is kept)."""
    out: list[Span] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        if not _ends_sentence(text, m):
            continue
        end = m.end() if text[m.start()] != "\n" else m.start()
        s = _trim(text, pos, end)
        if s:
            out.append(s)
        pos = m.end()
    s = _trim(text, pos, len(text))
    if s:
        out.append(s)
    return out


def clauses(sentence: Span, breaks: list[int]) -> list[Span]:
    """Split a sentence at the given original offsets (starts of clause-opening words)."""
    cuts = [b for b in sorted(set(breaks)) if sentence.start < b < sentence.end]
    bounds = [sentence.start, *cuts, sentence.end]
    return [Span(a, b) for a, b in pairwise(bounds) if b > a]
