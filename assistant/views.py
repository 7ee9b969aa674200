"""The read models an answer or a list hands out: a ranked chunk as a search hit, a document as a reference.
Pure functions over the catalogue, shared by search, ask, precedents and remisser."""

from __future__ import annotations

from assistant.catalog import Catalog
from assistant.retrieve import Scored
from assistant.schemas import DocRef, SearchHit
from ingest.chunk_meta import ChunkMeta

NEAREST_DOCS = 3  # documents named when an answer abstains


def search_hit(catalog: Catalog, rank: int, scored: Scored) -> SearchHit:
    c = catalog.chunk(scored.index)
    return SearchHit(
        rank=rank,
        chunk_id=catalog.index.ids[scored.index],
        score=round(scored.score, 5),
        doc_id=c.doc_id,
        paragraph_ids=[f"{c.doc_id}#{p}" for p in c.paragraph_ids],
        title=c.title,
        doc_type=c.doc_type,
        body=c.body or None,
        organisation=c.organisation or None,
        dnr=list(c.dnr),
        date=c.date or None,
        section=c.section_heading,
        section_id=c.section_id,
        pages=list(c.pages),
        text=c.text,
        source_file=c.source_file,
    )


def doc_ref(c: ChunkMeta, score: float = 0.0) -> DocRef:
    return DocRef(
        doc_id=c.doc_id,
        title=c.title,
        doc_type=c.doc_type,
        body=c.body or None,
        organisation=c.organisation or None,
        date=c.date or None,
        dnr=list(c.doc_dnr),
        score=round(score, 5),
    )


def nearest_docs(catalog: Catalog, ranked: list[Scored], limit: int = NEAREST_DOCS) -> list[DocRef]:
    """The first `limit` distinct documents of a ranking, each with its best chunk's score."""
    out: dict[str, DocRef] = {}
    for s in ranked:
        c = catalog.chunk(s.index)
        if c.doc_id not in out:
            out[c.doc_id] = doc_ref(c, s.score)
        if len(out) >= limit:
            break
    return list(out.values())
