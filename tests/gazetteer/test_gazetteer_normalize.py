"""normalize / normalize_with_map: the one folding every matcher relies on."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gazetteer.normalize import (
    _fold_char,
    is_arabic,
    normalize,
    normalize_latin,
    normalize_with_map,
    normalize_with_offsets,
    original_span,
)


def reference_map(text: str) -> tuple[str, list[int]]:
    """The definition, one character at a time (slow but obviously right)."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        f = _fold_char(ch)
        out.append(f)
        index.extend([i] * len(f))
    index.append(len(text))
    return "".join(out), index


@pytest.mark.parametrize(("raw", "folded"), [
    ("الأنبار", "الانبار"), ("إيران", "ايران"), ("آمرلي", "امرلي"), ("مدينة", "مدينه"), ("ذى قار", "ذي قار"),
    ("تنظیم", "تنظيم"), ("کرکوک", "كركوك"), ("ھیت", "هيت"), ("بَغْدَادُ", "بغداد"), ("بـــغداد", "بغداد"),
    ("٢٠٢١", "2021"), ("۲۰۲۴", "2024"), ("a\u00a0b", "a b"), ("ABC", "abc"), ("x\u200fy", "xy"),
    ("ﻻ", "لا"), ("مؤتمر", "موتمر"), ("ﺑﻐﺪﺍﺩ", "بغداد"),
])
def test_folds(raw: str, folded: str) -> None:
    assert normalize(raw) == folded
    assert normalize_with_map(raw)[0] == folded


_ALPHABET = list("اأإآٱبتةىیيکكھهؤئءـًٌٍَُِّْٰ\u200f\u200c\u00a0 ﻻﷲ½ﬁAbZ19٣۴-،.😀㎞ǅ\u0654")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=40) | st.text(max_size=40))
def test_map_matches_definition_and_is_idempotent(text: str) -> None:
    norm, index = normalize_with_map(text)
    assert (norm, index) == reference_map(text)
    assert len(index) == len(norm) + 1
    assert normalize(text) == norm
    assert normalize(norm) == norm
    _, offsets = normalize_with_offsets(text)
    assert [offsets(i) for i in range(len(norm) + 1)] == index


def test_original_span_recovers_surface() -> None:
    text = "وقال إنّ قاعدةَ عينِ الأسد"
    norm, index = normalize_with_map(text)
    a = norm.index("قاعده")
    s, e = original_span(index, a, a + len("قاعده عين الاسد"))
    assert text[s:e] == "قاعدةَ عينِ الأسد"


def test_long_text_map_is_exact() -> None:
    text = ("بِسْمِ ﷲ قاعدة عين الأسد،\u00a0ABC ٢٠٢١ " * 2000) + "😀"
    norm, index = normalize_with_map(text)
    assert (norm, index) == reference_map(text)


@pytest.mark.parametrize(("a", "b"), [
    ("Al-Asad", "Al Asad"), ("Ayn al-Asad", "Ain al Asad"), ("Thi Qar", "Dhi Qar"), ("Zi-Qar", "dhi qar"),
    ("Qa'im", "Qaim"), ("Ain al-Assad", "ain asad"), ("Nassiriya", "Nasiriya"),
])
def test_latin_variants_fold_together(a: str, b: str) -> None:
    assert normalize_latin(a) == normalize_latin(b)


def test_is_arabic() -> None:
    assert is_arabic("قاعدة K1") and not is_arabic("Camp Victory")
