"""Paragraph-aligned chunks: short paragraphs of a section merge up to a size, long ones split at sentences.

The quotable text is the paragraphs themselves; the indexed text carries a short context header.
"""

from __future__ import annotations

from ingest.models import Chunk, Document, Paragraph, Section
from ingest.sentences import split_spans

# Words a chunk's context header adds for its document type, so that "remissvar" finds a yttrande. This is
# index vocabulary (it changes what is indexed), not display text: answers name types via assistant.labels.
HEADER_TYPE_WORDS = {
    "tjänsteutlåtande": "tjänsteutlåtande",
    "PM": "PM",
    "yttrande": "yttrande (remissvar)",
    "protokoll": "protokoll",
    "strategi": "strategi",
    "remiss": "remiss",
    "riktlinje": "riktlinje",
    "dom": "dom",
    "other": "dokument",
}


def head_facts(doc: Document) -> str:
    """Head fields as searchable Swedish text, attached to the head section's chunks."""
    facts = [
        ("Diarienummer", ", ".join(doc.dnr)),
        ("Ert diarienummer", ", ".join(doc.their_dnr)),
        ("Datum", doc.date or ""),
        ("Handläggare", doc.handlaggare or ""),
        ("Remiss från", doc.remitting_body or ""),
        ("Remisstid", doc.remisstid or ""),
        ("Remiss", doc.remiss_ref or ""),
        ("Förvaltning", doc.unit or ""),
    ]
    return " ".join(f"{label}: {value}." for label, value in facts if value)


def context_header(doc: Document, section: Section) -> str:
    year = (doc.date or "")[:4]
    parts = [
        doc.title,
        doc.body or "",
        doc.unit or "",
        f"{HEADER_TYPE_WORDS.get(doc.doc_type, doc.doc_type)} {year}".strip(),
    ]
    if section.kind != "head":
        parts.append(section.heading)
    if section.parties:
        parts.append("parti " + " ".join(section.parties) + " " + " ".join(section.people))
    header = " | ".join(p for p in parts if p)
    if section.kind == "head" or (section.heading.lower().startswith("förslag till beslut")):
        header += "\n" + head_facts(doc)
    return header


def _pieces(p: Paragraph, max_chars: int) -> list[str]:
    if len(p.text) <= max_chars:
        return [p.text]
    pieces: list[str] = []
    start = None
    end = 0
    for s, e in split_spans(p.text):
        if start is None:
            start = s
        elif e - start > max_chars:
            pieces.append(p.text[start:end])
            start = s
        end = e
    if start is not None:
        pieces.append(p.text[start:end])
    return pieces


def chunk_document(doc: Document, target_chars: int = 900, max_chars: int = 1600) -> list[Chunk]:
    chunks: list[Chunk] = []
    for section in doc.sections:
        header = context_header(doc, section)
        group: list[Paragraph] = []

        def flush(group: list[Paragraph], section: Section = section, header: str = header) -> None:
            if not group:
                return
            text = "\n\n".join(p.text for p in group)
            chunks.append(_make(doc, section, group, text, header, suffix=""))

        for p in section.paragraphs:
            pieces = _pieces(p, max_chars)
            if len(pieces) > 1:
                flush(group)
                group = []
                for k, piece in enumerate(pieces, start=1):
                    chunks.append(_make(doc, section, [p], piece, header, suffix=f"~{k}"))
                continue
            if group and sum(len(g.text) for g in group) + len(p.text) > target_chars:
                flush(group)
                group = []
            group.append(p)
        flush(group)
    return chunks


def _make(doc: Document, section: Section, group: list[Paragraph], text: str, header: str, suffix: str) -> Chunk:
    pages = sorted({n for p in group for n in p.pages})
    return Chunk(
        id=f"{doc.id}#{group[0].id}{suffix}",
        doc_id=doc.id,
        section_id=section.id,
        section_heading=section.heading,
        section_kind=section.kind,
        paragraph_ids=[p.id for p in group],
        pages=pages,
        text=text,
        index_text=f"{header}\n{text}",
        parties=section.parties,
        dnr=section.dnr or doc.dnr,
    )
