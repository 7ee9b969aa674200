"""The assistant's use cases — search, ask, precedents, remisser, documents — over one ingest/store setup.
The CLI, the API and the eval all call this; nothing here knows about HTTP."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import numpy as np

from assistant import mentions, views
from assistant import precedents as precedent_mod
from assistant import remisser as remiss_mod
from assistant.answer import extractive
from assistant.answer.answerer import ExtractiveAnswerer
from assistant.answer.passages import DocTermsCache
from assistant.answer_generative import GenerativeAnswerer
from assistant.catalog import Catalog
from assistant.llm import ChatModel
from assistant.query import QueryPlan, plan
from assistant.retrieve import Retrieval, Retriever, Scored
from assistant.schemas import (
    Answer,
    Filters,
    Precedent,
    RemissOverview,
    RemissSummary,
    SearchHit,
    Turn,
)
from assistant.settings import RetrieverMode, Settings
from ingest.dates import DATE, to_iso
from ingest.embedders import Embedder
from ingest.pipeline import Ingestor

SPEAKER_TYPES = {"stance", "decision"}
# What a party said lives in its statements; in a vote or a decision the party is only part of the topic.
PARTY_TYPES = {"stance", "reservation", "open", "reason", "list"}  # who said it matters: "vad tyckte Kungsbacka"
RETRIEVE_K = 20  # chunks ranked for an answer: the documents of these get their paragraphs ranked


class AssistantService:
    def __init__(self, settings: Settings, ingestor: Ingestor | None = None, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.ingestor = ingestor or Ingestor(settings, embedder=embedder)
        self.catalog = Catalog(self.ingestor)
        self.retriever = Retriever(
            self.catalog, self.ingestor.embedder, settings.retriever, settings.hybrid_dense_weight
        )
        self.doc_terms = DocTermsCache()
        self.answerer = ExtractiveAnswerer(
            self.catalog, self.doc_terms, settings.abstain_threshold, settings.answer_max_sentences
        )
        self.model = ChatModel(settings)
        self.generative = GenerativeAnswerer(self.model, self.answerer)

    # --- search ----------------------------------------------------------------------------------
    def _ranked(self, p: QueryPlan, k: int, mode: RetrieverMode | None) -> tuple[list[Scored], str | None]:
        """Ranked chunks, or a Swedish reason why nothing can match (unknown dnr or body)."""
        found = self._retrieve(p, k, mode)
        return found.hits, found.reason

    def _retrieve(self, p: QueryPlan, k: int, mode: RetrieverMode | None) -> Retrieval:
        self.catalog.refresh()
        if p.previous and not p.dnr and not (p.bodies and p.bodies_named):
            return self._retrieve_follow_up(p, k, mode)
        reason = self._unknown_in_question(p)
        if reason:
            return Retrieval([], reason, None)
        bodies = [b for b in p.bodies if self.catalog.known_body(b)]
        mask = self.catalog.mask(p.filters, bodies, p.dnr)
        for ref in mentions.remiss_refs_in_question(p.text):  # a named SOU/Ds is the case: stay with it
            mask = self.catalog.ref_mask(ref) if mask is None else mask & self.catalog.ref_mask(ref)
        for named in p.named_subjects:  # so is a document named by kind and subject
            mask = self.catalog.named_mask(named) if mask is None else mask & self.catalog.named_mask(named)
        if mask is not None and not mask.any():
            return Retrieval([], "Inga dokument i arkivet matchar de valda filtren.", mask)
        parties = mentions.parties_in_question(p.text) if p.answer_type in PARTY_TYPES else []
        if parties and mask is not None:
            mask = mask & self.catalog.party_mask(parties, statements_only=p.answer_type == "reservation")
            if not mask.any():
                names = ", ".join(mentions.PARTY_NAME_OF.get(c, c) for c in parties)
                return Retrieval([], f"Arkivet har inget uttalande från {names} i de dokument frågan gäller.", mask)
        speakers = mentions.places_in_question(mentions.speaker_part(p.text))
        if p.answer_type in SPEAKER_TYPES and speakers:
            mask = self._speaking_for(speakers, mask)
            if not mask.any():
                return Retrieval([], f"Arkivet har inget dokument från {speakers[0]} om detta.", mask)
        if mentions.asks_for_remiss_list(p.text, p.answer_type):
            mask = mask & self.catalog.type_mask(["remiss"])
            if not mask.any():
                return Retrieval([], "Arkivet har ingen remissida med remissinstanserna för detta.", mask)
        if mask is not None and mask.all():
            mask = None
        return Retrieval(self.retriever.search(p, k, mask, mode), None, mask)

    def _speaking_for(self, places: list[str], mask: np.ndarray | None) -> np.ndarray:
        """Chunks of documents from the places a "vad tyckte X" question names."""
        within = np.logical_or.reduce([self.catalog.speaker_mask(pl) for pl in places])
        return within if mask is None else mask & within

    def _unknown_in_question(self, p: QueryPlan) -> str | None:
        """Why the archive cannot answer: the question names a dnr, remiss, place, body, document or date
        that no document holds. Checked before ranking, so the remaining words are not answered instead."""
        catalog = self.catalog
        for value in p.dnr + ([p.filters.dnr] if p.filters.dnr else []):
            if not catalog.known_dnr(value):
                return f"Arkivet har inget dokument med diarienummer {value}."
        for ref in mentions.remiss_refs_in_question(p.text):
            if not catalog.known_ref(ref):
                return f"Arkivet har inga dokument om {ref}."
        for place in mentions.places_in_question(p.text):
            # a remiss list names bodies that wrote nothing: for "fick X remissen" a mention is enough
            known = catalog.mentioned(place) if p.answer_type == "membership" else catalog.known_place(place)
            if not known:
                return f"Arkivet har inga dokument från {place}."
        for named in p.named_subjects:
            if not catalog.names_document(named):
                kind, _, subject = named.partition(" ")
                return f"Arkivet har ingen {kind} om {subject}."
        for m in DATE.finditer(p.text):
            iso = to_iso(m.group(1))
            if iso and not catalog.known_date(iso):
                return f"Arkivet har inga dokument från {m.group(1)}."
        return None

    def _retrieve_follow_up(self, p: QueryPlan, k: int, mode: RetrieverMode | None) -> Retrieval:
        """A follow-up stays with the documents that answered the question it continues."""
        earlier = plan(p.previous or "", p.filters)
        earlier_found = self._retrieve(earlier, 10, mode)
        docs = list(dict.fromkeys(str(self.catalog.doc_ids[s.index]) for s in earlier_found.hits))[:2]
        if earlier_found.reason or not docs:
            return self._retrieve(replace(p, previous=None), k, mode)
        mask = self.catalog.mask(p.filters, [], []) if not p.filters.is_empty() else None
        within = self.catalog.docs_mask(docs)
        mask = within if mask is None else mask & within
        return Retrieval(self.retriever.search(p, k, mask, mode), None, mask)

    def hit(self, rank: int, scored: Scored) -> SearchHit:
        return views.search_hit(self.catalog, rank, scored)

    def search(
        self, query: str, filters: Filters | None = None, k: int = 10, mode: RetrieverMode | None = None
    ) -> list[SearchHit]:
        p = plan(query, filters)
        found = self._retrieve(p, max(k, RETRIEVE_K), mode)
        ranked = extractive.passages_first(p, found.hits, self.catalog, self.doc_terms, found.mask)
        return [self.hit(i + 1, s) for i, s in enumerate(ranked[:k])]

    # --- ask -------------------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        filters: Filters | None = None,
        history: list[Turn] | None = None,
        mode: RetrieverMode | None = None,
    ) -> Answer:
        started = time.perf_counter()
        p = plan(question, filters, history)
        found = self._retrieve(p, RETRIEVE_K, mode)
        retrieved = time.perf_counter()
        if self.llm_enabled and not found.reason:
            answer = self.generative.answer(p, found.hits)
        else:
            answer = self.extractive(p, found)
        answer.timings = {
            **answer.timings,
            "retrieve_ms": round((retrieved - started) * 1000, 2),
            "total_ms": round((time.perf_counter() - started) * 1000, 2),
        }
        answer.filters = p.read()
        answer.reading = {**p.explain(), **answer.reading}
        return answer

    def extractive(self, p: QueryPlan, found: Retrieval) -> Answer:
        return self.answerer.answer(p, found)

    @property
    def llm_enabled(self) -> bool:
        return self.model.enabled

    def ask_stream(
        self,
        question: str,
        filters: Filters | None = None,
        history: list[Turn] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Events: {"type": "citations"}, {"type": "delta", "text"}…, {"type": "final", "answer": Answer}."""
        p = plan(question, filters, history)
        found = self._retrieve(p, RETRIEVE_K, None)
        if self.llm_enabled and not found.reason:
            yield from self.generative.stream(p, found.hits)
            return
        answer = self.extractive(p, found)
        answer.filters = p.read()
        answer.reading = {**p.explain(), **answer.reading}
        yield {"type": "citations", "citations": [c.model_dump() for c in answer.citations]}
        for line in answer.answer.split("\n"):
            yield {"type": "delta", "text": line + "\n"}
        yield {"type": "final", "answer": answer.model_dump()}

    # --- precedents and remisser -----------------------------------------------------------------
    def precedents(self, text: str, k: int = 5, filters: Filters | None = None) -> list[Precedent]:
        """Earlier yttranden, tjänsteutlåtanden and PM like `text`, with passages and förslag till beslut."""
        return precedent_mod.find(self.catalog, text, k, filters)

    def remisser(self) -> list[RemissSummary]:
        """Remisser the archive holds answers to, with the number of answers."""
        return remiss_mod.summaries(self.catalog)

    def remiss_overview(self, remiss_id: str) -> RemissOverview | None:
        """Every answer to one remiss with its stance, quoted; None for an unknown id."""
        return remiss_mod.overview(self.catalog, remiss_id)
