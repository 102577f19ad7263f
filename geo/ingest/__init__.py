"""Ingest: files → ``readers`` (decode, strip markup, split records) → ``plan`` (date and label each
article from ``index``, metadata or a date line) → extraction on the ``local`` or the ``dask_engine``
→ one store transaction per article. ``seed`` builds the default store on first use."""

from .index import INDEX_FILE, IndexFiles, index_date, read_index
from .local import HELD_SIGNALS, Interrupted, defer_sigint, take_sigterm
from .pipeline import ENGINES, IngestReport, ingest_paths, reprocess
from .plan import article_id, collect_files
from .readers import Document, read_documents
from .seed import open_seeded_store

__all__ = ["ENGINES", "HELD_SIGNALS", "INDEX_FILE", "Document", "IndexFiles", "IngestReport", "Interrupted",
           "article_id", "collect_files", "defer_sigint", "index_date", "ingest_paths", "open_seeded_store",
           "read_documents", "read_index", "reprocess", "take_sigterm"]
