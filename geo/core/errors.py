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


# A stored text that is not UTF-8 (a store edited by another program): one line, as sqlite3's own error was
NOT_UTF8 = ("a text in the store is not UTF-8 ({}); run geo check --store to find it, or rebuild the store"
            " with geo ingest")
