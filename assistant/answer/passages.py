"""The second stage: inside the best documents, rank every paragraph for the question.

A question names a case (its topic: title words, body, dnr) and asks something about it (its focus). The
first stage finds the case; here a term's weight depends on the document: a term the document's title or
head already satisfies says little about which paragraph answers, and a term found in every paragraph of
the document says less than one found in a single paragraph (in-document IDF). The paragraph's section
counts too: a stance is written in Synpunkter, a decision under Beslut, a vote under Omröstning."""

from __future__ import annotations

import math
from collections import Counter, OrderedDict
from dataclasses import dataclass
from threading import Lock

import numpy as np

from assistant.answer import evidence as ev
from assistant.answer import weights as w
from assistant.catalog import Catalog
from assistant.organisations import named_in
from assistant.query import QueryPlan, Term
from assistant.retrieve import Scored
from ingest import dnr as dnr_mod
from ingest.analyzer import analyze
from ingest.dates import MONTHS
from ingest.models import Document, Paragraph, Section


@dataclass(frozen=True)
class ParagraphTerms:
    paragraph: Paragraph
    section: Section
    headings: list[str]  # lower-case: its section's heading, then its parent's (a § item's rubrik)
    tokens: frozenset[str]
    heading_tokens: frozenset[str]
    signature: bool = False  # a line of names followed by their titles: who signed the document


@dataclass(frozen=True)
class DocTerms:
    """A document's paragraphs as token sets, and how many paragraphs hold each token."""

    doc: Document
    paragraphs: list[ParagraphTerms]
    df: Counter[str]
    head_tokens: frozenset[str]  # title, body, organisation, remiss title: what names the case


def date_words(iso: str | None) -> tuple[str, ...]:
    """A document's own date as a question may write it: "2025-10-16" and "16 oktober 2025"."""
    if not iso or len(iso) < 10:
        return ()
    year, month, day = iso[:4], int(iso[5:7]), int(iso[8:10])
    name = next((m for m, n in MONTHS.items() if n == month), "")
    return (iso[:10], f"{day} {name} {year}")


RUBRIK_CHARS = 200  # a protokoll §'s first paragraph, when this short, is its rubrik ("Årsredovisning 2024 …")


def _rubrik(section: Section | None) -> str:
    """The rubrik of a § item: its parts (Beslut, Beslutsgång, Reservation …) are about what it names."""
    if section is None or section.kind != "paragraf" or not section.paragraphs:
        return ""
    first = section.paragraphs[0].text
    return first if len(first) <= RUBRIK_CHARS else ""


def _item_of(section: Section, sections: dict[str, Section]) -> str | None:
    """The protokoll § item a section belongs to (the § itself or its Beslut, Beslutsgång, Reservation …)."""
    if section.kind == "paragraf":
        return section.id
    parent = sections.get(section.parent or "")
    return parent.id if parent is not None and parent.kind == "paragraf" else None


def _item_tokens(doc: Document, sections: dict[str, Section]) -> dict[str, frozenset[str]]:
    """Every word of each § item: in a protokoll the § is the case, and each of its parts is about it."""
    words: dict[str, set[str]] = {}
    for section in doc.sections:
        item = _item_of(section, sections)
        if item is not None:
            words.setdefault(item, set()).update(t for p in section.paragraphs for t in analyze(p.text))
    return {k: frozenset(v) for k, v in words.items()}


def _doc_terms(doc: Document) -> DocTerms:
    sections = {s.id: s for s in doc.sections}
    items = _item_tokens(doc, sections)
    rows: list[ParagraphTerms] = []
    df: Counter[str] = Counter()
    for section in doc.sections:
        parent = sections.get(section.parent or "")
        headings = [h.lower() for h in (section.heading, parent.heading if parent else "", _rubrik(parent)) if h]
        # a word of the paragraph's § item counts as a heading word would: it says which case the part is in
        heading_tokens = frozenset(analyze(" ".join(headings))) | items.get(
            _item_of(section, sections) or "", frozenset()
        )
        for i, p in enumerate(section.paragraphs):
            tokens = frozenset(analyze(p.text))
            df.update(tokens)
            after = section.paragraphs[i + 1].text if i + 1 < len(section.paragraphs) else ""
            signature = ev.is_signature(p.text, after)
            rows.append(ParagraphTerms(p, section, headings, tokens, heading_tokens, signature))
    fields = (doc.title, doc.body, doc.organisation, doc.unit, doc.remiss_title, doc.remitting_body, doc.remiss_ref)
    head = " ".join(f for f in (*fields, *date_words(doc.date)) if f)
    return DocTerms(doc, rows, df, frozenset(analyze(head)))


class DocTermsCache:
    """Analysed documents, most recently used kept (a document's analysis costs more than its ranking)."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._items: OrderedDict[tuple[str, str], DocTerms] = OrderedDict()
        self._lock = Lock()

    def get(self, doc: Document) -> DocTerms:
        key = (doc.id, doc.content_hash)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        terms = _doc_terms(doc)
        with self._lock:
            self._items[key] = terms
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return terms


@dataclass
class RankedParagraph:
    doc: Document
    item: ParagraphTerms
    score: float
    coverage: float  # share of the question's weighted terms it holds (topic satisfied by the document)
    focus: float  # share of the focus (terms the document's head does not satisfy) it holds
    support: float  # share of the question (archive-wide IDF weights) held by the paragraph and its document head
    matter: float  # share of the focus other than the answer type's own words ("omröstning"): what it is about
    weights: dict[str, float]  # the term weights used in this document, by stem
    topic: frozenset[str]  # the terms its document's head satisfies


def weighted_coverage(found: dict[str, float], weights: dict[str, float], topic: frozenset[str]) -> float:
    """Share of the weighted terms found; a topic term names the case, which the document already is, so a
    passage holds it to TOPIC_FLOOR even where its own words do not repeat it."""
    total = sum(weights.values()) or 1.0
    held = sum(weights[s] * (w.TOPIC_FLOOR + (1 - w.TOPIC_FLOOR) * f if s in topic else f) for s, f in found.items())
    return held / total


def _found(term: Term, tokens: frozenset[str], weak: frozenset[str]) -> float:
    if term.stem in tokens or (term.parts and all(p in tokens for p in term.parts)):
        return 1.0
    if term.stem in weak or (term.parts and all(p in tokens | weak for p in term.parts)):
        return w.HEADING_CREDIT
    if term.parts and any(p in tokens for p in term.parts):
        return w.PART_CREDIT
    return 0.0


def _in(term: Term, tokens: frozenset[str]) -> bool:
    return term.stem in tokens or (bool(term.parts) and all(p in tokens for p in term.parts))


def base_weight(term: Term, catalog: Catalog) -> float:
    return max([catalog.index.idf(term.stem), *(catalog.index.idf(p) for p in term.parts)]) ** w.IDF_POWER


def term_weights(plan: QueryPlan, dt: DocTerms, catalog: Catalog) -> tuple[dict[str, float], set[str]]:
    """Each term's weight in this document, and which terms the document's head satisfies (its topic)."""
    n = max(len(dt.paragraphs), 1)
    weights: dict[str, float] = {}
    topic: set[str] = set()
    for term in plan.terms:
        base = base_weight(term, catalog)
        if _in(term, dt.head_tokens):
            topic.add(term.stem)
            weights[term.stem] = base * w.TOPIC_TERM_WEIGHT
            continue
        df = (
            dt.df.get(term.stem, 0)
            if not term.parts
            else max(dt.df.get(term.stem, 0), *(dt.df.get(p, 0) for p in term.parts))
        )
        specificity = math.log(1 + n / (1 + df)) / math.log(1 + n) if n > 1 else 1.0
        weights[term.stem] = base * max(w.MIN_SPECIFICITY, min(1.0, specificity))
    return weights, topic


def _allowed(catalog: Catalog, doc_id: str, mask: np.ndarray | None) -> set[str] | None:
    """Paragraph ids of the document that pass the question's filters (None: all of them)."""
    if mask is None:
        return None
    return {p for i in catalog.chunks_of(doc_id) if mask[i] for p in catalog.paragraph_ids(i)}


def rank(
    plan: QueryPlan, hits: list[Scored], catalog: Catalog, cache: DocTermsCache, mask: np.ndarray | None
) -> list[RankedParagraph]:
    """Paragraphs of the best documents, best first."""
    doc_order = list(dict.fromkeys(str(catalog.doc_ids[h.index]) for h in hits[: w.CHUNKS_FOR_DOCS]))
    in_hits = {p for h in hits[: w.CHUNKS_FOR_DOCS] for p in catalog.paragraph_ids(h.index)}
    out: list[RankedParagraph] = []
    for rank_, doc_id in enumerate(doc_order[: w.DOCS_FOR_PARAGRAPHS]):
        doc = catalog.document(doc_id)
        if doc is None:
            continue
        dt = cache.get(doc)
        out += _rank_document(plan, dt, catalog, rank_, _allowed(catalog, doc_id, mask), in_hits)
    if plan.signatory:
        _lead_with_signatures(plan, out, doc_order)
    return sorted(out, key=lambda r: -r.score)


def _rank_document(
    plan: QueryPlan,
    dt: DocTerms,
    catalog: Catalog,
    doc_rank: int,
    allowed: set[str] | None,
    in_hits: set[str],
) -> list[RankedParagraph]:
    weights, topic = term_weights(plan, dt, catalog)
    kind = ev.kind_of(plan.answer_type, plan.wants_dnr, plan.vote_whether)
    asked_kind = ev.type_words(kind)
    focus_terms = [t for t in plan.terms if t.stem not in topic]
    focus_total = sum(weights[t.stem] for t in focus_terms)
    matter_terms = [t for t in focus_terms if t.stem not in asked_kind]
    matter_total = sum(weights[t.stem] for t in matter_terms)
    prior = doc_prior(plan, dt.doc, doc_rank)
    base = {t.stem: base_weight(t, catalog) for t in plan.terms}
    base_total = sum(base.values()) or 1.0
    in_case = _in_named_case(plan, dt)
    out = []
    for item in dt.paragraphs:
        if allowed is not None and item.paragraph.id not in allowed:
            continue
        if in_case is not None and item.paragraph.id not in in_case:
            continue
        found = {t.stem: _found(t, item.tokens, item.heading_tokens) for t in plan.terms}
        if asked_kind and holds(kind, item):
            found.update({s: 1.0 for s in found if s in asked_kind})
        coverage = weighted_coverage(found, weights, frozenset(topic))
        focus = sum(weights[t.stem] * found[t.stem] for t in focus_terms) / focus_total if focus_total else 1.0
        support = sum(base[s] * (1.0 if s in topic else f) for s, f in found.items()) / base_total
        matter = sum(weights[t.stem] * found[t.stem] for t in matter_terms) / matter_total if matter_total else 1.0
        score = coverage * prior * paragraph_prior(kind, item)
        if item.paragraph.id in in_hits:
            score *= w.CHUNK_HIT_BONUS
        if plan.answer_type == "membership" and named_in(
            item.paragraph.text, plan.organisation_spellings or plan.places
        ):
            score *= w.NAMED_MEMBER_BOOST
        out.append(RankedParagraph(dt.doc, item, score, coverage, focus, support, matter, weights, frozenset(topic)))
    return out


def _in_named_case(plan: QueryPlan, dt: DocTerms) -> set[str] | None:
    """The question names a dnr and the document files its parts under several (a protokoll's § items): only
    the paragraphs of the parts filed under the named dnr are about that case. None: no such restriction."""
    if not plan.dnr:
        return None
    wanted = {dnr_mod.key(d) for d in plan.dnr}
    sections = {s.id: s for s in dt.doc.sections}

    def own(section: Section) -> set[str]:
        parent = sections.get(section.parent or "")
        dnr = section.dnr or (parent.dnr if parent is not None else [])
        return {dnr_mod.key(d) for d in dnr}

    rows = {r.paragraph.id for r in dt.paragraphs if own(r.section) & wanted}
    return rows or None


def doc_prior(plan: QueryPlan, doc: Document, doc_rank: int) -> float:
    """A document's weight among the best documents: its first-stage rank, and whether it is of the kind the
    question names."""
    prior = 1.0 / (1.0 + w.DOC_RANK_DECAY * doc_rank)
    return prior * w.NAMED_TYPE_BOOST if plan.type_hint and doc.doc_type == plan.type_hint else prior


def _lead_with_signatures(plan: QueryPlan, ranked: list[RankedParagraph], doc_order: list[str]) -> None:
    """ "Vem undertecknade …": a signature block answers it, whatever the question's other words (they only
    say which document); it leads the ranking by SIGNATURE_LEAD, weighed by its document's prior."""
    best = max((r.score for r in ranked), default=0.0)
    for r in ranked:
        if r.item.signature:
            prior = doc_prior(plan, r.doc, doc_order.index(r.doc.id))
            r.score = max(r.score, best * w.SIGNATURE_LEAD * prior)


def holds(kind: str, item: ParagraphTerms) -> bool:
    """The paragraph holds the kind of answer asked for; a signature block answers who signed."""
    return ev.holds_kind(kind, item.paragraph.text) or (kind == "person" and item.signature)


def paragraph_prior(answer_type: str, item: ParagraphTerms) -> float:
    """Section fit and answer evidence of a paragraph for the answer type."""
    factor = 1.0
    if ev.section_fits(answer_type, item.headings, item.section.kind):
        factor *= w.SECTION_PRIOR
    elif ev.section_is_weak(item.headings):
        factor *= w.SECTION_PENALTY
    if ev.has_evidence(answer_type, item.paragraph.text) or (answer_type == "person" and item.signature):
        factor *= w.EVIDENCE_BOOST
    elif answer_type in ev.FACT_TYPES:
        factor *= w.EVIDENCE_MISSING
    return factor
