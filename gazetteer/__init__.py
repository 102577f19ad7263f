"""Place names as the Arabic and English press writes them, to coordinates with a precision.

>>> from gazetteer import resolve, find_places
>>> resolve("عين الأسد").name
'Ain al-Asad Air Base'
"""

from .errors import GazetteerDataError, GazetteerError, GeocoderUnavailable
from .find import find_places
from .models import PRECISIONS, Mention, Place, precision_rank
from .normalize import normalize, normalize_latin
from .resolve import candidates, get_place, places, resolve

__all__ = [
    "PRECISIONS",
    "GazetteerDataError",
    "GazetteerError",
    "GeocoderUnavailable",
    "Mention",
    "Place",
    "candidates",
    "find_places",
    "get_place",
    "normalize",
    "normalize_latin",
    "places",
    "precision_rank",
    "resolve",
]
