"""find_places on the seed articles (annotated by reading them) and on trap sentences."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gazetteer import find_places
from gazetteer.normalize import normalize

# Every place a reader sees in each seed, as (surface, place id); surfaces compare after normalize().
# "للولايات المتحدة" is ل + الولايات المتحدة with the article's alif elided: the surface starts at the
# article's lam (see gazetteer/find.py).
EXPECTED: dict[str, set[tuple[str, str]]] = {
    "000_1bfbac51aafa363b.txt": {
        ("العراق", "country:IQ"), ("بغداد", "baghdad"), ("واشنطن", "washington"),
        ("الولايات المتحدة", "country:US"), ("المملكة المتحدة", "country:GB"), ("فرنسا", "country:FR"),
        ("إيران", "country:IR"),
    },
    "001_da41b2b148d8b223.txt": {
        ("العراق", "country:IQ"), ("واشنطن", "washington"), ("بغداد", "baghdad"), ("الكويت", "country:KW"),
        ("لولايات المتحدة", "country:US"), ("بروكسل", "brussels"),
    },
    "002_ba53dec53d640b66.txt": {
        ("العراق", "country:IQ"), ("بغداد", "baghdad"), ("الولايات المتحدة", "country:US"),
        ("واشنطن", "washington"), ("سوريا", "country:SY"), ("البادية السورية", "syrian_desert"),
        ("إيران", "country:IR"),
    },
    "003_4638acede8f0e47e.txt": {
        ("العراق", "country:IQ"), ("الولايات المتحدة", "country:US"), ("واشنطن", "washington"),
        ("بابل", "gov:babil"), ("محافظة بابل", "gov:babil"), ("بغداد", "baghdad"),
        ("قاعدة عين الأسد", "ain_al_asad"), ("الأنبار", "gov:anbar"), ("قاعدة حرير", "harir"),
        ("أربيل", "erbil"), ("معسكر فيكتوريا", "camp_victory"), ("مطار بغداد الدولي", "biap"),
    },
    "004_a322a2262cb437ac.txt": {
        ("العراق", "country:IQ"), ("الولايات المتحدة الأميركية", "country:US"), ("بغداد", "baghdad"),
        ("واشنطن", "washington"), ("الحدود العراقية السورية", "iraq_syria_border"),
        ("قاعدة بلد الجوية", "balad_air_base"), ("محافظة صلاح الدين", "gov:salah_al_din"),
        ("محافظة ذي قار", "gov:dhi_qar"),
    },
}

# Words in the seeds that look like places but are not: "country" nouns, the news agency, nisbas.
TRAPS = ["البلاد", "بلدا", "بلدين", "البلدين", "بلاده", "الأناضول", "العراقية", "العراقي", "الأميركية",
         "الأمريكية", "السورية", "الإيرانية", "العين الإخبارية", "التقدم"]


def _occurrences(text: str, word: str) -> list[tuple[int, int]]:
    out, i = [], text.find(word)
    while i >= 0:
        out.append((i, i + len(word)))
        i = text.find(word, i + 1)
    return out


def _check_offsets(text: str, mentions: list) -> None:
    last_end = -1
    for m in mentions:
        assert text[m.start:m.end] == m.surface
        assert m.start >= last_end, "mentions overlap or are unsorted"
        last_end = m.end


def test_seed_annotations_cover_every_seed(seeds) -> None:
    assert set(EXPECTED) == set(seeds)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_mentions(seeds, name: str) -> None:
    text = seeds[name].text
    mentions = find_places(text)
    _check_offsets(text, mentions)
    got = {(normalize(m.surface), m.place.id) for m in mentions}
    assert got == {(normalize(s), pid) for s, pid in EXPECTED[name]}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_traps_are_not_mentions(seeds, name: str) -> None:
    text = seeds[name].text
    mentions = find_places(text)
    for word in TRAPS:
        for a, b in _occurrences(text, word):
            # A trap word may sit inside a longer name ("الحدود العراقية السورية", "الولايات المتحدة
            # الأميركية"), never be (part of) a mention by itself.
            inside = [m for m in mentions if a <= m.start and m.end <= b]
            assert not inside, (word, [(m.surface, m.place.id) for m in inside])
            partial = [m for m in mentions if m.start < b and a < m.end and not (m.start <= a and b <= m.end)]
            assert not partial, (word, [(m.surface, m.place.id) for m in partial])


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 12742.0 * math.asin(math.sqrt(a))


@pytest.mark.parametrize("event_id", ["seed-01", "seed-02", "seed-05", "seed-07", "seed-08", "seed-09", "seed-19"])
def test_gold_quotes_contain_the_gold_place(seeds, gold, event_id: str) -> None:
    ev = next(e for e in gold if e["id"] == event_id)
    text = seeds[ev["seed"]].text
    assert text[ev["start"]:ev["end"]] == ev["quote"]
    inside = [m for m in find_places(text) if ev["start"] <= m.start and m.end <= ev["end"]]
    assert any(_km(m.place.lat, m.place.lon, ev["lat"], ev["lon"]) <= ev["max_km"] and
               m.place.precision == ev["geo_precision"] for m in inside), [(m.surface, m.place.id) for m in inside]


def test_gold_region_quote(seeds, gold) -> None:
    ev = next(e for e in gold if e["id"] == "seed-03")
    text = seeds[ev["seed"]].text
    inside = [m for m in find_places(text) if ev["start"] <= m.start and m.end <= ev["end"]]
    assert [(m.surface, m.place.id, m.place.precision) for m in inside] == [
        ("الحدود العراقية السورية", "iraq_syria_border", "region")]


def _found(text: str) -> list[tuple[str, str]]:
    return [(m.surface, m.place.id) for m in find_places(text)]


@pytest.mark.parametrize(("text", "expected"), [
    # بلد / البلاد as the noun "country"; Balad only with قاعدة / قضاء / مدينة
    ("العراق بلد عربي، وانسحبت القوات من البلاد ومن بلدين آخرين", [("العراق", "country:IQ")]),
    ("استهدف هجوم قاعدة بلد الجوية قرب مدينة بلد", [("قاعدة بلد الجوية", "balad_air_base"),
                                                  ("مدينة بلد", "balad_town")]),
    ("في قضاء بلد شمالي بغداد", [("قضاء بلد", "balad_town"), ("بغداد", "baghdad")]),
    ("قصفت قاعدة بلد", [("قاعدة بلد", "balad_air_base")]),
    # الأسد is Assad unless عين الأسد / قاعدة الأسد
    ("قال الرئيس السوري بشار الأسد إن حافظ الأسد", []),
    ("هاجمت الفصائل قاعدة الأسد ثم عين الاسد", [("قاعدة الأسد", "ain_al_asad"), ("عين الاسد", "ain_al_asad")]),
    # Harir vs Erbil airport
    ("قاعدة حرير القريبة من مطار أربيل", [("قاعدة حرير", "harir"), ("مطار أربيل", "erbil_airport")]),
    # Qadisiyah: the old name of Ain al-Asad, the governorate, a football club
    ("قاعدة القادسية الجوية", [("قاعدة القادسية الجوية", "ain_al_asad")]),
    ("في محافظة القادسية", [("محافظة القادسية", "gov:qadisiyah")]),
    ("فاز نادي القادسية", []),
    # Victory
    ("معسكر فكتوريا وقاعدة فيكتوريا", [("معسكر فكتوريا", "camp_victory"), ("قاعدة فيكتوريا", "camp_victory")]),
    ("في ولاية فيكتوريا الأسترالية", []),
    # the agency and nisba adjectives
    ("(الأناضول)", []),
    ("القوات العراقية والأميركية والسورية والإيرانية والكويتية", []),
    ("البغدادي وبغدادية والعراقيين وكربلائي", []),
    ("الحدود العراقية السورية", [("الحدود العراقية السورية", "iraq_syria_border")]),
    # north/south of X: the mention is X
    ("شمال بابل وجنوب كركوك", [("بابل", "gov:babil"), ("كركوك", "kirkuk")]),
    ("بين بغداد وواشنطن", [("بغداد", "baghdad"), ("واشنطن", "washington")]),
    # longest match
    ("مطار بغداد الدولي", [("مطار بغداد الدولي", "biap")]),
    ("محافظة بابل", [("محافظة بابل", "gov:babil")]),
    ("محافظة البصرة ومدينة البصرة والبصرة", [("محافظة البصرة", "gov:basra"), ("مدينة البصرة", "basra"),
                                            ("البصرة", "basra")]),
    ("محافظة السماوة", [("محافظة السماوة", "gov:muthanna")]),
    # common words that are also short names
    ("التقدم الأمني والعديد من القواعد والمنطقة الخضراء", [("المنطقة الخضراء", "green_zone")]),
    ("القائم بالأعمال الأميركي زار مدينة القائم", [("مدينة القائم", "al_qaim")]),
    ("القوات السعودية في السعودية والعراق والسعودية", [("السعودية", "country:SA"), ("العراق", "country:IQ"),
                                                      ("السعودية", "country:SA")]),
    ("أسلحة حديثة وصلت إلى حديثة", [("حديثة", "haditha")]),
    ("مصر على موقفه، وزار مصر", [("مصر", "country:EG")]),
    ("صحيفة الشرق الأوسط عن الشرق الأوسط", [("الشرق الأوسط", "middle_east")]),
    ("واشنطن بوست", []),
    ("السفارة الأميركية في بيروت", [("بيروت", "beirut")]),
    ("السفارة الأمريكية في بغداد", [("السفارة الأمريكية في بغداد", "us_embassy_baghdad")]),
    ("القوة القاهرة ثم القاهرة", [("القاهرة", "cairo")]),
])
def test_trap_sentences(text: str, expected: list[tuple[str, str]]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(("text", "surface", "start", "place_id"), [
    ("بالأنبار", "الأنبار", 1, "gov:anbar"),
    ("وبالأنبار", "الأنبار", 2, "gov:anbar"),
    ("وبغداد", "بغداد", 1, "baghdad"),
    ("فالعراق", "العراق", 1, "country:IQ"),
    ("للعراق", "لعراق", 1, "country:IQ"),
    ("وللعراق", "لعراق", 2, "country:IQ"),
    ("لقاعدة عين الأسد", "قاعدة عين الأسد", 1, "ain_al_asad"),
    ("بمحافظة صلاح الدين", "محافظة صلاح الدين", 1, "gov:salah_al_din"),
    ("بـالأنبار", "الأنبار", 2, "gov:anbar"),  # tatweel after the clitic
    ("زار بَغْدَادَ", "بَغْدَادَ", 4, "baghdad"),  # tashkeel kept in the surface
    ("كركوک", "كركوک", 0, "kirkuk"),  # Persian kaf
    ("قاعدة\u00a0عين الأسد", "قاعدة\u00a0عين الأسد", 0, "ain_al_asad"),  # NBSP
    ("قاعدة  بلد الجوية", "قاعدة  بلد الجوية", 0, "balad_air_base"),  # double space
])
def test_clitics_and_offsets(text: str, surface: str, start: int, place_id: str) -> None:
    mentions = find_places(text)
    assert len(mentions) == 1, _found(text)
    m = mentions[0]
    assert (m.surface, m.start, m.end, m.place.id) == (surface, start, start + len(surface), place_id)
    assert text[m.start:m.end] == m.surface


@pytest.mark.parametrize("text", ["تبغداد", "سبغداد", "بغدادا", "العراقه", "كالبلاد", "ابابل"])
def test_never_inside_words(text: str) -> None:
    assert find_places(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Rockets hit Ain al-Asad air base in Anbar, and the US embassy in Baghdad was targeted.",
     [("Ain al-Asad air base", "ain_al_asad"), ("Anbar", "gov:anbar"),
      ("US embassy in Baghdad", "us_embassy_baghdad")]),
    ("He told us that Erbil and the U.S. agree; troops left for Kuwait.",
     [("Erbil", "erbil"), ("U.S.", "country:US"), ("Kuwait", "country:KW")]),
    ("A drone struck al-Asad, said Bashar al-Assad.", []),
    ("Balad Air Base, Balad, Harir and K-1 near Kirkuk; the Washington Post.",
     [("Balad Air Base", "balad_air_base"), ("Balad", "balad_town"), ("Harir", "harir"), ("K-1", "k1"),
      ("Kirkuk", "kirkuk")]),
    ("hit the road to victory, camp victory", [("camp victory", "camp_victory")]),
    ("ERBIL AIRPORT and the Iraq-Syria border; Thi-Qar province", [
        ("ERBIL AIRPORT", "erbil_airport"), ("Iraq-Syria border", "iraq_syria_border"),
        ("Thi-Qar province", "gov:dhi_qar")]),
    ("Iraqis in Baghdadi and Kuwaiti towns", []),
])
def test_english_text(text: str, expected: list[tuple[str, str]]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize("bad", ["", None, 5, "   \n\t ", "!!!"])
def test_bad_input_gives_no_mentions(bad: object) -> None:
    assert find_places(bad) == []  # type: ignore[arg-type]


_PIECES = ["بغداد", "وبغداد", "قاعدة بلد الجوية", "بلد", "البلاد", "العراقية", "العراق", "للعراق", "عين الأسد",
           "الأسد", " ", "  ", "،", "\n", "ـ", "َ", "Erbil", "us", "US", "K-1", "بالأنبار", "محافظة", "بابل", "x"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30))
def test_mentions_are_exact_sorted_and_disjoint(pieces: list[str]) -> None:
    text = "".join(pieces)
    mentions = find_places(text)
    _check_offsets(text, mentions)
    for m in mentions:
        before = text[m.start - 1] if m.start else " "
        after = text[m.end] if m.end < len(text) else " "
        # a mention never ends inside a word
        assert not (after.isalpha() and after not in "ـَ"), (text, m)
        assert before.isalpha() or before in " ،\nـَ-" or before.isascii(), (text, m)


def test_quoted_names_are_found():
    from gazetteer import find_places

    text = 'وأعلنت الفصائل استهداف قاعدة حقل "كونيكو" للغاز وقاعدة «التنف».'
    found = {m.place.id: m for m in find_places(text)}
    assert {"conoco", "al_tanf"} <= set(found)
    for m in found.values():
        assert text[m.start : m.end] == m.surface


def test_the_dual_of_a_type_word_names_the_site_that_needs_it():
    # "العمر" alone is a personal name; "قاعدتي العمر" is the al-Omar base, as "قاعدة العمر" is
    found = [(m.surface, m.place.id) for m in find_places("من قاعدتي العمر وكونيكو شرقي دير الزور")]
    assert found[:2] == [("قاعدتي العمر", "al_omar"), ("كونيكو", "conoco")]
    assert [m.place.id for m in find_places("قال العمر إن")] == []
