"""Errors raised by the ``geo`` package; each inherits from a builtin so callers can catch broadly.

Messages say what was wrong and what to do, in one line, because the CLI prints them as they are.
"""


class GeoError(Exception):
    """Base class for errors of the geo package."""


class InputError(GeoError, ValueError):
    """An input file or text cannot be used (empty, binary, undecodable, too large, no date)."""


class StoreError(GeoError, RuntimeError):
    """The event store cannot be opened or written."""


class ExportError(GeoError, ValueError):
    """An export was asked for in a format or with options that cannot be honoured."""
