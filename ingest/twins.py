"""What a writer session knows of the texts already indexed: which files are variants of which document (from
the manifest), and the signatures of every document's text (from the store, read when a file is first parsed).

A file whose bytes are a known variant's is answered without parsing; a parsed file whose text has a twin
becomes the twin's variant, or — when it is the better original (a PDF beside its OCR text) — the document,
with its twin as its variant (see ingest.neardup)."""

from __future__ import annotations

from typing import Any

from datasketch import LeanMinHash

from ingest.neardup import TwinIndex, decode, encode, signature
from ingest.store import Store, manifest_variants

BACKFILL = 200  # documents whose signatures are computed and written together


class Twins:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._variant_of: dict[str, str] | None = None
        self._index: TwinIndex | None = None

    def variant_of(self, content_id: str, manifest: dict[str, dict[str, Any]]) -> str | None:
        """The committed document that a file with these bytes is a variant of, if any."""
        if self._variant_of is None:
            self._variant_of = {
                v["id"]: doc_id for doc_id, meta in manifest.items() for v in manifest_variants(meta) if v.get("id")
            }
        primary = self._variant_of.get(content_id)
        return primary if primary in manifest else None

    def note_variants(self, doc_id: str, content_ids: list[str]) -> None:
        if self._variant_of is not None:
            self._variant_of.update(dict.fromkeys(content_ids, doc_id))

    def index(self, manifest: dict[str, dict[str, Any]]) -> TwinIndex:
        """Every committed document's signature; those of documents indexed before signatures existed are
        computed from their stored text once, and written."""
        if self._index is None:
            self._index = TwinIndex()
            for doc_id, text in self.store.signatures_of(set(manifest)):
                self._index.add(doc_id, decode(text))
            missing = [doc_id for doc_id in sorted(manifest) if doc_id not in self._index]
            for start in range(0, len(missing), BACKFILL):
                self._backfill(missing[start : start + BACKFILL])
        return self._index

    def _backfill(self, doc_ids: list[str]) -> None:
        assert self._index is not None
        written: dict[str, str] = {}
        for doc_id in doc_ids:
            doc = self.store.get_document(doc_id)
            sig = signature(doc.text) if doc is not None else None
            if sig is not None:
                self._index.add(doc_id, sig)
                written[doc_id] = encode(sig)
        self.store.write_signatures(written)

    def add(self, doc_id: str, sig: LeanMinHash | None, manifest: dict[str, dict[str, Any]]) -> None:
        if sig is not None:
            self.index(manifest).add(doc_id, sig)

    def forget(self, doc_id: str) -> None:
        if self._index is not None:
            self._index.remove(doc_id)
