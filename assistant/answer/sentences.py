"""From ranked paragraphs to the sentences quoted: each sentence of the best paragraphs is scored by the
focus it holds itself and by its paragraph, and by whether it holds the kind of answer asked for; then the
best are taken, no two that say the same thing, a list's items brought along with its introduction."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answer import evidence as ev
from assistant.answer import weights as w
from assistant.answer.passages import RankedParagraph, _found, weighted_coverage
from assistant.organisations import named_in
from assistant.query import QueryPlan
from ingest.analyzer import analyze
from ingest.models import Document, Paragraph
from ingest.sentences import split_spans


@dataclass
class Candidate:
    doc: Document
    paragraph: Paragraph
    text: str
    score: float
    order: int  # offset in the document: quotes of one document are shown in reading order
    tokens: frozenset[str]
    says: bool = True  # holds a focus term of its own, or the kind of answer asked for


TITLE_LINE_SLACK = 1.3  # a head line this much longer than the title is still just the title


def _is_title_line(sentence: str, doc: Document, section_kind: str) -> bool:
    """The document's own title repeated in its head answers nothing."""
    if section_kind != "head":
        return False
    plain = sentence.strip().rstrip(".:")
    if not plain or not doc.title:
        return False
    # the title with a word or two around it ("RIKTLINJE Riktlinje för …"); a line that says something about a
    # document of the same title ("Dokumentet ersätter: Riktlinje för …, VON/2019:82") is longer
    return plain in doc.title or (doc.title in plain and len(plain) <= TITLE_LINE_SLACK * len(doc.title))


def _is_toc_line(sentence: str) -> bool:
    return "....." in sentence or "…………" in sentence


def candidates(plan: QueryPlan, ranked: list[RankedParagraph]) -> list[Candidate]:
    out: list[Candidate] = []
    stems = {t.stem for t in plan.terms}
    kind = ev.kind_of(plan.answer_type, plan.wants_dnr, plan.vote_whether)
    asked_kind = ev.type_words(kind)
    for rp in ranked[: w.PARAGRAPHS_FOR_SENTENCES]:
        if rp.score <= 0 or rp.item.paragraph.instruction:  # text addressing the assistant is never an answer
            continue
        text = rp.item.paragraph.text
        previous: tuple[int, float] | None = None  # start and own coverage of the sentence before
        for start, end in split_spans(text):
            sentence = text[start:end]
            if _is_title_line(sentence, rp.doc, rp.item.section.kind) or _is_toc_line(sentence):
                previous = None
                continue
            tokens = frozenset(analyze(sentence))
            found = {t.stem: _found(t, tokens, rp.item.heading_tokens) for t in plan.terms}
            signed = kind == "person" and rp.item.signature
            if asked_kind and (signed or ev.holds_kind(kind, sentence)):
                found.update({s: 1.0 for s in found if s in asked_kind})
            own = weighted_coverage(found, rp.weights, rp.topic)
            before, previous = previous, (start, own)
            if before is not None and ev.ANAPHOR.match(sentence) and before[1] > own:
                # "Detta eftersom …" says something about the sentence before: quote the two together
                start, own = before[0], before[1]
                sentence = text[start:end]
                tokens = frozenset(analyze(sentence))
            relative = own / rp.coverage if rp.coverage > 0 else 0.0
            score = rp.score * (w.SENTENCE_OWN_SHARE * min(1.0, relative) + (1 - w.SENTENCE_OWN_SHARE))
            named = kind == "membership" and named_in(sentence, plan.organisation_spellings or plan.places) is not None
            holds = named or signed or ev.has_evidence(kind, sentence)
            if holds:
                score *= w.EVIDENCE_BOOST
            elif kind in ev.FACT_TYPES:
                score *= w.EVIDENCE_MISSING
            if kind == "date" and ev.states_date(sentence, rp.doc.date):
                score *= w.OWN_DATE_BOOST
            if kind in ("vote", "procedure") and ev.states_vote_count(sentence):
                score *= w.VOTE_COUNT_BOOST
            if kind == "stance" and ev.speaks_for_itself(sentence):
                score *= w.OWN_VIEW_BOOST
            if kind == "definition" and ev.defines(sentence, stems):
                score *= w.DEFINES_BOOST
            if named:
                score *= w.NAMED_MEMBER_BOOST
            if len(sentence) < w.SHORT_SENTENCE_CHARS and not holds:
                score *= w.SHORT_SENTENCE_FACTOR
            says = holds or any(f >= 1.0 for t, f in found.items() if t not in rp.topic)
            offset = rp.item.paragraph.start + start
            out.append(Candidate(rp.doc, rp.item.paragraph, sentence, score, offset, tokens, says))
    return sorted(out, key=lambda c: -c.score)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def limit_for(answer_type: str, configured: int) -> int:
    if answer_type in ev.FACT_TYPES:
        return min(configured, w.FACT_QUOTES)
    return min(configured, w.STANCE_QUOTES)


def select(plan: QueryPlan, ranked: list[RankedParagraph], configured_limit: int) -> list[Candidate]:
    pool = candidates(plan, ranked)
    if not pool:
        return []
    limit = limit_for(ev.kind_of(plan.answer_type, plan.wants_dnr, plan.vote_whether), configured_limit)
    relative = w.RELATIVE_FLOOR_VIEWS if plan.answer_type in ("stance", "reason", "list") else w.RELATIVE_FLOOR
    floor = max(w.MIN_SENTENCE_SCORE, relative * pool[0].score)
    chosen: list[Candidate] = []
    per_doc: dict[str, int] = {}
    per_paragraph: dict[str, int] = {}
    for c in pool:
        if len(chosen) >= limit or c.score < floor:
            break
        key = f"{c.doc.id}#{c.paragraph.id}"
        if per_doc.get(c.doc.id, 0) >= w.PER_DOC or per_paragraph.get(key, 0) >= w.PER_PARAGRAPH:
            continue
        inner = next((i for i, o in enumerate(chosen) if o.paragraph is c.paragraph and o.text in c.text), None)
        if inner is not None:  # a sentence and its "Detta …": quote the two together, once
            chosen[inner] = c
            continue
        if any(_jaccard(c.tokens, o.tokens) >= w.NEAR_DUPLICATE or c.text in o.text for o in chosen):
            continue  # says the same as a quote already taken
        if chosen and not c.says:  # a further quote must say something asked for, not only name the case
            continue
        chosen.append(c)
        per_doc[c.doc.id] = per_doc.get(c.doc.id, 0) + 1
        per_paragraph[key] = per_paragraph.get(key, 0) + 1
    if plan.answer_type == "reason":
        chosen = [with_argument(c) for c in chosen]
    return with_list_items(chosen, plan.answer_type == "list")


def with_argument(c: Candidate) -> Candidate:
    """A reason is argued over the sentences that follow the statement it explains ("… får kommunalt
    huvudmannaskap. Detta innebär … Kommunen kommer att … och kan på så sätt säkerställa …"): the quote runs
    on to the end of its paragraph when that stays short."""
    text = c.paragraph.text
    start = text.find(c.text)
    if start < 0:
        return c
    rest = text[start:].strip()
    if rest == c.text or len(rest) > w.REASON_ARGUMENT_CHARS:
        return c
    return Candidate(c.doc, c.paragraph, rest, c.score, c.order, frozenset(analyze(rest)), c.says)


def with_list_items(chosen: list[Candidate], asks_for_list: bool = False) -> list[Candidate]:
    """A sentence that introduces a list ("… enligt följande:") brings the items that follow it; for a list
    question, so does any quote whose paragraph ends by introducing one ("Dessa är följande.")."""
    extra: list[Candidate] = []
    for c in chosen:
        titles = _signature_titles(c)
        if titles is not None:  # a signature's names, then the titles under them
            extra.append(_item(c, titles, titles.text))
            continue
        intro = ev.is_list_intro(c.text)
        if not intro and not (asks_for_list and ev.is_list_intro(c.paragraph.text)):
            continue
        section = c.doc.section(c.paragraph.section_id)
        if section is None:
            continue
        after = [p for p in section.paragraphs if p.number > c.paragraph.number][: w.LIST_ITEMS]
        tail = c.paragraph.text[c.paragraph.text.find(c.text) + len(c.text) :].strip() if intro else ""
        if tail:  # items inside the same paragraph, one per line
            extra += [_item(c, c.paragraph, line) for line in tail.splitlines() if line.strip()][: w.LIST_ITEMS]
            continue
        for p in after:
            if not (ev.LIST_ITEM.match(p.text) or len(p.text) < 120):
                break
            extra.append(_item(c, p, p.text))
    keys = {(c.doc.id, c.paragraph.id, c.text) for c in chosen}
    return chosen + [e for e in extra if (e.doc.id, e.paragraph.id, e.text) not in keys]


def _signature_titles(c: Candidate) -> Paragraph | None:
    section = c.doc.section(c.paragraph.section_id)
    after = [p for p in section.paragraphs if p.number == c.paragraph.number + 1] if section else []
    return after[0] if after and ev.is_signature(c.paragraph.text, after[0].text) else None


def quote_of(doc: Document, paragraph: Paragraph, text: str, score: float) -> Candidate:
    """A quote of `text` from `paragraph`, placed at its offset in the document (for reading order)."""
    offset = paragraph.start + max(paragraph.text.find(text), 0)
    return Candidate(doc, paragraph, text, score, offset, frozenset(analyze(text)))


def _item(intro: Candidate, paragraph: Paragraph, text: str) -> Candidate:
    return quote_of(intro.doc, paragraph, text.strip(), intro.score * 0.99)
