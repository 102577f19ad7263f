"""'tonight (Monday)', 'اليوم (الاثنين)' (issue 12, real dev h10): the weekday in brackets names the day, even when
the copy is filed a day or two later; a bare 'today' stays the report day."""

from __future__ import annotations

import datetime as dt

from geo import extract_events
from geo.dates import find_dates

WEDNESDAY = dt.date(2021, 2, 17)
MONDAY = dt.date(2021, 2, 15)


def days(text: str, pub: dt.date) -> list[dt.date]:
    return [d.date for d in find_dates(text, pub)]


def test_a_bracketed_weekday_after_today_or_tonight_is_that_day():
    assert days("indirect fire landed on coalition forces in Erbil tonight (Monday)", WEDNESDAY) == [MONDAY]
    assert days("Rockets hit the base today ( Monday ), officials said", WEDNESDAY) == [MONDAY]
    assert days("سقطت صواريخ على القاعدة مساء اليوم (الاثنين)", WEDNESDAY) == [MONDAY]
    assert days("سقطت صواريخ على القاعدة الليلة (الاثنين)", WEDNESDAY) == [MONDAY]
    assert days("Rockets hit the base today, officials said", WEDNESDAY) == [WEDNESDAY]


def test_indirect_fire_on_coalition_forces_is_an_attack_of_that_day():
    text = ("Initial reports stated indirect fire landed on coalition forces in Erbil tonight (Monday), "
            "the US military said.")
    (attack,) = extract_events(text, WEDNESDAY, min_confidence=0)
    assert (attack.type, attack.date, attack.place.name) == ("attack", MONDAY, "Erbil (city)")
