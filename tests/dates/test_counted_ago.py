"""Counts written as words before a unit ("قبل ثلاثة أيام", "two weeks ago") and hedged counts ("قبل نحو")."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.dates import find_dates

PUB = dt.date(2020, 9, 14)  # a Monday


@pytest.mark.parametrize(("text", "first", "last", "precision"), [
    ("سقطت الصواريخ قبل ثلاثة أيام", dt.date(2020, 9, 11), None, "day"),
    ("three days ago", dt.date(2020, 9, 11), None, "day"),
    ("قبل خمسة أيام", dt.date(2020, 9, 9), None, "day"),
    ("two weeks ago", dt.date(2020, 8, 28), dt.date(2020, 9, 3), "range"),
    # a hedged count of days is that day give or take one, never after the report
    ("قبل نحو ثلاثة أيام", dt.date(2020, 9, 10), dt.date(2020, 9, 12), "range"),
    ("منذ حوالي يوم", dt.date(2020, 9, 12), dt.date(2020, 9, 14), "range"),
    ("قبل نحو أسبوعين", dt.date(2020, 8, 28), dt.date(2020, 9, 3), "range"),
])
def test_a_counted_past_is_dated_from_the_report(text, first, last, precision):
    (d,) = find_dates(text, PUB)
    assert (d.date, d.end_date, d.precision, d.status) == (first, last, precision, "occurred")


def test_three_days_after_another_event_is_no_date_of_the_report():
    # "بعد ثلاثة أيام فقط من قصف": counted from the shelling, not from the publication day
    assert [d.text for d in find_dates("بعد ثلاثة أيام فقط من قصف مماثل", PUB)] == []
    # an open bound ("more than ten days ago") is no day
    assert find_dates("قبل أكثر من عشرة أيام", PUB) == []


@pytest.mark.parametrize(("text", "first", "last", "status"), [
    ("over the past two weeks", dt.date(2020, 8, 31), PUB, "occurred"),
    ("in the last three days", dt.date(2020, 9, 11), PUB, "occurred"),
    ("خلال الأيام الثلاثة الماضية", dt.date(2020, 9, 11), PUB, "occurred"),
    ("خلال الأسابيع الثلاثة المقبلة", dt.date(2020, 9, 15), dt.date(2020, 10, 5), "planned"),
    ("خلال الأيام الماضية", dt.date(2020, 9, 7), PUB, "occurred"),  # no count: a week, as before
])
def test_a_counted_window_ends_or_starts_at_the_report(text, first, last, status):
    (d,) = find_dates(text, PUB)
    assert (d.date, d.end_date, d.precision, d.status) == (first, last, "range", status)


def test_an_abbreviated_month_glued_to_its_day_is_read():
    (d,) = find_dates("at approx. 2343hrs Sept.11 coalition forces were attacked", dt.date(2021, 9, 12))
    assert (d.date, d.precision, d.text) == (dt.date(2021, 9, 11), "day", "Sept.11")
