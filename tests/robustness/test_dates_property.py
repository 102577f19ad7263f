"""Property tests for geo.dates: never raises, well-formed spans, no past reference after publication."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geo.dates.finder as dates_module
from geo.core.taxonomy import DATE_PRECISIONS, STATUSES
from geo.dates import find_dates, older_items_offset, parse_date_line
from geo.dates.lexicon import lexicon

PUBS = st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2060, 12, 31))


def _vocabulary() -> list[str]:
    """Lexicon words plus digits and punctuation: text built from them hits every pattern."""
    lex = lexicon()
    words = [*lex.months, *lex.weekdays, *lex.ordinals]
    for table in lex.relative.values():
        words += list(table)
    for role_words in lex.words.values():
        words += role_words
    words += ["31", "5", "05", "12", "2021", "1445", "2014", "/", "-", "،", "و", "\n", "2021/06/05",
              "05/06/2021", "29", "٢٠٢١", "هـ", "(", ")", ".", "أخبار أخرى"]
    return words


TOKENS = st.lists(st.sampled_from(_vocabulary()), max_size=25).map(" ".join)
TEXTS = st.one_of(st.text(max_size=200), TOKENS, st.tuples(st.text(max_size=40), TOKENS).map("".join))


def _check(text: str, pub: dt.date, older: bool) -> None:
    older_from = older_items_offset(text) if older else None
    spans = find_dates(text, pub, older_from=older_from)
    prev_end = 0
    for s in spans:
        assert 0 <= s.start < s.end <= len(text)
        assert s.start >= prev_end  # sorted, non-overlapping
        prev_end = s.end
        assert s.text == text[s.start : s.end]
        assert s.precision in DATE_PRECISIONS and s.status in STATUSES
        if s.precision == "day":
            assert s.end_date is None
        else:
            assert s.end_date is not None and s.end_date >= s.date
        if s.status == "occurred":  # a past-tense reference never lands after publication
            assert s.date <= pub
            assert s.end_date is None or s.end_date <= pub
        if s.date > pub:
            assert s.status == "planned"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS, PUBS, st.booleans())
def test_find_dates_never_raises_and_is_well_formed(text: str, pub: dt.date, older: bool) -> None:
    _check(text, pub, older)


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_parse_date_line_never_raises(text: str) -> None:
    d = parse_date_line(text)
    assert d is None or isinstance(d, dt.date)


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_older_items_offset_is_an_offset(text: str) -> None:
    off = older_items_offset(text)
    assert off is None or 0 <= off < len(text)


def _whole(norm: str, anchor: object = None) -> list[tuple[int, int]]:
    return [(0, len(norm))]  # every generator scans everything, whatever its anchor


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(TEXTS, PUBS)
def test_anchor_prefilter_changes_nothing(monkeypatch, text: str, pub: dt.date) -> None:
    """Scanning only around anchors finds exactly what scanning everything finds."""
    fast = find_dates(text, pub)
    with monkeypatch.context() as mp:
        mp.setattr(dates_module, "_regions", _whole)
        slow = find_dates(text, pub)
    assert fast == slow


def test_anchor_prefilter_on_seeds(seeds, monkeypatch) -> None:
    fast = {k: find_dates(s.text, s.published) for k, s in seeds.items()}
    monkeypatch.setattr(dates_module, "_regions", _whole)
    assert fast == {k: find_dates(s.text, s.published) for k, s in seeds.items()}
