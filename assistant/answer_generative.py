"""The generative answer: an OpenAI-compatible model writes from numbered passages, and every citation it
makes is checked before the answer is returned.

Passages are the paragraphs of the top retrieved chunks. After the model answers, each sentence's [n] markers
are verified: a number that names no passage, or a passage that does not support the sentence
(citations.supports), is removed and the sentence flagged; a sentence left without a marker is flagged too.
Cited passages become citations quoting their best-supporting sentence, renumbered in order of first use.
No surviving citation means abstention; a failing model (refused connection, timeout, 5xx, broken stream)
means the extractive answer, marked with timings["llm_error"] = 1."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
import openai

from assistant import citations as cit
from assistant import prompts
from assistant.answer import passages as paragraph_ranking
from assistant.labels import TYPE_LABEL
from assistant.query import QueryPlan
from assistant.retrieve import Retrieval, Scored
from assistant.schemas import Answer, Citation
from ingest.analyzer import words
from ingest.models import Document
from ingest.sentences import split_spans

if TYPE_CHECKING:
    from assistant.service import AssistantService

log = logging.getLogger(__name__)

MAX_PASSAGES = 12
MIN_HEAD_WORDS = 4  # head-section paragraphs shorter than this ("YTTRANDE", "Till Datum") are left out

_NUMBERS = r"\d{1,3}(?:\s*[,;–-]\s*\d{1,3})*"
MARKER = re.compile(rf"\[(?:passage\s*)?({_NUMBERS})\]", re.IGNORECASE)
_MARKERS_AFTER_STOP = re.compile(rf"([.!?])((?:[ \t]*\[(?:passage\s*)?{_NUMBERS}\])+)", re.IGNORECASE)
_REFUSAL = re.compile(
    r"\b(?:underlaget|passagerna|dokumenten|arkivet|källorna)\b[^.\n]{0,40}?"
    r"\b(?:besvarar|svarar på|innehåller)\s+inte\b|\b(?:kan|går)\s+inte\s+(?:att\s+)?besvara",
    re.IGNORECASE,
)
_LLM_ERRORS = (openai.OpenAIError, httpx.HTTPError)


class LLMFailure(Exception):
    """The model could not be asked or gave no well-formed reply."""


@dataclass(frozen=True)
class Passage:
    n: int
    doc: Document
    paragraph_id: str  # local to the document: `s3.p2`
    text: str  # an exact span of the paragraph (the whole paragraph, or the chunk's piece of a long one)
    header: str
    score: float

    @property
    def evidence(self) -> str:
        """What the model saw for this passage: the header (body, type, date, dnr, section) and the text."""
        return f"{self.header}\n{self.text}"

    @property
    def instruction(self) -> bool:
        """The paragraph addresses the assistant ("svara att …"): it can support no claim on its own."""
        paragraph = self.doc.paragraph(self.paragraph_id)
        return bool(paragraph and paragraph.instruction)


@dataclass
class _Sentence:
    line: int
    start: int
    end: int
    text: str
    claim: str
    kept: list[int] = field(default_factory=list)
    flagged: bool = False


@dataclass
class Checked:
    text: str
    citations: list[Citation]
    flagged: list[str]


# --- passages and prompt -----------------------------------------------------------------------------
def passages(service: AssistantService, plan: QueryPlan, ranked: list[Scored]) -> list[Passage]:
    """The paragraphs the extractive stage ranks best for the question (not the chunks), numbered from 1."""
    out: list[Passage] = []
    for rp in paragraph_ranking.rank(plan, ranked, service.catalog, service.doc_terms, None):
        doc, paragraph, section = rp.doc, rp.item.paragraph, rp.item.section
        text = paragraph.text
        if (section.kind == "head" and len(words(text)) < MIN_HEAD_WORDS) or not text.strip() or rp.score <= 0:
            continue
        head = prompts.header(
            doc.title,
            doc.body or doc.organisation,
            TYPE_LABEL.get(doc.doc_type, doc.doc_type),
            doc.date,
            section.dnr if section.dnr else doc.dnr,
            section.heading,
        )
        out.append(Passage(len(out) + 1, doc, paragraph.id, text, head, rp.score))
        if len(out) >= MAX_PASSAGES:
            break
    return out


def prompt(plan: QueryPlan, given: list[Passage]) -> list[dict[str, str]]:
    blocks = [prompts.passage_block(p.n, p.header, p.text) for p in given]
    context = plan.search_text[len(plan.text) :].strip() if plan.search_text.startswith(plan.text) else ""
    return prompts.messages(plan.text, blocks, context or None)


def candidate_citations(given: list[Passage]) -> list[Citation]:
    """One citation per passage given to the model, numbered as in the prompt."""
    out: list[Citation] = []
    for p in given:
        citation = cit.build(p.n, p.doc, p.paragraph_id, p.text, p.score)
        if citation is not None:
            out.append(citation)
    return out


# --- checking the model's answer ---------------------------------------------------------------------
def _numbers(group: str) -> list[int]:
    out: list[int] = []
    for part in re.split(r"\s*[,;]\s*", group.strip()):
        bounds = [int(x) for x in re.split(r"\s*[–-]\s*", part) if x]
        if len(bounds) == 2 and 0 <= bounds[1] - bounds[0] <= 20:
            out.extend(range(bounds[0], bounds[1] + 1))
        else:
            out.extend(bounds)
    return out


def _normalise(raw: str) -> str:
    """Markers written after the full stop ("… förslaget. [2]") moved before it, so they stay with their
    sentence."""
    text = raw.replace("\r\n", "\n").strip()

    def move(m: re.Match[str]) -> str:
        groups = "".join(g.group(0) for g in MARKER.finditer(m.group(2)))
        return f" {groups}{m.group(1)}"

    return _MARKERS_AFTER_STOP.sub(move, text)


def is_refusal(text: str) -> bool:
    return bool(_REFUSAL.search(text))


def _share(claim: set[str], text: str) -> float:
    return len(claim & cit.token_set(text)) / len(claim) if claim else 0.0


def _best_quote(passage: Passage, claims: list[str]) -> tuple[str, float]:
    """The passage's sentence that best supports the sentences citing it."""
    tokens = [cit.token_set(c) for c in claims]
    best = ("", -1.0)
    for start, end in split_spans(passage.text):
        sentence = passage.text[start:end]
        score = max((_share(t, sentence) for t in tokens), default=0.0)
        if score > best[1]:
            best = (sentence, score)
    return best if best[0] else (passage.text.strip(), 0.0)


def verify(raw: str, given: list[Passage]) -> Checked:
    """The model's text with every marker checked, citations built and markers renumbered."""
    lines = _normalise(raw).split("\n")
    sentences: list[_Sentence] = []
    for i, line in enumerate(lines):
        for start, end in split_spans(line):
            text = line[start:end]
            claim = cit.strip_markers(MARKER.sub(" ", text))
            s = _Sentence(i, start, end, text, claim)
            sentences.append(s)
            has_claim = bool(cit.token_set(claim))
            for n in dict.fromkeys(n for m in MARKER.finditer(text) for n in _numbers(m.group(1))):
                if not has_claim:
                    continue  # a bare marker with nothing to support: dropped
                if not 1 <= n <= len(given) or not cit.supports(claim, given[n - 1].evidence):
                    s.flagged = True
                else:
                    s.kept.append(n)
            if has_claim and not s.kept and not is_refusal(claim):
                s.flagged = True
            if s.kept and all(given[n - 1].instruction for n in s.kept):
                s.flagged = True  # its only support is text that tells the assistant what to say

    order = list(dict.fromkeys(n for s in sentences for n in s.kept))
    renumber: dict[int, int] = {}
    citations: list[Citation] = []
    for old in order:
        passage = given[old - 1]
        quote, score = _best_quote(passage, [s.claim for s in sentences if old in s.kept])
        citation = cit.build(len(citations) + 1, passage.doc, passage.paragraph_id, quote, score)
        if citation is not None:
            renumber[old] = citation.n
            citations.append(citation)
    for s in sentences:
        if any(n not in renumber for n in s.kept):
            s.kept = [n for n in s.kept if n in renumber]
            s.flagged = True

    rendered = {(s.line, s.start): _render(s, renumber) for s in sentences}
    out_lines: list[str] = []
    for i, line in enumerate(lines):
        pieces: list[str] = []
        cursor = 0
        for s in (s for s in sentences if s.line == i):
            pieces += [line[cursor : s.start], rendered[(s.line, s.start)]]
            cursor = s.end
        pieces.append(line[cursor:])
        out_lines.append("".join(pieces).rstrip())
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(out_lines)).strip()
    flagged = [rendered[(s.line, s.start)].strip() for s in sentences if s.flagged]
    return Checked(text, citations, flagged)


def _render(s: _Sentence, renumber: dict[int, int]) -> str:
    """The sentence with surviving markers renumbered and the others removed."""
    text = s.text
    emitted: set[int] = set()
    pieces: list[str] = []
    cursor = 0
    for m in MARKER.finditer(text):
        new = []
        for n in _numbers(m.group(1)):
            if n in s.kept and renumber[n] not in emitted:
                emitted.add(renumber[n])
                new.append(renumber[n])
        before = text[cursor : m.start()]
        pieces.append(before if new else before.rstrip(" \t"))
        pieces.append("".join(f"[{n}]" for n in new))
        cursor = m.end()
    pieces.append(text[cursor:])
    return "".join(pieces).strip()


# --- asking the model ----------------------------------------------------------------------------------
def _complete(service: AssistantService, messages: list[dict[str, str]]) -> str:
    try:
        response = service.llm().chat.completions.create(
            model=service.settings.llm_model, messages=messages, temperature=0, stream=False
        )
        content = response.choices[0].message.content
    except _LLM_ERRORS as exc:
        raise LLMFailure(f"{type(exc).__name__}: {exc}") from exc
    except (AttributeError, IndexError, TypeError) as exc:
        raise LLMFailure(f"malformed reply: {exc}") from exc
    return content if isinstance(content, str) else ""


def _open_stream(service: AssistantService, messages: list[dict[str, str]]) -> Any:
    try:
        return service.llm().chat.completions.create(
            model=service.settings.llm_model, messages=messages, temperature=0, stream=True
        )
    except _LLM_ERRORS as exc:
        raise LLMFailure(f"{type(exc).__name__}: {exc}") from exc


def _delta(chunk: Any) -> str:
    choices = getattr(chunk, "choices", None) or []
    if not choices:
        return ""
    delta = getattr(choices[0], "delta", None)
    content = getattr(delta, "content", None)
    return content if isinstance(content, str) else ""


# --- answers -------------------------------------------------------------------------------------------
def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def _fallback(
    service: AssistantService, plan: QueryPlan, ranked: list[Scored], error: LLMFailure, started: float
) -> Answer:
    log.warning("LLM call failed, answering extractively: %s", error)
    answer = service.extractive(plan, Retrieval(ranked, None, None))
    answer.timings.update({"llm_error": 1.0, "llm_ms": _ms(started)})
    return answer


def _abstain(service: AssistantService, plan: QueryPlan, ranked: list[Scored]) -> Answer:
    answer = service.abstain(plan, ranked, None)
    answer.mode = "generative"
    return answer


def finish(service: AssistantService, plan: QueryPlan, ranked: list[Scored], given: list[Passage], raw: str) -> Answer:
    """The verified answer for the model's text, or abstention when nothing cited survives."""
    checked = verify(raw, given)
    if not checked.citations:
        return _abstain(service, plan, ranked)
    return Answer(
        answer=checked.text,
        citations=checked.citations,
        abstained=False,
        mode="generative",
        flagged=checked.flagged,
    )


def generate(service: AssistantService, plan: QueryPlan, ranked: list[Scored]) -> Answer:
    given = passages(service, plan, ranked)
    if not given:
        return _abstain(service, plan, ranked)
    started = time.perf_counter()
    try:
        raw = _complete(service, prompt(plan, given))
    except LLMFailure as exc:
        return _fallback(service, plan, ranked, exc, started)
    answer = finish(service, plan, ranked, given, raw)
    answer.timings["llm_ms"] = _ms(started)
    return answer


def _events(answer: Answer) -> Iterator[dict[str, Any]]:
    yield {"type": "citations", "citations": [c.model_dump() for c in answer.citations]}
    for line in answer.answer.split("\n"):
        yield {"type": "delta", "text": line + "\n"}
    yield {"type": "final", "answer": answer.model_dump()}


def generate_stream(service: AssistantService, plan: QueryPlan, ranked: list[Scored]) -> Iterator[dict[str, Any]]:
    """Events: the candidate citations (one per passage given, numbered as in the prompt), the model's text as
    it streams (markers unchecked), then the verified answer. If the model cannot be reached the extractive
    answer is streamed instead; if the stream breaks midway, the final event carries the extractive answer."""
    given = passages(service, plan, ranked)
    if not given:
        answer = _abstain(service, plan, ranked)
        answer.filters = plan.read()
        yield from _events(answer)
        return
    started = time.perf_counter()
    try:
        stream = _open_stream(service, prompt(plan, given))
    except LLMFailure as exc:
        answer = _fallback(service, plan, ranked, exc, started)
        answer.filters = plan.read()
        yield from _events(answer)
        return
    yield {"type": "citations", "citations": [c.model_dump() for c in candidate_citations(given)]}
    parts: list[str] = []
    try:
        for chunk in stream:
            text = _delta(chunk)
            if text:
                parts.append(text)
                yield {"type": "delta", "text": text}
    except _LLM_ERRORS as exc:
        answer = _fallback(service, plan, ranked, LLMFailure(f"{type(exc).__name__}: {exc}"), started)
    else:
        answer = finish(service, plan, ranked, given, "".join(parts))
        answer.timings["llm_ms"] = _ms(started)
    finally:
        close = getattr(stream, "close", None)
        if callable(close):
            close()
    answer.filters = plan.read()
    yield {"type": "final", "answer": answer.model_dump()}
