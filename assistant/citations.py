"""Pure functions for citations: evidence scores, locating quotes, building, parsing and verifying markers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from assistant.query import Term
from assistant.schemas import Citation
from ingest.analyzer import analyze
from ingest.models import Document, Section

MARKER = re.compile(r"\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")


def coverage(terms: list[Term], tokens: set[str], idf: Callable[[str], float], weak: set[str] | None = None) -> float:
    """IDF-weighted share of the question's terms found in `tokens` (compound parts count together).
    Terms found only in `weak` (e.g. a section heading) count half."""
    if not terms:
        return 0.0
    weak = weak or set()
    total = found = 0.0
    for term in terms:
        weight = max([idf(term.stem), *(idf(p) for p in term.parts)])
        total += weight
        if term.stem in tokens or (term.parts and all(p in tokens for p in term.parts)):
            found += weight
        elif term.stem in weak or (term.parts and all(p in tokens | weak for p in term.parts)):
            found += weight * 0.5
        elif term.parts and any(p in tokens for p in term.parts):
            found += weight * 0.3
    return found / total if total else 0.0


def token_set(text: str) -> set[str]:
    return set(analyze(text))


def locate(paragraph: str, quote: str) -> tuple[int, int] | None:
    start = paragraph.find(quote)
    if start >= 0:
        return start, start + len(quote)
    pattern = r"\s+".join(re.escape(w) for w in quote.split())
    match = re.search(pattern, paragraph) if pattern else None
    return (match.start(), match.end()) if match else None


def build(n: int, doc: Document, paragraph_id: str, quote: str, score: float) -> Citation | None:
    """A citation only if the paragraph exists and contains the quote."""
    paragraph = doc.paragraph(paragraph_id)
    if paragraph is None:
        return None
    span = locate(paragraph.text, quote)
    if span is None:
        return None
    section = doc.section(paragraph.section_id)
    parent = doc.section(section.parent) if section and section.parent else None
    return Citation(
        n=n,
        doc_id=doc.id,
        paragraph_id=f"{doc.id}#{paragraph.id}",
        title=doc.title,
        doc_type=doc.doc_type,
        body=doc.body,
        dnr=own_dnr(doc, section, parent),
        date=doc.date,
        section=section_label(section, parent),
        section_id=paragraph.section_id,
        pages=paragraph.pages,
        quote=paragraph.text[span[0] : span[1]],
        start=span[0],
        end=span[1],
        score=round(score, 4),
        source_file=doc.source_file,
    )


PARAGRAF_LABEL = re.compile(r"^§\s*\d+")


def own_dnr(doc: Document, section: Section | None, parent: Section | None) -> list[str]:
    """The case a paragraph belongs to: its section's dnr, its § item's (a protokoll's Beslut part), or the
    document's."""
    for s in (section, parent):
        if s is not None and s.dnr:
            return list(s.dnr)
    return list(doc.dnr)


def section_label(section: Section | None, parent: Section | None) -> str:
    """ "§ 130 – Beslut" for a part of a protokoll's § item; otherwise the section's heading."""
    if section is None:
        return ""
    if parent is not None and parent.kind == "paragraf":
        m = PARAGRAF_LABEL.match(parent.heading)
        if m:
            return f"{m.group(0)} – {section.heading}"
    return section.heading


def strip_markers(text: str) -> str:
    return re.sub(r"\s*" + MARKER.pattern, "", text).strip()


def supports(sentence: str, passage: str, threshold: float = 0.5) -> bool:
    """A passage supports a sentence when most of the sentence's content words occur in it."""
    claim = set(analyze(strip_markers(sentence)))
    if not claim:
        return True
    return len(claim & set(analyze(passage))) / len(claim) >= threshold


def meta_list(meta: dict[str, Any], key: str) -> list[Any]:
    value = meta.get(key, "[]")
    return list(json.loads(value)) if isinstance(value, str) else list(value or [])
