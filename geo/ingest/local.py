"""The local engine: extraction in worker processes (spawned, killed with their parent), results in
input order; the writer, which stores them in batches (``BatchWriter``), with Ctrl-C / SIGTERM held while
a batch's transaction commits."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from ..core.models import Event
from ..core.settings import WRITE_BATCH  # articles per write transaction, at most (tests set it here)
from .plan import Job, extract_one

WRITE_WAIT_S = 0.25  # ... and a batch waits no longer than this for more: a slow extraction still commits often


def _worker_init(parent: int | None = None) -> None:
    # Ctrl-C (and a SIGTERM to the process group) reach the workers too: the main process handles them and
    # shuts the pool down, so a worker must not die first and break the pool under it.
    for s in HELD_SIGNALS:
        signal.signal(s, signal.SIG_IGN)
    # A SIGKILLed parent cannot shut the pool down, and its workers would wait on the call queue
    # forever: ask Linux to kill them with their parent, and watch the parent where that is not available.
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if parent is not None:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


HELD_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """SIGTERM (or SIGINT) seen by the main thread: taken like Ctrl-C, so every stage stops the same way."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_interrupted(signum: int, frame: object) -> None:
    raise Interrupted(signum)


def take_sigterm() -> Any:
    """From now on SIGTERM raises ``Interrupted`` like Ctrl-C does (the CLI calls it); returns the old handler."""
    return signal.signal(signal.SIGTERM, _raise_interrupted)


@contextmanager
def defer_sigint() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block (one article's transaction) is done, then deliver them.

    The held signal is raised again once the old handlers are back, so it acts exactly as it would have
    (``KeyboardInterrupt``, ``Interrupted``, or the default action) but never inside a transaction.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    hit: list[int] = []

    def hold(signum: int, frame: object) -> None:
        hit.append(signum)

    old = {s: signal.signal(s, hold) for s in HELD_SIGNALS}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
        if hit:
            signal.raise_signal(hit[0])


def local_results(jobs: list[Job], workers: int) -> Iterator[tuple[str, list[Event] | str]]:
    args = [(j.article.id, j.article.text, j.article.published, j.article.source) for j in jobs]
    if workers <= 1 or len(args) <= 1:
        yield from map(extract_one, args)
        return
    ctx = multiprocessing.get_context("spawn")  # safe whatever threads or handles this process holds
    pool = ProcessPoolExecutor(max_workers=min(workers, len(args)), mp_context=ctx, initializer=_worker_init,
                               initargs=(os.getpid(),))
    try:
        # map() keeps input order, so the writer stores articles exactly as jobs=1 would.
        # Small chunks keep the order cheap to restore and the workers evenly busy.
        chunk = max(1, min(8, len(args) // (workers * 4)))
        yield from pool.map(extract_one, args, chunksize=chunk)
    finally:
        # Uninterruptible: a second Ctrl-C (or a signal from each worker's group) that broke off this wait
        # left the pool to be shut down during interpreter exit, which then waited on its workers forever.
        with defer_sigint():
            pool.shutdown(wait=True, cancel_futures=True)




class BatchWriter:
    """Stores extracted articles many to a transaction (``store.add_articles``: one commit for the
    batch, each article still all-or-nothing), in input order.

    A batch is written when it holds ``size`` articles or its first one has waited ``max_wait`` seconds,
    so the store keeps up with a fast extraction and a slow one still commits as it goes. ``add`` and
    ``flush`` return the (job, result) of every article written: the events added, None when it was
    stored already, or the reason it could not be stored.
    """

    def __init__(self, store: Any, size: int | None = None, max_wait: float = WRITE_WAIT_S) -> None:
        self.store = store
        self.size = max(1, size or WRITE_BATCH)  # read when made: tests set one article per transaction
        self.max_wait = max_wait
        self._jobs: list[Job] = []
        self._events: list[list[Event]] = []
        self._since = 0.0

    def add(self, job: Job, events: list[Event]) -> list[tuple[Job, int | str | None]]:
        if not self._jobs:
            self._since = time.monotonic()
        self._jobs.append(job)
        self._events.append(events)
        if len(self._jobs) >= self.size or time.monotonic() - self._since >= self.max_wait:
            return self.flush()
        return []

    @property
    def pending(self) -> int:
        """Articles added and not yet written."""
        return len(self._jobs)

    def flush(self) -> list[tuple[Job, int | str | None]]:
        if not self._jobs:
            return []
        jobs, events = self._jobs, self._events
        self._jobs, self._events = [], []
        with defer_sigint():
            if len(jobs) == 1:
                results: list[int | str | None] = [self.store.add_article(jobs[0].article, events[0])]
            else:
                results = self.store.add_articles([(j.article, e) for j, e in zip(jobs, events, strict=True)])
        return list(zip(jobs, results, strict=True))
