"""What retrieval needs in memory: the lexical index, per-chunk metadata as arrays for fast filter masks,
and a small cache of parsed documents for citations. Reloaded when the store's generation changes."""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from assistant import bodies as body_mod
from assistant import mentions
from assistant.schemas import Filters
from ingest import dnr as dnr_mod
from ingest.analyzer import analyze
from ingest.lexical import LexicalIndex
from ingest.models import Document
from ingest.pipeline import Ingestor


class Catalog:
    def __init__(self, ingestor: Ingestor, check_every: float = 2.0) -> None:
        self.ingestor = ingestor
        self.check_every = check_every
        self._lock = threading.Lock()
        self._checked = 0.0
        self._docs: OrderedDict[str, Document] = OrderedDict()
        self.index = self._load()
        self._arrays()

    # --- freshness -------------------------------------------------------------------------------
    def _load(self) -> LexicalIndex:
        stamp = self.ingestor.lexical_stamp()
        index = LexicalIndex.load(self.ingestor.lexical_dir)
        if index is None or index.stamp != stamp:
            index = self.ingestor.rebuild_lexical()
        return index

    def refresh(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._checked < self.check_every:
            return
        with self._lock:
            self._checked = now
            if force or self.ingestor.lexical_stamp() != self.index.stamp:
                fresh = Catalog.__new__(Catalog)
                fresh.index = self._load()
                fresh._arrays()
                # swap the whole state at once: a request never sees a new index with old arrays
                self.__dict__.update({k: v for k, v in fresh.__dict__.items()})
                self._docs.clear()

    def _arrays(self) -> None:
        metas = self.index.metas
        self.doc_ids = np.array([m["doc_id"] for m in metas], dtype=object)
        self.years = np.array([int(m.get("year") or 0) for m in metas], dtype=np.int32)
        self.types = np.array([m.get("doc_type", "") for m in metas], dtype=object)
        self.bodies = np.array([m.get("body", "") for m in metas], dtype=object)
        self.units = np.array([m.get("unit", "") for m in metas], dtype=object)
        self.by_dnr: dict[str, set[int]] = {}
        self.doc_fields: dict[str, dict[str, Any]] = {}
        for i, m in enumerate(metas):
            for value in json.loads(m.get("dnr", "[]")) + json.loads(m.get("doc_dnr", "[]")):
                self.by_dnr.setdefault(dnr_mod.key(value), set()).add(i)
            self.doc_fields.setdefault(m["doc_id"], m)
        self.body_names = sorted({b for b in self.bodies if b} | {u for u in self.units if u})
        self.parties = [set(json.loads(m.get("parties", "[]"))) for m in metas]
        self._party_masks: dict[str, np.ndarray] = {}
        self._mask_cache: dict[tuple[str, ...], np.ndarray] = {}
        names = " ".join({f"{m.get('title', '')} {m.get('body', '')} {m.get('organisation', '')}" for m in metas})
        self.place_tokens = set(analyze(names, split=False))
        self.refs = {
            mentions.normalize_ref(*r.groups()) for m in metas for r in mentions.REF.finditer(m.get("text", ""))
        }

    # --- filters ---------------------------------------------------------------------------------
    def mask(
        self, filters: Filters, bodies: list[str] | None = None, dnr: list[str] | None = None
    ) -> np.ndarray | None:
        n = len(self.index.ids)
        if n == 0:
            return None
        mask = np.ones(n, dtype=bool)
        wanted_bodies = ([filters.body] if filters.body else []) + list(bodies or [])
        for body in wanted_bodies:
            mask &= self._cached(("body", body), partial(self._body_mask, body))
        if filters.doc_type:
            key = ("type", *sorted(filters.doc_type))
            mask &= self._cached(key, lambda: np.isin(self.types, list(filters.doc_type or [])))
        if filters.year_from:
            mask &= self.years >= filters.year_from
        if filters.year_to:
            mask &= (self.years <= filters.year_to) & (self.years > 0)
        for value in ([filters.dnr] if filters.dnr else []) + list(dnr or []):
            hit = np.zeros(n, dtype=bool)
            hit[list(self.by_dnr.get(dnr_mod.key(value), set()))] = True
            mask &= hit
        if filters.doc_id:
            mask &= self.doc_ids == filters.doc_id
        return mask

    def _cached(self, key: tuple[str, ...], build: Callable[[], np.ndarray]) -> np.ndarray:
        if key not in self._mask_cache:
            if len(self._mask_cache) > 512:
                self._mask_cache.clear()
            self._mask_cache[key] = build()
        return self._mask_cache[key]

    def _body_mask(self, body: str) -> np.ndarray:
        names = [b for b in self.body_names if body_mod.matches(body, b)]
        return np.isin(self.bodies, names) | np.isin(self.units, names)

    def known_body(self, body: str) -> bool:
        return any(body_mod.matches(body, b) for b in self.body_names)

    def known_ref(self, ref: str) -> bool:
        return ref in self.refs

    def known_place(self, place: str) -> bool:
        tokens = analyze(place, split=False)
        return bool(tokens) and all(t in self.place_tokens for t in tokens)

    def party_mask(self, parties: list[str]) -> np.ndarray:
        """Chunks of party statements by any of these parties, or text naming them as `(S)`."""
        marks = [f"({p})" for p in parties]
        return np.array(
            [
                bool(own & set(parties)) or any(mark in m.get("text", "") for mark in marks)
                for own, m in zip(self.parties, self.index.metas, strict=True)
            ],
            dtype=bool,
        )

    def known_dnr(self, value: str) -> bool:
        return dnr_mod.key(value) in self.by_dnr

    # --- documents -------------------------------------------------------------------------------
    def document(self, doc_id: str) -> Document | None:
        with self._lock:
            if doc_id in self._docs:
                self._docs.move_to_end(doc_id)
                return self._docs[doc_id]
        doc = self.ingestor.store.get_document(doc_id)
        if doc is not None:
            with self._lock:
                self._docs[doc_id] = doc
                while len(self._docs) > 256:
                    self._docs.popitem(last=False)
        return doc
