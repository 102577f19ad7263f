"""Event extraction: types, dates, places, counts and quotes, on seeds and on sentences of our own."""

from __future__ import annotations

import datetime as dt

import pytest

from gazetteer.index import haversine_km
from geo import Event, InputError, extract_events

SUN = dt.date(2021, 4, 18)  # a Sunday
THU = dt.date(2024, 8, 15)  # a Thursday


def only(events: list[Event], etype: str) -> list[Event]:
    return [e for e in events if e.type == etype]


def test_rocket_attack_on_a_base_is_the_base_not_the_province_or_the_town():
    text = "وقالت مصادر أمنية، مساء الأحد، إن هجوما بواسطة 4 صواريخ كاتيوشا استهدف قاعدة بلد الجوية بمحافظة صلاح الدين."
    (e,) = only(extract_events(text, SUN, source="t"), "attack")
    assert e.place is not None and e.place.precision == "site"
    assert haversine_km(e.lat, e.lon, 33.9402, 44.3615) < 5  # the base, 21 km from Balad town
    assert e.date == SUN and e.date_precision == "day" and e.status == "occurred"
    assert e.rockets == 4 and e.weapon == "rocket"
    assert text[e.start : e.end] == e.quote and "كاتيوشا" in e.quote


def test_two_events_in_one_sentence_get_their_own_dates_and_places():
    text = (
        "وقالت مصادر عسكرية، مساء الأحد، إن هجوما بصواريخ استهدف قاعدة عين الأسد في الأنبار، "
        "كما تعرض رتل للتحالف الدولي إلى هجوم بعبوة ناسفة في محافظة ذي قار جنوبي البلاد، السبت."
    )
    attacks = sorted(only(extract_events(text, SUN), "attack"), key=lambda e: e.date)
    assert [e.date for e in attacks] == [dt.date(2021, 4, 17), SUN]
    dhiqar, asad = attacks
    assert dhiqar.geo_precision == "governorate" and dhiqar.weapon == "ied"
    assert haversine_km(dhiqar.lat, dhiqar.lon, 31.2858, 46.3068) < 60
    assert haversine_km(asad.lat, asad.lon, 33.7812, 42.4369) < 5


def test_withdrawal_toward_kuwait_is_a_movement_with_a_destination():
    text = "وقال المتحدث إن قوات التحالف الدولي انسحبت من العراق باتجاه الكويت أمس."
    (e,) = only(extract_events(text, dt.date(2021, 8, 3)), "withdrawal")
    assert e.place is not None and e.place.country == "IQ"
    assert e.destination is not None and e.destination.country == "KW"
    assert e.date == dt.date(2021, 8, 2)


def test_one_trigger_over_a_list_of_bases_gives_one_presence_event_per_base():
    text = (
        "ويتوزع الجنود على ثلاثة مواقع رئيسة في العراق، هي قاعدة عين الأسد في الأنبار، "
        "وقاعدة حرير في أربيل، ومعسكر فيكتوريا الملاصق لمطار بغداد الدولي."
    )
    events = only(extract_events(text, THU, min_confidence=0), "presence")  # the mechanism, not the floor
    names = sorted(e.place.name for e in events if e.place)
    assert len(events) == 3, names
    refs = [(33.7812, 42.4369), (36.5337, 44.3399), (33.284, 44.2561)]
    for lat, lon in refs:  # each base within 5 km of its reference point; Erbil airport is not one of them
        assert min(haversine_km(e.lat, e.lon, lat, lon) for e in events) < 5
    assert all(e.date == THU for e in events)


def test_a_plan_to_withdraw_is_an_agreement_not_a_withdrawal():
    text = "اتفق العراق والولايات المتحدة السبت على خطة لإعادة انتشار قوات التحالف الدولي خارج البلاد."
    events = extract_events(text, dt.date(2021, 6, 5))
    assert [e.type for e in events] == ["agreement"]
    assert events[0].date == dt.date(2021, 6, 5)


def test_demands_and_habits_are_not_events():
    text = (
        "وتطالب الفصائل المسلحة بانسحاب القوات الأميركية من البلاد. "
        "وعادة ما تتعرض مواقع قوات التحالف الدولي لهجمات صاروخية من قبل الميليشيات."
    )
    assert extract_events(text, SUN) == []


def test_country_noun_and_assad_are_not_places():
    text = "وقال إن الرئيس بشار الأسد أعلن انسحاب القوات من البلاد اليوم."
    for e in extract_events(text, SUN):
        assert e.place is None or e.place.precision != "site"


def test_planned_deadline_is_planned_with_that_day():
    text = "وأكد المتحدث استكمال عملية انسحاب قوات التحالف إلى تأريخ 31 ديسمبر/ كانون الأول 2021."
    (e,) = only(extract_events(text, dt.date(2021, 12, 9)), "withdrawal")
    assert e.status == "planned" and e.date == dt.date(2021, 12, 31) and e.date_precision == "day"


def test_future_without_a_date_is_not_mapped():
    # the seed analyst maps planned moves only with their date ("31 ديسمبر"), not "سوف ينسحبون"
    text = "وقال إن الأميركان سوف ينسحبون من العراق."
    assert only(extract_events(text, SUN), "withdrawal") == []


def test_airstrike_with_killed_count_in_words():
    text = ("وذكر مسؤول أمريكي، الأربعاء، أن قوات بلاده استهدفت بضربة جوية مقاتلين في محافظة بابل "
            "ما أسفر عن مقتل أربعة عناصر.")
    (e,) = extract_events(text, THU)
    assert e.type == "airstrike" and e.killed == 4 and e.troops is None
    assert e.date == dt.date(2024, 8, 14)
    assert haversine_km(e.lat, e.lon, 32.6319, 44.5629) < 60


def test_month_precision_is_not_turned_into_a_day():
    # (talks about anything else are no event: the sentence is about the forces, as an agreement must be)
    text = "واتفقت بغداد وواشنطن في شباط/فبراير الماضي على جدول زمني لانسحاب قوات التحالف."
    (e,) = extract_events(text, THU)
    assert e.type == "agreement" and e.date_precision == "month"
    assert (e.date, e.end_date) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))


def test_shipments_and_vehicles_counts():
    text = ("أعلنت قيادة الجيش العراقي، اليوم الخميس، عن إجلاء أكثر من 2100 شحنة معدات عسكرية تابعة "
            "للتحالف الدولي من العراق، فيما أشارت إلى تسلمها أكثر من 1800 عجلة مدرعة.")
    events = extract_events(text, dt.date(2021, 11, 4), min_confidence=0)  # the counts, not the floor
    (w,) = only(events, "withdrawal")
    (h,) = only(events, "handover")
    assert w.shipments == 2100 and h.vehicles == 1800
    assert w.date == h.date == dt.date(2021, 11, 4)


def test_english_article():
    text = "Four rockets hit Ain al-Asad air base in Anbar province on Sunday, officials said."
    (e,) = only(extract_events(text, SUN), "attack")
    assert e.rockets == 4 and e.date == SUN
    assert haversine_km(e.lat, e.lon, 33.7812, 42.4369) < 5


def test_titles_repeating_the_lead_merge_into_one_event(seeds):
    s = seeds["000_1bfbac51aafa363b.txt"]
    events = extract_events(s.text, s.published, source="x")
    withdrawals = only(events, "withdrawal")
    assert len(withdrawals) == 1
    assert withdrawals[0].shipments == 2100 and len(withdrawals[0].quotes) >= 2


def test_every_quote_is_exact_and_every_event_well_formed(seeds):
    for s in seeds.values():
        for e in extract_events(s.text, s.published, source=s.outlet):
            assert s.text[e.start : e.end] == e.quote
            assert e.date <= (e.end_date or e.date)
            assert e.status == "planned" or e.date <= s.published
            assert (e.lat is None) == (e.place is None)


@pytest.mark.parametrize("bad", [None, b"bytes", 42])
def test_bad_text_is_a_clear_error(bad):
    with pytest.raises(InputError, match="text as str"):
        extract_events(bad, SUN)  # type: ignore[arg-type]


def test_bad_date_is_a_clear_error():
    with pytest.raises(InputError, match="published must be a date"):
        extract_events("نص", "yesterday")  # type: ignore[arg-type]


def test_empty_and_hostile_text():
    assert extract_events("", SUN) == []
    assert extract_events("   \n\u200f\u202e ", SUN) == []
    text = "هجوم صاروخي استهدف قاعدة عين الأسد <script>alert(1)</script> مساء الأحد."
    (e,) = extract_events(text, SUN)
    assert "<script>" in e.quote  # kept verbatim: escaping is the display's job


SUN_2020 = dt.date(2020, 3, 29)  # a Sunday


@pytest.mark.parametrize(
    ("text", "etype", "day", "lat", "lon", "km"),
    [
        ("سلّم التحالف الدولي، اليوم الأحد، قاعدة كي وان في محافظة كركوك إلى القوات العراقية.",
         "handover", SUN_2020, 35.5125, 44.2842, 5),
        ("وصلت تعزيزات عسكرية أميركية إلى قاعدة حرير في أربيل، أمس السبت.",
         "redeployment", dt.date(2020, 3, 28), 36.5337, 44.3399, 5),
        ("شنت طائرات حربية أميركية غارات على مواقع لكتائب حزب الله في منطقة القائم فجر اليوم.",
         "airstrike", SUN_2020, 34.3669, 41.1389, 10),
        ("أعلنت خلية الإعلام الأمني، سقوط 3 صواريخ كاتيوشا على معسكر التاجي شمالي بغداد.",
         "attack", SUN_2020, 33.5228, 44.2472, 10),
        ("انسحبت القوات الأميركية من قاعدة القيارة جنوب الموصل يوم الخميس.",
         "withdrawal", dt.date(2020, 3, 26), 35.7672, 43.125, 5),
        ("The U.S.-led coalition handed over the Qayyarah air base to Iraqi forces on Thursday.",
         "handover", dt.date(2020, 3, 26), 35.7672, 43.125, 5),
    ],
)
def test_common_press_forms(text, etype, day, lat, lon, km):
    events = extract_events(text, SUN_2020)
    assert [e.type for e in events] == [etype]
    (e,) = events
    assert e.date == day
    assert haversine_km(e.lat, e.lon, lat, lon) < km


def test_peace_is_not_a_handover():
    assert extract_events("ودعا إلى الحفاظ على السلم الأهلي في البلاد.", SUN_2020) == []


def test_english_abbreviations_do_not_end_sentences():
    from geo.extract.clauses import sentences

    text = "The U.S. military said two rockets hit Camp Victory near Baghdad airport on Monday. No one was hurt."
    spans = sentences(text)
    assert len(spans) == 2 and text[spans[0].start : spans[0].end].endswith("on Monday.")
    (e,) = extract_events(text, dt.date(2021, 4, 20))
    assert e.type == "attack" and e.rockets == 2 and e.date == dt.date(2021, 4, 19)
    assert haversine_km(e.lat, e.lon, 33.284, 44.2561) < 5


def test_wire_dateline_and_dates_are_not_counts():
    text = ("BAGHDAD, Feb 8 (Reuters) - A U.S. drone strike on a car in eastern Baghdad on Wednesday evening "
            "killed a senior commander. It came in retaliation for a Jan. 28 drone attack on Tower 22 in Jordan.")
    events = extract_events(text, dt.date(2024, 2, 8))
    (strike,) = only(events, "airstrike")
    assert strike.date == dt.date(2024, 2, 7)  # Wednesday, not the dateline's Feb 8
    assert haversine_km(strike.lat, strike.lon, 33.3152, 44.3661) < 30
    (attack,) = only(events, "attack")
    assert attack.date == dt.date(2024, 1, 28) and attack.rockets is None  # 28 is a day, not 28 drones


def test_a_denial_is_not_an_event():
    text = "ونفت خلية الإعلام الأمني، الأحد، وقوع أي هجوم صاروخي على قاعدة عين الأسد."
    assert extract_events(text, SUN) == []


def test_a_town_only_geonames_knows_is_found_after_a_marker():
    text = "انفجرت عبوة ناسفة على رتل للتحالف في قضاء الزبير، أمس."
    (e,) = extract_events(text, dt.date(2021, 5, 25))
    assert e.place is not None and e.place.origin == "geonames" and e.date == dt.date(2021, 5, 24)
    assert haversine_km(e.lat, e.lon, 30.39, 47.70) < 15  # Az Zubayr, south-west of Basra
    # ... and the governorate the text also names holds it (GeoNames' admin1 code): the town is the finer place
    text2 = "انفجرت عبوة ناسفة على رتل للتحالف في قضاء الشطرة بمحافظة ذي قار، أمس."
    (e2,) = extract_events(text2, dt.date(2021, 5, 25))
    assert e2.place is not None and e2.place.origin == "geonames" and e2.place.province == "Dhi Qar"
    assert haversine_km(e2.lat, e2.lon, 31.41, 46.17) < 10  # Ash Shatrah
    # a governorate that does not hold the town is the one to trust
    wrong = "انفجرت عبوة ناسفة على رتل للتحالف في قضاء الشطرة بمحافظة البصرة، أمس."
    (e4,) = extract_events(wrong, dt.date(2021, 5, 25))
    assert e4.place is not None and e4.place.id == "gov:basra"
    # a curated town inside the governorate named with it is the finer place
    text3 = "انفجرت عبوة ناسفة على رتل للتحالف في قضاء الرميثة بمحافظة المثنى، أمس."
    (e3,) = extract_events(text3, dt.date(2021, 5, 25))
    assert e3.place is not None and e3.place.id == "rumaitha" and e3.place.province == "Muthanna"


def test_articles_about_other_things_give_no_events():
    # Iraqi politics and the war on ISIS share the words; with no foreign forces or their bases named,
    # they are outside this map.
    text = ("أعلن التيار الصدري، اليوم الأحد، انسحاب نوابه من البرلمان. "
            "وفي ديالى، تعرضت قرية لهجوم بعبوة ناسفة أمس.")
    assert extract_events(text, SUN) == []
    # ... and a political withdrawal stays out even in an article about the coalition
    text = "وأعلنت الكتلة، الأحد، انسحابها من البرلمان احتجاجا على وجود قوات التحالف."
    assert only(extract_events(text, SUN), "withdrawal") == []


def test_handing_a_protest_note_is_not_a_handover():
    text = "واستدعت وزارة الخارجية القائم بالأعمال الأميركي في بغداد لتسليمه مذكرة احتجاج."
    assert only(extract_events(text, SUN), "handover") == []


def test_moved_into_iraqi_hands_is_a_handover():
    text = "وقال التحالف الدولي، الأحد، إن قواته نقلت إلى قوات الأمن العراقية معدات ومنشآت في معسكر التاجي."
    (e,) = extract_events(text, SUN)
    assert e.type == "handover" and e.place is not None and e.place.id == "taji" and e.date == SUN


def test_a_pledge_to_keep_reducing_is_not_a_withdrawal():
    text = ("وكانت الجولة الأولى من الحوار بين بغداد وواشنطن قد انطلقت في 11 يونيو/ حزيران الماضي، "
            "وتعهدت خلالها واشنطن بمواصلة تقليص قواتها في العراق.")
    events = extract_events(text, dt.date(2020, 8, 23))
    assert [e.type for e in events] == ["agreement"] and events[0].date == dt.date(2020, 6, 11)


def test_worst_attack_in_years_is_an_event_but_being_subject_to_attacks_is_a_habit():
    text = ("فقد قتل جنديان أميركيان بسقوط 18 صاروخ كاتيوشا على معسكر التاجي مساء الأربعاء الماضي، "
            "في أعنف هجوم تتعرض له قوات التحالف منذ سنوات.")
    (e,) = extract_events(text, dt.date(2020, 3, 14))
    assert e.type == "attack" and e.date == dt.date(2020, 3, 11) and e.place is not None and e.place.id == "taji"
    assert e.rockets == 18
    habit = "ومنذ مطلع 2020، تتعرض السفارة الأمريكية في بغداد وقواعد تضم جنودا أمريكيين لهجمات صاروخية."
    assert extract_events(habit, dt.date(2021, 3, 3)) == []


def test_a_strike_near_a_foreign_town_is_placed_there():
    text = ("وكانت غارات جوية أميركية قد استهدفت، ليل الخميس الماضي، منشآت للفصائل قرب مدينة البوكمال "
            "السورية، بعد هجمات على قوات التحالف في العراق.")
    (e,) = only(extract_events(text, dt.date(2021, 3, 3)), "airstrike")
    assert e.place is not None and e.place.id == "albukamal" and e.date == dt.date(2021, 2, 25)


def test_a_number_glued_to_a_preposition_is_counted():
    text = "وقالت مصادر عسكرية، مساء الأحد، إن هجوما بـ6 صواريخ كاتيوشا استهدف قاعدة بلد الجوية."
    (e,) = extract_events(text, SUN)
    assert e.rockets == 6
