"""'Over the weekend' (issue 12, real dev h18): the last weekend before the report, as the copy's language counts it."""

from __future__ import annotations

import datetime as dt

from geo.dates import find_dates


def spans(text: str, pub: dt.date) -> list[tuple[dt.date, dt.date | None, str]]:
    return [(d.date, d.end_date, d.precision) for d in find_dates(text, pub)]


def test_over_the_weekend_is_the_last_saturday_and_sunday_in_english():
    tuesday = dt.date(2024, 11, 12)
    assert spans("U.S. forces struck nine targets in Syria over the weekend", tuesday) == [
        (dt.date(2024, 11, 9), dt.date(2024, 11, 10), "range")]
    sunday = dt.date(2024, 11, 10)  # reported on the Sunday itself: that weekend
    assert spans("strikes over the weekend", sunday) == [(dt.date(2024, 11, 9), sunday, "range")]


def test_the_arabic_weekend_is_friday_and_saturday():
    tuesday = dt.date(2024, 11, 12)
    assert spans("قصف خلال عطلة نهاية الأسبوع", tuesday) == [(dt.date(2024, 11, 8), dt.date(2024, 11, 9), "range")]
