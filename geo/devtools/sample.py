"""Synthetic events for tests and the benchmark ONLY (never shown to users as data).

Places carry real-world coordinates so maps look plausible, but the events are generated.
"""

from __future__ import annotations

import datetime as dt
import random

from gazetteer.models import Place

from ..core.models import Event
from ..core.taxonomy import EVENT_TYPES, MOVEMENT_TYPES

PLACES: dict[str, Place] = {
    p.id: p
    for p in (
        Place(
            "ain_al_asad",
            "Ain al-Asad Air Base",
            33.7856,
            42.4412,
            "air_base",
            "site",
            "عين الأسد",
            "Anbar",
            "IQ",
        ),
        Place("balad", "Balad Air Base", 33.9402, 44.3615, "air_base", "site", "قاعدة بلد", "Salah al-Din", "IQ"),
        Place("victory", "Victory Base", 33.2620, 44.2350, "military_base", "site", "فكتوريا", "Baghdad", "IQ"),
        Place("harir", "Harir Air Base", 36.5380, 44.3520, "air_base", "site", "حرير", "Erbil", "IQ"),
        Place("erbil_ab", "Erbil Air Base", 36.2370, 43.9630, "air_base", "site", "قاعدة أربيل", "Erbil", "IQ"),
        Place("taji", "Camp Taji", 33.5240, 44.2560, "military_base", "site", "التاجي", "Baghdad", "IQ"),
        Place("baghdad", "Baghdad", 33.3152, 44.3661, "city", "city", "بغداد", "Baghdad", "IQ"),
        Place("fallujah", "Fallujah", 33.3500, 43.7800, "city", "city", "الفلوجة", "Anbar", "IQ"),
        Place(
            "anbar",
            "Anbar Governorate",
            33.4000,
            42.0000,
            "province",
            "governorate",
            "الأنبار",
            "Anbar",
            "IQ",
        ),
        Place(
            "dhi_qar",
            "Dhi Qar Governorate",
            31.2858,
            46.3068,
            "province",
            "governorate",
            "ذي قار",
            "Dhi Qar",
            "IQ",
        ),
        Place("iraq", "Iraq", 33.0, 43.7, "country", "country", "العراق", "", "IQ"),
        Place("kuwait", "Kuwait", 29.3117, 47.4818, "country", "country", "الكويت", "", "KW"),
    )
}

QUOTE = "أعلنت مصادر أمنية عراقية عن هجوم استهدف القاعدة بعدة صواريخ، من دون وقوع إصابات."


def make_event(
    type: str,
    date: dt.date,
    place: str | None,
    *,
    destination: str | None = None,
    quote: str = QUOTE,
    source: str = "sample",
    published: dt.date | None = None,
    date_precision: str = "day",
    end_date: dt.date | None = None,
    status: str = "occurred",
    start: int = 0,
) -> Event:
    """One event at a sample place (by id)."""
    return Event(
        type=type,
        date=date,
        quote=quote,
        start=start,
        end=start + len(quote),
        source=source,
        published=published or date,
        date_precision=date_precision,
        end_date=end_date,
        status=status,
        place=PLACES[place] if place else None,
        destination=PLACES[destination] if destination else None,
    )


def synthetic_events(n: int, seed: int = 0, start: dt.date = dt.date(2020, 1, 1), days: int = 1500) -> list[Event]:
    """``n`` varied events (all types, precisions and date precisions), sorted by date."""
    rng = random.Random(seed)
    ids = list(PLACES)
    out = []
    for i in range(n):
        t = rng.choice(EVENT_TYPES)
        place = rng.choice(ids[:-1])  # never "in Kuwait"
        dest = "kuwait" if t in MOVEMENT_TYPES and rng.random() < 0.6 else None
        date = start + dt.timedelta(days=rng.randrange(days))
        out.append(
            make_event(
                t,
                date,
                place,
                destination=dest,
                source=rng.choice(["Al-Araby", "Shafaq News", "Al-Ain", "Al-Arab"]),
                published=date + dt.timedelta(days=rng.randrange(3)),
                date_precision=rng.choice(["day", "day", "day", "month", "year", "range"]),
                status="planned" if rng.random() < 0.1 else "occurred",
                quote=f"{QUOTE} ({i})",
                start=i,
            )
        )
    out.sort(key=lambda e: e.date)
    return out


XSS_QUOTE = '<script>alert("x")</script><img src=x onerror=alert(1)> قصف صاروخي على قاعدة أربيل'


def small_events() -> list[Event]:
    """Ten hand-made events whose filter results tests can state literally.

    ==  ============  ==========  ===========  ===========  ==========  ============
    #   type          date        place        governorate  precision   source
    ==  ============  ==========  ===========  ===========  ==========  ============
    1   attack        2021-01-10  ain_al_asad  Anbar        site        Al-Araby
    2   attack        2021-02-15  balad        Salah al-Din site        Shafaq News
    3   withdrawal    2021-03-01  taji→kuwait  Baghdad      site        Al-Ain
    4   handover      2021-04-04  taji         Baghdad      site        Al-Ain
    5   airstrike     2021-05-20  anbar        Anbar        governorate Al-Araby
    6   agreement     2021-07     baghdad      Baghdad      city        Al-Arab (month)
    7   announcement  2021-12-09  iraq         —            country     Al-Ain
    8   presence      2022-01-05  harir        Erbil        site        Shafaq News
    9   attack        2022-03-13  erbil_ab     Erbil        site        Al-Araby (quote with <script>)
    10  attack        2022-06-01  (none)       —            none        Al-Arab
    ==  ============  ==========  ===========  ===========  ==========  ============
    """
    d = dt.date
    return [
        make_event("attack", d(2021, 1, 10), "ain_al_asad", source="Al-Araby", start=1),
        make_event("attack", d(2021, 2, 15), "balad", source="Shafaq News", start=2),
        make_event("withdrawal", d(2021, 3, 1), "taji", destination="kuwait", source="Al-Ain", start=3),
        make_event("handover", d(2021, 4, 4), "taji", source="Al-Ain", start=4),
        make_event("airstrike", d(2021, 5, 20), "anbar", source="Al-Araby", start=5),
        make_event(
            "agreement",
            d(2021, 7, 1),
            "baghdad",
            source="Al-Arab",
            date_precision="month",
            end_date=d(2021, 7, 31),
            start=6,
        ),
        make_event("announcement", d(2021, 12, 9), "iraq", source="Al-Ain", start=7),
        make_event("presence", d(2022, 1, 5), "harir", source="Shafaq News", start=8),
        make_event("attack", d(2022, 3, 13), "erbil_ab", source="Al-Araby", quote=XSS_QUOTE, start=9),
        make_event("attack", d(2022, 6, 1), None, source="Al-Arab", start=10),
    ]
