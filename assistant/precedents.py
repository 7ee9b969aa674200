"""Precedents: earlier yttranden, tjänsteutlåtanden and PM most like a question or pasted text (a new remiss).

The text's most distinctive terms (sublinear tf × idf over the analysed tokens) are scored with BM25 over
the chunks of those document types; chunk scores are summed per document as best + ½ second + ¼ third.
Each precedent keeps its three best passages and, when it has one, its förslag till beslut quoted."""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from assistant.catalog import Catalog
from assistant.retrieve import Scored
from assistant.schemas import Filters, Precedent
from assistant.views import doc_ref, search_hit
from ingest.analyzer import analyze
from ingest.lexical import LexicalIndex
from ingest.models import Document, Paragraph

PRECEDENT_TYPES = ("yttrande", "tjänsteutlåtande", "PM")
MAX_TERMS = 30
PASSAGE_WEIGHTS = (1.0, 0.5, 0.25)
PROPOSAL_HEADING = re.compile(r"^(?:[\wåäö-]+s\s+)?förslag\s+till\s+beslut\b", re.IGNORECASE)
PROPOSAL_MAX_PARAGRAPHS = 6


def key_terms(text: str, index: LexicalIndex, limit: int = MAX_TERMS) -> list[str]:
    """The text's most distinctive indexed terms: (1 + log tf) × idf, ties broken alphabetically."""
    counts = Counter(t for t in analyze(text) if t in index.vocab)
    weight = {t: (1 + math.log(c)) * index.idf(t) for t, c in counts.items()}
    return sorted(weight, key=lambda t: (-weight[t], t))[:limit]


def precedent_mask(catalog: Catalog, filters: Filters | None) -> np.ndarray | None:
    """Chunks of the precedent types that pass the filters; a doc_type filter narrows the types."""
    filters = filters or Filters.model_validate({})
    wanted = [t for t in PRECEDENT_TYPES if not filters.doc_type or t in filters.doc_type]
    base = catalog.mask(filters.model_copy(update={"doc_type": None}))
    if base is None:
        return None
    return base & catalog.type_mask(wanted)


def chunk_scores(index: LexicalIndex, terms: list[str], mask: np.ndarray) -> np.ndarray:
    if index.bm25 is None or not terms:
        return np.zeros(len(index.ids))
    scores = np.asarray(index.bm25.get_scores(terms), dtype=float)
    return np.where(mask, scores, 0.0)


def by_document(catalog: Catalog, scores: np.ndarray) -> dict[str, list[int]]:
    """Chunk positions with a score, per document, best first (ties by position)."""
    out: dict[str, list[int]] = {}
    for i in sorted(np.flatnonzero(scores > 0).tolist(), key=lambda i: (-scores[i], i)):
        out.setdefault(str(catalog.doc_ids[i]), []).append(i)
    return out


def document_score(chunk_scores: list[float]) -> float:
    return sum(w * s for w, s in zip(PASSAGE_WEIGHTS, chunk_scores, strict=False))


def _is_proposal_text(paragraph: Paragraph) -> bool:
    """Sentences and numbered points belong to a proposal; short name or title lines (signatures) do not."""
    text = paragraph.text.strip()
    if text.startswith("Föredragande"):
        return False
    return text.endswith((".", ":")) or len(text.split()) > 5


def proposal(doc: Document) -> tuple[str | None, list[str]]:
    """The förslag till beslut, quoted paragraph by paragraph, and its paragraph ids."""
    for section in doc.sections:
        if section.kind != "head" and PROPOSAL_HEADING.match(section.heading):
            kept: list[Paragraph] = []
            for paragraph in section.paragraphs[:PROPOSAL_MAX_PARAGRAPHS]:
                if not _is_proposal_text(paragraph):
                    break
                kept.append(paragraph)
            if kept:
                return "\n".join(p.text for p in kept), [f"{doc.id}#{p.id}" for p in kept]
    for section in doc.sections:
        if section.kind == "head":
            found = next((p for p in section.paragraphs if PROPOSAL_HEADING.match(p.text)), None)
            if found is not None:
                return found.text, [f"{doc.id}#{found.id}"]
    return None, []


def _precedent(catalog: Catalog, doc_id: str, chunks: list[int], scores: np.ndarray) -> Precedent:
    meta = catalog.doc_fields[doc_id]
    score = document_score([float(scores[i]) for i in chunks[: len(PASSAGE_WEIGHTS)]])
    passages = [search_hit(catalog, r + 1, Scored(i, float(scores[i]))) for r, i in enumerate(chunks[:3])]
    doc = catalog.document(doc_id)
    text, ids = proposal(doc) if doc is not None else (None, [])
    return Precedent(
        doc=doc_ref(meta, score),
        score=round(score, 5),
        passages=passages,
        proposal=text,
        proposal_paragraph_ids=ids,
    )


def find(catalog: Catalog, text: str, k: int = 5, filters: Filters | None = None) -> list[Precedent]:
    """The k documents most like `text`, best first; deterministic for the same index."""
    catalog.refresh()
    mask = precedent_mask(catalog, filters)
    terms = key_terms(text, catalog.index)
    if mask is None or not mask.any() or not terms or k <= 0:
        return []
    scores = chunk_scores(catalog.index, terms, mask)
    docs = by_document(catalog, scores)
    ranked = sorted(docs, key=lambda d: (-document_score([float(scores[i]) for i in docs[d][:3]]), d))
    return [_precedent(catalog, d, docs[d], scores) for d in ranked[:k]]
