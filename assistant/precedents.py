"""Precedents: earlier yttranden, tjänsteutlåtanden and PM most like a question or pasted text (a new remiss).

The text's most distinctive terms (sublinear tf × idf over the analysed tokens) are scored with BM25 over
the chunks of those document types; chunk scores are summed per document as best + ½ second + ¼ third.
Each precedent keeps its three best passages and its core, quoted: what the document said (its stance, read as
on the Remisser page) or proposed (its förslag till beslut, unless that only adopts or forwards a yttrande —
"Kommunstyrelsen antar yttrandet …" says nothing of the matter), else the first sentences of its summary.
One row per document; a text filed twice is one document (ingest.neardup)."""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from assistant.catalog import Catalog
from assistant.remisser import overall_stance
from assistant.retrieve import Scored
from assistant.schemas import Filters, Precedent, PrecedentCore
from assistant.views import doc_ref, search_hit
from ingest.analyzer import analyze
from ingest.lexical import LexicalIndex
from ingest.models import Document, Paragraph

PRECEDENT_TYPES = ("yttrande", "tjänsteutlåtande", "PM")
MAX_TERMS = 30
PASSAGE_WEIGHTS = (1.0, 0.5, 0.25)
PROPOSAL_HEADING = re.compile(r"^(?:[\wåäö-]+s\s+)?förslag\s+till\s+beslut\b", re.IGNORECASE)
PROPOSAL_MAX_PARAGRAPHS = 6
# a proposal that only adopts, forwards or points to a yttrande/tjänsteutlåtande: no core of its own
FORMAL_PROPOSAL = re.compile(
    r"\b(?:antar|anta|godkänner|godkänna|fastställer|överlämnar|överlämna|översänder|översända|hänvisar\s+till)\b"
    r"(?:[^.]*\b(?:yttrande|tjänsteutlåtande|tjänsteskrivelse|remissvar|svar|ärendet)\w*)",
    re.IGNORECASE,
)
SUMMARY_HEADING = re.compile(r"^(?:sammanfattande\s+(?:inställning|bedömning|synpunkter)|sammanfattning)\b", re.I)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9])")
SUMMARY_SENTENCES = 2


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


def is_formal(text: str) -> bool:
    """Every line of a proposal adopts, forwards or points to another text (or is a bare numbering)."""
    lines = [line for line in text.splitlines() if line.strip()]
    return bool(lines) and all(FORMAL_PROPOSAL.search(line) for line in lines)


def summary(doc: Document) -> PrecedentCore | None:
    """The first sentences of the document's Sammanfattning (or sammanfattande inställning)."""
    for section in doc.sections:
        if section.kind != "head" and SUMMARY_HEADING.match(section.heading) and section.paragraphs:
            paragraph = section.paragraphs[0]
            text = " ".join(SENTENCE_END.split(paragraph.text.strip())[:SUMMARY_SENTENCES])
            return PrecedentCore(
                kind="sammanfattning", heading=section.heading, text=text, paragraph_ids=[f"{doc.id}#{paragraph.id}"]
            )
    return None


def core(doc: Document) -> PrecedentCore | None:
    """What the document said or proposed: its stance, a proposal of its own, its summary, any proposal."""
    stance = overall_stance(doc)
    if stance.stance != "unclear" and stance.quote and stance.paragraph_id:
        return PrecedentCore(
            kind="ställningstagande",
            heading=stance.section,
            text=stance.quote,
            stance=stance.stance,
            paragraph_ids=[stance.paragraph_id],
        )
    text, ids = proposal(doc)
    proposed = PrecedentCore(kind="förslag till beslut", text=text, paragraph_ids=ids) if text else None
    if proposed is not None and not is_formal(proposed.text):
        return proposed
    return summary(doc) or proposed


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
        core=core(doc) if doc is not None else None,
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
