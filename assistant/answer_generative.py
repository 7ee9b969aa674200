"""The generative answer: an OpenAI-compatible model writes from numbered passages, and every citation it
makes is checked before the answer is returned.

Passages are the paragraphs the extractive stage ranks best (assistant.answer.passages), not the chunks.
The model's [n] markers are checked by citations.verify: unsupported or unknown numbers removed, sentences
without support flagged, citations built from the paragraphs and renumbered.
No surviving citation means abstention; a failing model (refused connection, timeout, 5xx, broken stream)
means the extractive answer, marked with timings["llm_error"] = 1."""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Iterator
from typing import Any

from assistant import prompts
from assistant.answer import passages as paragraph_ranking
from assistant.answer.answerer import ExtractiveAnswerer
from assistant.answer.passages import DocTermsCache
from assistant.catalog import Catalog
from assistant.citations import Passage, candidate_citations, verify
from assistant.labels import TYPE_LABEL
from assistant.llm import ChatModel, LLMFailure
from assistant.query import QueryPlan
from assistant.retrieve import Retrieval, Scored
from assistant.schemas import Answer
from ingest.analyzer import words

log = logging.getLogger(__name__)

MAX_PASSAGES = 12
MIN_HEAD_WORDS = 4  # head-section paragraphs shorter than this ("YTTRANDE", "Till Datum") are left out


# --- passages and prompt -----------------------------------------------------------------------------
def passages(catalog: Catalog, doc_terms: DocTermsCache, plan: QueryPlan, ranked: list[Scored]) -> list[Passage]:
    """The paragraphs the extractive stage ranks best for the question (not the chunks), numbered from 1."""
    out: list[Passage] = []
    for rp in paragraph_ranking.rank(plan, ranked, catalog, doc_terms, None):
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


# --- answers -------------------------------------------------------------------------------------------
def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def _events(answer: Answer) -> Iterator[dict[str, Any]]:
    yield {"type": "citations", "citations": [c.model_dump() for c in answer.citations]}
    for line in answer.answer.split("\n"):
        yield {"type": "delta", "text": line + "\n"}
    yield {"type": "final", "answer": answer.model_dump()}


class GenerativeAnswerer:
    """Answers through the model, with the extractive answerer as the fallback and for abstentions."""

    def __init__(self, model: ChatModel, extractive: ExtractiveAnswerer) -> None:
        self.model = model
        self.extractive = extractive

    def passages(self, plan: QueryPlan, ranked: list[Scored]) -> list[Passage]:
        return passages(self.extractive.catalog, self.extractive.doc_terms, plan, ranked)

    def _fallback(self, plan: QueryPlan, ranked: list[Scored], error: LLMFailure, started: float) -> Answer:
        log.warning("LLM call failed, answering extractively: %s", error)
        answer = self.extractive.answer(plan, Retrieval(ranked, None, None))
        answer.timings.update({"llm_error": 1.0, "llm_ms": _ms(started)})
        return answer

    def _abstain(self, plan: QueryPlan, ranked: list[Scored]) -> Answer:
        answer = self.extractive.abstain(plan, ranked, None)
        answer.mode = "generative"
        return answer

    def finish(self, plan: QueryPlan, ranked: list[Scored], given: list[Passage], raw: str) -> Answer:
        """The verified answer for the model's text, or abstention when nothing cited survives."""
        checked = verify(raw, given)
        if not checked.citations:
            return self._abstain(plan, ranked)
        return Answer(
            answer=checked.text,
            citations=checked.citations,
            abstained=False,
            mode="generative",
            flagged=checked.flagged,
        )

    def answer(self, plan: QueryPlan, ranked: list[Scored]) -> Answer:
        given = self.passages(plan, ranked)
        if not given:
            return self._abstain(plan, ranked)
        started = time.perf_counter()
        try:
            raw = self.model.complete(prompt(plan, given))
        except LLMFailure as exc:
            return self._fallback(plan, ranked, exc, started)
        answer = self.finish(plan, ranked, given, raw)
        answer.timings["llm_ms"] = _ms(started)
        return answer

    def stream(self, plan: QueryPlan, ranked: list[Scored]) -> Iterator[dict[str, Any]]:
        """Events: the candidate citations (one per passage given, numbered as in the prompt), the model's text
        as it streams (markers unchecked), then the verified answer. If the model cannot be reached the
        extractive answer is streamed instead; if the stream breaks midway, the final event carries it."""
        given = self.passages(plan, ranked)
        answer: Answer | None = None
        if not given:
            answer = self._abstain(plan, ranked)
        started = time.perf_counter()
        pieces = self.model.stream(prompt(plan, given)) if given else iter(())
        try:
            first = next(pieces, None) if given else None
        except LLMFailure as exc:
            answer = self._fallback(plan, ranked, exc, started)
        if answer is not None:
            answer.filters = plan.read()
            yield from _events(answer)
            return
        yield {"type": "citations", "citations": [c.model_dump() for c in candidate_citations(given)]}
        parts: list[str] = []
        try:
            for text in itertools.chain([first] if first else [], pieces):
                parts.append(text)
                yield {"type": "delta", "text": text}
        except LLMFailure as exc:
            answer = self._fallback(plan, ranked, exc, started)
        else:
            answer = self.finish(plan, ranked, given, "".join(parts))
            answer.timings["llm_ms"] = _ms(started)
        answer.filters = plan.read()
        yield {"type": "final", "answer": answer.model_dump()}
