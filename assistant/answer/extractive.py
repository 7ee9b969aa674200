"""The offline answer: read the question, rank the paragraphs of the best documents, quote the sentences
that state what was asked (a direct line first for a fact), grouped by document and introduced with who
said it and where; or abstain, with the nearest documents, when the archive does not cover the focus."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant import citations as cit
from assistant import labels
from assistant.answer import direct, passages
from assistant.answer import evidence as ev
from assistant.answer import weights as w
from assistant.answer.sentences import Candidate, quote_of, select
from assistant.catalog import Catalog
from assistant.labels import TYPE_LABEL
from assistant.organisations import named_in
from assistant.query import QueryPlan
from assistant.retrieve import Scored
from assistant.schemas import Citation
from ingest.analyzer import analyze
from ingest.models import Document, Paragraph
from ingest.sentences import split_spans


@dataclass
class Extraction:
    """What the extractive stage found: the quotes, or why not (too little support for the focus)."""

    chosen: list[Candidate]
    ranked: list[passages.RankedParagraph]
    support: float
    focus: float


def extract(
    plan: QueryPlan,
    hits: list[Scored],
    catalog: Catalog,
    cache: passages.DocTermsCache,
    mask: np.ndarray | None,
    limit: int,
) -> Extraction:
    ranked = passages.rank(plan, hits, catalog, cache, mask)
    top = ranked[: w.PARAGRAPHS_FOR_SENTENCES]
    support = max((r.support for r in top), default=0.0)
    focus = max((r.focus for r in top), default=0.0)
    return Extraction(select(plan, ranked, limit), ranked, support, focus)


def passages_first(
    plan: QueryPlan, hits: list[Scored], catalog: Catalog, cache: passages.DocTermsCache, mask: np.ndarray | None
) -> list[Scored]:
    """Search hits in the order of their best paragraphs (the second stage), then the rest as ranked. The
    score stays monotone with the order: a promoted hit scores the best first-stage score plus its
    paragraph's score."""
    ranked = passages.rank(plan, hits, catalog, cache, mask)
    by_paragraph = {(catalog.chunk(h.index).doc_id, pid): h for h in hits for pid in catalog.paragraph_ids(h.index)}
    top = max((h.score for h in hits), default=0.0)
    first: list[Scored] = []
    promoted: set[int] = set()
    for r in ranked[: w.SEARCH_PASSAGES_REORDERED]:
        h = by_paragraph.get((r.doc.id, r.item.paragraph.id))
        if h is not None and h.index not in promoted:
            promoted.add(h.index)
            first.append(Scored(h.index, top + r.score))
    return first + [h for h in hits if h.index not in promoted]


def covers(extraction: Extraction, threshold: float) -> bool:
    """The best passages hold enough of the question, and of its focus in particular."""
    return extraction.support >= threshold and extraction.focus >= w.FOCUS_MIN


# Answer types whose answer has a form the text must show: a party statement, a vote count. When the
# quoted passages show no such thing, the archive does not hold what was asked.
EVIDENCE_REQUIRED = {
    "reservation": "reservation eller partiuttalande",
    "vote": "omröstning",
    "procedure": "omröstning eller beslutsgång",
}


def missing_evidence(plan: QueryPlan, extraction: Extraction) -> str | None:
    """A vote or a statement about the matter asked: the form alone (a vote in another § of the protokoll) is
    not it, so the paragraph must also hold something of what the question is about."""
    kind = ev.kind_of(plan.answer_type, plan.wants_dnr, plan.vote_whether)
    if kind not in EVIDENCE_REQUIRED or not extraction.chosen:
        return None
    matter = {(r.doc.id, r.item.paragraph.id): r.matter for r in extraction.ranked}
    for c in extraction.chosen:
        section = c.doc.section(c.paragraph.section_id)
        in_statement = section is not None and section.kind == "statement"
        about = matter.get((c.doc.id, c.paragraph.id), 0.0) > 0
        if about and (in_statement or ev.has_evidence(kind, c.paragraph.text)):
            return None
    return f"Jag hittar ingen {EVIDENCE_REQUIRED[kind]} i arkivet om detta."


def missing_member(plan: QueryPlan, extraction: Extraction) -> str | None:
    """For "fick X remissen?": X must be on the remiss's own list (a remiss page); otherwise say so."""
    if plan.answer_type != "membership":
        return None
    remiss = next((r.doc for r in extraction.ranked if r.doc.doc_type == "remiss"), None)
    if not plan.organisations or remiss is None:
        return None
    for spellings in plan.organisations:
        if named_in(remiss.text, spellings) is None:
            return f"{spellings[0]} står inte bland remissinstanserna i ”{remiss.title}”."
    return None


GENITIVE_NAME = re.compile(r"(?<=\w )([A-ZÅÄÖ][a-zåäö]{2,})s\b")  # "Kungsbackas riktlinje", not sentence-initial


def named_places(plan: QueryPlan, is_place: Callable[[str], bool]) -> list[str]:
    """The places a question names: "X kommun", "Region X", or a place in the genitive ("Botkyrkas") that
    some document of the archive is from."""
    found = list(plan.places) + [m.group(1) for m in GENITIVE_NAME.finditer(plan.text) if is_place(m.group(1))]
    return list(dict.fromkeys(found))


def missing_place(
    plan: QueryPlan, extraction: Extraction, places: list[str], cache: passages.DocTermsCache
) -> str | None:
    """A place the question names that no quoted document mentions anywhere: the quotes are about another
    place's case ("Kungsbackas riktlinje för anhörigstöd" answered from Botkyrka's), so say so instead."""
    docs = list({c.doc.id: c.doc for c in extraction.chosen}.values())
    for place in places:
        stems = analyze(place, split=False)
        if not stems or any(all(s in dt.df or s in dt.head_tokens for s in stems) for dt in map(cache.get, docs)):
            continue
        return f"Arkivet har inget dokument om detta från {place}."
    return None


def names_member(plan: QueryPlan, extraction: Extraction) -> bool:
    """A membership answer whose first quote names the organisation asked about: the answer, even when the
    question's other words (an acronym, a short form) occur nowhere in the text."""
    top = extraction.chosen[0].text if extraction.chosen else ""
    return (
        plan.answer_type == "membership"
        and bool(plan.organisations)
        and named_in(top, plan.organisation_spellings) is not None
    )


SUMMARY_SENTENCES = 3  # sentences quoted from a case's summary when the question only names the case
SUMMARY_HEADINGS = (
    "sammanfattning",
    "ärendet",
    "remissen i sammanfattning",
    "bakgrund",
    "förslag till beslut",
)  # preferred first


def their_dnr(plan: QueryPlan, extraction: Extraction) -> list[Candidate]:
    """ "Vilket diarienummer hade departementet för remissen?": the question names the body the document
    answers (its remitting body), so the dnr asked for is that body's — the head's "Ert diarienummer"."""
    if not plan.wants_dnr:
        return []
    asked = set(analyze(plan.text, split=False))
    for r in extraction.ranked:
        doc = r.doc
        if not doc.their_dnr or not doc.remitting_body:
            continue
        own = set(analyze(" ".join(f for f in (doc.body, doc.organisation) if f), split=False))
        if not (set(analyze(doc.remitting_body, split=False)) - own) & asked:
            continue
        for section in doc.sections:
            if section.kind != "head":
                continue
            for p in section.paragraphs:
                if doc.their_dnr[0] in p.text:
                    return [quote_of(doc, p, p.text, 1.0)]
    return []


def asks_about_case(plan: QueryPlan, extraction: Extraction) -> bool:
    """ "Vad handlar KS-2025-00102 om?": the question names a case by its dnr and asks nothing its document
    does not already name, so what the case is about is the answer."""
    if not plan.dnr or not extraction.ranked:
        return False
    if plan.what_about:
        return True
    named = set(analyze(" ".join(plan.places + plan.bodies)))  # "Kungsbackas ärende": who, not what
    return all(t.stem in extraction.ranked[0].topic or t.stem in named for t in plan.terms)


def summary(extraction: Extraction, sentences: int = SUMMARY_SENTENCES) -> list[Candidate]:
    """What a case is about: the line that names it (a § item's rubrik, the document's title line), then the
    opening of its summary section, from its best document (in a protokoll, of the § item filed under the
    case's dnr: the ranking holds only those)."""
    if not extraction.ranked:
        return []
    doc = extraction.ranked[0].doc
    items = sorted((r.item for r in extraction.ranked if r.doc.id == doc.id), key=lambda i: i.paragraph.start)
    out = [quote_of(doc, name, name.text, 1.0) for name in _name_line(doc, items)]
    for heading in SUMMARY_HEADINGS:
        first = next((i.paragraph for i in items if i.headings and i.headings[0].startswith(heading)), None)
        if first is not None:
            out += [quote_of(doc, first, first.text[s:e], 1.0) for s, e in split_spans(first.text)[:sentences]]
            break
    return out[:sentences]


def _name_line(doc: Document, items: list[passages.ParagraphTerms]) -> list[Paragraph]:
    rubrik = next((i.paragraph for i in items if i.section.kind == "paragraf" and len(i.paragraph.text) > 20), None)
    if rubrik is not None:
        return [rubrik]
    title = doc.title.strip()
    named = (i.paragraph for i in items if i.section.kind == "head" and title and title in i.paragraph.text)
    return [p] if (p := next(named, None)) is not None else []


def intro(doc: Document, section_id: str | None) -> str:
    """Who said it, in what, when, which case (the § item's own dnr in a protokoll), and where."""
    who = labels.who(doc.organisation, doc.body) or doc.title  # "Kungsbacka kommun, kommunstyrelsen"
    kind = TYPE_LABEL.get(doc.doc_type, doc.doc_type)
    when = doc.date or ""
    section = doc.section(section_id) if section_id else None
    parent = doc.section(section.parent) if section and section.parent else None
    per_item = doc.doc_type == "protokoll" and section is None  # quotes from several § items: each says its own
    dnr_list = [] if per_item else (cit.own_dnr(doc, section, parent) if section else doc.dnr)[:2]
    dnr = f" ({', '.join(dnr_list)})" if dnr_list else ""
    where = f", {cit.section_label(section, parent)}" if section else ""
    title = f" ”{doc.title}”" if doc.title and doc.title != who else ""
    return f"{who}, {kind}{title} {when}".rstrip() + f"{dnr}{where}:"


def compose(plan: QueryPlan, chosen: list[Candidate]) -> tuple[str, list[Citation]]:
    order: list[str] = []
    groups: dict[str, list[Candidate]] = {}
    for c in chosen:
        if c.doc.id not in groups:
            order.append(c.doc.id)
        groups.setdefault(c.doc.id, []).append(c)
    lines: list[str] = []
    citations: list[Citation] = []
    numbers: dict[int, int] = {}  # id(candidate) -> citation number
    for doc_id in order:
        items = sorted(groups[doc_id], key=lambda c: c.order)
        doc = items[0].doc
        sections = {c.paragraph.section_id for c in items}
        single = len(sections) == 1
        lines.append(intro(doc, items[0].paragraph.section_id if single else None))
        for c in items:
            citation = cit.build(len(citations) + 1, doc, c.paragraph.id, c.text, c.score)
            if citation is None:
                continue
            citations.append(citation)
            numbers[id(c)] = citation.n
            where = "" if single else _where(doc, citation)
            lines.append(f"– {where}”{citation.quote}” [{citation.n}]")
        lines.append("")
    head = _direct_line(plan, chosen, numbers)
    text = "\n".join(lines).strip()
    return (f"{head}\n\n{text}" if head else text), citations


def _direct_line(plan: QueryPlan, chosen: list[Candidate], numbers: dict[int, int]) -> str | None:
    if not chosen or id(chosen[0]) not in numbers:
        return None
    names = plan.organisation_spellings + plan.bodies
    return direct.line(
        ev.kind_of(plan.answer_type, plan.wants_dnr, plan.vote_whether), chosen[0], numbers[id(chosen[0])], names
    )


def _where(doc: Document, citation: Citation) -> str:
    """Where a quote stands when a document's quotes come from several sections; a protokoll's § item
    brings its own dnr."""
    own = f" ({', '.join(citation.dnr)})" if doc.doc_type == "protokoll" and citation.dnr else ""
    return f"{citation.section}{own}: "
