"""Analyst review (geo.review): decisions survive reprocess, re-ingest and merges; exchange by files."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path

import pyogrio
import pytest

from gazetteer import resolve
from gazetteer.index import haversine_km
from geo.cli import main
from geo.core.models import Event
from geo.export import export_events
from geo.ingest import ingest_paths, reprocess
from geo.review import (
    Review,
    add,
    anchor_of,
    apply_reviews,
    attach,
    decide,
    needs_review,
    read_reviews,
    review_counts,
    similarity,
)
from geo.store import open_store

T1, T2, T3 = "2026-01-01T10:00:00.000Z", "2026-01-02T10:00:00.000Z", "2026-01-03T10:00:00.000Z"
NASIRIYAH = resolve("الناصرية")
BALAD = resolve("قاعدة بلد الجوية")


def _km(e: Event, place) -> float:
    assert e.lat is not None and e.lon is not None
    return haversine_km(e.lat, e.lon, place.lat, place.lon)


@pytest.fixture
def seeded(tmp_path, seeds_dir) -> Path:
    store = tmp_path / "s.gpkg"
    ingest_paths([seeds_dir], store=store)
    return store


def _find(store, **want) -> Event:
    """The one stored event with these properties (place by id)."""
    found = [e for e in store.all_events(include_rejected=True)
             if all((e.place.id if k == "place" and e.place else getattr(e, k)) == v for k, v in want.items())]
    assert len(found) == 1, (want, found)
    return found[0]


def _review(store, ident: str, status: str, changes=None, who: str = "alice", at: str = T1, note: str = "") -> Review:
    view = store.reviewed()
    i = view.index_of(ident)
    assert i is not None, ident
    r = decide(view, i, status, who, changes=changes, at=at, note=note)
    assert store.add_reviews([r]) == 1
    return r


def _by_id(store, ident: str, include_rejected: bool = True) -> Event | None:
    return next((e for e in store.all_events(include_rejected=include_rejected) if e.id == ident), None)


# ---------------------------------------------------------------- apply on read, exports
def test_decisions_apply_on_read_and_reach_every_export(seeded, tmp_path):
    with open_store(seeded) as st:
        attack = _find(st, type="attack", place="gov:dhi_qar")
        spurious = _find(st, type="withdrawal", date=dt.date(2021, 1, 1))
        sure = _find(st, type="airstrike", place="gov:babil")
        _review(st, attack.id, "corrected", {"place": NASIRIYAH, "killed": 2, "date": dt.date(2021, 4, 16)},
                note="the lead names the city")
        _review(st, spurious.id, "rejected", note="a background sentence")
        _review(st, sure.id, "confirmed")
        total = len(st.all_events(include_rejected=True))
        fixed = _by_id(st, attack.id)
        assert fixed is not None and fixed.review_status == "corrected"
        assert _km(fixed, NASIRIYAH) < 1 and fixed.killed == 2 and fixed.date == dt.date(2021, 4, 16)
        assert (fixed.reviewed_by, fixed.reviewed_at, fixed.review_note) == ("alice", T1, "the lead names the city")
        assert fixed.quote == attack.quote and fixed.source == attack.source  # the evidence stays
        assert _by_id(st, spurious.id, include_rejected=False) is None
        assert _by_id(st, spurious.id).review_status == "rejected"
        assert _by_id(st, sure.id).review_status == "confirmed"
        shown = st.events()
        assert len(shown) == total - 1
        assert review_counts(shown) == {"reviewed": 2, "unreviewed": total - 3}
        # the extractor's rows are untouched: the correction lives in its own table
        raw = [e for _, e in st.raw_events() if e.id == attack.id]
        assert len(raw) == 1 and raw[0].place is not None and raw[0].place.id == "gov:dhi_qar"
    # QGIS (GDAL) lists the decisions as an attribute table of the GeoPackage
    table = pyogrio.read_dataframe(seeded, layer="reviews")
    assert sorted(table["status"]) == ["confirmed", "corrected", "rejected"] and set(table["reviewer"]) == {"alice"}

    out = tmp_path / "e.geojson"
    assert main(["export", "-o", str(out), "--store", str(seeded)]) == 0
    feats = {f["id"]: f for f in json.loads(out.read_text(encoding="utf-8"))["features"]}
    assert spurious.id not in feats and len(feats) == total - 1
    f = feats[attack.id]
    lon, lat = f["geometry"]["coordinates"]
    assert haversine_km(lat, lon, NASIRIYAH.lat, NASIRIYAH.lon) < 1
    assert f["properties"]["review_status"] == "corrected" and f["properties"]["reviewed_by"] == "alice"
    assert f["properties"]["review_note"] == "the lead names the city" and f["properties"]["killed"] == 2
    for props in (p["properties"] for p in feats.values()):
        assert {"review_status", "reviewed_by", "reviewed_at", "review_note"} <= set(props)
    assert main(["export", "-o", str(out), "--store", str(seeded), "--include-rejected"]) == 0
    feats = {f["id"]: f for f in json.loads(out.read_text(encoding="utf-8"))["features"]}
    assert feats[spurious.id]["properties"]["review_status"] == "rejected" and len(feats) == total

    with open_store(seeded) as st:
        events = st.events()
    gpkg = tmp_path / "e.gpkg"
    export_events(events, gpkg)
    frame = pyogrio.read_dataframe(gpkg, layer="events")
    assert sorted(frame["review_status"].unique()) == ["confirmed", "corrected", "unreviewed"]
    assert list(frame["reviewed_by"].dropna()) == ["alice", "alice"]
    # the columns' types do not depend on whether any exported event was reviewed
    none = tmp_path / "none.gpkg"
    export_events([e for e in events if e.review_status == "unreviewed"], none)
    for path in (gpkg, none):
        info = pyogrio.read_info(path, layer="events")
        types = dict(zip(info["fields"], info["dtypes"], strict=True))
        assert [types[k] for k in ("review_status", "reviewed_by", "reviewed_at", "review_note")] == ["object"] * 4
    csv = tmp_path / "e.csv"
    export_events(events, csv)
    header = csv.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert {"review_status", "reviewed_by", "reviewed_at", "review_note"} <= set(header)


# ---------------------------------------------------------------- every read path of the store
# a box around Nasiriyah only (not the Dhi Qar governorate's centre the extractor put the attack at)
_NAS_BOX = (NASIRIYAH.lon - 0.05, NASIRIYAH.lat - 0.05, NASIRIYAH.lon + 0.05, NASIRIYAH.lat + 0.05)


def test_query_and_export_show_a_correction_and_hide_a_rejection(seeded, tmp_path, capsys):
    with open_store(seeded) as st:
        attack = _find(st, type="attack", place="gov:dhi_qar")
        spurious = _find(st, type="withdrawal", date=dt.date(2021, 1, 1))
        n_before = st.count()
        assert [e.id for e in st.query(bbox=_NAS_BOX)] == []  # before: nothing at Nasiriyah itself
        withdrawals_before = dict(st.aggregate("type"))["withdrawal"]
        capsys.readouterr()
        assert main(["events", "--store", str(seeded), "--type", "withdrawal"]) == 0
        table_before = capsys.readouterr().out.splitlines()
        _review(st, attack.id, "corrected", {"place": NASIRIYAH, "type": "airstrike", "killed": 3}, at=T1)
        _review(st, spurious.id, "rejected")

        # the correction: found by its new place and type, no longer by its old ones
        hits = st.query(bbox=_NAS_BOX)
        assert [e.review_status for e in hits] == ["corrected"]
        fixed = hits[0]
        assert fixed.type == "airstrike" and fixed.killed == 3
        assert haversine_km(fixed.lat, fixed.lon, NASIRIYAH.lat, NASIRIYAH.lon) < 1
        assert attack.id not in {e.id for e in st.query(types=["attack"])}
        assert fixed.id in {e.id for e in st.query(types=["airstrike"])}
        # the rejection: gone from every answer unless asked for
        ids = {e.id for e in st.query()}
        assert spurious.id not in ids and len(ids) == n_before - 1
        assert spurious.id in {e.id for e in st.query(include_rejected=True)}
        assert st.count() == n_before - 1 and st.count(include_rejected=True) == n_before
        assert dict(st.aggregate("type"))["withdrawal"] == withdrawals_before - 1
        assert sum(n for _, n in st.aggregate("governorate")) == n_before - 1
        paged = [e.id for page in st.iter_query(page=2) for e in page]
        assert paged == [e.id for e in st.query()]
        assert st.query(limit=2, offset=1) == st.query()[1:3]
        assert st.overview()["events"] == n_before - 1

    out = tmp_path / "e.geojson"
    assert main(["export", "-o", str(out), "--store", str(seeded), "--bbox", ",".join(map(str, _NAS_BOX))]) == 0
    feats = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert [f["properties"]["review_status"] for f in feats] == ["corrected"]
    assert feats[0]["properties"]["type"] == "airstrike" and feats[0]["properties"]["killed"] == 3
    assert main(["export", "-o", str(out), "--store", str(seeded)]) == 0
    ids = {f["id"] for f in json.loads(out.read_text(encoding="utf-8"))["features"]}
    assert spurious.id not in ids and len(ids) == n_before - 1
    capsys.readouterr()
    assert main(["events", "--store", str(seeded), "--type", "withdrawal"]) == 0
    table = capsys.readouterr().out.splitlines()
    n_w = withdrawals_before
    assert (table_before[-1], table[-1]) == (f"{n_w} events", f"{n_w - 1} events")
    assert any(r.startswith("2021-01-01") for r in table_before)
    assert not any(r.startswith("2021-01-01") for r in table)


# ---------------------------------------------------------------- survival
def _changed_extractor(monkeypatch, drop_type: str | None = None):
    """A newer extractor: every quote one sentence-end longer, every date a day later (so every id
    changes), and optionally a type it no longer finds."""
    import geo.ingest.pipeline as pipeline

    real = pipeline.extract_one

    def newer(task):
        _, text, *_ = task
        key, result = real(task)
        if isinstance(result, str):
            return key, result
        out = []
        for e in result:
            if e.type == drop_type:
                continue
            end = min(len(text), e.end + 12)
            out.append(dataclasses.replace(e, quote=text[e.start:end], end=end, date=e.date + dt.timedelta(days=1)))
        return key, out

    monkeypatch.setattr(pipeline, "extract_one", newer)


def test_a_correction_and_a_rejection_survive_reprocess_with_a_changed_extractor(seeded, monkeypatch):
    with open_store(seeded) as st:
        attack = _find(st, type="attack", place="gov:dhi_qar")
        spurious = _find(st, type="withdrawal", date=dt.date(2021, 1, 1))
        _review(st, attack.id, "corrected", {"place": NASIRIYAH, "date": dt.date(2021, 4, 16)})
        _review(st, spurious.id, "rejected")
        before_ids = {e.id for _, e in st.raw_events()}
    _changed_extractor(monkeypatch)
    reprocess(store=seeded)
    with open_store(seeded) as st:
        assert not before_ids & {e.id for _, e in st.raw_events()}  # every extracted event is new
        view = st.reviewed()
        assert view.orphans == []
        fixed = _by_id(st, attack.id)  # found under the id the analyst used
        assert fixed is not None and fixed.review_status == "corrected"
        assert _km(fixed, NASIRIYAH) < 1 and fixed.date == dt.date(2021, 4, 16)
        assert fixed.end > attack.end  # it is the newer extractor's event, corrected
        assert _by_id(st, spurious.id, include_rejected=False) is None
        assert not [e for e in st.events() if e.type == "withdrawal" and e.date == dt.date(2021, 1, 2)]


def test_a_decision_whose_event_disappears_is_kept_and_reported(seeded, monkeypatch, capsys):
    with open_store(seeded) as st:
        strike = _find(st, type="airstrike", place="gov:babil")
        _review(st, strike.id, "corrected", {"killed": 4})
    _changed_extractor(monkeypatch, drop_type="airstrike")
    assert main(["reprocess", "--store", str(seeded)]) == 0
    assert "1 review decisions match no event any more" in capsys.readouterr().out
    with open_store(seeded) as st:
        (orphan,) = st.reviewed().orphans
        assert orphan.event_id == strike.id and orphan.changes == {"killed": 4}
        assert len(st.review_rows()) == 1
    assert main(["review", "list", "--orphans", "--store", str(seeded)]) == 0
    assert strike.id in capsys.readouterr().out
    monkeypatch.undo()  # the old extractor comes back: so does the correction
    reprocess(store=seeded)
    with open_store(seeded) as st:
        back = _by_id(st, strike.id)
        assert back is not None and back.killed == 4 and st.reviewed().orphans == []


def test_decisions_survive_a_reingest_of_the_same_files(seeded, seeds_dir, tmp_path):
    with open_store(seeded) as st:
        attack = _find(st, type="attack", place="gov:dhi_qar")
        spurious = _find(st, type="withdrawal", date=dt.date(2021, 1, 1))
        _review(st, attack.id, "corrected", {"place": NASIRIYAH})
        _review(st, spurious.id, "rejected")
        n = len(st.events())
    report = ingest_paths([seeds_dir], store=seeded)
    assert report.new == 0 and report.duplicates == 5
    with open_store(seeded) as st:
        assert len(st.events()) == n and _km(_by_id(st, attack.id), NASIRIYAH) < 1
        assert _by_id(st, spurious.id, include_rejected=False) is None
    # a store rebuilt from the same files takes the decisions back from a review file
    exported = tmp_path / "alice.jsonl"
    assert main(["review", "export", "-o", str(exported), "--store", str(seeded)]) == 0
    fresh = tmp_path / "fresh.gpkg"
    ingest_paths([seeds_dir], store=fresh)
    assert main(["review", "import", str(exported), "--store", str(fresh)]) == 0
    with open_store(fresh) as st:
        assert _km(_by_id(st, attack.id), NASIRIYAH) < 1
        assert _by_id(st, spurious.id, include_rejected=False) is None and len(st.events()) == n


def test_decisions_survive_a_merge_with_another_sources_report(seeded, seeds_dir, tmp_path):
    with open_store(seeded) as st:
        attack = _find(st, type="attack", place="gov:dhi_qar")
        spurious = _find(st, type="withdrawal", date=dt.date(2021, 1, 1))
        _review(st, attack.id, "corrected", {"place": NASIRIYAH, "killed": 2})
        _review(st, spurious.id, "rejected")
        n = len(st.events())
    # A second outlet runs the same wire stories (another article: another hash, another source that
    # sorts first, so its reports become the kept ones of every merged event).
    other = tmp_path / "other"
    other.mkdir()
    for name in ("004_a322a2262cb437ac.txt", "001_da41b2b148d8b223.txt"):
        text = (seeds_dir / name).read_text(encoding="utf-8")
        (other / name).write_text(text + "\n\nالمصدر: وكالات\n", encoding="utf-8")
    (other / "index.csv").write_text(
        "file,published,outlet\n004_a322a2262cb437ac.txt,2021-04-18,AAA Wire\n"
        "001_da41b2b148d8b223.txt,2021-12-09,AAA Wire\n", encoding="utf-8")
    report = ingest_paths([other], store=seeded)
    assert report.new == 2 and report.events_added > 0
    with open_store(seeded) as st:
        fixed = _by_id(st, attack.id)
        assert fixed is not None and fixed.review_status == "corrected"
        assert fixed.all_sources[0] == "AAA Wire 2021-04-18" and len(fixed.all_sources) == 2  # merged, the other kept
        assert _km(fixed, NASIRIYAH) < 1 and fixed.killed == 2
        # the rejected event is reported again by the second source: it does not come back
        assert not [e for e in st.events() if e.type == "withdrawal" and e.date == dt.date(2021, 1, 1)]
        assert len(st.events()) == n  # everything the wire repeats merged into what was there


# ---------------------------------------------------------------- exchange
def _decision(st, ident: str, status: str, who: str, at: str, changes=None) -> Review:
    view = st.reviewed()
    i = view.index_of(ident)
    assert i is not None
    return decide(view, i, status, who, changes=changes, at=at)


def _write(path: Path, reviews: list[Review]) -> Path:
    path.write_text("".join(r.to_json() + "\n" for r in reviews), encoding="utf-8")
    return path


def test_import_of_two_files_keeps_the_later_decision_per_event_and_reports_conflicts(seeded, tmp_path, capsys):
    with open_store(seeded) as st:
        attack = _find(st, type="attack", place="gov:dhi_qar")
        strike = _find(st, type="airstrike", place="gov:babil")
        handover = _find(st, type="handover", place="iraq_syria_border")
        alice = _write(tmp_path / "alice.jsonl", [
            _decision(st, attack.id, "rejected", "alice", T1),
            _decision(st, strike.id, "confirmed", "alice", T1),
            _decision(st, handover.id, "confirmed", "alice", T3),
        ])
        bob = _write(tmp_path / "bob.jsonl", [
            _decision(st, attack.id, "corrected", "bob", T2, {"place": NASIRIYAH}),
            _decision(st, strike.id, "confirmed", "bob", T2),  # the same decision: no conflict
            _decision(st, handover.id, "rejected", "bob", T2),  # earlier than alice's confirmation
        ])
    for order in ((alice, bob), (bob, alice)):
        store = tmp_path / f"{order[0].stem}_first.gpkg"
        shutil.copy(seeded, store)
        assert main(["review", "import", *map(str, order), "--store", str(store)]) == 0
        out = capsys.readouterr().out
        assert "imported 6 review decisions from 2 files (6 new); 2 conflicts" in out
        lines = [x for x in out.splitlines() if x.startswith("conflict")]
        assert len(lines) == 2
        assert any(attack.id in x and "kept bob corrected" in x and "alice rejected" in x for x in lines)
        assert any(handover.id in x and "kept alice confirmed" in x and "bob rejected" in x for x in lines)
        with open_store(store) as st:
            fixed = _by_id(st, attack.id)
            assert fixed.review_status == "corrected" and fixed.reviewed_by == "bob"
            assert _km(fixed, NASIRIYAH) < 1
            assert _by_id(st, handover.id).review_status == "confirmed"
            assert _by_id(st, strike.id).reviewed_by == "bob"  # the later of two equal decisions
            assert len(st.review_rows()) == 6  # the history is kept
        assert main(["review", "import", str(alice), "--store", str(store)]) == 0
        assert "(0 new)" in capsys.readouterr().out


def test_review_file_errors_are_one_line_and_store_nothing(seeded, tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"key": "x", "status": "confirmed", "reviewer": "a", "at": "2026-01-01T00:00:00Z"}\nnot json\n',
                   encoding="utf-8")
    assert main(["review", "import", str(bad), "--store", str(seeded)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("geo review:") and "bad.jsonl:2" in err and len(err.splitlines()) == 1
    bad.write_text('{"key": "x", "status": "deleted", "reviewer": "a", "at": "2026-01-01T00:00:00Z"}\n',
                   encoding="utf-8")
    assert main(["review", "import", str(bad), "--store", str(seeded)]) == 2
    assert "unknown review status 'deleted'" in capsys.readouterr().err
    bad.write_text('{"key": "x", "status": "corrected", "reviewer": "a", "at": "2026-01-01T00:00:00Z",'
                   ' "changes": {"type": "picnic"}}\n', encoding="utf-8")
    assert main(["review", "import", str(bad), "--store", str(seeded)]) == 2
    assert "type 'picnic' is not one of attack" in capsys.readouterr().err
    with open_store(seeded) as st:
        assert st.review_rows() == []
    assert read_reviews(_write(tmp_path / "ok.jsonl", [])) == []


# ---------------------------------------------------------------- the command line
def test_cli_confirm_reject_edit_add_list(seeded, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GEO_REVIEWER_FILE", str(tmp_path / "who"))
    monkeypatch.delenv("GEO_REVIEWER", raising=False)
    with open_store(seeded) as st:
        attack = _find(st, type="attack", place="gov:dhi_qar")
        strike = _find(st, type="airstrike", place="gov:babil")
        balad = _find(st, type="attack", place="balad_air_base")
        articles = {a["source"]: a["id"] for a in st.articles()}
    s = ["--store", str(seeded)]
    assert main(["review", "reject", attack.id, *s]) == 2
    assert "geo review name" in capsys.readouterr().err  # who is reviewing must be known
    assert main(["review", "name", "Alice Analyst"]) == 0
    assert main(["review", "reject", strike.id, "--note", "a tally, not a strike", *s]) == 0
    assert main(["review", "confirm", balad.id, *s]) == 0
    assert main(["review", "edit", attack.id, "--point", "31.05,46.26", "--place-name", "south of Nasiriyah",
                 "--date", "2021-04-16", "--precision", "day", "--killed", "3", *s]) == 0
    capsys.readouterr()
    assert main(["review", "add", "--type", "attack", "--date", "2021-04-18", "--place", "عين الأسد",
                 "--rockets", "3", "--article", articles["Al-Araby Al-Jadeed (alaraby.co.uk) 2021-04-18"][:10],
                 "--quote", "قاعدة بلد", "--note", "missed", *s]) == 0
    added_id = capsys.readouterr().out.split()[0]
    with open_store(seeded) as st:
        assert _by_id(st, strike.id, include_rejected=False) is None
        r = _by_id(st, strike.id)
        assert r.reviewed_by == "Alice Analyst" and r.review_note == "a tally, not a strike"
        assert _by_id(st, balad.id).review_status == "confirmed"
        fixed = _by_id(st, attack.id)
        assert fixed.place.name == "south of Nasiriyah" and abs(fixed.lat - 31.05) < 1e-9 and fixed.killed == 3
        assert fixed.date == dt.date(2021, 4, 16) and fixed.geo_precision == "site"
        added = _by_id(st, added_id)
        assert added.review_status == "added" and added.rockets == 3 and added.place.id == "ain_al_asad"
        text = st.article_text(articles["Al-Araby Al-Jadeed (alaraby.co.uk) 2021-04-18"])
        assert text[added.start:added.end] == "قاعدة بلد" and added.source.startswith("Al-Araby")
    assert main(["review", "list", "--status", "rejected", *s]) == 0
    out = capsys.readouterr()
    assert out.out.strip().startswith(strike.id) and "1 rejected" in out.err and "1 added" in out.err
    # the added event can be rejected in turn, like any other
    assert main(["review", "reject", added_id, *s]) == 0
    with open_store(seeded) as st:
        assert _by_id(st, added_id, include_rejected=False) is None
    # bad input: one line each, nothing stored
    capsys.readouterr()
    for argv, says in (
        (["review", "reject", "0123456789abcdef"], "no event with id"),
        (["review", "edit", attack.id, "--place", "Atlantis on the Tigris"], "no place matches"),
        (["review", "edit", attack.id, "--end-date", "2021-01-01"], "lies before the date"),
        (["review", "edit", attack.id], "nothing to change"),
        (["review", "add", "--type", "attack"], "needs at least a type and a date"),
        (["review", "add", "--type", "attack", "--date", "2021-04-18", "--article", "zz"], "no article"),
        (["review", "add", "--type", "attack", "--date", "2021-04-18", "--article", articles[
            "Al-Araby Al-Jadeed (alaraby.co.uk) 2021-04-18"], "--quote", "not in it"], "the quote is not in article"),
    ):
        assert main([*argv, *s]) == 2, argv
        err = capsys.readouterr().err.strip()
        assert says in err and len(err.splitlines()) == 1, (argv, err)
    with pytest.raises(SystemExit):
        main(["review", "edit", attack.id, "--killed", "-1", *s])
    with open_store(seeded) as st:
        assert len(st.review_rows()) == 5


# ---------------------------------------------------------------- matching and the queue
def _event(**kw) -> Event:
    base = dict(type="attack", date=dt.date(2021, 4, 18), quote="هجوم على قاعدة بلد", start=100, end=118,
                source="s", published=dt.date(2021, 4, 18), place=BALAD)
    base.update(kw)
    return Event(**base)


def test_fallback_match_follows_a_shifted_quote_but_not_another_event():
    e = _event()
    a = anchor_of("art", e)
    assert similarity(a, e) == pytest.approx(7.5)
    longer = _event(quote="هجوم على قاعدة بلد الجوية", end=125, date=dt.date(2021, 4, 17))
    elsewhere = _event(quote="انسحاب", type="withdrawal", start=400, end=406, place=NASIRIYAH)
    same_words_other_place_and_type = _event(type="withdrawal", place=NASIRIYAH)
    assert similarity(a, longer) > 3 and similarity(a, elsewhere) == 0
    assert similarity(a, same_words_other_place_and_type) == 0
    r = Review("k", "rejected", "a", T1, anchors=(a,))
    assert attach([r], [("art", elsewhere), ("art", longer)]) == {"k": 1}
    assert attach([r], [("other article", longer)]) == {}
    view = apply_reviews([("art", elsewhere), ("art", longer)], [r])
    assert [x.review_status for x in view.events] == ["rejected", "unreviewed"]


def test_the_queue_puts_unsure_consequential_events_first():
    sure_presence = _event(type="presence", confidence=0.9)
    unsure_bloody = _event(killed=3, confidence=0.4, quote="x", start=1, end=2)
    unsure_statement = _event(type="announcement", confidence=0.4, quote="y", start=3, end=4)
    handover = _event(type="handover", confidence=0.6, quote="z", start=5, end=6)
    done = dataclasses.replace(_event(confidence=0.1, quote="w", start=7, end=8), review_status="confirmed")
    queue = needs_review([sure_presence, unsure_statement, handover, done, unsure_bloody])
    assert queue == [unsure_bloody, handover, unsure_statement, sure_presence]


def test_added_event_needs_a_valid_event():
    from geo.core.errors import InputError

    with pytest.raises(InputError, match="unknown type"):
        add({"type": "picnic", "date": dt.date(2021, 1, 1)}, "a")
    r = add({"type": "attack", "date": dt.date(2021, 1, 1), "place": BALAD}, "a", at=T1)
    view = apply_reviews([], [r])
    (e,) = view.events
    assert e.review_status == "added" and e.source == "analyst a" and e.confidence == 1.0
    assert view.index_of(e.id) == 0


# ---------------------------------------------------------------- the shared store
def test_postgis_store_keeps_and_applies_reviews(postgis_url, seeds_dir, monkeypatch):
    ingest_paths([seeds_dir], store=postgis_url)
    with open_store(postgis_url) as st:
        attack = _find(st, type="attack", place="gov:dhi_qar")
        spurious = _find(st, type="withdrawal", date=dt.date(2021, 1, 1))
        _review(st, attack.id, "corrected", {"place": NASIRIYAH})
        _review(st, spurious.id, "rejected")
    _changed_extractor(monkeypatch)
    reprocess(store=postgis_url)
    with open_store(postgis_url) as st:
        assert _km(_by_id(st, attack.id), NASIRIYAH) < 1
        assert _by_id(st, spurious.id, include_rejected=False) is None
        assert len(st.review_rows()) == 2 and st.reviewed().orphans == []
        # the store's questions (SQL without reviews) answer as reviewed here too
        assert [e.id for e in st.query(bbox=_NAS_BOX)] == [attack.id]
        assert spurious.id not in {e.id for e in st.query(types=["withdrawal"])}
        assert st.count() == st.count(include_rejected=True) - 1 == sum(n for _, n in st.aggregate("type"))


def test_geo_check_finds_a_reviewed_store_sound(seeded, capsys):
    """Decisions are no fault: a rejection and an event added by hand without an article (its source is
    the analyst, no article's) leave ``geo check`` content, and its merged count is the extractor's."""
    s = ["--store", str(seeded), "--by", "Bob"]
    with open_store(seeded) as st:
        merged = st.count()
        spurious = _find(st, type="withdrawal", date=dt.date(2021, 1, 1))
    assert main(["review", "reject", spurious.id, *s]) == 0
    for day in ("2021-04-18", "2021-05-02"):
        assert main(["review", "add", "--type", "attack", "--date", day, "--place", "عين الأسد", *s]) == 0
    capsys.readouterr()
    assert main(["check", "--store", str(seeded)]) == 0
    out = capsys.readouterr().out
    assert "the store is sound" in out and f"merged view: {merged} events" in out
