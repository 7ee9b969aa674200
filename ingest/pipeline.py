"""The ingest service, shared by the CLI and the API: parse only what changed, write each document
atomically, keep the lexical index in step with Chroma.

Every write happens in a writer session (`Ingestor.session`), which holds the data dir's ingest lock: one writer
at a time, whatever process it is in. Only the session's start removes what a crashed writer left (uncommitted
documents, orphan source files). Files are parsed in a child process under a memory limit (`ingest.worker`);
whatever goes wrong with one file is a skip with its reason, and the batch goes on."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.analyzer import ANALYZER_VERSION
from ingest.chunking import chunk_document
from ingest.embedders import Embedder, make_embedder
from ingest.errors import SkipFile
from ingest.hold import hold
from ingest.injection import mark_instructions
from ingest.lexical import FORMAT as LEXICAL_FORMAT
from ingest.lexical import LexicalIndex
from ingest.lock import IngestLock
from ingest.models import Chunk, Document
from ingest.parse import ParseOptions, content_id
from ingest.readers import is_supported
from ingest.settings import IngestSettings
from ingest.sidecar import load_sidecar
from ingest.store import Store
from ingest.worker import ParseJob, ParsePool

log = logging.getLogger("remiss.ingest")

INDEX_VERSION = 5  # bump when parsing or chunking changes: the next ingest re-indexes every file


@dataclass
class FileResult:
    path: str
    status: str  # added | replaced | unchanged | duplicate (same text as another of the run) | ignored | skipped
    reason: str = ""
    doc_id: str = ""
    paragraphs: int = 0
    chunks: int = 0
    pages: int = 0


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    swept: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def skipped(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "skipped"]

    @property
    def changed(self) -> bool:
        return bool(self.pruned or self.recovered or any(f.status in ("added", "replaced") for f in self.files))

    def summary(self) -> dict[str, Any]:
        done = [f for f in self.files if f.status in ("added", "replaced")]
        return {
            "added": self.count("added"),
            "replaced": self.count("replaced"),
            "unchanged": self.count("unchanged"),
            "duplicate": self.count("duplicate"),
            "ignored": self.count("ignored"),
            "skipped": self.count("skipped"),
            "pruned": len(self.pruned),
            "recovered": len(self.recovered),
            "swept": len(self.swept),
            "paragraphs": sum(f.paragraphs for f in done),
            "chunks": sum(f.chunks for f in done),
            "pages": sum(f.pages for f in done),
            "seconds": round(self.seconds, 2),
        }


FOLDER_NOTES = ("readme", "sources", "license", "changelog")  # files that describe a folder, not documents


def is_folder_note(path: Path) -> bool:
    return path.stem.lower() in FOLDER_NOTES


def discover(paths: list[Path]) -> list[Path]:
    """The files to ingest: files given, and the supported files of folders given (not their READMEs)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p for p in sorted(path.rglob("*")) if p.is_file() and is_supported(p) and not is_folder_note(p)
            )
        elif path.is_file():
            found.append(path)
    return found


def folder_notes(paths: list[Path]) -> list[FileResult]:
    """The READMEs and source lists of the folders given, reported as not indexed (they are not documents)."""
    return [
        FileResult(str(p.resolve()), "ignored", "describes the folder, not a document")
        for path in paths
        if path.is_dir()
        for p in sorted(path.rglob("*"))
        if p.is_file() and is_supported(p) and is_folder_note(p)
    ]


@dataclass
class Recovery:
    """What a writer session's start removed: documents left uncommitted, source files of no document."""

    recovered: list[str] = field(default_factory=list)
    swept: list[str] = field(default_factory=list)


class Ingestor:
    def __init__(self, settings: IngestSettings, embedder: Embedder | None = None, store: Store | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or make_embedder(settings)
        self.store = store or Store(settings, self.embedder.name)
        self.options = ParseOptions(settings.mask_personnummer, settings.ocr, settings.ocr_lang)
        self.lock = IngestLock(settings.data_dir)
        self._pool: ParsePool | None = None

    @property
    def lexical_dir(self) -> Path:
        return self.settings.ensure_data_dir() / "lexical" / self.store.namespace

    @property
    def sources_dir(self) -> Path:
        return self.settings.ensure_data_dir() / "sources"

    @contextmanager
    def session(
        self, wait: bool = False, timeout: float | None = None, waiting: Callable[[], None] | None = None
    ) -> Iterator[Recovery]:
        """Hold the ingest lock for a run of writes (re-entrant). The outermost session first completes what
        a crashed writer left, and parses in a worker process that it stops at the end. Raises
        `ingest.lock.IngestBusy` when another writer is at work and `wait` is false (or `timeout` passes)."""
        with self.lock.hold(wait, timeout, waiting) as outermost:
            if not outermost:
                yield Recovery()
                return
            recovery = Recovery(recovered=self.store.recover(), swept=self.sweep_sources())
            self._pool = ParsePool()
            try:
                yield recovery
            finally:
                pool, self._pool = self._pool, None
                pool.close()

    def ingest(
        self,
        paths: list[Path],
        prune: bool = False,
        progress: Callable[[FileResult], None] | None = None,
        wait: bool = False,
        timeout: float | None = None,
        waiting: Callable[[], None] | None = None,
    ) -> IngestReport:
        """Ingest files and folders in one writer session (see `session` for `wait`, `timeout`, `waiting`)."""
        started = time.perf_counter()
        with self.session(wait, timeout, waiting) as recovery:
            report = IngestReport(recovered=recovery.recovered, swept=recovery.swept)
            report.files.extend(folder_notes(paths))
            self._ingest_all(discover(paths), report, progress)
            if prune:
                report.pruned = self.prune(self.store.manifest())
            if report.changed or LexicalIndex.current(self.lexical_dir) is None:
                self.rebuild_lexical()
        report.seconds = time.perf_counter() - started
        return report

    def _ingest_all(
        self, files: list[Path], report: IngestReport, progress: Callable[[FileResult], None] | None
    ) -> None:
        manifest = self.store.manifest()
        batch = _Batch(max_docs=self.settings.ingest_batch_docs)
        for path in files:
            result = self.ingest_file(path, manifest, batch)
            report.files.append(result)
            if batch.full:
                self._flush(batch, manifest)
            if progress:
                progress(result)
        self._flush(batch, manifest)

    def ingest_file(
        self, path: Path, manifest: dict[str, dict[str, Any]] | None = None, batch: _Batch | None = None
    ) -> FileResult:
        manifest = self.store.manifest() if manifest is None else manifest
        source = str(path.resolve())
        if not is_supported(path):
            return FileResult(source, "skipped", f"unsupported file type {path.suffix or '(none)'}")
        try:
            size_mb = path.stat().st_size / 1_048_576
            if size_mb > self.settings.max_file_mb:
                return FileResult(
                    source, "skipped", f"file too large ({size_mb:.1f} MB > {self.settings.max_file_mb} MB)"
                )
            data = path.read_bytes()
            overrides = load_sidecar(path)
        except SkipFile as exc:
            return FileResult(source, "skipped", exc.reason)
        except OSError as exc:
            return FileResult(source, "skipped", f"cannot be read ({exc.strerror or exc})")
        except ValueError as exc:  # e.g. a sidecar that is not UTF-8
            return FileResult(source, "skipped", f"cannot be read ({type(exc).__name__})")
        return self.ingest_bytes(data, path.name, source, overrides, manifest, batch)

    def ingest_bytes(
        self,
        data: bytes,
        filename: str,
        source: str,
        overrides: dict[str, Any] | None = None,
        manifest: dict[str, dict[str, Any]] | None = None,
        batch: _Batch | None = None,
    ) -> FileResult:
        """Index one file's bytes. With a `batch`, the writes wait for `_flush` (the caller's job);
        without one, the document is written before this returns. Takes the ingest lock (re-entrant)."""
        with self.session():
            return self._ingest_bytes(data, filename, source, overrides, manifest, batch)

    def _ingest_bytes(
        self,
        data: bytes,
        filename: str,
        source: str,
        overrides: dict[str, Any] | None,
        manifest: dict[str, dict[str, Any]] | None,
        batch: _Batch | None,
    ) -> FileResult:
        manifest = self.store.manifest() if manifest is None else manifest
        doc_id = content_id(data)
        same_path = [i for i, m in manifest.items() if m.get("source_path") == source]
        sidecar = index_state(overrides)
        if doc_id in manifest and manifest[doc_id].get("sidecar_hash", "") == sidecar:
            self._retire(source, doc_id, same_path, manifest)
            meta = manifest[doc_id]
            return FileResult(source, "unchanged", doc_id=doc_id, paragraphs=int(meta.get("paragraphs", 0)))
        twin = next((p for p in (batch.items if batch is not None else []) if p.doc.id == doc_id), None)
        if twin is not None:  # the same text twice in one run (a copy in another folder): indexed once
            return FileResult(source, "duplicate", f"same text as {twin.source}", doc_id=doc_id)
        prepared = self._prepare(data, filename, overrides)
        if isinstance(prepared, str):
            return FileResult(source, "skipped", prepared)
        doc, chunks = prepared
        self._keep_source(data, doc.id, filename)
        own = batch if batch is not None else _Batch()
        own.add(_Pending(doc, chunks, source, sidecar, same_path))
        if batch is None:
            self._flush(own, manifest)
        # replaced: a new version of the file, or the same file with an edited sidecar
        status = "replaced" if same_path else "added"
        return FileResult(
            source,
            status,
            doc_id=doc.id,
            paragraphs=len(doc.paragraphs()),
            chunks=len(chunks),
            pages=doc.pages,
        )

    def _prepare(
        self, data: bytes, filename: str, overrides: dict[str, Any] | None
    ) -> tuple[Document, list[Chunk]] | str:
        """Parse (in the worker), mark instruction-like text and chunk; a string is the reason to skip."""
        assert self._pool is not None, "parsing happens in a writer session"
        parsed = self._pool.parse(ParseJob(data, filename, self.options, overrides))
        if parsed.doc is None:
            return parsed.reason
        doc = parsed.doc
        if not doc.paragraphs():
            return "no paragraphs of text found"
        try:
            flagged = set(mark_instructions(doc))
            chunks = chunk_document(doc, self.settings.chunk_target_chars, self.settings.chunk_max_chars)
        except Exception as exc:  # a parsed document the chunker cannot handle: skip it, keep the batch
            log.exception("chunking %s failed", filename)
            return f"cannot be chunked ({type(exc).__name__})"
        for chunk in chunks:
            chunk.instruction = any(pid in flagged for pid in chunk.paragraph_ids)
        return doc, chunks

    def _flush(self, batch: _Batch, manifest: dict[str, dict[str, Any]]) -> None:
        """Write a batch: documents recorded uncommitted, all chunks in few upserts, then all committed.
        A crash leaves uncommitted records only, which the next run's `recover()` removes."""
        if not batch.items:
            return
        items = batch.take()
        vectors = self.embedder.embed_documents([c.index_text for item in items for c in item.chunks])
        entries = [(item.doc, item.source, item.state) for item in items]
        self.store.begin_many(entries)
        hold("batch")  # a test hook: concurrency tests hold a writer here, its batch recorded uncommitted
        for item in items:
            if item.doc.id in manifest:  # re-indexed (new parser or sidecar): drop this id's old chunks first
                self.store.chunks.delete(where={"doc_id": item.doc.id})
        self.store.write_chunks_many([(item.doc, item.chunks) for item in items], vectors)
        self.store.commit_many(entries)
        for item in items:
            manifest[item.doc.id] = {
                "source_path": item.source,
                "content_hash": item.doc.content_hash,
                "paragraphs": len(item.doc.paragraphs()),
                "sidecar_hash": item.state,
            }
            self._retire(item.source, item.doc.id, item.same_path, manifest)

    def _retire(self, source: str, keep: str, same_path: list[str], manifest: dict[str, dict[str, Any]]) -> None:
        for old in same_path:
            if old != keep:
                self.store.delete_document(old)
                manifest.pop(old, None)

    def _keep_source(self, data: bytes, doc_id: str, filename: str) -> None:
        self.sources_dir.mkdir(parents=True, exist_ok=True)
        suffix = Path(filename).suffix.lower()
        target = self.sources_dir / f"{doc_id}{suffix}"
        if not target.exists():
            tmp = target.with_suffix(target.suffix + ".tmp")
            tmp.write_bytes(data)
            tmp.replace(target)

    def source_file(self, doc_id: str) -> Path | None:
        return next(iter(sorted(self.sources_dir.glob(f"{doc_id}.*"))), None) if self.sources_dir.exists() else None

    def prune(self, manifest: dict[str, dict[str, Any]]) -> list[str]:
        gone = [i for i, m in manifest.items() if not Path(str(m.get("source_path", ""))).exists()]
        for doc_id in gone:
            self.delete(doc_id)
            manifest.pop(doc_id, None)
        return gone

    def delete(self, doc_id: str) -> bool:
        with self.session(wait=True):
            if doc_id not in self.store.manifest():
                return False
            self.store.delete_document(doc_id)
            source = self.source_file(doc_id)
            if source is not None:
                source.unlink(missing_ok=True)
            return True

    def sweep_sources(self) -> list[str]:
        """Remove kept source files of no committed document in any namespace (a writer crashed between
        keeping and committing) and half-written ones. Only under the ingest lock: a running writer's files
        look the same."""
        if not self.sources_dir.exists():
            return []
        committed = self.store.committed_anywhere()
        swept: list[str] = []
        for path in sorted(self.sources_dir.iterdir()):
            if path.is_file() and (path.name.endswith(".tmp") or path.name.split(".", 1)[0] not in committed):
                path.unlink(missing_ok=True)
                swept.append(path.name)
        return swept

    def lexical_stamp(self) -> str:
        """Names what the lexical index must be built from: the store's generation, the analyzer, the layout."""
        return f"{self.store.generation()}:{ANALYZER_VERSION}:{LEXICAL_FORMAT}"

    def rebuild_lexical(self) -> LexicalIndex:
        """Build the lexical index from Chroma and publish it as the current generation on disk (every API
        process sharing the data dir then loads it rather than building its own)."""
        index = LexicalIndex.build(self.store.iter_chunks(), self.lexical_stamp())
        index.save(self.lexical_dir)
        return index


@dataclass
class _Pending:
    doc: Document
    chunks: list[Chunk]
    source: str
    state: str
    same_path: list[str]


@dataclass
class _Batch:
    """Parsed documents waiting to be written together (fewer, larger Chroma writes)."""

    items: list[_Pending] = field(default_factory=list)
    max_docs: int = 32
    max_chunks: int = 3000

    def add(self, item: _Pending) -> None:
        self.items.append(item)

    @property
    def full(self) -> bool:
        return len(self.items) >= self.max_docs or sum(len(i.chunks) for i in self.items) >= self.max_chunks

    def take(self) -> list[_Pending]:
        items, self.items = self.items, []
        return items


def index_state(overrides: dict[str, Any] | None) -> str:
    """What, besides the file's bytes, decides its index entry: the parser version and the sidecar."""
    return f"v{INDEX_VERSION}:{sidecar_hash(overrides)}"


def sidecar_hash(overrides: dict[str, Any] | None) -> str:
    if not overrides:
        return ""
    return hashlib.sha1(json.dumps(overrides, sort_keys=True, default=str).encode()).hexdigest()
