"""Keeps concurrent requests consistent while the index changes underneath them.

The catalog (lexical index + per-chunk arrays) is replaced when the store changes: after an upload here, or an
ingest by another process or replica. A request that ranked chunks against the old index must not read their
metadata from the new one. So requests hold a shared lock while they use the catalog, and the catalog is only
reloaded under the exclusive lock, between requests. The reload is checked at most every `check_every` seconds
(and at once after a local change); a reload that cannot get the lock quickly (a long stream is running) is
retried later rather than stalling everyone. Writes (upload, delete) are writer sessions of the ingestor: they
hold the data dir's ingest lock (`ingest.lock`), shared with `remiss ingest` and every other process using the
dir, and wait for it at most `write_wait` seconds (then `IngestBusy`, a 409).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from assistant.catalog import Catalog
from ingest.lexical import LexicalIndex
from ingest.pipeline import Ingestor


class SharedLock:
    """Readers/writer lock with writer preference while a writer waits (bounded by the writer's timeout).
    Not owned by a thread: a streaming response may release it from another worker thread."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False
        self._waiting_writers = 0

    def acquire_read(self) -> None:
        with self._cond:
            self._cond.wait_for(lambda: not self._writer and not self._waiting_writers)
            self._readers += 1

    def release_read(self) -> None:
        with self._cond:
            self._readers -= 1
            if self._readers == 0:
                self._cond.notify_all()

    def acquire_write(self, timeout: float) -> bool:
        with self._cond:
            self._waiting_writers += 1
            try:
                ok = self._cond.wait_for(lambda: not self._writer and not self._readers, timeout)
                if ok:
                    self._writer = True
                return ok
            finally:
                self._waiting_writers -= 1
                self._cond.notify_all()

    def release_write(self) -> None:
        with self._cond:
            self._writer = False
            self._cond.notify_all()

    @property
    def readers(self) -> int:
        return self._readers


@dataclass
class WriteBatch:
    changed: bool = False


class IndexGuard:
    def __init__(
        self,
        catalog: Catalog,
        ingestor: Ingestor,
        check_every: float = 2.0,
        write_timeout: float = 0.5,
        write_wait: float = 30.0,
    ) -> None:
        self.catalog = catalog
        self.ingestor = ingestor
        self.check_every = check_every
        self.write_timeout = write_timeout
        self.write_wait = write_wait
        # The catalog no longer reloads itself in the middle of a request: this guard decides when.
        self.catalog.check_every = math.inf
        self._shared = SharedLock()
        self._writing = threading.Lock()
        self._checking = threading.Lock()
        self._checked = time.monotonic()
        self._dirty = False

    # --- readers --------------------------------------------------------------------------------------------
    @contextmanager
    def reading(self) -> Iterator[None]:
        self.maybe_reload()
        self._shared.acquire_read()
        try:
            yield
        finally:
            self._shared.release_read()

    def stale(self) -> bool:
        return self.ingestor.lexical_stamp() != self.catalog.index.stamp

    def maybe_reload(self) -> None:
        now = time.monotonic()
        if not self._dirty and now - self._checked < self.check_every:
            return
        if not self._checking.acquire(blocking=False):
            return  # another request is checking; serve from the current (consistent) catalog
        try:
            if not self._writing.acquire(blocking=False):
                return  # an upload is being ingested here; it reloads when it is done
            try:
                self._checked = now
                if not (self._dirty or self.stale()):
                    return
                with self.ingestor.lock.attempt() as locked:
                    if not locked:
                        return  # another process is changing the index; look again later
                    self._prepare()
                if self._reload():
                    self._dirty = False
            finally:
                self._writing.release()
        finally:
            self._checking.release()

    def _prepare(self) -> None:
        """Bring the lexical index on disk up to date — the slow part, done while requests go on — so that
        the reload under the exclusive lock only reads it."""
        if LexicalIndex.stored_stamp(self.ingestor.lexical_dir) != self.ingestor.lexical_stamp():
            self.ingestor.rebuild_lexical()

    def _reload(self) -> bool:
        if not self._shared.acquire_write(self.write_timeout):
            return False
        try:
            self.catalog.refresh(force=True)
            return True
        finally:
            self._shared.release_write()

    # --- writers --------------------------------------------------------------------------------------------
    @contextmanager
    def writing(self) -> Iterator[WriteBatch]:
        """Serialise index changes; when the batch changed something, rebuild the lexical index and reload."""
        batch = WriteBatch()
        with self._writing:
            with self.ingestor.session(wait=True, timeout=self.write_wait) as recovery:
                batch.changed = bool(recovery.recovered)
                try:
                    yield batch
                finally:
                    if batch.changed:
                        self.ingestor.rebuild_lexical()
            if batch.changed:
                self._dirty = True
                if self._reload():
                    self._dirty = False
