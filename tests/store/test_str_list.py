"""``columns.str_list`` reads a stored JSON list of strings exactly as ``json.loads`` does."""

from __future__ import annotations

import json

import pytest

from geo.store.columns import str_list

VALUES = [
    [],
    ["Al-Arab"],
    ["Al-Arab", "Shafaq News 2021-01-02"],
    ["أعلنت مصادر أمنية عراقية عن هجوم، من دون وقوع إصابات."],
    ['he said "no", then left', "a\\b"],  # escapes: parsed
    ["a, b", ", ", "", "[x]"],  # separators and brackets inside strings
    ["tab\there", "line\nbreak", "\u0000"],
    ["🙂 emoji", "é"],
]


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("dumps", [
    lambda v: json.dumps(v, ensure_ascii=False),  # how the store writes them
    lambda v: json.dumps(v, ensure_ascii=False, separators=(",", ":")),
    lambda v: json.dumps(v),  # \u escapes
    lambda v: json.dumps(v, ensure_ascii=False, indent=1),
])
def test_same_as_json_loads(value, dumps):
    text = dumps(value)
    assert str_list(text) == tuple(json.loads(text)) == tuple(value)


def test_empty_and_null():
    assert str_list(None) == () and str_list("") == () and str_list("[]") == ()
