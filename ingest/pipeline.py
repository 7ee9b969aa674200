"""The ingest service, shared by the CLI and the API: parse only what changed, write each document
atomically, keep the lexical index in step with Chroma."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from ingest.analyzer import ANALYZER_VERSION
from ingest.chunking import chunk_document
from ingest.embedders import Embedder, make_embedder
from ingest.errors import SkipFile
from ingest.lexical import LexicalIndex
from ingest.models import Chunk, Document
from ingest.parse import ParseOptions, content_id, parse_bytes
from ingest.readers import is_supported
from ingest.sidecar import load_sidecar
from ingest.store import Store

INDEX_VERSION = 3  # bump when parsing or chunking changes: the next ingest re-indexes every file


@dataclass
class FileResult:
    path: str
    status: str  # added | replaced | unchanged | skipped
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
            "skipped": self.count("skipped"),
            "pruned": len(self.pruned),
            "recovered": len(self.recovered),
            "paragraphs": sum(f.paragraphs for f in done),
            "chunks": sum(f.chunks for f in done),
            "pages": sum(f.pages for f in done),
            "seconds": round(self.seconds, 2),
        }


def discover(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*")) if p.is_file() and is_supported(p))
        elif path.is_file():
            found.append(path)
    return found


class Ingestor:
    def __init__(self, settings: Settings, embedder: Embedder | None = None, store: Store | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or make_embedder(settings)
        self.store = store or Store(settings, self.embedder.name)
        self.options = ParseOptions(settings.mask_personnummer, settings.ocr, settings.ocr_lang)

    @property
    def lexical_dir(self) -> Path:
        return self.settings.ensure_data_dir() / "lexical" / self.store.namespace

    @property
    def sources_dir(self) -> Path:
        return self.settings.ensure_data_dir() / "sources"

    def ingest(
        self, paths: list[Path], prune: bool = False, progress: Callable[[FileResult], None] | None = None
    ) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport(recovered=self.store.recover())
        manifest = self.store.manifest()
        files = discover(paths)
        batch = _Batch(max_docs=self.settings.ingest_batch_docs)
        for path in files:
            result = self.ingest_file(path, manifest, batch)
            report.files.append(result)
            if batch.full:
                self._flush(batch, manifest)
            if progress:
                progress(result)
        self._flush(batch, manifest)
        if prune:
            report.pruned = self.prune(manifest)
        if report.changed or not self.lexical_dir.exists():
            self.rebuild_lexical()
        report.seconds = time.perf_counter() - started
        return report

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
        without one, the document is written before this returns."""
        manifest = self.store.manifest() if manifest is None else manifest
        doc_id = content_id(data)
        same_path = [i for i, m in manifest.items() if m.get("source_path") == source]
        sidecar = index_state(overrides)
        if doc_id in manifest and manifest[doc_id].get("sidecar_hash", "") == sidecar:
            self._retire(source, doc_id, same_path, manifest)
            meta = manifest[doc_id]
            return FileResult(source, "unchanged", doc_id=doc_id, paragraphs=int(meta.get("paragraphs", 0)))
        try:
            doc = parse_bytes(data, filename, self.options, overrides)
        except SkipFile as exc:
            return FileResult(source, "skipped", exc.reason)
        if not doc.paragraphs():
            return FileResult(source, "skipped", "no paragraphs of text found")
        chunks = chunk_document(doc, self.settings.chunk_target_chars, self.settings.chunk_max_chars)
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

    def _flush(self, batch: _Batch, manifest: dict[str, dict[str, Any]]) -> None:
        """Write a batch: documents recorded uncommitted, all chunks in few upserts, then all committed.
        A crash leaves uncommitted records only, which the next run's `recover()` removes."""
        if not batch.items:
            return
        items = batch.take()
        vectors = self.embedder.embed_documents([c.index_text for item in items for c in item.chunks])
        entries = [(item.doc, item.source, item.state) for item in items]
        self.store.begin_many(entries)
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
        if doc_id not in self.store.manifest():
            return False
        self.store.delete_document(doc_id)
        source = self.source_file(doc_id)
        if source is not None:
            source.unlink(missing_ok=True)
        return True

    def lexical_stamp(self) -> str:
        return f"{self.store.generation()}:{ANALYZER_VERSION}"

    def rebuild_lexical(self) -> LexicalIndex:
        index = LexicalIndex.build(self.store.iter_chunks(), self.lexical_stamp())
        index.save(self.lexical_dir)
        return index

    def remove_all_sources(self) -> None:
        shutil.rmtree(self.sources_dir, ignore_errors=True)


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
