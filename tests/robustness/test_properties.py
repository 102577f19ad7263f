"""Property tests not covered elsewhere: extract_events on arbitrary mixed text, find_places offsets with
bidi and zero-width controls. (normalize idempotence: test_gazetteer_normalize.py; find_places on
gazetteer pieces: test_find_places.py; date spans never raise / never "occurred" after publication:
test_dates_property.py.)
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gazetteer import find_places
from geo import extract_events
from geo.core.taxonomy import DATE_PRECISIONS, EVENT_TYPES, STATUSES

SEEDS = Path(__file__).parents[1] / "data" / "seeds"
CONTROLS = ["\u200f", "\u200e", "\u202e", "\u202c", "\u200b", "\u200c", "\u200d", "\u2066", "\u2069", "\ufeff"]
SEPARATORS = [" ", " ", " ", "", "\n", "\n\n", "،", ".", "\u00a0", "\t", *CONTROLS]


def _vocabulary() -> list[str]:
    """Words of the seed articles (triggers, places, dates, counts as the press writes them) and others."""
    words: set[str] = set()
    for path in sorted(SEEDS.glob("*.txt")):
        words.update(re.findall(r"\S+", path.read_text(encoding="utf-8")))
    words.update(["Ain", "al-Asad", "air", "base", "rockets", "hit", "Sunday", "U.S.", "Kuwait", "withdrew",
                  "2021", "٢٠٢١", "12/05/2021", "3", "٣", "1445هـ", "<script>", "{{", "}}", "%", "(", ")", "\"",
                  "'", "؟", "!", "...", "—", "-", "/", "😀", "ﷲ", "ﻻ"])
    return sorted(words)


def _sentences() -> list[str]:
    out: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        out += [x for x in re.split(r"(?<=[.!؟\n])", path.read_text(encoding="utf-8")) if len(x.strip()) > 20]
    return out


WORDS = _vocabulary()
SENTENCES = _sentences()


@st.composite
def spiked_sentences(draw: st.DrawFn) -> str:
    """Real press sentences with controls, Latin and punctuation pushed in at arbitrary places."""
    text = "".join(draw(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=4)))
    for _ in range(draw(st.integers(0, 6))):
        i = draw(st.integers(0, len(text)))
        text = text[:i] + draw(st.sampled_from([*CONTROLS, *SEPARATORS, "x", "<b>", "7", "«", "»"])) + text[i:]
    return text


TOKENS = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=60).map(
    lambda pairs: "".join(w + s for w, s in pairs))
TEXTS = st.one_of(
    spiked_sentences(),
    TOKENS,
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from([*"ابتثجحخدذرسشصضطظعغفقكلمنهويءآأإؤئةى", *"abcXYZ019٠٣٩", *" \n،.:/-",
                                      *CONTROLS]), max_size=300),
    st.tuples(TOKENS, st.text(max_size=40), TOKENS).map("".join),
)
PUBS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 12, 31))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS, PUBS)
def test_extract_events_never_raises_and_every_quote_is_exact(text: str, pub: dt.date) -> None:
    events = extract_events(text, published=pub, source="fuzz")
    for e in events:
        assert 0 <= e.start < e.end <= len(text)
        assert text[e.start : e.end] == e.quote
        assert e.type in EVENT_TYPES and e.status in STATUSES and e.date_precision in DATE_PRECISIONS
        assert e.end_date is None or e.end_date >= e.date
        if e.status == "occurred":  # what the article reports as done happened by its publication
            assert e.date <= pub
        assert (e.lat is None) == (e.place is None)
        if e.lat is not None and e.lon is not None:
            assert -90 <= e.lat <= 90 and -180 <= e.lon <= 180
        assert e.published == pub and e.source == "fuzz"
    assert len({e.id for e in events}) == len(events)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_find_places_offsets_slice_the_original_text(text: str) -> None:
    last_end = 0
    for m in find_places(text):
        assert text[m.start : m.end] == m.surface
        assert m.start >= last_end and m.end > m.start
        last_end = m.end


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(CONTROLS), min_size=1, max_size=3), st.sampled_from(
    ["قاعدة عين الأسد", "قاعدة حرير", "معسكر التاجي", "قاعدة بلد الجوية"]))
def test_controls_inside_a_base_name_do_not_hide_it(controls: list[str], name: str) -> None:
    """Bidi and zero-width characters after each word of a base name: still that one base."""
    words = name.split(" ")
    spiked = " ".join(w + controls[i % len(controls)] for i, w in enumerate(words))
    plain = find_places(name)
    (m,) = find_places(f"استهدف هجوم {spiked} مساء")
    assert len(plain) == 1 and m.place.id == plain[0].place.id
    assert m.surface.startswith(words[0])
