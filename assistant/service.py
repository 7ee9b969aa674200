"""The assistant's use cases — search, ask, precedents, remisser, documents — over one ingest/store setup.
The CLI, the API and the eval all call this; nothing here knows about HTTP."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import numpy as np

from assistant import answer_extractive as extractive
from assistant import citations as cit
from assistant import llamaindex_adapter, mentions
from assistant import precedents as precedent_mod
from assistant import remisser as remiss_mod
from assistant.catalog import Catalog
from assistant.query import QueryPlan, plan
from assistant.retrieve import Retriever, Scored
from assistant.schemas import (
    Answer,
    DocRef,
    Filters,
    Precedent,
    RemissOverview,
    RemissSummary,
    SearchHit,
    Turn,
)
from assistant.settings import RetrieverMode, Settings
from ingest.embedders import Embedder
from ingest.pipeline import Ingestor

NO_ANSWER = "Jag hittar inget i arkivet som besvarar frågan."


class AssistantService:
    def __init__(self, settings: Settings, ingestor: Ingestor | None = None, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.ingestor = ingestor or Ingestor(settings, embedder=embedder)
        self.catalog = Catalog(self.ingestor)
        self.retriever = Retriever(
            self.catalog, self.ingestor.embedder, settings.retriever, settings.hybrid_dense_weight
        )
        llamaindex_adapter.configure(self.ingestor.embedder)
        self._llm: Any = None

    # --- search ----------------------------------------------------------------------------------
    def _ranked(self, p: QueryPlan, k: int, mode: RetrieverMode | None) -> tuple[list[Scored], str | None]:
        """Ranked chunks, or a Swedish reason why nothing can match (unknown dnr or body)."""
        self.catalog.refresh()
        if p.previous and not p.dnr and not (p.bodies and p.bodies_named):
            return self._ranked_follow_up(p, k, mode)
        for value in p.dnr + ([p.filters.dnr] if p.filters.dnr else []):
            if not self.catalog.known_dnr(value):
                return [], f"Arkivet har inget dokument med diarienummer {value}."
        for ref in mentions.remiss_refs_in_question(p.text):
            if not self.catalog.known_ref(ref):
                return [], f"Arkivet har inga dokument om {ref}."
        for place in mentions.places_in_question(p.text):
            if not self.catalog.known_place(place):
                return [], f"Arkivet har inga dokument från {place}."
        bodies = [b for b in p.bodies if self.catalog.known_body(b)]
        mask = self.catalog.mask(p.filters, bodies, p.dnr)
        if mask is not None and not mask.any():
            return [], "Inga dokument i arkivet matchar de valda filtren."
        parties = mentions.parties_in_question(p.text)
        if parties and mask is not None:
            mask = mask & self.catalog.party_mask(parties)
            if not mask.any():
                names = ", ".join(mentions.PARTY_NAME_OF.get(c, c) for c in parties)
                return [], f"Arkivet har inget uttalande från {names} i de dokument frågan gäller."
        return self.retriever.search(p, k, mask, mode), None

    def _ranked_follow_up(self, p: QueryPlan, k: int, mode: RetrieverMode | None) -> tuple[list[Scored], str | None]:
        """A follow-up stays with the documents that answered the question it continues."""
        earlier = plan(p.previous or "", p.filters)
        earlier_ranked, reason = self._ranked(earlier, 10, mode)
        docs = list(dict.fromkeys(str(self.catalog.doc_ids[s.index]) for s in earlier_ranked))[:2]
        if reason or not docs:
            return self._ranked(replace(p, previous=None), k, mode)
        mask = self.catalog.mask(p.filters, [], []) if not p.filters.is_empty() else None
        within = np.isin(self.catalog.doc_ids, docs)
        return self.retriever.search(p, k, within if mask is None else mask & within, mode), None

    def hit(self, rank: int, scored: Scored) -> SearchHit:
        meta = self.catalog.index.metas[scored.index]
        doc_id = meta["doc_id"]
        return SearchHit(
            rank=rank,
            chunk_id=self.catalog.index.ids[scored.index],
            score=round(scored.score, 5),
            doc_id=doc_id,
            paragraph_ids=[f"{doc_id}#{p}" for p in cit.meta_list(meta, "paragraph_ids")],
            title=meta.get("title", ""),
            doc_type=meta.get("doc_type", ""),
            body=meta.get("body") or None,
            dnr=cit.meta_list(meta, "dnr"),
            date=meta.get("date") or None,
            section=meta.get("section_heading", ""),
            section_id=meta.get("section_id", ""),
            pages=cit.meta_list(meta, "pages"),
            text=meta.get("text", ""),
            source_file=meta.get("source_file", ""),
        )

    def search(
        self, query: str, filters: Filters | None = None, k: int = 10, mode: RetrieverMode | None = None
    ) -> list[SearchHit]:
        p = plan(query, filters)
        ranked, _ = self._ranked(p, k, mode)
        return [self.hit(i + 1, s) for i, s in enumerate(ranked)]

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
        ranked, reason = self._ranked(p, 20, mode)
        retrieved = time.perf_counter()
        if self.llm_enabled and not reason:
            from assistant.answer_generative import generate

            answer = generate(self, p, ranked)
        else:
            answer = self._extractive(p, ranked, reason)
        answer.timings = {
            **answer.timings,
            "retrieve_ms": round((retrieved - started) * 1000, 2),
            "total_ms": round((time.perf_counter() - started) * 1000, 2),
        }
        answer.filters = p.read()
        return answer

    def _extractive(self, p: QueryPlan, ranked: list[Scored], reason: str | None) -> Answer:
        strength = extractive.evidence(p, ranked, self.catalog) if ranked else 0.0
        case_lookup = bool(p.dnr) and bool(ranked) and not reason  # a known dnr names the case itself
        if reason or (strength < self.settings.abstain_threshold and not case_lookup):
            return self.abstain(p, ranked, reason)
        chosen = extractive.select(p, ranked, self.catalog, self.settings.answer_max_sentences)
        if not chosen and case_lookup:
            chosen = extractive.summary(ranked, self.catalog)
        text, citations = extractive.compose(chosen)
        if not citations:
            return self.abstain(p, ranked, None)
        return Answer(answer=text, citations=citations, abstained=False, mode="extractive")

    def abstain(self, p: QueryPlan, ranked: list[Scored], reason: str | None) -> Answer:
        nearest = self.nearest_docs(ranked)
        lines = [reason or NO_ANSWER]
        if nearest:
            lines.append("Närmast ligger dessa dokument, men de besvarar inte frågan säkert:")
            lines += [f"– {d.title} ({d.body or d.doc_type}, {d.date or 'odaterat'})" for d in nearest]
        return Answer(answer="\n".join(lines), citations=[], abstained=True, mode="extractive", nearest=nearest)

    def nearest_docs(self, ranked: list[Scored], limit: int = 3) -> list[DocRef]:
        out: dict[str, DocRef] = {}
        for s in ranked:
            meta = self.catalog.index.metas[s.index]
            if meta["doc_id"] not in out:
                out[meta["doc_id"]] = self.doc_ref(meta, s.score)
            if len(out) >= limit:
                break
        return list(out.values())

    @staticmethod
    def doc_ref(meta: dict[str, Any], score: float = 0.0) -> DocRef:
        return DocRef(
            doc_id=meta["doc_id"],
            title=meta.get("title", ""),
            doc_type=meta.get("doc_type", ""),
            body=meta.get("body") or None,
            date=meta.get("date") or None,
            dnr=cit.meta_list(meta, "doc_dnr"),
            score=round(score, 5),
        )

    # --- generative ------------------------------------------------------------------------------
    @property
    def llm_enabled(self) -> bool:
        return bool(self.settings.llm_base_url)

    def llm(self) -> Any:
        if self._llm is None:
            from openai import OpenAI

            self._llm = OpenAI(
                base_url=self.settings.llm_base_url,
                api_key=self.settings.llm_api_key.get_secret_value(),
                timeout=self.settings.llm_timeout,
                max_retries=1,
            )
        return self._llm

    def ask_stream(
        self,
        question: str,
        filters: Filters | None = None,
        history: list[Turn] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Events: {"type": "citations"}, {"type": "delta", "text"}…, {"type": "final", "answer": Answer}."""
        p = plan(question, filters, history)
        ranked, reason = self._ranked(p, 20, None)
        if self.llm_enabled and not reason:
            from assistant.answer_generative import generate_stream

            yield from generate_stream(self, p, ranked)
            return
        answer = self._extractive(p, ranked, reason)
        answer.filters = p.read()
        yield {"type": "citations", "citations": [c.model_dump() for c in answer.citations]}
        for line in answer.answer.split("\n"):
            yield {"type": "delta", "text": line + "\n"}
        yield {"type": "final", "answer": answer.model_dump()}

    # --- precedents and remisser -----------------------------------------------------------------
    def precedents(self, text: str, k: int = 5, filters: Filters | None = None) -> list[Precedent]:
        """Earlier yttranden, tjänsteutlåtanden and PM like `text`, with passages and förslag till beslut."""
        return precedent_mod.find(self, text, k, filters)

    def remisser(self) -> list[RemissSummary]:
        """Remisser the archive holds answers to, with the number of answers."""
        return remiss_mod.summaries(self.catalog)

    def remiss_overview(self, remiss_id: str) -> RemissOverview | None:
        """Every answer to one remiss with its stance, quoted; None for an unknown id."""
        return remiss_mod.overview(self, remiss_id)
