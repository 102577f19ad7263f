"""Score the extractor against a gold JSONL file (the format of ``tests/data/seed_events.jsonl``).

A predicted event matches a gold event of the same article when the types agree (withdrawal ≈
redeployment, agreement ≈ announcement), its date falls within [date_min, date_max], and its point
is within max_km of the gold point (no point needed when the gold gives none). Matching is a maximum
one-to-one assignment, core gold events placed first, each preferring its closest candidate.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gazetteer.index import haversine_km

from ..core.errors import InputError
from ..core.models import Event
from ..core.settings import PROJECT_ROOT, SEEDS_DIR
from ..core.taxonomy import canonical_type
from ..extract import EXTRACTOR_VERSION
from ..ingest import INDEX_FILE, read_index
from ..ingest.plan import extract_one, plan_file
from ..review.apply import reviewed as apply_review
from ..store import open_store


def matches(pred: Event, gold: dict[str, Any]) -> float | None:
    """Distance in km (0 when the gold has no point) when ``pred`` matches ``gold``, else None."""
    if canonical_type(pred.type) != canonical_type(gold["type"]):
        return None
    if not dt.date.fromisoformat(gold["date_min"]) <= pred.date <= dt.date.fromisoformat(gold["date_max"]):
        return None
    if gold.get("lat") is None or gold.get("max_km") is None:
        return 0.0
    if pred.lat is None or pred.lon is None:
        return None
    d = haversine_km(pred.lat, pred.lon, gold["lat"], gold["lon"])
    return d if d <= gold["max_km"] else None


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


ERROR_KINDS = ("missed", "spurious", "wrong type", "wrong date", "wrong place", "event on a negative")


def _near_miss(pred: Event, gold: dict[str, Any]) -> str | None:
    """Which one thing keeps ``pred`` from matching ``gold`` ("wrong type", "wrong date", "wrong place"),
    or None when more than one does."""
    same_type = canonical_type(pred.type) == canonical_type(gold["type"])
    in_window = dt.date.fromisoformat(gold["date_min"]) <= pred.date <= dt.date.fromisoformat(gold["date_max"])
    relaxed = dict(gold, type=pred.type, date_min=pred.date.isoformat(), date_max=pred.date.isoformat())
    at_place = matches(pred, relaxed) is not None
    if same_type and in_window and not at_place:
        return "wrong place"
    if same_type and at_place and not in_window:
        return "wrong date"
    if in_window and at_place and not same_type:
        return "wrong type"
    return None


@dataclass
class Evaluation:
    overall: Scores = field(default_factory=Scores)
    by_type: dict[str, Scores] = field(default_factory=lambda: defaultdict(Scores))
    by_language: dict[str, Scores] = field(default_factory=lambda: defaultdict(Scores))
    # kind → (gold row or None, predicted event or None): every error, with what it is about
    errors: dict[str, list[tuple[dict[str, Any] | None, Event | None]]] = field(
        default_factory=lambda: {k: [] for k in ERROR_KINDS})
    articles: int = 0
    negatives: int = 0
    negatives_clean: int = 0  # negatives on which nothing was found
    core_total: int = 0
    core_found: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_alarms: list[Event] = field(default_factory=list)
    matched: list[tuple[dict[str, Any], Event]] = field(default_factory=list)

    @property
    def core_recall(self) -> float:
        return self.core_found / self.core_total if self.core_total else 0.0

    def report(self) -> str:
        o = self.overall
        lines = [
            f"events: gold {o.tp + o.fn}, predicted {o.tp + o.fp}, matched {o.tp}",
            f"precision {o.precision:.3f}  recall {o.recall:.3f}  F1 {o.f1:.3f}  "
            f"core recall {self.core_recall:.3f} ({self.core_found}/{self.core_total})",
            "per type (gold type; predictions counted under their canonical type):",
        ]
        for t in sorted(self.by_type):
            s = self.by_type[t]
            lines.append(f"  {t:<13} P {s.precision:.2f}  R {s.recall:.2f}  F1 {s.f1:.2f}  "
                         f"(tp {s.tp}, fp {s.fp}, fn {s.fn})")
        for g in self.misses:
            lines.append(f"MISS {g['id']} {g['type']} {g['date_min']}..{g['date_max']} {g.get('place', '')}"
                         f"{' (core)' if g.get('core') else ''}: {g['quote'][:70]}")
        for e in self.false_alarms:
            lines.append(f"FALSE ALARM {e.source} {e.type} {e.date} {e.place.name if e.place else '-'}: "
                         f"{e.quote[:70]}")
        return "\n".join(lines)

    def summary(self) -> str:
        """By language and by error kind, one line each."""
        langs = "  ".join(f"{k} F1 {v.f1:.3f} (P {v.precision:.2f} R {v.recall:.2f})"
                          for k, v in sorted(self.by_language.items()))
        kinds = ", ".join(f"{k} {len(v)}" for k, v in self.errors.items())
        neg = f"negatives with no event {self.negatives_clean}/{self.negatives}" if self.negatives else "no negatives"
        return f"by language: {langs}\nerrors: {kinds}; {neg}"

    def error_list(self) -> str:
        """Every error with its quotes (for a development set: read these, never the test set's)."""
        lines = []
        for kind, items in self.errors.items():
            for g, e in items:
                gold = (f"gold {g['id']} {g['type']} {g['date_min']}..{g['date_max']} {g.get('place', '')}: "
                        f"{g['quote'][:90]}") if g else ""
                pred = (f"got {e.type} {e.date} {e.place.name if e.place else '-'}: {e.quote[:90]}") if e else ""
                lines.append(f"[{kind}] " + " | ".join(x for x in (gold, pred) if x))
        return "\n".join(lines)


def _assign(golds: list[dict[str, Any]], preds: list[Event]) -> dict[int, int]:
    """A maximum one-to-one matching gold → prediction (Kuhn's augmenting paths), core gold first,
    each gold trying its closest candidates first. Greedy matching would let a wide gold window take
    the only prediction a narrow one could match."""
    cands = [sorted((d, i) for i, p in enumerate(preds) if (d := matches(p, g)) is not None) for g in golds]
    owner: dict[int, int] = {}  # prediction → gold

    def augment(gi: int, seen: set[int]) -> bool:
        for _, pi in cands[gi]:
            if pi in seen:
                continue
            seen.add(pi)
            if pi not in owner or augment(owner[pi], seen):
                owner[pi] = gi
                return True
        return False

    for gi in range(len(golds)):  # golds are sorted core first: they are placed before the rest
        augment(gi, set())
    return {gi: pi for pi, gi in owner.items()}


def score(gold: Sequence[dict[str, Any]], predicted: dict[str, list[Event]],
          languages: dict[str, str] | None = None) -> Evaluation:
    """Score predictions (article key → events) against gold rows keyed by their ``seed`` field.

    An article in ``predicted`` with no gold row is a negative: whatever is found there is an error.
    """
    ev = Evaluation()
    by_article: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for g in gold:
        by_article[g["seed"]].append(g)
    for key in sorted(set(by_article) | set(predicted)):
        golds = sorted(by_article.get(key, []), key=lambda g: (not g.get("core"), g["id"]))
        preds = list(predicted.get(key, []))
        assignment = _assign(golds, preds)
        lang = ev.by_language[(languages or {}).get(key, "ar")]
        ev.articles += 1
        if not golds:
            ev.negatives += 1
            ev.negatives_clean += not preds
        used_now = set(assignment.values())
        lang.tp += len(assignment)
        lang.fn += len(golds) - len(assignment)
        lang.fp += len(preds) - len(used_now)
        _classify(ev, golds, preds, assignment)
        for gi, g in enumerate(golds):
            ct = canonical_type(g["type"])
            if g.get("core"):
                ev.core_total += 1
            if gi in assignment:
                ev.overall.tp += 1
                ev.by_type[ct].tp += 1
                ev.matched.append((g, preds[assignment[gi]]))
                ev.core_found += bool(g.get("core"))
            else:
                ev.overall.fn += 1
                ev.by_type[ct].fn += 1
                ev.misses.append(g)
        used = set(assignment.values())
        for i, p in enumerate(preds):
            if i not in used:
                ev.overall.fp += 1
                ev.by_type[canonical_type(p.type)].fp += 1
                ev.false_alarms.append(p)
    return ev


def _classify(ev: Evaluation, golds: list[dict[str, Any]], preds: list[Event], assignment: dict[int, int]) -> None:
    """Sort one article's errors into kinds: a left-over gold and prediction that differ in one thing
    only are that near miss; the rest are missed, spurious, or events on a negative."""
    free_g = [g for gi, g in enumerate(golds) if gi not in assignment]
    used = set(assignment.values())
    free_p = [p for pi, p in enumerate(preds) if pi not in used]
    for g in list(free_g):
        for p in free_p:
            kind = _near_miss(p, g)
            if kind is not None:
                ev.errors[kind].append((g, p))
                free_g.remove(g)
                free_p.remove(p)
                break
    ev.errors["missed"] += [(g, None) for g in free_g]
    ev.errors["event on a negative" if not golds else "spurious"] += [(None, p) for p in free_p]


def load_gold(path: Path) -> list[dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read gold file {path}: {exc}; it should be UTF-8 JSON lines") from None
    for r in rows:
        missing = {"id", "seed", "type", "date_min", "date_max"} - set(r)
        if missing:
            raise InputError(f"gold row {r.get('id', '?')} lacks {sorted(missing)}")
    return rows


def evaluate_file(gold_path: Path, seeds_dir: Path | None = None,
                  min_confidence: float | None = None) -> Evaluation:
    """Run the extractor over the gold's articles (``seeds_dir`` with its index.csv) and score it
    (``min_confidence=0`` scores every candidate, as the confidence is fitted on)."""
    seeds_dir = Path(seeds_dir or SEEDS_DIR)
    gold = load_gold(Path(gold_path))
    index = seeds_dir / INDEX_FILE
    if not index.exists():
        raise InputError(f"{index} not found; give --seeds FOLDER holding the articles and their index.csv")
    predicted: dict[str, list[Event]] = {}
    rows = read_index(index)
    for name, row in rows.items():  # every article of the index: one without gold rows is a negative
        # planned and extracted exactly as ingest does (reader, date, label), so the score is the store's
        jobs, skipped = plan_file(seeds_dir / name, row, None, None, EXTRACTOR_VERSION)
        if skipped and not jobs:
            raise InputError(f"{seeds_dir / name}: {skipped[0][1]}")
        events: list[Event] = []
        for job in jobs:
            a = job.article
            _, result = extract_one((a.id, a.text, a.published, a.source), min_confidence)
            if isinstance(result, str):
                raise InputError(f"{seeds_dir / name}: {result}")
            events.extend(result)
        predicted[name] = events
    return score(gold, predicted, {n: (r.get("language") or "ar").strip() for n, r in rows.items()})


@dataclass
class StoreEvaluation:
    """A store scored twice against a gold set: as the extractor left it, and as analysts reviewed it."""

    extracted: Evaluation
    reviewed: Evaluation
    articles: int  # the gold's articles found in the store (the others are not scored)
    absent: list[str]  # the gold's articles the store does not hold
    decisions: int  # scored reports under a decision, and hand-added events in scored articles
    unattributed: int  # hand-added events without an article of the gold set (not scored)

    def report(self) -> str:
        def line(label: str, ev: Evaluation) -> str:
            o = ev.overall
            return (f"{label}: gold {o.tp + o.fn}, predicted {o.tp + o.fp}, matched {o.tp}; "
                    f"precision {o.precision:.3f}  recall {o.recall:.3f}  F1 {o.f1:.3f}")

        gain = self.reviewed.overall.f1 - self.extracted.overall.f1
        lines = [
            f"scored {self.articles} articles of the gold set held by the store"
            + (f" ({len(self.absent)} not in it, left out: {', '.join(self.absent[:3])}"
               f"{', ...' if len(self.absent) > 3 else ''})" if self.absent else ""),
            line("as extracted", self.extracted),
            line("as reviewed ", self.reviewed),
            f"review: {self.decisions} reviewed reports and added events scored, F1 {gain:+.3f}"
            + (f"; {self.unattributed} added events with no article of the gold set (not scored)"
               if self.unattributed else ""),
        ]
        return "\n".join(lines)


def evaluate_store(gold_path: Path, store: str | Path, seeds_dir: Path | None = None) -> StoreEvaluation:
    """Score the events a store holds for the gold's articles, before and after its reviews.

    Articles are found by content hash (planned as ingest plans them), so the store may have been
    built from copies anywhere. Each article's prediction is its extracted reports: as stored, and
    each under the decision of the event it merged into (rejected ones dropped, corrections applied),
    plus the events added by hand with that article as their reference. An unreviewed store scores
    the same twice.
    """
    seeds_dir = Path(seeds_dir or SEEDS_DIR)
    gold = load_gold(Path(gold_path))
    index = seeds_dir / INDEX_FILE
    if not index.exists():
        raise InputError(f"{index} not found; give --seeds FOLDER holding the articles and their index.csv")
    rows = read_index(index)
    name_of: dict[str, str] = {}
    for name, row in rows.items():
        jobs, _ = plan_file(seeds_dir / name, row, None, None, EXTRACTOR_VERSION)
        name_of.update((job.article.id, name) for job in jobs)
    with open_store(store, create=False) as st:
        view = st.reviewed()
        held = {aid for aid in name_of if aid in st.article_ids()}
    scored = sorted({name_of[a] for a in held})
    extracted: dict[str, list[Event]] = {n: [] for n in scored}
    reviewed_: dict[str, list[Event]] = {n: [] for n in scored}
    decisions = unattributed = 0
    decision_of = {j: view.review[i] for i, members in enumerate(view.members) for j in members}
    for j, (aid, e) in enumerate(view.raw):
        if aid not in held:
            continue
        extracted[name_of[aid]].append(e)
        r = decision_of.get(j)
        decisions += r is not None
        if r is None:
            reviewed_[name_of[aid]].append(e)
        elif r.status != "rejected":
            reviewed_[name_of[aid]].append(apply_review(e, r))
    for e, r in zip(view.events, view.review, strict=True):
        if r is None or not r.is_added or r.status == "rejected":
            continue
        names = [name_of[a] for a in r.article_ids if a in held]
        if not names:
            unattributed += 1
        for n in dict.fromkeys(names):
            reviewed_[n].append(e)
            decisions += 1
    langs = {n: (r.get("language") or "ar").strip() for n, r in rows.items()}
    kept = [g for g in gold if g["seed"] in set(scored)]
    absent = sorted(n for n in rows if n not in set(scored))
    return StoreEvaluation(score(kept, extracted, langs), score(kept, reviewed_, langs), len(scored), absent,
                           decisions, unattributed)


# The sets ``make eval`` scores: (label, gold file, articles folder). Real sets first: they are the truth.
PROJECT_SETS = (
    ("real articles, dev half", "tests/data/real/dev/gold.jsonl", "tests/data/real/dev"),
    ("real articles, test half", "tests/data/real/test/gold.jsonl", "tests/data/real/test"),
    ("seed articles", "tests/data/seed_events.jsonl", "seeds"),
    ("held-out set 1 (written to imitate)", "tests/data/heldout/gold.jsonl", "tests/data/heldout"),
    ("held-out set 2 (written to imitate)", "tests/data/heldout2/gold.jsonl", "tests/data/heldout2"),
    ("held-out set 3 (written to imitate)", "tests/data/heldout3/gold.jsonl", "tests/data/heldout3"),
)


def eval_table(root: Path, sets: Sequence[tuple[str, str, str]] = PROJECT_SETS) -> tuple[str, dict[str, Evaluation]]:
    """One Markdown table over every set, and the evaluations by label."""
    out: dict[str, Evaluation] = {}
    lines = ["| set | articles (negatives) | gold | predicted | P | R | F1 | ar F1 | en F1 | clean negatives |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for label, gold, folder in sets:
        ev = evaluate_file(root / gold, root / folder)
        out[label] = ev
        o = ev.overall

        def lang(code: str, e: Evaluation = ev) -> str:
            return f"{e.by_language[code].f1:.3f}" if code in e.by_language else "–"

        clean = f"{ev.negatives_clean}/{ev.negatives}" if ev.negatives else "–"
        lines.append(f"| {label} | {ev.articles} ({ev.negatives}) | {o.tp + o.fn} | {o.tp + o.fp} | "
                     f"{o.precision:.3f} | {o.recall:.3f} | {o.f1:.3f} | {lang('ar')} | {lang('en')} | {clean} |")
    return "\n".join(lines), out


def main(argv: Sequence[str] | None = None) -> int:
    """``make eval``: the table over every set, the error kinds of each, and the dev half's error list."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--errors", action="store_true", help="list the dev half's errors with their quotes")
    args = parser.parse_args(argv)
    table, evals = eval_table(PROJECT_ROOT)
    print(table)
    for label, ev in evals.items():
        print(f"\n{label}: {ev.summary()}")
    if args.errors:
        print("\n" + evals[PROJECT_SETS[0][0]].error_list())
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except BrokenPipeError:  # `make eval | head`: the reader has seen enough
        raise SystemExit(0) from None
