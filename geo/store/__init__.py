"""Storage: articles and their events in a GeoPackage file (``geopackage``) or a shared PostGIS
database (``postgis``), both over one column table (``columns``) and one set of reads (``base``)."""

from .base import Article, EventReads
from .factory import AnyStore, holds_no_article, is_url, open_store, resolve_target
from .geopackage import Store
from .postgis import PostgisStore, redact

__all__ = ["AnyStore", "Article", "EventReads", "PostgisStore", "Store", "holds_no_article", "is_url",
           "open_store", "redact", "resolve_target"]
