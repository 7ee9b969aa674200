"""Parse files in a child process under a memory limit, so that no file can take the writer down with it.

Whatever one file does while it is read — a parser exception, a memory error past the address-space limit, a
crash of the native PDF library — becomes a skip with its reason, and the batch goes on. The child is a fork of
a `forkserver` (the writer itself has Chroma's threads, which must not be forked), and the pool is closed after
each ingest, so the memory a large parse needed goes back to the system with it."""

from __future__ import annotations

import multiprocessing
import resource
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from typing import Any

from ingest.errors import SkipFile
from ingest.limits import DEFAULT_LIMITS, Limits, mb
from ingest.models import Document
from ingest.parse import ParseOptions, parse_bytes

PRELOAD = ["ingest.parse", "ingest.read_pdf", "ingest.read_docx", "ingest.read_text"]


@dataclass(frozen=True)
class ParseJob:
    data: bytes
    filename: str
    options: ParseOptions
    overrides: dict[str, Any] | None = None


@dataclass(frozen=True)
class Parsed:
    """A parsed document, or the reason the file was skipped."""

    doc: Document | None = None
    reason: str = ""


def parse_job(job: ParseJob, limits: Limits = DEFAULT_LIMITS) -> Parsed:
    """Parse one file; every failure is a skip with a reason (this runs in the child)."""
    try:
        return Parsed(parse_bytes(job.data, job.filename, job.options, job.overrides))
    except SkipFile as exc:
        return Parsed(reason=exc.reason)
    except MemoryError:
        return Parsed(reason=f"needs more than {mb(limits.parse_memory_bytes)} of memory to read — refused")
    except RecursionError:
        return Parsed(reason="nested too deeply to read")
    except Exception as exc:  # any parser failure on a hostile or broken file: skip that file only
        return Parsed(reason=f"cannot be read ({type(exc).__name__}: {_first_line(exc)})")


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else "no details"


def _limit_memory(limit: int) -> None:
    """Pool initializer: cap the child's address space (its native libraries and OCR subprocesses too)."""
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


_context: BaseContext | None = None


def _forkserver() -> BaseContext:
    global _context
    if _context is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        _context = context
    return _context


class ParsePool:
    """One worker process, started on first use, replaced after a crash, stopped by `close()`."""

    def __init__(self, limits: Limits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        self._executor: ProcessPoolExecutor | None = None

    def parse(self, job: ParseJob) -> Parsed:
        executor = self._ensure()
        try:
            return executor.submit(parse_job, job, self.limits).result()
        except BrokenProcessPool:
            self.close()
            return Parsed(reason="the reader stopped on this file (out of memory or a crash in the parser)")

    def _ensure(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=1,
                mp_context=_forkserver(),
                initializer=_limit_memory,
                initargs=(self.limits.parse_memory_bytes,),
            )
        return self._executor

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
