"""One writer at a time per data dir: `remiss ingest`, an API upload or delete, any replica sharing the dir.

The lock is a file lock (`data_dir/ingest.lock`) held for a whole ingest: start-up recovery, every batch, the
sweep of orphan source files and the lexical rebuild. A second writer either gets `IngestBusy` at once or,
when asked to wait, waits (optionally up to a timeout). Within one process the lock is re-entrant for the
thread that holds it, and other threads queue behind it like other processes do."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from ingest.errors import RemissError

LOCK_NAME = "ingest.lock"


class IngestBusy(RemissError):
    """Another writer holds the data dir's ingest lock."""

    def __init__(self, data_dir: Path) -> None:
        self.message = (
            f"en annan inläsning pågår i {data_dir} — vänta tills den är klar, eller kör igen med --wait "
            "för att vänta på den"
        )
        super().__init__(self.message)


class IngestLock:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.path = data_dir / LOCK_NAME
        self._file = FileLock(self.path, thread_local=False, preserve_lock_file=True)
        self._local = threading.RLock()
        self._owner: int | None = None
        self._depth = 0

    @property
    def held(self) -> bool:
        """Whether the calling thread holds the lock."""
        return self._owner == threading.get_ident()

    @contextmanager
    def hold(
        self, wait: bool = False, timeout: float | None = None, waiting: Callable[[], None] | None = None
    ) -> Iterator[bool]:
        """Hold the lock; yields True for the outermost hold of this thread (the one that must recover).
        Without `wait` a busy lock raises `IngestBusy` at once; with it, `waiting` is called once before
        waiting, and `timeout` (seconds, None = forever) bounds the wait."""
        if self.held:
            self._depth += 1
            try:
                yield False
            finally:
                self._depth -= 1
            return
        self._acquire(wait, timeout, waiting)
        try:
            yield True
        finally:
            self._release()

    def _acquire(self, wait: bool, timeout: float | None, waiting: Callable[[], None] | None) -> None:
        if not self._local.acquire(blocking=False):
            if not wait:
                raise IngestBusy(self.data_dir)
            if waiting is not None:
                waiting()
                waiting = None
            if not self._local.acquire(timeout=-1 if timeout is None else timeout):
                raise IngestBusy(self.data_dir)
        try:
            self._acquire_file(wait, timeout, waiting)
        except BaseException:
            self._local.release()
            raise
        self._owner = threading.get_ident()

    def _acquire_file(self, wait: bool, timeout: float | None, waiting: Callable[[], None] | None) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            self._file.acquire(blocking=False)
            return
        except Timeout:
            if not wait:
                raise IngestBusy(self.data_dir) from None
        if waiting is not None:
            waiting()
        try:
            self._file.acquire(timeout=-1 if timeout is None else timeout)
        except Timeout:
            raise IngestBusy(self.data_dir) from None

    def _release(self) -> None:
        self._owner = None
        self._file.release()
        self._local.release()

    @contextmanager
    def attempt(self) -> Iterator[bool]:
        """Hold the lock if it is free right now (yields True), else yield False without waiting."""
        stack = ExitStack()
        try:
            stack.enter_context(self.hold(wait=False))
        except IngestBusy:
            yield False
            return
        with stack:
            yield True
