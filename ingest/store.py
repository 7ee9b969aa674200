"""The Chroma store: one collection of chunks (with our own embeddings), one of documents, and one of the
documents' text signatures (MinHash, read by ingest only: finding a new file's twin, see ingest.neardup).

A document record is written first as `committed=False`, then its chunks, then it is marked committed.
Readers see committed documents only; `recover()` removes what a crash left half-written.
Embedded (a folder) and server (`chroma run`) modes share this code path.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from typing import Any

import chromadb
import numpy as np
from chromadb.api.types import Schema, StringInvertedIndexConfig, VectorIndexConfig
from chromadb.config import Settings as ChromaSettings

from ingest.errors import StoreUnavailable
from ingest.models import Chunk, Document, DocumentFields, Variant
from ingest.settings import IngestSettings

BATCH = 4000
PAGE = 10_000  # rows per read: one unpaged read of tens of thousands of ids exceeds SQLite's variable limit


def make_client(settings: IngestSettings) -> Any:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_host:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
        path = settings.ensure_data_dir() / "chroma"
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:  # chromadb raises many types when the server is unreachable
        raise StoreUnavailable(f"Chroma is not reachable ({settings.chroma_mode}): {exc}") from exc


def _scalar(value: Any) -> Any:
    return "" if value is None else value


# Chroma filters chunks only by doc_id (deletes, recovery, the dense fallback); every other filter is a mask
# over the in-memory catalogue. Not indexing the other strings (long texts among them) cuts write time ~27 %.
UNINDEXED = (
    "section_id",
    "section_heading",
    "section_kind",
    "paragraph_ids",
    "first_paragraph",
    "pages",
    "text",
    "header",
    "title",
    "doc_type",
    "body",
    "unit",
    "organisation",
    "date",
    "dnr",
    "doc_dnr",
    "parties",
    "source_file",
)


def chunk_schema() -> Schema:
    schema = Schema()
    schema.create_index(config=VectorIndexConfig(space="cosine"))
    for key in UNINDEXED:
        schema.delete_index(config=StringInvertedIndexConfig(), key=key)
    return schema


def filter_year(doc: DocumentFields) -> int:
    """The year a document is filed under: its date, else its remisstid, else its remiss number's year."""
    for value in (doc.date, doc.remisstid):
        if value:
            return int(value[:4])
    if doc.remiss_ref and ":" in doc.remiss_ref:
        return int(doc.remiss_ref.split()[-1].split(":")[0])
    return 0


def chunk_metadata(chunk: Chunk, doc: DocumentFields) -> dict[str, Any]:
    return {
        "doc_id": doc.id,
        "section_id": chunk.section_id,
        "section_heading": chunk.section_heading,
        "section_kind": chunk.section_kind,
        "paragraph_ids": chunk.paragraph_ids,
        "first_paragraph": chunk.paragraph_ids[0],
        "pages": json.dumps(chunk.pages),
        "text": chunk.text,
        "header": chunk.index_text[: len(chunk.index_text) - len(chunk.text)].rstrip("\n"),
        "title": doc.title,
        "doc_type": doc.doc_type,
        "body": _scalar(doc.body),
        "unit": _scalar(doc.unit),
        "organisation": _scalar(doc.organisation),
        "date": _scalar(doc.date),
        "year": filter_year(doc),
        "dnr": json.dumps(chunk.dnr),
        "doc_dnr": json.dumps(doc.dnr),
        "parties": json.dumps(chunk.parties),
        "source_file": doc.source_file,
        "ocr": doc.ocr,
        "instruction": int(chunk.instruction),
    }


class Store:
    def __init__(self, settings: IngestSettings, embedder_name: str, client: Any | None = None) -> None:
        self.settings = settings
        self.client = client or make_client(settings)
        slug = hashlib.sha1(embedder_name.encode()).hexdigest()[:6]
        self.namespace = f"{settings.collection}-{embedder_name[:20]}-{slug}".replace("_", "-")
        try:
            self.chunks = self.client.get_or_create_collection(
                f"{self.namespace}-chunks", embedding_function=None, schema=chunk_schema()
            )
            self.documents = self.client.get_or_create_collection(
                f"{self.namespace}-documents", embedding_function=None
            )
            self.signatures = self.client.get_or_create_collection(
                f"{self.namespace}-signatures", embedding_function=None
            )
        except Exception as exc:
            raise StoreUnavailable(f"Chroma is not reachable ({settings.chroma_mode}): {exc}") from exc

    # --- writing ---------------------------------------------------------------------------------
    def begin_many(self, entries: list[tuple[Document, str, str]]) -> None:
        """Record documents as uncommitted: invisible to readers until `commit_many`."""
        if entries:
            self.documents.upsert(
                ids=[d.id for d, _, _ in entries],
                embeddings=[[1.0] for _ in entries],
                documents=[d.model_dump_json() for d, _, _ in entries],
                metadatas=[self.doc_meta(d, src, False, state) for d, src, state in entries],
            )

    def write_signatures(self, signatures: dict[str, str]) -> None:
        """Text signatures by document id, written with the uncommitted documents (read for committed ones)."""
        if signatures:
            ids = list(signatures)
            self.signatures.upsert(ids=ids, embeddings=[[1.0] for _ in ids], documents=[signatures[i] for i in ids])

    def signatures_of(self, committed: set[str]) -> Iterator[tuple[str, str]]:
        """(document id, signature) of the committed documents, read in pages."""
        offset = 0
        while True:
            got = self.signatures.get(include=["documents"], limit=PAGE, offset=offset)
            if not got["ids"]:
                return
            for doc_id, text in zip(got["ids"], got["documents"] or [], strict=False):
                if doc_id in committed and text:
                    yield doc_id, text
            offset += len(got["ids"])

    def set_variants(self, doc_id: str, variants: list[Variant]) -> Document | None:
        """Record the files that share a committed document's text (its record and its manifest entry)."""
        doc = self.get_document(doc_id)
        if doc is None:
            return None
        doc.variants = variants
        self.documents.update(  # our own embedding: Chroma would otherwise embed the text with its default model
            ids=[doc_id],
            embeddings=[[1.0]],
            documents=[doc.model_dump_json()],
            metadatas=[{"variants": variants_meta(variants)}],
        )
        self._bump()
        return doc

    def write_chunks_many(self, groups: list[tuple[Document, list[Chunk]]], vectors: np.ndarray) -> None:
        """Chunks of several documents in as few upserts as possible; `vectors` in the same order."""
        rows = [(c, fields) for doc, chunks in groups for fields in [doc.fields()] for c in chunks]
        for start in range(0, len(rows), BATCH):
            part = rows[start : start + BATCH]
            # no Chroma `documents`: its full-text index would double the write time, and the indexed text
            # is header + text, both kept in the metadata (so the lexical index is rebuildable from Chroma)
            self.chunks.upsert(
                ids=[c.id for c, _ in part],
                embeddings=np.ascontiguousarray(vectors[start : start + BATCH], dtype=np.float32),
                metadatas=[chunk_metadata(c, fields) for c, fields in part],
            )

    def commit_many(self, entries: list[tuple[Document, str, str]]) -> None:
        if entries:
            self.documents.update(
                ids=[d.id for d, _, _ in entries],
                metadatas=[self.doc_meta(d, src, True, state) for d, src, state in entries],
            )
            self._bump()

    def _bump(self) -> None:
        """A new generation marker on the documents collection: readers compare it in well under 1 ms."""
        self.documents.modify(metadata={"generation": uuid.uuid4().hex})

    def delete_document(self, doc_id: str) -> None:
        self.documents.update(ids=[doc_id], metadatas=[{"committed": False}])
        self.chunks.delete(where={"doc_id": doc_id})
        self.documents.delete(ids=[doc_id])
        self.signatures.delete(ids=[doc_id])
        self._bump()

    def recover(self) -> list[str]:
        """Remove documents a crash left uncommitted, with their chunks. Returns their ids."""
        pending = self.documents.get(where={"committed": False}, include=[])["ids"]
        for doc_id in pending:
            self.chunks.delete(where={"doc_id": doc_id})
            self.documents.delete(ids=[doc_id])
            self.signatures.delete(ids=[doc_id])
        return list(pending)

    @staticmethod
    def doc_meta(doc: Document, source_path: str, committed: bool, sidecar_hash: str) -> dict[str, Any]:
        return {
            "committed": committed,
            "sidecar_hash": sidecar_hash,
            "source_path": source_path,
            "source_file": doc.source_file,
            "content_hash": doc.content_hash,
            "title": doc.title,
            "doc_type": doc.doc_type,
            "body": _scalar(doc.body),
            "organisation": _scalar(doc.organisation),
            "date": _scalar(doc.date),
            "year": filter_year(doc),
            "dnr": json.dumps(doc.dnr),
            "paragraphs": len(doc.paragraphs()),
            "pages": doc.pages,
            "variants": variants_meta(doc.variants),
        }

    # --- reading ---------------------------------------------------------------------------------
    def manifest(self) -> dict[str, dict[str, Any]]:
        """Committed documents: id -> metadata (source_path, content_hash, …)."""
        out: dict[str, dict[str, Any]] = {}
        for got in _pages(self.documents, {"committed": True}, ["metadatas"]):
            out.update({i: dict(m or {}) for i, m in zip(got["ids"], got["metadatas"] or [], strict=False)})
        return out

    def document_count(self) -> int:
        """How many documents the store records, without reading them (committed ones, and for the moment of
        a write the few a writer has not committed yet). `manifest()` reads every document's metadata: a
        readiness probe that counted through it took 48 s at ~56,000 documents, longer than its client waits."""
        return int(self.documents.count())

    def committed_anywhere(self) -> set[str]:
        """Ids of committed documents in every namespace of this store (other embedders share the data dir's
        source files)."""
        ids: set[str] = set()
        for collection in self.client.list_collections():
            name = collection if isinstance(collection, str) else collection.name
            if name.endswith("-documents"):
                for got in _pages(self.client.get_collection(name), {"committed": True}, []):
                    ids.update(got["ids"])
        return ids

    def generation(self) -> str:
        """Changes whenever a document is committed or deleted (by any process sharing the store)."""
        metadata = self.client.get_collection(f"{self.namespace}-documents").metadata or {}
        if "generation" not in metadata:  # a store written before generation markers: add one
            self._bump()
            return self.generation()
        return str(metadata["generation"])

    def get_document(self, doc_id: str) -> Document | None:
        got = self.documents.get(ids=[doc_id], include=["documents", "metadatas"])
        if not got["ids"] or not (got["metadatas"] or [{}])[0].get("committed"):
            return None
        return Document.model_validate_json((got["documents"] or [""])[0])

    def iter_documents(self) -> Iterator[Document]:
        for doc_id in sorted(self.manifest()):
            doc = self.get_document(doc_id)
            if doc is not None:
                yield doc

    def iter_chunks(self, page_size: int = 5000) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """All chunks of committed documents: (id, index_text, metadata)."""
        committed = set(self.manifest())
        offset = 0
        while True:
            got = self.chunks.get(include=["metadatas"], limit=page_size, offset=offset)
            if not got["ids"]:
                return
            for cid, meta in zip(got["ids"], got["metadatas"] or [], strict=False):
                if meta and meta.get("doc_id") in committed:
                    yield cid, f"{meta.get('header', '')}\n{meta.get('text', '')}", dict(meta)
            offset += len(got["ids"])

    def query(self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        count = self.chunks.count()
        if count == 0:
            return []
        got = self.chunks.query(
            query_embeddings=[vector.tolist()], n_results=min(n, count), where=where, include=["distances"]
        )
        ids = got["ids"][0]
        distances = (got["distances"] or [[]])[0]
        return [(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=False)]


def variants_meta(variants: list[Variant]) -> str:
    """A document's variants as its manifest entry keeps them: file name, content id, source path."""
    return json.dumps([{"file": v.source_file, "id": v.content_id, "path": v.source_path} for v in variants])


def manifest_variants(meta: dict[str, Any]) -> list[dict[str, str]]:
    try:
        got = json.loads(str(meta.get("variants") or "[]"))
    except ValueError:
        return []
    return [v for v in got if isinstance(v, dict)] if isinstance(got, list) else []


def _pages(collection: Any, where: dict[str, Any], include: list[str]) -> Iterator[dict[str, Any]]:
    """A filtered read in pages of `PAGE` rows."""
    offset = 0
    while True:
        got = collection.get(where=where, include=include, limit=PAGE, offset=offset)
        if not got["ids"]:
            return
        yield got
        offset += len(got["ids"])
