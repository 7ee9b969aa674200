"""The offline answer: the few sentences that answer the question best, grouped by document, introduced
with who said it and where, each quoted with a numbered citation."""

from __future__ import annotations

from dataclasses import dataclass

from assistant import answer_types
from assistant import citations as cit
from assistant.catalog import Catalog
from assistant.query import QueryPlan
from assistant.retrieve import Scored
from assistant.schemas import Citation
from ingest.chunking import TYPE_LABEL
from ingest.models import Document, Paragraph
from ingest.sentences import split_spans

CANDIDATE_CHUNKS = 8
MIN_SENTENCE_SCORE = 0.3


@dataclass
class Candidate:
    doc: Document
    paragraph: Paragraph
    text: str
    score: float
    order: int


def evidence(plan: QueryPlan, hits: list[Scored], catalog: Catalog, top: int = 5) -> float:
    """How well the best passages cover the question's terms (0..1)."""
    best = 0.0
    for hit in hits[:top]:
        meta = catalog.index.metas[hit.index]
        tokens = cit.token_set(f"{meta.get('title', '')} {meta.get('section_heading', '')} {meta.get('text', '')}")
        best = max(best, cit.coverage(plan.terms, tokens, catalog.index.idf))
    return best


def _candidates(plan: QueryPlan, hits: list[Scored], catalog: Catalog) -> list[Candidate]:
    kinds = answer_types.wanted(plan.text)

    def sharp(token: str) -> float:
        return catalog.index.idf(token) ** 1.5  # rarer question words weigh more in choosing sentences

    out: list[Candidate] = []
    seen: set[tuple[str, str, int]] = set()
    for rank, hit in enumerate(hits[:CANDIDATE_CHUNKS]):
        meta = catalog.index.metas[hit.index]
        doc = catalog.document(meta["doc_id"])
        if doc is None:
            continue
        weak = cit.token_set(f"{doc.title} {doc.body or ''} {meta.get('section_heading', '')}")
        piece = meta.get("text", "")
        for pid in cit.meta_list(meta, "paragraph_ids"):
            paragraph = doc.paragraph(pid)
            if paragraph is None:
                continue
            for start, end in split_spans(paragraph.text):
                sentence = paragraph.text[start:end]
                key = (doc.id, pid, start)
                if key in seen or sentence not in piece or _is_title_line(sentence, doc, meta):
                    continue
                seen.add(key)
                score = cit.coverage(plan.terms, cit.token_set(sentence), sharp, weak)
                score *= 1.0 / (1.0 + 0.08 * rank)
                score *= answer_types.bonus(kinds, sentence, meta.get("section_heading", ""))
                if len(sentence) < 20 and score < 0.6:
                    score *= 0.5
                out.append(Candidate(doc, paragraph, sentence, score, paragraph.start + start))
    return out


def _is_title_line(sentence: str, doc: Document, meta: dict[str, object]) -> bool:
    """The document's own title repeated in its head answers nothing."""
    if meta.get("section_kind") != "head":
        return False
    plain = sentence.strip().rstrip(".:")
    return bool(plain) and (plain in doc.title or doc.title in plain)


def _with_list_items(chosen: list[Candidate]) -> list[Candidate]:
    """A sentence that introduces a list ("… beslutar följande.", "… enligt följande:") brings its items."""
    extra: list[Candidate] = []
    for c in chosen:
        if not c.text.rstrip().endswith((":", "följande.")):
            continue
        section = c.doc.section(c.paragraph.section_id)
        if section is None:
            continue
        after = [p for p in section.paragraphs if p.number > c.paragraph.number][:3]
        for p in after:
            if p.text[:2].rstrip(".").isdigit() or p.text.startswith(("-", "•", "–")):
                extra.append(Candidate(c.doc, p, p.text, c.score * 0.99, p.start))
            else:
                break
    keys = {(c.doc.id, c.paragraph.id, c.text) for c in chosen}
    return chosen + [e for e in extra if (e.doc.id, e.paragraph.id, e.text) not in keys]


def select(plan: QueryPlan, hits: list[Scored], catalog: Catalog, limit: int) -> list[Candidate]:
    candidates = sorted(_candidates(plan, hits, catalog), key=lambda c: -c.score)
    if not candidates:
        return []
    best = candidates[0].score
    chosen: list[Candidate] = []
    per_doc: dict[str, int] = {}
    per_paragraph: dict[str, int] = {}
    said: set[str] = set()
    for c in candidates:
        text_key = " ".join(c.text.lower().split())
        if text_key in said:  # the same sentence repeated elsewhere in the document (e.g. a remissammanställning)
            continue
        if len(chosen) >= limit or c.score < max(MIN_SENTENCE_SCORE, 0.55 * best):
            break
        pkey = f"{c.doc.id}#{c.paragraph.id}"
        if per_doc.get(c.doc.id, 0) >= 3 or per_paragraph.get(pkey, 0) >= 2:
            continue
        chosen.append(c)
        said.add(text_key)
        per_doc[c.doc.id] = per_doc.get(c.doc.id, 0) + 1
        per_paragraph[pkey] = per_paragraph.get(pkey, 0) + 1
    return _with_list_items(chosen)


SUMMARY_HEADINGS = ("sammanfattning", "ärendet", "remissen i sammanfattning", "bakgrund", "förslag till beslut")


def summary(hits: list[Scored], catalog: Catalog, sentences: int = 3) -> list[Candidate]:
    """What a case is about, for a question that only names its dnr: the opening of its summary section."""
    meta = catalog.index.metas[hits[0].index]
    doc = catalog.document(meta["doc_id"])
    if doc is None:
        return []
    for section in doc.sections:
        if section.heading.lower().startswith(SUMMARY_HEADINGS) and section.paragraphs:
            first = section.paragraphs[0]
            spans = split_spans(first.text)[:sentences]
            return [Candidate(doc, first, first.text[s:e], 1.0, first.start + s) for s, e in spans]
    return []


def intro(doc: Document, section: str | None) -> str:
    who = doc.body or doc.organisation or doc.title
    kind = TYPE_LABEL.get(doc.doc_type, doc.doc_type)
    when = doc.date or ""
    dnr = f" ({', '.join(doc.dnr[:2])})" if doc.dnr else ""
    where = f", {section}" if section else ""
    title = f" ”{doc.title}”" if doc.title and doc.title != who else ""
    return f"{who}, {kind}{title} {when}".rstrip() + f"{dnr}{where}:"


def compose(chosen: list[Candidate]) -> tuple[str, list[Citation]]:
    order: list[str] = []
    groups: dict[str, list[Candidate]] = {}
    for c in chosen:
        if c.doc.id not in groups:
            order.append(c.doc.id)
        groups.setdefault(c.doc.id, []).append(c)
    lines: list[str] = []
    citations: list[Citation] = []
    for doc_id in order:
        items = sorted(groups[doc_id], key=lambda c: c.order)
        doc = items[0].doc
        sections = {c.paragraph.section_id for c in items}
        single = len(sections) == 1
        heading = _heading(doc, items[0].paragraph.section_id)
        lines.append(intro(doc, heading if single else None))
        for c in items:
            citation = cit.build(len(citations) + 1, doc, c.paragraph.id, c.text, c.score)
            if citation is None:
                continue
            citations.append(citation)
            where = "" if single else f"{_heading(doc, c.paragraph.section_id)}: "
            lines.append(f"– {where}”{citation.quote}” [{citation.n}]")
        lines.append("")
    return "\n".join(lines).strip(), citations


def _heading(doc: Document, section_id: str) -> str:
    section = doc.section(section_id)
    return section.heading if section else ""
