"""Counts stated next to an event: rockets, killed, wounded, troops, vehicles, shipments."""

from __future__ import annotations

import re

from .tokens import Token, count_cues, count_words, number_words

_DIGITS = re.compile(r"^\d+$")
MAX_DIGITS = 9
_KEYWORD_FIELDS = {"killed", "wounded"}  # "مقتل أربعة": the keyword comes before the number


def _value(tokens: list[Token], i: int) -> tuple[int, int] | None:
    """(value, index of the last token of the number) for a number at token ``i``."""
    t = tokens[i].norm
    if _DIGITS.match(t):
        if len(t) > MAX_DIGITS:  # a digit run counts nothing (and int() refuses one of 4,300 digits)
            return None
        v = int(t)
        j = i
        # "2,100" is tokenised as "2" "100"; so is "2.5": join thousands groups only (a few: a run of
        # thousands of groups would grow one number quadratically)
        while j + 1 < len(tokens) and j - i < 4 and len(tokens[j + 1].norm) == 3 \
                and _DIGITS.match(tokens[j + 1].norm) and tokens[j + 1].start - tokens[j].end == 1:
            v = v * 1000 + int(tokens[j + 1].norm)
            j += 1
    else:
        words = number_words()
        if t not in words:
            return None
        v, j = words[t], i
    if j + 1 < len(tokens) and tokens[j + 1].norm in count_cues()["multiplier"]:
        v *= 1000
        j += 1
    return v, j


def find_counts(tokens: list[Token], first: int, last: int, skip: frozenset[int] = frozenset()) -> dict[str, int]:
    """Counts in tokens ``first..last`` (a clause); tokens in ``skip`` (dates: "a Jan. 28 drone attack")
    are not numbers of anything. The largest value wins when a field repeats."""
    units = count_words()
    unit_at: dict[int, str] = {}
    for h in units.find(tokens[first : last + 1]):
        unit_at.setdefault(first + h.first, h.entry.field)
    out: dict[str, int] = {}
    claimed: set[int] = set()
    # keyword then number: مقتل أربعة عناصر, إصابة 3
    for i, field in unit_at.items():
        if field not in _KEYWORD_FIELDS:
            continue
        for k in range(i + 1, min(i + 3, last + 1)):
            got = None if k in skip else _value(tokens, k)
            if got:
                out[field] = max(out.get(field, 0), got[0])
                claimed.add(k)
                break
    # number then unit: 6 صواريخ، أكثر من 2100 شحنة، 3 آلاف عسكري
    for i in range(first, last + 1):
        if i in claimed or i in skip:
            continue
        got = _value(tokens, i)
        if not got:
            continue
        v, j = got
        percent = count_cues()["percent"]
        if (j + 1 <= last and tokens[j + 1].norm in percent) or (j + 2 <= last and tokens[j + 2].norm in percent):
            continue
        for k in range(j + 1, min(j + 3, last + 1)):
            unit = unit_at.get(k)
            if unit:
                out[unit] = max(out.get(unit, 0), v)
                break
            if tokens[k].norm not in count_cues()["hedge"]:
                break
    return out
