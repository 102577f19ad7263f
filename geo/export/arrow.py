"""Arrow arrays straight from a page's columns, for the GeoParquet export.

``pa.array`` on Python values imports pandas on its first call (pyarrow asks whether the values are a
pandas object): a quarter of a second, a quarter of the whole export of 100,000 events. These builders
lay the values into Arrow buffers with numpy instead (C loops per column: texts joined around a NUL and
encoded once, their offsets where the NULs stand) and take ``pa.array``'s path only for values they do
not expect, so the result, and any error, is ``pa.array``'s.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from itertools import repeat
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

_NOT_NONE = operator.is_not


def _validity(values: Sequence[Any], n: int) -> Any:
    import numpy as np
    import pyarrow as pa

    present = np.fromiter(map(_NOT_NONE, values, repeat(None)), bool, n)
    return pa.py_buffer(np.packbits(present, bitorder="little"))


def array(values: Sequence[Any], type: pa.DataType) -> pa.Array:
    """``pa.array(values, type)`` for a string, binary, int64 or float64 ``type``."""
    import pyarrow as pa

    n = len(values)
    try:
        if pa.types.is_string(type):
            return _texts(values, n, type)
        nulls = values.count(None)
        if nulls == n:
            return pa.nulls(n, type)
        if pa.types.is_binary(type):
            return _varbinary(values, n, nulls, type)
        kinds = set(map(type_of, values))
        kinds.discard(_NONE)
        if pa.types.is_int64(type) and kinds == {int}:
            return _fixed(values, n, nulls, type, "int64")
        if pa.types.is_float64(type) and kinds == {float}:
            return _fixed(values, n, nulls, type, "float64")
    except (TypeError, OverflowError, UnicodeEncodeError):  # not what these builders expect: pa.array's turn
        pass
    return pa.array(values, type=type)


type_of = type
_NONE = type(None)


_SEP = "\x00"  # between the texts of a column joined into one


def _texts(values: Sequence[Any], n: int, type: pa.DataType) -> pa.Array:
    import pyarrow as pa

    try:  # the common case, no None: a column is one join and one encode
        joined = _SEP.join(values)
        validity, nulls = None, 0
    except TypeError:  # a None (or not a text)
        nulls = values.count(None)
        if nulls == n:
            return pa.nulls(n, type)
        validity = _validity(values, n)
        values = ["" if v is None else v for v in values]
        joined = _SEP.join(values)  # TypeError for anything but texts
    if n == 0:
        return pa.nulls(0, type)
    made = _split(type, n, validity, nulls, joined.encode())
    if made is not None:
        return made
    if joined.isascii():  # a character is a byte: the lengths are the texts'
        return _from_lengths(type, n, validity, nulls, map(len, values), "".join(values).encode("ascii"))
    encoded = list(map(str.encode, values))
    return _from_lengths(type, n, validity, nulls, map(len, encoded), b"".join(encoded))


def utf8_texts(values: Sequence[bytes | None]) -> pa.Array:
    """A string array of texts given as their UTF-8 bytes (``EventColumns.utf8``), laid out as
    ``_texts`` lays out texts; the bytes are not checked here (``validate(full=True)`` does)."""
    import pyarrow as pa

    n, type = len(values), pa.string()
    texts: Sequence[Any] = values
    try:
        joined = b"\0".join(texts)  # TypeError for a None
        validity, nulls = None, 0
    except TypeError:
        nulls = texts.count(None)
        if nulls == n:
            return pa.nulls(n, type)
        validity = _validity(texts, n)
        texts = [b"" if v is None else v for v in texts]
        joined = b"\0".join(texts)
    if n == 0:
        return pa.nulls(0, type)
    made = _split(type, n, validity, nulls, joined)
    if made is not None:
        return made
    return _from_lengths(type, n, validity, nulls, map(len, texts), b"".join(texts))


def _split(type: pa.DataType, n: int, validity: Any, nulls: int, data: bytes) -> pa.Array | None:
    """The array of ``n`` texts whose UTF-8 is ``data``, joined by NULs; None when a text holds one."""
    import numpy as np
    import pyarrow as pa

    cuts = np.flatnonzero(np.frombuffer(data, np.uint8) == 0)  # a zero byte is a separator, or a text's U+0000
    if len(cuts) != n - 1:
        return None
    # Each text ends where a separator stands, less the separators before it: one C loop, not one per text.
    offsets = np.empty(n + 1, np.int32)
    offsets[0] = 0
    offsets[1:n] = cuts - np.arange(n - 1)
    offsets[n] = len(data) - (n - 1)
    return pa.Array.from_buffers(type, n, [validity, pa.py_buffer(offsets), pa.py_buffer(data.replace(b"\0", b""))],
                                 null_count=nulls)


def _varbinary(values: Sequence[Any], n: int, nulls: int, type: pa.DataType) -> pa.Array:
    validity = _validity(values, n) if nulls else None
    if nulls:
        values = [b"" if v is None else v for v in values]
    data = b"".join(values)  # TypeError for anything but bytes
    return _from_lengths(type, n, validity, nulls, map(len, values), data)


def _from_lengths(type: pa.DataType, n: int, validity: Any, nulls: int, lengths: Any, data: bytes) -> pa.Array:
    import numpy as np
    import pyarrow as pa

    offsets = np.zeros(n + 1, np.int32)
    np.cumsum(np.fromiter(lengths, np.int32, n), out=offsets[1:])
    return pa.Array.from_buffers(type, n, [validity, pa.py_buffer(offsets), pa.py_buffer(data)], null_count=nulls)


def _fixed(values: Sequence[Any], n: int, nulls: int, type: pa.DataType, dtype: str) -> pa.Array:
    import numpy as np
    import pyarrow as pa

    validity = _validity(values, n) if nulls else None
    if nulls:
        values = [0 if v is None else v for v in values]
    return pa.Array.from_buffers(type, n, [validity, pa.py_buffer(np.fromiter(values, dtype, n))], null_count=nulls)


def finite(values: Sequence[Any]) -> list[Any] | Sequence[Any]:
    """``values`` with every NaN or infinity as None (what ``_clean`` does to a value)."""
    if float not in set(map(type, values)):  # a column of None (or ints): nothing to look at one by one
        return values
    if all(type(v) is not float or math.isfinite(v) for v in values):
        return values
    return [None if type(v) is float and not math.isfinite(v) else v for v in values]


def scalar(value: str) -> pa.Scalar:
    """An Arrow string scalar, made without ``pa.scalar`` (which asks pandas too)."""
    return array([value], _string())[0]


def _string() -> pa.DataType:
    import pyarrow as pa

    return pa.string()
