"""``Event.id`` is computed once per event (a cache) and stays what it always was: a sha1 of its key."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import pickle

from gazetteer import resolve
from geo.core.models import Event


def _event(**kw) -> Event:
    base = dict(type="attack", date=dt.date(2021, 4, 18), quote="قصف قاعدة بلد", start=12, end=25,
                source="alaraby 2021-04-18", published=dt.date(2021, 4, 18), place=resolve("قاعدة بلد"))
    return Event(**{**base, **kw})


def test_the_id_is_the_sha1_of_its_key_and_is_computed_once():
    e = _event()
    key = "|".join(["attack", "2021-04-18", e.place.id, "", "alaraby 2021-04-18", "12", "قصف قاعدة بلد"])
    want = hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
    assert e._id == ""
    assert e.id == want
    assert e._id == want  # cached on the frozen event
    assert e.id == want


def test_replace_recomputes_and_pinned_id_still_wins():
    e = _event()
    before = e.id
    moved = dataclasses.replace(e, date=dt.date(2021, 4, 19))
    assert moved.id != before and moved.id == _event(date=dt.date(2021, 4, 19)).id
    assert dataclasses.replace(e, pinned_id="abc").id == "abc"


def test_the_cache_changes_neither_equality_nor_hash_nor_pickling():
    a, b = _event(), _event()
    _ = a.id  # a has its id cached, b not
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    c = pickle.loads(pickle.dumps(a))
    assert c == a and c.id == a.id
    assert ", _id=" not in repr(a)  # not part of what the event says
