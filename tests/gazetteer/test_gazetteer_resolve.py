"""resolve / candidates / get_place / places against the curated reference (tests/data/reference)."""

from __future__ import annotations

import csv
import importlib
import math
from pathlib import Path

import pytest

from gazetteer import GazetteerDataError, Place, candidates, get_place, places, resolve
from gazetteer.index import parse_places

REFERENCE = Path(__file__).parents[1] / "data" / "reference" / "places_reference.csv"


def _reference() -> dict[str, dict[str, str]]:
    with open(REFERENCE, encoding="utf-8") as f:
        return {row["name_en"]: row for row in csv.DictReader(f)}


REF = _reference()


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance, written here independently of the package."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlmb / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def ref_km(place: Place, ref_name: str) -> float:
    row = REF[ref_name]
    return km(place.lat, place.lon, float(row["lat"]), float(row["lon"]))


CASES = {
    # reference name_en: (precision, max km, spellings)
    "Ain al-Asad Air Base": ("site", 5, [
        "عين الأسد", "عين الاسد", "قاعدة عين الأسد", "قاعدة عين الأسد الجوية", "قاعدة الأسد", "قاعدة القادسية الجوية",
        "Ain al-Asad", "Ayn al-Assad", "Al Asad Airbase", "AL-ASAD AIR BASE", "ain al asad air base",
        "Ain al-Assad airbase",
    ]),
    "Harir Air Base": ("site", 5, [
        "حرير", "قاعدة حرير", "قاعدة حرير الجوية", "قاعدة الحرير", "مطار حرير",
        "Harir", "Al-Harir", "Harir Air Base", "Harir airbase", "Bashur Airfield",
    ]),
    "Camp Victory / Victory Base Complex (Al-Faw Palace)": ("site", 5, [
        "قاعدة فكتوريا", "قاعدة فيكتوريا", "معسكر فيكتوريا", "فكتوريا", "قصر الفاو",
        "Camp Victory", "camp victory", "Victory Base Complex", "Victory Base", "Al Faw Palace",
    ]),
    "Balad Air Base": ("site", 5, [
        "قاعدة بلد الجوية", "قاعدة بلد", "قاعدة البكر الجوية",
        "Balad Air Base", "Balad Airbase", "Joint Base Balad", "LSA Anaconda", "JBB",
    ]),
    "Balad (town)": ("city", 5, ["بلد", "قضاء بلد", "مدينة بلد", "Balad", "BALAD", "Balad city"]),
    "Babil Governorate": ("governorate", 60, [
        "بابل", "محافظة بابل", "محافظة بابل", "Babil", "Babylon", "Babel", "Bābil", "Babil Governorate",
        "Babylon province",
    ]),
    "Dhi Qar Governorate": ("governorate", 60, [
        "ذي قار", "ذى قار", "محافظة ذي قار", "Dhi Qar", "Thi Qar", "Zi Qar", "Dhi-Qar", "Thi-Qar province",
        "Dhiqar",
    ]),
    "Kuwait": ("country", 60, ["الكويت", "دولة الكويت", "Kuwait", "KUWAIT", "State of Kuwait", "al-Kuwait"]),
}


@pytest.mark.parametrize(
    ("ref_name", "spelling"), [(ref, s) for ref, (_, _, spellings) in CASES.items() for s in spellings]
)
def test_resolve_spellings_near_reference_point(ref_name: str, spelling: str) -> None:
    precision, max_km, _ = CASES[ref_name]
    place = resolve(spelling)
    assert place is not None, spelling
    assert place.precision == precision, (spelling, place.id)
    assert ref_km(place, ref_name) <= max_km, (spelling, place.id)
    assert place.origin == "curated"


def test_every_reference_place_is_curated_with_its_facts() -> None:
    curated = places()
    for name, row in REF.items():
        matches = [p for p in curated if p.name == name]
        assert len(matches) == 1, name
        p = matches[0]
        assert km(p.lat, p.lon, float(row["lat"]), float(row["lon"])) < 0.01, name
        assert p.name_ar == row["name_ar"]
        assert p.country == row["country_iso2"]
        assert p.source == row["source"]
        assert p.confidence == row["confidence"]


def test_ids_are_stable_and_all_18_governorates_present() -> None:
    ids = [p.id for p in places()]
    assert len(ids) == len(set(ids))
    govs = [p for p in places() if p.kind == "province" and p.country == "IQ"]
    assert len(govs) == 18
    # and Syria's 13 besides the city of Damascus (its "ريف X" is the governorate: "ريف إدلب")
    assert len([p for p in places() if p.kind == "province" and p.country == "SY"]) == 13
    assert all(p.id.startswith("gov:") and p.precision == "governorate" for p in places() if p.kind == "province")
    assert resolve("ريف إدلب").id == resolve("Idlib province").id == "gov:sy_idlib"
    assert resolve("الحسكة").id == "hasakah" and resolve("محافظة الحسكة").id == "gov:sy_al_hasakah"
    for pid in ("country:IQ", "country:KW", "country:SY", "country:JO", "country:IR", "country:US", "country:QA",
                "gov:babil", "gov:dhi_qar", "gov:anbar", "gov:salah_al_din", "gov:baghdad", "ain_al_asad", "harir",
                "camp_victory", "balad_air_base", "balad_town", "taji", "k1", "biap", "erbil_airport", "erbil",
                "baghdad"):
        assert get_place(pid).id == pid
    assert get_place("country:IQ").name == "Iraq"


def test_bases_layer_and_precisions() -> None:
    bases = {p.id for p in places() if p.is_base}
    assert {"ain_al_asad", "harir", "camp_victory", "balad_air_base", "taji", "k1", "al_tanf"} <= bases
    assert "biap" not in bases and "baghdad" not in bases
    for p in places():
        if p.kind in ("air_base", "military_base", "airport"):
            assert p.precision == "site", p.id
        if p.kind == "country":
            assert p.precision == "country" and p.id == f"country:{p.country}"


def test_get_place_unknown_id_says_what_is_wrong() -> None:
    with pytest.raises(KeyError, match="no_such_place"):
        get_place("no_such_place")


@pytest.mark.parametrize("bad", ["", "   ", "xyzzy", "Atlantis", "مدينة خيالية", "qwertyuiop", "a" * 500, "؟؟"])
def test_unknown_names_give_none(bad: str) -> None:
    assert resolve(bad) is None


@pytest.mark.parametrize("bad", [None, 42, b"Baghdad", ["Baghdad"]])
def test_non_strings_give_none(bad: object) -> None:
    assert resolve(bad) is None  # type: ignore[arg-type]
    assert candidates(bad) == []  # type: ignore[arg-type]


@pytest.mark.parametrize("word", ["الأسد", "الاسد", "الأناضول", "يضرب", "البلاد", "بيان", "الدور"])
def test_common_words_and_traps_are_not_places(word: str) -> None:
    assert resolve(word) is None


@pytest.mark.parametrize("word", ["Iraqi", "Syrian", "Baghdadi", "Kuwaiti", "Union 2", "Tower 21", "Balad Ruz"])
def test_fuzzy_matching_refuses_other_words(word: str) -> None:
    place = resolve(word)
    assert place is None or place.id not in {"country:IQ", "country:SY", "baghdad", "country:KW", "union_iii",
                                             "tower_22", "balad_town", "balad_air_base"}


def test_balad_town_and_base_are_distinct() -> None:
    town, base = resolve("بلد"), resolve("قاعدة بلد الجوية")
    assert town is not None and base is not None
    assert town.id == "balad_town" and base.id == "balad_air_base"
    assert 18 < km(town.lat, town.lon, base.lat, base.lon) < 25  # notes: about 21.6 km


def test_harir_is_not_erbil_airport() -> None:
    harir, airport = resolve("Harir"), resolve("مطار أربيل")
    assert harir is not None and airport is not None
    assert (harir.id, airport.id) == ("harir", "erbil_airport")
    assert km(harir.lat, harir.lon, airport.lat, airport.lon) > 40
    assert resolve("Erbil Air Base") == airport


def test_qadisiyah_governorate_vs_old_name_of_ain_al_asad() -> None:
    assert resolve("القادسية").id == "gov:qadisiyah"  # type: ignore[union-attr]
    assert resolve("قاعدة القادسية الجوية").id == "ain_al_asad"  # type: ignore[union-attr]


@pytest.mark.parametrize("city", ["بغداد", "البصرة", "أربيل", "كركوك", "النجف", "كربلاء", "السليمانية", "دهوك"])
def test_bare_name_is_city_and_muhafaza_is_governorate(city: str) -> None:
    bare, gov = resolve(city), resolve(f"محافظة {city}")
    assert bare is not None and gov is not None
    assert bare.precision == "city" and bare.kind == "city"
    assert gov.precision == "governorate" and gov.id.startswith("gov:")
    assert gov.province == bare.province


@pytest.mark.parametrize(("name", "gov"), [
    ("Basra", "basra"), ("Kirkuk", "kirkuk"), ("Erbil", "erbil"), ("Najaf", "najaf"),
])
def test_latin_bare_city_vs_governorate(name: str, gov: str) -> None:
    assert resolve(name).precision == "city"  # type: ignore[union-attr]
    assert resolve(f"{name} Governorate").id == f"gov:{gov}"  # type: ignore[union-attr]
    assert resolve(f"{name} province").id == f"gov:{gov}"  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["محافظة السماوة", "Samawah governorate", "Samawah Province"])
def test_governorate_named_after_its_capital(name: str) -> None:
    assert resolve(name).id == "gov:muthanna"  # type: ignore[union-attr]
    assert resolve("السماوة").id == "samawah"  # type: ignore[union-attr]


def test_washington_is_a_city_of_the_us() -> None:
    w = resolve("واشنطن")
    assert w is not None and w.kind == "city" and w.country == "US"
    assert km(w.lat, w.lon, 38.9, -77.04) < 10
    assert resolve("الولايات المتحدة").id == "country:US"  # type: ignore[union-attr]


def test_candidates_best_first_and_limited() -> None:
    found = candidates("بغداد")
    ids = [p.id for p in found]
    assert ids[:2] == ["baghdad", "gov:baghdad"]
    assert candidates("بغداد", limit=1) == found[:1]
    assert candidates("xyzzy") == []


def test_geonames_fallback_ranks_below_curated() -> None:
    z = resolve("Az Zubayr")
    assert z is not None and z.origin == "geonames" and z.confidence == "medium" and z.country == "IQ"
    assert ref_km(z, "Basra (city)") < 40  # al-Zubayr is ~20 km SW of Basra
    assert resolve("الزبير") == z
    shatra = resolve("الشطرة")
    assert shatra is not None and shatra.origin == "geonames" and ref_km(shatra, "Nasiriyah") < 60
    # A GeoNames spelling of a curated city gives the curated place.
    ramadi = resolve("Ramady")
    assert ramadi is not None and ramadi.id == "ramadi"


def test_resolve_is_cached() -> None:
    assert resolve("Harir") is resolve("Harir")


def test_online_geocoder_is_opt_in(monkeypatch: pytest.MonkeyPatch) -> None:
    from gazetteer import online

    resolve_mod = importlib.import_module("gazetteer.resolve")  # the package exports a function of that name

    calls: list[str] = []
    fake = Place(id="osm:node/1", name="Nowhere", lat=33.0, lon=44.0, kind="city", precision="city",
                 origin="online", confidence="low")

    def geocode(name: str) -> Place:
        calls.append(name)
        return fake

    monkeypatch.setattr(online, "geocode", geocode)
    monkeypatch.delenv("GEO_ONLINE_GEOCODER", raising=False)
    resolve_mod._resolve.cache_clear()
    assert resolve("Nowhereville Zzz") is None and calls == []
    assert resolve("Nowhereville Zzz", online=True) == fake and calls == ["Nowhereville Zzz"]
    monkeypatch.setenv("GEO_ONLINE_GEOCODER", "1")
    assert resolve("Otherville Zzz") == fake
    resolve_mod._resolve.cache_clear()


def test_online_unavailable_gives_none(monkeypatch: pytest.MonkeyPatch) -> None:
    from gazetteer import GeocoderUnavailable, online

    resolve_mod = importlib.import_module("gazetteer.resolve")

    def geocode(name: str) -> Place:
        raise GeocoderUnavailable("no network")

    monkeypatch.setattr(online, "geocode", geocode)
    resolve_mod._resolve.cache_clear()
    assert resolve("Nowhereville Yyy", online=True) is None
    resolve_mod._resolve.cache_clear()


def test_nominatim_answer_is_low_precision_unless_typed() -> None:
    from gazetteer.online import place_from_nominatim

    p = place_from_nominatim("x", {"lat": "33.1", "lon": "44.2", "addresstype": "town", "name": "X",
                                   "osm_type": "node", "osm_id": 5, "address": {"country_code": "iq"}})
    assert p is not None and p.precision == "city" and p.country == "IQ" and p.origin == "online"
    q = place_from_nominatim("y", {"lat": "33.1", "lon": "44.2", "addresstype": "something"})
    assert q is not None and q.precision == "region"
    assert place_from_nominatim("z", {"lat": "nan?"}) is None


def test_bad_place_rows_are_reported_together() -> None:
    row = {"id": "Bad Id", "name": "X", "name_ar": "", "aliases": "", "kind": "castle", "precision": "exact",
           "lat": "95", "lon": "44", "province": "", "country": "IQ", "source": "s", "confidence": "high"}
    ok = dict(row, id="ok", kind="city", precision="city", lat="33", confidence="sure")
    with pytest.raises(GazetteerDataError) as err:
        parse_places([row, ok])
    msg = str(err.value)
    assert "bad coordinates" in msg and "confidence" in msg and "places.csv:2" in msg and "places.csv:3" in msg


def test_a_geonames_town_knows_its_governorate():
    # GeoNames admin1 codes mapped to the curated governorates (geonames_admin1.csv)
    from gazetteer import resolve

    for name, province, country in (("الدانا", "Idlib (Syria)", "SY"), ("الرفاعي", "Dhi Qar", "IQ"),
                                     ("معدان", "Raqqa (Syria)", "SY")):
        p = resolve(name)
        assert p is not None and p.origin == "geonames" and (p.province, p.country) == (province, country), name
