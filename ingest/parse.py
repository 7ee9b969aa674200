"""Bytes of one file -> a structured `Document` (sections, paragraphs with ids, pages and offsets)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from ingest import metadata as meta
from ingest.cleanup import clean_pages
from ingest.models import Document, Section
from ingest.pages import Extracted
from ingest.paragraphs import RawParagraph, to_paragraphs
from ingest.personnummer import mask
from ingest.readers import read_document
from ingest.structure import build_sections


@dataclass(frozen=True)
class ParseOptions:
    mask_personnummer: bool = True
    ocr: bool = True
    ocr_lang: str = "swe"


def content_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _head_lines(extracted: Extracted, limit: int = 60) -> list[str]:
    lines = [line.strip() for line in extracted.text.split("\n") if line.strip() and not line.startswith("<!--")]
    return lines[:limit]


def _assign_offsets(sections: list[Section]) -> str:
    parts: list[str] = []
    pos = 0
    for section in sections:
        if section.kind != "head":
            parts.append(section.heading)
            pos += len(section.heading) + 2
        for p in section.paragraphs:
            p.start, p.end = pos, pos + len(p.text)
            parts.append(p.text)
            pos = p.end + 2
    return "\n\n".join(parts)


def _fill_fields(doc: Document, head_lines: list[str], raw: str = "") -> None:
    """The head fields; `raw` is the extracted text before clean-up (its running headers and footers name the
    organisation)."""
    head = "\n".join(head_lines)
    full = doc.text
    head_paragraphs = [p.text for p in doc.sections[0].paragraphs] if doc.sections[0].kind == "head" else []
    doc.doc_type = meta.doc_type(head)
    doc.body = meta.find_body(head, full, doc.doc_type, doc.sections)
    doc.unit = meta.find_unit(doc.body, full)
    doc.dnr, doc.their_dnr = meta.find_dnr(head_lines[:40], doc.sections)
    doc.date = meta.find_date(head, full, doc.doc_type)
    doc.handlaggare = meta.find_handlaggare(head)
    doc.is_remissvar = meta.is_remissvar(head, doc.doc_type)
    if doc.is_remissvar or doc.doc_type == "remiss":
        doc.remitting_body = meta.find_remitter(head) if doc.is_remissvar else None
        doc.remisstid = meta.find_remisstid(full)
        doc.remiss_ref = meta.find_remiss_ref(head)
    if doc.doc_type != "remiss":
        doc.organisation = meta.find_organisation(head, doc.remitting_body, doc.body, raw)
    if doc.doc_type == "dom":
        doc.title = meta.dom_title(head, doc.dnr) or ""
    doc.title = doc.title or meta.find_title(head_paragraphs or head_lines[:8], doc.doc_type, doc.body, doc.date) or ""
    if doc.doc_type == "remiss":
        doc.remiss_title = doc.title


def parse_bytes(
    data: bytes, filename: str, options: ParseOptions | None = None, overrides: dict[str, Any] | None = None
) -> Document:
    options = options or ParseOptions()
    suffix = "." + filename.rsplit(".", 1)[-1] if "." in filename else ""
    extracted = read_document(data, suffix, ocr=options.ocr, ocr_lang=options.ocr_lang)
    paragraphs = to_paragraphs(clean_pages(extracted.pages))
    if options.mask_personnummer:
        paragraphs = [RawParagraph(mask(p.text), p.pages, p.lines) for p in paragraphs]
    sections, statements = build_sections(paragraphs, ocr=extracted.ocr)
    doc = Document(
        id=content_id(data),
        source_file=filename,
        pages=extracted.page_count,
        format=extracted.format,
        ocr=extracted.ocr,
        content_hash=hashlib.sha256(data).hexdigest(),
        sections=sections,
        statements=statements,
    )
    doc.text = _assign_offsets(sections)
    _fill_fields(doc, _head_lines(extracted), extracted.text)
    if not doc.title:
        doc.title = filename.rsplit(".", 1)[0]
    for key, value in (overrides or {}).items():
        setattr(doc, key, value)
    return doc
