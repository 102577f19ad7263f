"""Days given with the article prefix or counted in a month named by reference (real dev set, h7)."""

from __future__ import annotations

import datetime as dt

from geo.dates import find_dates

PUB = dt.date(2020, 4, 4)


def spans(text):
    return [(d.text, d.date, d.precision) for d in find_dates(text, PUB)]


def test_a_day_with_the_article_prefix():
    assert spans("انسحبت في الـ19 من شهر آذار/مارس الماضي") == [
        ("الـ19 من شهر آذار/مارس الماضي", dt.date(2020, 3, 19), "day")]


def test_a_day_of_the_current_or_last_month():
    assert spans("في الـ15 من الشهر الجاري")[0][1:] == (dt.date(2020, 4, 15), "day")
    assert spans("في 15 من الشهر الماضي")[0][1:] == (dt.date(2020, 3, 15), "day")
    assert spans("on the 15th of last month")[0][1:] == (dt.date(2020, 3, 15), "day")


def test_the_same_month_is_the_month_told_before():
    text = "انسحبت في 19 آذار الماضي من القائم، وفي 26 من الشهر ذاته سلّم التحالف قاعدة القيارة"
    assert [d for _, d, _ in spans(text)] == [dt.date(2020, 3, 19), dt.date(2020, 3, 26)]


def test_the_same_month_with_no_date_before_is_no_date():
    assert spans("وفي 26 من الشهر ذاته سلّم التحالف قاعدة القيارة") == []
