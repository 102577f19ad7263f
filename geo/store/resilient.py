"""A PostGIS store that survives a lost connection (the server restarted, a network blip): a write that fails
because the connection broke is tried again on a new connection, with backoff, for a bounded time
(``GEO_PG_RETRY_SECONDS``, default 30 s); then it stops with one clear line.

Trying again is safe: one article is one transaction, so a write either committed or had no effect, and
``add_article`` of a stored article is a no-op (None). Reads are tried again the same way.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from typing import Any, TypeVar

from ..core.errors import StoreError
from .postgis import PostgisStore

log = logging.getLogger("geo.store")

T = TypeVar("T")
FIRST_WAIT = 0.25  # seconds before the first new attempt; doubled each time, at most MAX_WAIT
MAX_WAIT = 4.0
# Called before each new attempt as (attempt number, the error): tests drive a server restart from here.
ON_RETRY: list[Callable[[int, BaseException], None]] = []


def retry_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get("GEO_PG_RETRY_SECONDS", "30")))
    except ValueError:
        return 30.0


def _lost(store: PostgisStore, exc: BaseException) -> bool:
    """True when ``exc`` means the connection is gone (not a bad statement, which must not be retried)."""
    psycopg = store._psycopg
    if not isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
        return False
    conn = getattr(store, "conn", None)
    return conn is None or bool(conn.closed or conn.broken) or isinstance(exc, psycopg.errors.AdminShutdown)


class ResilientPostgis(PostgisStore):
    """``PostgisStore`` whose writes and reads reconnect and try again after a lost connection."""

    def _again(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        deadline = time.monotonic() + retry_seconds()
        wait, attempt = FIRST_WAIT, 0
        while True:
            try:
                return call(*args, **kwargs)
            except Exception as exc:
                if not _lost(self, exc):
                    raise
                attempt += 1
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                if time.monotonic() + wait > deadline:
                    raise StoreError(
                        f"lost the connection to {self.path} ({first}) and could not get it back within"
                        f" {retry_seconds():.0f} s; the store keeps every article committed so far: run it"
                        " again when the server is back (GEO_PG_RETRY_SECONDS sets the wait)"
                    ) from None
                log.warning("lost the connection to %s (%s); trying again in %.2g s", self.path, first, wait)
                for hook in ON_RETRY:
                    hook(attempt, exc)
                time.sleep(wait)
                wait = min(MAX_WAIT, wait * 2)
                self._reconnect()

    def _reconnect(self) -> None:
        try:
            self.conn.close()
        except Exception:  # already broken: nothing to close
            log.debug("closing the broken connection failed", exc_info=True)
        try:
            self.conn = self._psycopg.connect(self.url, autocommit=True, connect_timeout=10, application_name="geo")
        except self._psycopg.OperationalError:
            return  # still down: the next attempt fails as lost again and waits longer
        self._cache = None


# Every store method that talks to the server goes through ``_again``. add_articles is one transaction
# per batch: lost midway it rolled back, and content-hash ids make a retry exact.
RETRIED = ("add_article", "replace_events", "add_articles", "remove_article", "merged_count", "query", "count",
           "raw_events", "article_ids", "has_article")


def _retried(name: str) -> Callable[..., Any]:
    def method(self: ResilientPostgis, *args: Any, **kwargs: Any) -> Any:
        # looked up at each call, as super().name would be (a test may hook PostgisStore's method)
        return self._again(getattr(super(ResilientPostgis, self), name), *args, **kwargs)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = getattr(PostgisStore, name).__doc__
    return method


for _name in RETRIED:
    setattr(ResilientPostgis, _name, _retried(_name))
