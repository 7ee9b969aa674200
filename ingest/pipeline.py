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
from ingest.models import Chunk, Document, Variant
from ingest.neardup import encode, original_rank, signature
from ingest.parse import ParseOptions, content_id
from ingest.readers import SUPPORTED, is_supported
from ingest.settings import IngestSettings
from ingest.sidecar import is_sidecar, load_sidecar
from ingest.store import Store, variants_meta
from ingest.twins import Twins
from ingest.worker import ParseJob, ParsePool

log = logging.getLogger("remiss.ingest")

INDEX_VERSION = 6  # bump when parsing or chunking changes: the next ingest re-indexes every file


@dataclass
class FileResult:
    """What became of one file. `variant`: the same text as a document (its OCR text, its plain-text copy), kept
    as that document's variant (`doc_id`), not a document of its own. `duplicate`: the same bytes twice in one
    run. `ignored`: not a document (a README, a data file). The detected fields are those of `doc_id`."""

    path: str
    status: str  # added | replaced | unchanged | variant | duplicate | ignored | skipped
    reason: str = ""
    doc_id: str = ""
    paragraphs: int = 0
    chunks: int = 0
    pages: int = 0
    doc_type: str = ""
    title: str = ""
    organisation: str = ""
    body: str = ""
    dnr: list[str] = field(default_factory=list)
    date: str = ""

    def detected(self, doc: Document) -> FileResult:
        self.doc_type, self.title = doc.doc_type, doc.title
        self.organisation, self.body = doc.organisation or "", doc.body or ""
        self.dnr, self.date = list(doc.dnr), doc.date or ""
        return self

    def detected_in(self, meta: dict[str, Any]) -> FileResult:
        """The detected fields as the manifest keeps them (a file indexed before: not parsed again)."""
        self.doc_type, self.title = str(meta.get("doc_type") or ""), str(meta.get("title") or "")
        self.organisation, self.body = str(meta.get("organisation") or ""), str(meta.get("body") or "")
        try:
            self.dnr = [str(v) for v in json.loads(str(meta.get("dnr") or "[]"))]
        except ValueError:
            self.dnr = []
        self.date = str(meta.get("date") or "")
        return self


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
            "variant": self.count("variant"),
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
DATA_FILES = {".tsv", ".csv", ".json", ".jsonl", ".xlsx", ".xls", ".ods", ".xml", ".yaml", ".yml", ".sqlite"}


def is_folder_note(path: Path) -> bool:
    return path.stem.lower() in FOLDER_NOTES


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def not_a_document(path: Path) -> str:
    """Why a file in a folder is not ingested as a document ("" when it is one)."""
    suffix = path.suffix.lower()
    if is_folder_note(path):
        return "describes the folder, not a document"
    if suffix in DATA_FILES:
        return f"a data file ({suffix}), not a document"
    if not is_supported(path):
        return (
            f"not a file type the archive reads ({suffix or 'no extension'}; it reads {', '.join(sorted(SUPPORTED))})"
        )
    return ""


def _folder_files(path: Path) -> list[Path]:
    return [p for p in sorted(path.rglob("*")) if p.is_file() and not _hidden(p, path) and not is_sidecar(p)]


def discover(paths: list[Path]) -> list[Path]:
    """The files to ingest: files given, and the documents of folders given (not their READMEs or data files)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(p for p in _folder_files(path) if not not_a_document(p))
        elif path.is_file():
            found.append(path)
    return found


def folder_notes(paths: list[Path]) -> list[FileResult]:
    """The files of the folders given that are not documents (READMEs, source lists, data files, types the
    archive does not read), each reported as ignored with the reason."""
    return [
        FileResult(str(p.resolve()), "ignored", reason)
        for path in paths
        if path.is_dir()
        for p in _folder_files(path)
        if (reason := not_a_document(p))
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
        self._twins: Twins | None = None

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
            self._twins = Twins(self.store)
            try:
                yield recovery
            finally:
                pool, self._pool, self._twins = self._pool, None, None
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
            report.files.extend(f for f in folder_notes(paths) if not self._own(Path(f.path)))
            self._ingest_all([p for p in discover(paths) if not self._own(p)], report, progress)
            if prune:
                report.pruned = self.prune(self.store.manifest())
            if report.changed or LexicalIndex.current(self.lexical_dir) is None:
                self.rebuild_lexical()
        report.seconds = time.perf_counter() - started
        return report

    def _own(self, path: Path) -> bool:
        """A file of the data dir itself (its index, kept sources, uploads): never a document to ingest."""
        return path.resolve().is_relative_to(self.settings.data_dir.resolve())

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
            result = FileResult(source, "unchanged", doc_id=doc_id, paragraphs=int(meta.get("paragraphs", 0)))
            return result.detected_in(meta)
        known = self.twins.variant_of(doc_id, manifest)
        if known is not None:  # a variant seen before (e.g. the OCR text of a PDF): not parsed again
            name = manifest[known].get("source_file", known)
            result = FileResult(source, "variant", f"same text as {name}: kept as its variant", doc_id=known)
            return result.detected_in(manifest[known])
        twin = next((p for p in (batch.items if batch is not None else []) if p.doc.id == doc_id), None)
        if twin is not None:  # the same text twice in one run (a copy in another folder): indexed once
            return FileResult(source, "duplicate", f"same text as {twin.source}", doc_id=doc_id)
        prepared = self._prepare(data, filename, overrides)
        if isinstance(prepared, str):
            return FileResult(source, "skipped", prepared)
        doc, chunks = prepared
        own = batch if batch is not None else _Batch()
        sig = signature(doc.text)
        item = _Pending(doc, chunks, source, sidecar, same_path, encode(sig) if sig is not None else "")
        reason = ""
        mine = frozenset([doc.id, *same_path])  # its own earlier versions are no twins
        found = self.twins.index(manifest).twin(sig, mine) if sig is not None else None
        if found is not None:
            twin_id, similarity = found
            if not self._better_original(doc, twin_id, own):
                return self._as_variant(doc, source, twin_id, similarity, own, manifest, same_path)
            reason = self._supersede(item, twin_id, similarity, own, manifest)
        self._keep_source(data, doc.id, filename)
        own.add(item)
        self.twins.add(doc.id, sig, manifest)
        # replaced: a new version of the file, or the same file with an edited sidecar
        status = "replaced" if same_path else "added"
        item.result = FileResult(
            source,
            status,
            reason,
            doc_id=doc.id,
            paragraphs=len(doc.paragraphs()),
            chunks=len(chunks),
            pages=doc.pages,
        ).detected(doc)
        if batch is None:
            self._flush(own, manifest)
        return item.result

    @property
    def twins(self) -> Twins:
        assert self._twins is not None, "twins are known in a writer session"
        return self._twins

    def _twin_doc(self, twin_id: str, batch: _Batch) -> tuple[Document | None, _Pending | None]:
        pending = next((p for p in batch.items if p.doc.id == twin_id), None)
        return (pending.doc, pending) if pending is not None else (self.store.get_document(twin_id), None)

    def _better_original(self, doc: Document, twin_id: str, batch: _Batch) -> bool:
        """Whether the new document should be the original rather than its twin (a tie keeps the twin)."""
        twin, _ = self._twin_doc(twin_id, batch)
        if twin is None:
            return True
        return original_rank(doc.format, doc.pages) < original_rank(twin.format, twin.pages)

    def _as_variant(
        self,
        doc: Document,
        source: str,
        twin_id: str,
        similarity: float,
        batch: _Batch,
        manifest: dict[str, dict[str, Any]],
        same_path: list[str],
    ) -> FileResult:
        """Record the new file as a variant of its twin (pending in the batch, or committed)."""
        twin, pending = self._twin_doc(twin_id, batch)
        assert twin is not None
        variant = Variant(
            source_file=doc.source_file,
            format=doc.format,
            content_id=doc.id,
            source_path=source,
            similarity=round(similarity, 3),
        )
        variants = [v for v in twin.variants if v.source_path != source and v.content_id != doc.id] + [variant]
        if pending is not None:
            pending.doc.variants = variants
        else:
            self.store.set_variants(twin_id, variants)
            manifest[twin_id]["variants"] = variants_meta(variants)
        self.twins.note_variants(twin_id, [doc.id])
        self._retire(source, twin_id, same_path, manifest)
        reason = f"same text as {twin.source_file} ({similarity:.0%} alike): kept as its variant"
        return FileResult(source, "variant", reason, doc_id=twin_id, pages=twin.pages).detected(twin)

    def _supersede(
        self, item: _Pending, twin_id: str, similarity: float, batch: _Batch, manifest: dict[str, dict[str, Any]]
    ) -> str:
        """The new document becomes the original of its twin's text: the twin (and its variants) become its
        variants, and the twin's document goes (from the batch now, from the store when the batch is written)."""
        twin, pending = self._twin_doc(twin_id, batch)
        assert twin is not None
        source = pending.source if pending is not None else str(manifest.get(twin_id, {}).get("source_path", ""))
        variant = Variant(
            source_file=twin.source_file,
            format=twin.format,
            content_id=twin.id,
            source_path=source,
            similarity=round(similarity, 3),
        )
        item.doc.variants = [*twin.variants, variant]
        self.twins.forget(twin_id)
        if pending is not None:
            batch.items.remove(pending)
            kept = self.source_file(twin_id)
            if kept is not None:
                kept.unlink(missing_ok=True)
            if pending.result is not None:
                pending.result.status = "variant"
                pending.result.reason = f"same text as {item.doc.source_file}, the better original: kept as its variant"
                pending.result.doc_id = item.doc.id
        else:
            item.supersedes.append(twin_id)
        return f"the original of {twin.source_file} ({similarity:.0%} alike), now its variant"

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
        self.store.write_signatures({item.doc.id: item.signature for item in items if item.signature})
        hold("batch")  # a test hook: concurrency tests hold a writer here, its batch recorded uncommitted
        for item in items:
            if item.doc.id in manifest:  # re-indexed (new parser or sidecar): drop this id's old chunks first
                self.store.chunks.delete(where={"doc_id": item.doc.id})
        self.store.write_chunks_many([(item.doc, item.chunks) for item in items], vectors)
        self.store.commit_many(entries)
        for item in items:
            manifest[item.doc.id] = self.store.doc_meta(item.doc, item.source, True, item.state)
            self._retire(item.source, item.doc.id, item.same_path, manifest)
            self.twins.note_variants(item.doc.id, [v.content_id for v in item.doc.variants])
            for old in item.supersedes:  # a text twin that this better original replaces
                self._remove(old, manifest)

    def _remove(self, doc_id: str, manifest: dict[str, dict[str, Any]]) -> None:
        self.store.delete_document(doc_id)
        manifest.pop(doc_id, None)
        source = self.source_file(doc_id)
        if source is not None:
            source.unlink(missing_ok=True)

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
    signature: str = ""  # the text's MinHash, encoded (ingest.neardup)
    supersedes: list[str] = field(default_factory=list)  # committed text twins this document replaces
    result: FileResult | None = None


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
