"""Errors raised by the gazetteer; each inherits from a builtin so callers can catch broadly."""


class GazetteerError(Exception):
    """Base class for gazetteer errors."""


class GazetteerDataError(GazetteerError, ValueError):
    """The curated place data is malformed; the message names the file, row and problem."""


class GeocoderUnavailable(GazetteerError, RuntimeError):
    """The opt-in online geocoder was asked for but cannot be used (no geopy, no network, not enabled)."""
