"""Ärendevy: every document of one case (a diarienummer) in date order, each with what it decided or said.

The text shown is quoted from the documents, never written here: a protokoll's § item gives its Beslut (or
the förslag till beslut it adopts), a tjänsteutlåtande its förslag till beslut, a yttrande its summarised
stance; where none of these is found, the first sentence of the document's Sammanfattning. Each quote keeps
the paragraph ids it comes from, so it can be cited."""

from __future__ import annotations

import re

from assistant.case_models import Case, CaseDecision, CaseDocument, DecisionKind
from assistant.catalog import Catalog
from assistant.labels import TYPE_LABEL
from assistant.precedents import proposal
from assistant.remisser import overall_stance
from ingest import dnr as dnr_mod
from ingest.models import Document, Section

DECISION_HEADING = re.compile(r"^beslut\b", re.IGNORECASE)
PROPOSAL_HEADING = re.compile(r"^(?:[\wåäö-]+s\s+)?förslag\s+till\s+beslut\b", re.IGNORECASE)
SUMMARY_HEADING = re.compile(r"^sammanfatt", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9])")
STANCE_TYPES = ("yttrande",)


def case_documents(catalog: Catalog, dnr: str) -> list[str]:
    """Ids of the documents carrying the dnr (in any spelling) as their own or a § item's."""
    chunks = catalog.by_dnr.get(dnr_mod.key(dnr), set())
    return list(dict.fromkeys(catalog.chunk(i).doc_id for i in sorted(chunks)))


def case(catalog: Catalog, dnr: str) -> Case | None:
    """The case of `dnr`, or None when no document carries it."""
    catalog.refresh()
    docs = [d for d in (catalog.document(doc_id) for doc_id in case_documents(catalog, dnr)) if d is not None]
    if not docs:
        return None
    entries = [case_document(doc, dnr) for doc in docs]
    entries.sort(key=lambda e: (e.date is None, e.date or "", e.title))
    return Case(dnr=dnr, documents=entries)


def case_document(doc: Document, dnr: str) -> CaseDocument:
    item = case_item(doc, dnr) if doc.doc_type == "protokoll" else None
    decision = item_decision(doc, item) if item is not None else document_decision(doc)
    stance = overall_stance(doc) if doc.doc_type in STANCE_TYPES else None
    return CaseDocument(
        doc_id=doc.id,
        title=doc.title or doc.source_file,
        doc_type=doc.doc_type,
        type_label=TYPE_LABEL.get(doc.doc_type, TYPE_LABEL["other"]),
        body=doc.body,
        organisation=doc.organisation,
        date=doc.date,
        dnr=list(item.dnr) if item is not None and item.dnr else list(doc.dnr),
        item=item.heading if item is not None else None,
        decision=decision,
        stance=stance,
        paragraph_ids=cite_ids(doc, item, decision),
    )


def case_item(doc: Document, dnr: str) -> Section | None:
    """The § item of a protokoll that handles the dnr."""
    wanted = dnr_mod.key(dnr)
    return next((s for s in doc.sections if s.kind == "paragraf" and wanted in map(dnr_mod.key, s.dnr)), None)


def _parts(doc: Document, item: Section) -> list[Section]:
    return [item] + [s for s in doc.sections if s.parent == item.id]


def item_decision(doc: Document, item: Section) -> CaseDecision | None:
    """A § item's Beslut, else the förslag till beslut it deals with."""
    parts = _parts(doc, item)
    kinds: tuple[tuple[re.Pattern[str], DecisionKind], ...] = (
        (DECISION_HEADING, "beslut"),
        (PROPOSAL_HEADING, "förslag till beslut"),
    )
    for pattern, kind in kinds:
        found = next((s for s in parts if s.id != item.id and pattern.match(s.heading) and s.paragraphs), None)
        if found is not None:
            return _quote(doc, found, kind)
    return None


def document_decision(doc: Document) -> CaseDecision | None:
    """A yttrande's summary first; other documents' förslag till beslut first; the other as fallback."""
    summary = _summary(doc)
    proposed = _proposal(doc)
    first, second = (summary, proposed) if doc.doc_type in STANCE_TYPES else (proposed, summary)
    return first or second


def _proposal(doc: Document) -> CaseDecision | None:
    text, ids = proposal(doc)
    if not text:
        return None
    local = ids[0].split("#", 1)[-1] if ids else ""
    section = next((s for s in doc.sections if any(p.id == local for p in s.paragraphs)), None)
    heading = section.heading if section is not None and section.kind != "head" else "Förslag till beslut"
    return CaseDecision(kind="förslag till beslut", heading=heading, text=text, paragraph_ids=ids)


def _summary(doc: Document) -> CaseDecision | None:
    section = next((s for s in doc.sections if SUMMARY_HEADING.match(s.heading) and s.paragraphs), None)
    if section is None:
        return None
    paragraph = section.paragraphs[0]
    sentence = first_sentence(paragraph.text)
    return CaseDecision(
        kind="sammanfattning", heading=section.heading, text=sentence, paragraph_ids=[f"{doc.id}#{paragraph.id}"]
    )


def first_sentence(text: str) -> str:
    """The text up to its first sentence end, verbatim (the whole text when it has one sentence)."""
    return SENTENCE_END.split(text.strip(), maxsplit=1)[0]


def _quote(doc: Document, section: Section, kind: DecisionKind) -> CaseDecision:
    paragraphs = section.paragraphs
    return CaseDecision(
        kind=kind,
        heading=section.heading,
        text="\n".join(p.text for p in paragraphs),
        paragraph_ids=[f"{doc.id}#{p.id}" for p in paragraphs],
    )


def cite_ids(doc: Document, item: Section | None, decision: CaseDecision | None) -> list[str]:
    if decision is not None:
        return decision.paragraph_ids
    if item is not None:
        return [f"{doc.id}#{p.id}" for s in _parts(doc, item) for p in s.paragraphs][:1]
    return [f"{doc.id}#{p.id}" for p in doc.paragraphs()[:1]]
