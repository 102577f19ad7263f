"""Find place mentions in running Arabic or English text.

One Aho-Corasick pass over the normalised text finds every curated name; each hit is then kept only
if it stands on word boundaries, its leading letters are proclitics (و ف ب ل ك and pairs, from
morphology.csv), Latin case fits (acronyms exact, single words capitalised) and its context rules
(context_rules.csv) allow it. Overlaps go to the longest name ("قاعدة بلد الجوية" over "بلد").

Offsets: a mention covers the name with its article but without the proclitic, so in "بالأنبار" the
surface is "الأنبار" and in "وبغداد" it is "بغداد". When ل meets the article, the article's alif is
not written ("للعراق" = ل + العراق): the surface is then "لعراق", the article's lam and the name.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable

from . import settings
from .geonames import geonames_index
from .index import Gazetteer, Pattern, find_key, gazetteer, text_fold
from .models import Mention
from .normalize import OffsetMap, normalize_with_offsets

_MULTI_SPACE = re.compile(r"  +")


def _collapse(t: str) -> tuple[str, OffsetMap]:
    """Collapse runs of spaces (so "قاعدة  بلد" matches), with the map back to ``t``."""
    parts: list[str] = []
    norm, orig = [0], [0]
    last = 0
    removed = 0
    for m in _MULTI_SPACE.finditer(t):
        a, b = m.span()
        parts.append(t[last:a + 1])
        removed += b - a - 1
        norm.append(b - removed)
        orig.append(b)
        last = b
    parts.append(t[last:])
    return "".join(parts), OffsetMap(norm, orig)


def _prev_word(t: str, ws: int) -> str:
    j = ws
    while j > 0 and t[j - 1] == " ":
        j -= 1
    i = j
    while i > 0 and t[i - 1].isalnum():
        i -= 1
    return t[i:j]


def _next_word(t: str, e: int) -> str:
    n = len(t)
    i = e
    while i < n and t[i] == " ":
        i += 1
    j = i
    while j < n and t[j].isalnum():
        j += 1
    return t[i:j]


def _forms(g: Gazetteer, word: str) -> set[str]:
    """A word and the word with each possible proclitic peeled off."""
    out = {word}
    for p in g.morphology.proclitics:
        if word.startswith(p) and len(word) > len(p) + 1:
            out.add(word[len(p):])
    return out


def _rules_ok(g: Gazetteer, pat: Pattern, t: str, ws: int, e: int, prefix: str) -> bool:
    for rule in pat.rules:
        if rule.kind == "not_after":
            if _forms(g, _prev_word(t, ws)) & rule.words:
                return False
        elif rule.kind == "only_after":
            if not _forms(g, _prev_word(t, ws)) & rule.words:
                return False
        elif rule.kind == "not_before":
            if _next_word(t, e) in rule.words:
                return False
        elif rule.kind == "nisba" and not prefix:
            art = g.morphology.article
            lam_art = art[-1:] * 2
            prev = _prev_word(t, ws)
            if any(f.startswith(art) or f.startswith(lam_art) for f in _forms(g, prev)):
                return False  # "القوات السعودية": an adjective after a definite noun
    return True


def _accept(g: Gazetteer, pat: Pattern, text: str, t: str, original: Callable[[int], int], s: int, e: int,
            ws: int) -> bool:
    prefix = t[ws:s]
    if pat.latin:
        if prefix:
            return False
        if pat.case:
            surface = text[original(s):original(e - 1) + 1]
            if pat.case == "exact":
                if "".join(c for c in surface if c.isalnum()) != pat.letters:
                    return False
            elif not surface[:1].isupper():
                return False
    elif pat.lam:
        if prefix not in g.morphology.lam_proclitics:
            return False
    elif prefix and prefix not in g.morphology.proclitics:
        return False
    return not pat.rules or _rules_ok(g, pat, t, ws, e, prefix)


def find_places(text: str, normalized: tuple[str, OffsetMap] | None = None) -> list[Mention]:
    """Place mentions in ``text``: non-overlapping, sorted by start, ``text[m.start:m.end] == m.surface``.

    ``normalized`` may pass ``normalize_with_offsets(text)`` when the caller has it already.
    """
    if not isinstance(text, str) or not text:
        return []
    g = gazetteer()
    norm, offsets = normalized or normalize_with_offsets(text)
    t = text_fold(norm)
    spaces = None
    if "  " in t:
        t, spaces = _collapse(t)

    def original(i: int) -> int:
        return offsets(spaces(i) if spaces else i)

    n = len(t)
    hits: list[tuple[int, int, Pattern]] = []
    automata = [(g.automaton, g.patterns)]
    if settings.FIND_GEONAMES:
        automata.append(_geonames_automaton())
    for automaton, patterns in automata:
        if not patterns:
            continue
        for end, key in automaton.iter(t):
            e = end + 1
            if e < n and t[e].isalnum():
                continue
            s = e - len(key)
            ws = s
            while ws > 0 and t[ws - 1].isalnum():
                ws -= 1
            for pat in patterns[key]:
                if _accept(g, pat, text, t, original, s, e, ws):
                    hits.append((s, e, pat))
                    break
    # Longest first, then leftmost; keep a hit only if it overlaps nothing already kept.
    hits.sort(key=lambda h: (h[0] - h[1], h[0]))
    starts: list[int] = []
    kept: list[tuple[int, int, Pattern]] = []
    for s, e, pat in hits:
        i = bisect.bisect_left(starts, s)
        if i > 0 and kept[i - 1][1] > s:
            continue
        if i < len(kept) and kept[i][0] < e:
            continue
        starts.insert(i, s)
        kept.insert(i, (s, e, pat))
    out = []
    size = len(text)
    for s, e, pat in kept:
        a, b = original(s), original(e - 1) + 1
        while b < size and unicodedata.category(text[b]) == "Mn":
            b += 1  # diacritics on the last letter belong to the name (بَغْدَادَ)
        out.append(Mention(a, b, text[a:b], pat.place))
    return out


_GN_AUTOMATON: tuple[object, dict[str, list[Pattern]]] | None = None


def _geonames_automaton() -> tuple[object, dict[str, list[Pattern]]]:
    """Opt-in (GAZETTEER_FIND_GEONAMES=1): GeoNames Arabic names of the nearest countries, 4+ letters."""
    global _GN_AUTOMATON
    if _GN_AUTOMATON is None:
        import ahocorasick


        g = gazetteer()
        automaton = ahocorasick.Automaton()
        patterns: dict[str, list[Pattern]] = {}
        for key, places in geonames_index().arabic.items():
            place = places[0]
            fkey = find_key(key)
            letters = sum(c.isalpha() for c in fkey)
            if (place.country not in settings.FIND_GEONAMES_COUNTRIES or fkey in g.patterns
                    or letters < settings.FIND_GEONAMES_MIN_ARABIC_LETTERS or key in g.stoplist):
                continue
            patterns[fkey] = [Pattern(place, fkey, latin=False)]
            automaton.add_word(fkey, fkey)
        if patterns:
            automaton.make_automaton()
        _GN_AUTOMATON = (automaton, patterns)
    return _GN_AUTOMATON
