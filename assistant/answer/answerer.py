"""The extractive answer as a use case: extract, decide between answering and abstaining, compose.
Takes the catalogue and the per-document term cache, not the service, so the generative answer and the
service both build on it without knowing each other."""

from __future__ import annotations

from assistant.answer import extractive
from assistant.answer.passages import DocTermsCache
from assistant.catalog import Catalog
from assistant.query import QueryPlan
from assistant.retrieve import Retrieval, Scored
from assistant.schemas import Answer
from assistant.views import nearest_docs

NO_ANSWER = "Jag hittar inget i arkivet som besvarar frågan."


class ExtractiveAnswerer:
    def __init__(self, catalog: Catalog, doc_terms: DocTermsCache, abstain_threshold: float, max_sentences: int):
        self.catalog = catalog
        self.doc_terms = doc_terms
        self.abstain_threshold = abstain_threshold
        self.max_sentences = max_sentences

    def answer(self, p: QueryPlan, found: Retrieval) -> Answer:
        ranked, reason = found.hits, found.reason
        if reason or not ranked:
            return self.abstain(p, ranked, reason)
        ex = extractive.extract(p, ranked, self.catalog, self.doc_terms, found.mask, self.max_sentences)
        evidence = {"support": round(ex.support, 3), "focus": round(ex.focus, 3)}
        case_lookup = bool(p.dnr)  # a known dnr names the case itself
        missing = (
            extractive.missing_member(p, ex)
            or extractive.missing_evidence(p, ex)
            or extractive.missing_place(p, ex, extractive.named_places(p, self.catalog.known_place), self.doc_terms)
        )
        answered = case_lookup or extractive.names_member(p, ex)
        if missing or (not extractive.covers(ex, self.abstain_threshold) and not answered):
            answer = self.abstain(p, ranked, missing)
            answer.reading = {"evidence": evidence}
            return answer
        about = extractive.asks_about_case(p, ex)
        chosen = extractive.their_dnr(p, ex) or (extractive.summary(ex) if about else [])
        chosen = chosen or ex.chosen or (extractive.summary(ex) if case_lookup else [])
        text, citations = extractive.compose(p, chosen)
        if not citations:
            return self.abstain(p, ranked, None)
        return Answer(
            answer=text, citations=citations, abstained=False, mode="extractive", reading={"evidence": evidence}
        )

    def abstain(self, p: QueryPlan, ranked: list[Scored], reason: str | None) -> Answer:
        """No answer: the reason (or the standard sentence) and the nearest documents, marked as not answering."""
        nearest = nearest_docs(self.catalog, ranked) if ranked else []
        lines = [reason or NO_ANSWER]
        if nearest:
            lines.append("Närmast ligger dessa dokument, men de besvarar inte frågan säkert:")
            lines += [f"– {d.title} ({d.body or d.doc_type}, {d.date or 'odaterat'})" for d in nearest]
        return Answer(answer="\n".join(lines), citations=[], abstained=True, mode="extractive", nearest=nearest)
