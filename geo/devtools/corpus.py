"""A deterministic synthetic corpus: realistic Arabic articles from sentence templates, with their gold.

``make corpus N=10000`` writes ``data/corpus/`` with ``a00001.txt`` ..., an ``index.csv`` (file, published,
outlet), and beside the folder ``data/corpus.gold.jsonl`` in the seed gold's format (outside it, so that
``geo ingest data/corpus`` reads only articles); ``geo evaluate data/corpus.gold.jsonl --seeds data/corpus``
checks correctness at scale, not just speed. Templates, weekday and month names are data
(``geo/devtools/data/corpus_templates.csv`` and the date lexicons); places come from the gazetteer.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gazetteer import places
from gazetteer.models import Place

from ..core.data import read_rows
from ..core.taxonomy import EVENT_TYPES
from ..dates.lexicon import DATA_DIR as DATES_DATA

START, END = dt.date(2020, 1, 1), dt.date(2024, 12, 31)
MAX_KM = {"site": 10, "city": 30, "governorate": 60, "country": 400}
OUTLETS = ("Synthetic Wire", "Synthetic Daily", "Synthetic News")
_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@dataclass(frozen=True)
class Template:
    kind: str
    type: str
    place: str
    text: str


@dataclass(frozen=True)
class Article:
    name: str
    text: str
    published: dt.date
    outlet: str
    gold: tuple[dict[str, Any], ...]


DATA_DIR = Path(__file__).parent / "data"


def _csv(name: str) -> list[dict[str, str]]:
    return read_rows(DATA_DIR / name)


def _templates() -> list[Template]:
    return [Template(r["kind"], r["type"], r["place"], r["template"]) for r in _csv("corpus_templates.csv")]


def _weekday_names() -> dict[int, str]:
    out: dict[int, str] = {}
    for r in read_rows(DATES_DATA / "weekdays.csv"):
        out.setdefault(int(r["weekday"]), r["word"])  # the first spelling listed is the common one
    return out


def _month_names() -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for r in read_rows(DATES_DATA / "months.csv"):
        if r.get("lang", "ar") == "ar" and r.get("ambiguous", "0") == "0":
            out.setdefault(int(r["month"]), []).append(r["word"])
    return out


class Generator:
    """Articles from a seeded random generator: the same seed gives the same corpus."""

    def __init__(self, seed: int = 7):
        self.rng = random.Random(seed)
        self.templates = _templates()
        self.events = [t for t in self.templates if t.kind == "event"]
        self.fillers = [t for t in self.templates if t.kind == "filler"]
        self.weekdays = _weekday_names()
        self.months = _month_names()
        ps = places()
        self.sites = [p for p in ps if p.is_base and p.country == "IQ" and p.name_ar.startswith(("قاعدة", "معسكر"))]
        self.govs = [p for p in ps if p.precision == "governorate" and p.country == "IQ"]
        self.cities = [p for p in ps if p.id in {"baghdad", "erbil"}] or [p for p in ps if p.precision == "city"][:2]
        by_id = {p.id: p for p in ps}
        self.iraq = by_id["country:IQ"]
        self.dests = [by_id[i] for i in ("country:KW", "country:SY") if i in by_id]

    def _num(self, lo: int, hi: int) -> str:
        s = str(self.rng.randint(lo, hi))
        return s.translate(_ARABIC_INDIC) if self.rng.random() < 0.2 else s

    def _when(self, pub: dt.date) -> tuple[str, dt.date, dt.date]:
        """A date phrase, and the window [min, max] an analyst would accept."""
        r = self.rng.random()
        if r < 0.45:
            back = self.rng.randint(0, 6)
            day = pub - dt.timedelta(days=back)
            name = self.weekdays[day.weekday()]
            prefix = self.rng.choice(["", "يوم ", "مساء ", "صباح "]) if back else self.rng.choice(["اليوم ", ""])
            return prefix + name, day, day
        if r < 0.6:
            day = pub - dt.timedelta(days=1)
            return "أمس", day, day
        if r < 0.85:
            day = pub - dt.timedelta(days=self.rng.randint(0, 40))
            month = self.rng.choice(self.months[day.month])
            return f"في {day.day} {month} {day.year}", day, day
        first = (pub.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        last = pub.replace(day=1) - dt.timedelta(days=1)
        return "الشهر الماضي", first, last

    def _place(self, kind: str) -> tuple[str, Place]:
        if kind == "site":
            p = self.rng.choice(self.sites)
            return p.name_ar, p
        if kind == "gov":
            p = self.rng.choice(self.govs)
            return "محافظة " + p.name_ar.removeprefix("محافظة "), p
        if kind == "city":
            p = self.rng.choice(self.cities)
            return p.name_ar, p
        return self.iraq.name_ar, self.iraq

    def article(self, i: int) -> Article:
        rng = self.rng
        pub = START + dt.timedelta(days=rng.randint(0, (END - START).days))
        n_events = rng.choice([1, 1, 2, 2, 3])
        chosen = rng.sample(self.events, n_events)
        body: list[tuple[str, dict[str, Any] | None]] = []
        used_places: set[str] = set()
        for t in chosen:
            when, d0, d1 = self._when(pub) if "{when}" in t.text else ("", pub, pub)
            surface, place = self._place(t.place)
            if place.id in used_places:  # one event per place keeps the expected answer unambiguous
                continue
            used_places.add(place.id)
            dest = rng.choice(self.dests)
            text = t.text.format(when=when, site=surface, gov=surface, city=surface, country=self.iraq.name_ar,
                                 dest=dest.name_ar, n=self._num(2, 3000 if t.type == "withdrawal" else 9))
            gold = {
                "type": t.type, "date_min": d0.isoformat(), "date_max": d1.isoformat(),
                "place": place.name, "lat": place.lat, "lon": place.lon,
                "max_km": MAX_KM.get(place.precision, 400), "geo_precision": place.precision, "core": True,
                "destination": dest.name if "{dest}" in t.text else None,
            }
            body.append((text, gold))
        types = {t.type for t in chosen}
        fillers = [t for t in self.fillers if not t.type or t.type in types]
        for t in rng.sample(fillers, min(len(fillers), rng.randint(1, 3))):
            body.insert(rng.randint(0, len(body)), (t.text, None))
        month = rng.choice(self.months[pub.month])
        head = f"{body[0][0].split('،')[0][:80]}\n\n{pub.day:02d} {month} {pub.year}\n\n"
        name = f"a{i:05d}.txt"
        text = head
        rows: list[dict[str, Any]] = []
        for sentence, g in body:
            start = len(text)
            text += sentence + "\n\n"
            if g is not None:
                rows.append({"id": f"{name[:-4]}-{len(rows) + 1}", "seed": name, **g,
                             "quote": sentence, "start": start, "end": start + len(sentence)})
        return Article(name, text, pub, rng.choice(OUTLETS), tuple(rows))

    def articles(self, n: int) -> Iterator[Article]:
        for i in range(1, n + 1):
            yield self.article(i)


def gold_path(out: Path) -> Path:
    """Where ``write_corpus`` puts the gold of the corpus in ``out``: beside the folder, not in it."""
    return out.with_name(out.name + ".gold.jsonl")


def write_corpus(out: Path, n: int, seed: int = 7) -> int:
    """Write ``n`` articles and ``index.csv`` into ``out`` and their gold to ``gold_path(out)``.

    Returns the number of gold events.
    """
    out.mkdir(parents=True, exist_ok=True)
    n_gold = 0
    with open(out / "index.csv", "w", encoding="utf-8", newline="") as idx, \
            open(gold_path(out), "w", encoding="utf-8") as gold:
        w = csv.writer(idx)
        w.writerow(["file", "published", "outlet", "language", "published_basis"])
        for a in Generator(seed).articles(n):
            (out / a.name).write_text(a.text, encoding="utf-8")
            w.writerow([a.name, a.published.isoformat(), a.outlet, "ar", "generated"])
            for g in a.gold:
                assert g["type"] in EVENT_TYPES
                gold.write(json.dumps(g, ensure_ascii=False) + "\n")
                n_gold += 1
    return n_gold


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m geo.corpus", description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=1000, help="number of articles")
    ap.add_argument("-o", "--out", type=Path, default=Path("data/corpus"))
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    n_gold = write_corpus(args.out, args.n, args.seed)
    print(f"wrote {args.n} articles to {args.out} and their {n_gold} expected events to {gold_path(args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
