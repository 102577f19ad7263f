"""Tools for development, never imported by the pipeline: scoring against gold (``evaluate``), a
synthetic corpus (``corpus``), sample events (``sample``) and a throw-away PostgreSQL (``pgserver``)."""
