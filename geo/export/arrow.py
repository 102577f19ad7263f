"""Arrow arrays straight from a page's columns, for the GeoParquet export.

``pa.array`` on Python values imports pandas on its first call (pyarrow asks whether the values are a
pandas object): a quarter of a second, a quarter of the whole export of 100,000 events. These builders
lay the values into Arrow buffers with numpy instead (a C loop per column: offsets from the encoded
lengths, one join for the data) and take ``pa.array``'s path only for values they do not expect, so the
result, and any error, is ``pa.array``'s.
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
    nulls = values.count(None)
    if nulls == n:
        return pa.nulls(n, type)
    try:
        if pa.types.is_string(type):
            return _texts(values, n, nulls, type)
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


def _texts(values: Sequence[Any], n: int, nulls: int, type: pa.DataType) -> pa.Array:

    validity = _validity(values, n) if nulls else None
    if nulls:
        values = ["" if v is None else v for v in values]
    joined = "".join(values)  # TypeError for anything but texts
    lengths: Any
    if joined.isascii():  # a character is a byte: the lengths are the texts'
        data = joined.encode("ascii")
        lengths = map(len, values)
    else:
        encoded = list(map(str.encode, values))
        data = b"".join(encoded)
        lengths = map(len, encoded)
    return _from_lengths(type, n, validity, nulls, lengths, data)


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
    if all(type(v) is not float or math.isfinite(v) for v in values):
        return values
    return [None if type(v) is float and not math.isfinite(v) else v for v in values]


def scalar(value: str) -> pa.Scalar:
    """An Arrow string scalar, made without ``pa.scalar`` (which asks pandas too)."""
    return array([value], _string())[0]


def _string() -> pa.DataType:
    import pyarrow as pa

    return pa.string()
