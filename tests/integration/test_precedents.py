"""Precedent search over the real corpus: a pasted text finds the earlier answers on the same matter.

The corpus (../shared/corpus, .txt files) is ingested into a private Chroma once for the module."""

from __future__ import annotations

import math
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import precedents as pr
from assistant.schemas import Filters, Precedent
from assistant.service import AssistantService
from assistant.settings import Settings
from ingest.analyzer import analyze

# Written for the test, in the words of a new remiss — not copied from any document in the corpus.
NEW_REMISS = """Remiss: Ny kärnkraft – snabbare prövning
Regeringen vill underlätta byggandet av ny kärnkraft. Förslaget innebär en ny lag om principbeslut där
regeringen tidigt prövar om en kärnteknisk anläggning får uppföras på en viss plats. Kommunens möjlighet att
säga nej begränsas när det gäller mellanlagring och slutförvar av kärnavfall. Avgifterna för prövningen av nya
reaktorer anpassas efter reaktorns storlek. Kommunerna ombeds yttra sig över konsekvenserna för det kommunala
självstyret, för plan- och bygglovsprocessen och för beredskapen."""
TJANSTE_7 = "kungsbacka_ks_tjansteskrivelse_sou-2025-7-ny-karnkraft_2025-01-28.txt"
YTTRANDE_7 = "kungsbacka_ks_yttrande_sou-2025-7-ny-karnkraft_2025-02-05.txt"
SOU_2015_58_PAGE = "regeringen_remiss_sou_2015_58_eu_kommunernas_bostadspolitik.txt"


@pytest.fixture(scope="module")
def service(shared_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AssistantService]:
    data = tmp_path_factory.mktemp("precedents") / "data"
    svc = AssistantService(
        Settings.model_validate({"data_dir": data, "embedder": "hash", "chroma_host": None, "ocr": False})
    )
    svc.ingestor.ingest(sorted(shared_corpus.glob("*.txt")))
    svc.catalog.refresh(force=True)
    yield svc


def _source(service: AssistantService, p: Precedent) -> str:
    return str(service.catalog.doc_fields[p.doc.doc_id].source_file)


def test_pasted_remiss_finds_the_answers_to_the_same_matter_first(service: AssistantService) -> None:
    found = service.precedents(NEW_REMISS, k=5)
    assert {_source(service, p) for p in found[:2]} == {TJANSTE_7, YTTRANDE_7}
    assert [p.score for p in found] == sorted((p.score for p in found), reverse=True)
    assert found[2].score < found[1].score / 2  # the rest is far behind
    for p in found:
        assert 1 <= len(p.passages) <= 3
        assert all(h.doc_id == p.doc.doc_id and h.text for h in p.passages)
        assert [h.score for h in p.passages] == sorted((h.score for h in p.passages), reverse=True)


def test_short_question_finds_the_school_answers(service: AssistantService) -> None:
    found = service.precedents("Hur ser kommunen på ordningsregler, trygghet och studiero i skolan?", k=3)
    assert all("sou-2025-8" in _source(service, p) for p in found)


def test_proposal_is_quoted_from_the_forslag_till_beslut(service: AssistantService) -> None:
    found = {_source(service, p): p for p in service.precedents(NEW_REMISS, k=2)}
    tjanste, yttrande = found[TJANSTE_7], found[YTTRANDE_7]
    assert tjanste.proposal is not None and tjanste.proposal.startswith("Kommunstyrelsen antar yttrande")
    doc = service.catalog.document(tjanste.doc.doc_id)
    assert doc is not None
    quoted = [doc.paragraph(pid.split("#")[1]) for pid in tjanste.proposal_paragraph_ids]
    assert tjanste.proposal == "\n".join(p.text for p in quoted if p is not None)
    assert yttrande.proposal is None and yttrande.proposal_paragraph_ids == []  # an yttrande has none


def test_proposal_stops_before_the_signatures(service: AssistantService) -> None:
    doc_id = next(d for d, m in service.catalog.doc_fields.items() if "socialnamnden" in m.source_file)
    doc = service.catalog.document(doc_id)
    assert doc is not None
    text, ids = pr.proposal(doc)
    assert text is not None and text.splitlines() == [
        "1. Socialnämnden hänvisar till tjänsteutlåtandet som svar på remissen.",
        "2. Socialnämnden överlämnar ärendet till kommunstyrelsen.",
    ]
    assert ids == [f"{doc_id}#s1.p1", f"{doc_id}#s1.p2"]


def test_only_answers_are_precedents_even_for_a_pasted_remiss_page(
    service: AssistantService, shared_corpus: Path
) -> None:
    page = (shared_corpus / SOU_2015_58_PAGE).read_text(encoding="utf-8")
    found = service.precedents(page, k=10)
    assert found, "a long remiss page shares terms with some answers"
    assert {p.doc.doc_type for p in found} <= set(pr.PRECEDENT_TYPES)
    assert service.precedents(page, k=10) == found  # deterministic


def test_filters_narrow_the_types(service: AssistantService) -> None:
    only = service.precedents(NEW_REMISS, k=5, filters=Filters.model_validate({"doc_type": ["yttrande"]}))
    assert only and {p.doc.doc_type for p in only} == {"yttrande"}
    assert _source(service, only[0]) == YTTRANDE_7
    assert service.precedents(NEW_REMISS, filters=Filters.model_validate({"doc_type": ["protokoll"]})) == []
    assert service.precedents(NEW_REMISS, filters=Filters.model_validate({"year_from": 2030})) == []
    assert service.precedents("", k=5) == []


def test_key_terms_are_distinctive_and_deterministic(service: AssistantService) -> None:
    index = service.catalog.index
    terms = pr.key_terms(NEW_REMISS, index)
    assert len(terms) == pr.MAX_TERMS
    assert set(analyze("kärnkraft")) & set(terms[:5])
    counts = Counter(analyze(NEW_REMISS))
    weights = [(1 + math.log(counts[t])) * index.idf(t) for t in terms]
    assert weights == sorted(weights, reverse=True)
    assert "att" not in terms and "för" not in terms  # stop words never count
    assert pr.key_terms(NEW_REMISS, index) == terms


def test_document_score_weights_the_best_three_passages() -> None:
    assert pr.document_score([10.0, 4.0, 2.0, 100.0]) == pytest.approx(10 + 2 + 0.5)
    assert pr.document_score([]) == 0.0


def test_fast_on_a_long_pasted_text(service: AssistantService, shared_corpus: Path) -> None:
    text = (shared_corpus / SOU_2015_58_PAGE).read_text(encoding="utf-8") + "\n" + NEW_REMISS
    service.precedents(text)  # warm caches (analyzer vocabulary, documents)
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        service.precedents(text)
        runs.append(time.perf_counter() - started)
    assert statistics.median(runs) < 0.1


def test_each_precedent_shows_its_core_quoted_not_the_formal_proposal(service: AssistantService) -> None:
    """A yttrande's core is its stance; a tjänsteskrivelse whose förslag till beslut only adopts the yttrande
    shows what it said instead. Every core is quoted verbatim from the paragraphs it names."""
    found = {_source(service, p): p for p in service.precedents(NEW_REMISS, k=5)}
    yttrande, tjanste = found[YTTRANDE_7], found[TJANSTE_7]
    for p in found.values():
        assert p.core is not None, p.doc.title
        doc = service.catalog.document(p.doc.doc_id)
        assert doc is not None
        quoted = " ".join(doc.paragraph(pid.split("#")[1]).text for pid in p.core.paragraph_ids)  # type: ignore[union-attr]
        assert all(line in quoted for line in p.core.text.splitlines())
    assert yttrande.core is not None and yttrande.core.kind == "ställningstagande"
    assert yttrande.core.stance not in (None, "unclear")
    assert tjanste.core is not None and not tjanste.core.text.startswith("Kommunstyrelsen antar yttrande")
    assert tjanste.proposal is not None and pr.is_formal(tjanste.proposal)


def test_a_formal_proposal_is_told_from_one_that_decides_something() -> None:
    assert pr.is_formal("Kommunstyrelsen antar yttrandet som sitt eget och översänder det till departementet.")
    assert pr.is_formal(
        "1. Socialnämnden hänvisar till tjänsteutlåtandet som svar på remissen.\n"
        "2. Socialnämnden överlämnar ärendet till kommunstyrelsen."
    )
    assert not pr.is_formal("Nämnden godkänner upprättad nämndbudget 2026.")
    assert not pr.is_formal("Kommunstyrelsen avstyrker förslaget om principbeslut.")


def test_one_row_per_document(service: AssistantService) -> None:
    for text in (NEW_REMISS, "trygghet och studiero i skolan", "regional fysisk plan"):
        found = service.precedents(text, k=10)
        assert len({p.doc.doc_id for p in found}) == len(found)
