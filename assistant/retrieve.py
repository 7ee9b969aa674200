"""Ranked chunks for a question: Swedish BM25, dense vectors from Chroma, or both fused (weighted RRF).

Filters are masks over the in-memory catalog: BM25 applies them inside the index (bm25s weight_mask);
dense retrieval over-fetches from Chroma unfiltered and keeps what passes the mask, falling back to a
Chroma `where` on document ids only when too little survives (see benchmarks/bench_search.py)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.catalog import Catalog
from assistant.query import QueryPlan
from assistant.settings import RetrieverMode
from ingest.embedders import Embedder

RRF_K = 60
TYPE_BOOST = 1.25


@dataclass
class Scored:
    index: int
    score: float


@dataclass
class Retrieval:
    """Ranked chunks, the filter mask they were ranked under, or why nothing can match."""

    hits: list[Scored]
    reason: str | None
    mask: np.ndarray | None


class Retriever:
    def __init__(self, catalog: Catalog, embedder: Embedder, mode: RetrieverMode, dense_weight: float) -> None:
        self.catalog = catalog
        self.embedder = embedder
        self.mode = mode
        self.dense_weight = dense_weight

    def lexical(self, plan: QueryPlan, k: int, mask: np.ndarray | None) -> list[tuple[int, float]]:
        return self.catalog.index.search(plan.tokens, k, mask)

    def dense(self, plan: QueryPlan, k: int, mask: np.ndarray | None) -> list[tuple[int, float]]:
        index = self.catalog.index
        if not index.ids:
            return []
        vector = self.embedder.embed_query(plan.search_text)
        store = self.catalog.ingestor.store
        fetch = k if mask is None else min(len(index.ids), k * 8)
        hits = [(index.position[c], s) for c, s in store.query(vector, fetch) if c in index.position]
        if mask is not None:
            hits = [(i, s) for i, s in hits if mask[i]]
            if len(hits) < k and mask.any():
                allowed = sorted({str(d) for d in self.catalog.doc_ids[mask]})
                where = {"doc_id": {"$in": allowed}} if len(allowed) > 1 else {"doc_id": allowed[0]}
                hits = [(index.position[c], s) for c, s in store.query(vector, k, where) if c in index.position]
        return hits[:k]

    def search(
        self, plan: QueryPlan, k: int, mask: np.ndarray | None, mode: RetrieverMode | None = None
    ) -> list[Scored]:
        mode = mode or self.mode
        depth = max(k, 30)
        lex = self.lexical(plan, depth, mask) if mode in ("lexical", "hybrid") else []
        den = self.dense(plan, depth, mask) if mode in ("dense", "hybrid") else []
        if mode == "lexical":
            scored = [Scored(i, s) for i, s in lex]
        elif mode == "dense":
            scored = [Scored(i, s) for i, s in den]
        else:
            scored = self._fuse(lex, den)
        return self._boost(scored, plan)[:k]

    def _fuse(self, lex: list[tuple[int, float]], den: list[tuple[int, float]]) -> list[Scored]:
        fused: dict[int, Scored] = {}
        for r, (i, _) in enumerate(lex):
            fused[i] = Scored(i, (1 - self.dense_weight) / (RRF_K + r))
        for r, (i, _) in enumerate(den):
            item = fused.setdefault(i, Scored(i, 0.0))
            item.score += self.dense_weight / (RRF_K + r)
        return sorted(fused.values(), key=lambda s: -s.score)

    def _boost(self, scored: list[Scored], plan: QueryPlan) -> list[Scored]:
        if not plan.type_hint:
            return scored
        for item in scored:
            if self.catalog.types[item.index] == plan.type_hint:
                item.score *= TYPE_BOOST
        return sorted(scored, key=lambda s: -s.score)
