"""Extractive answers over the real corpus: every claim quoted from a paragraph that exists and says it,
the right document and dnr cited, filters and follow-ups honoured, and an honest abstention otherwise."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.schemas import Answer, Filters, Turn
from assistant.service import AssistantService
from assistant.settings import Settings

KS1618 = "2019_KS-2019-1618_pm_rotel_I_strategi_for_innovation_region_stockholm.txt"
SN2015 = "2015_socialnamnden_tjansteutlatande_innovationsstrategi_stockholms_stad.txt"
KB_YTTRANDE = "kungsbacka_ks_yttrande_sou-2025-7-ny-karnkraft_2025-02-05.txt"


@pytest.fixture(scope="module")
def service(shared_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> AssistantService:
    root = tmp_path_factory.mktemp("answers")
    docs = root / "docs"
    docs.mkdir()
    for path in shared_corpus.glob("*.txt"):
        shutil.copy(path, docs / path.name)
    svc = AssistantService(Settings(data_dir=root / "data"))
    svc.ingestor.ingest([docs])
    svc.catalog.refresh(force=True)
    return svc


def assert_quotes_exist(service: AssistantService, answer: Answer) -> None:
    for c in answer.citations:
        doc = service.catalog.document(c.doc_id)
        assert doc is not None
        paragraph = doc.paragraph(c.paragraph_id.split("#", 1)[1])
        assert paragraph is not None, c.paragraph_id
        assert paragraph.text[c.start : c.end] == c.quote
        assert f"[{c.n}]" in answer.answer


def test_proposal_question_cites_the_forslag_till_beslut_with_its_dnr(service: AssistantService) -> None:
    answer = service.ask("Vad föreslog borgarrådsberedningen i ärendet om Region Stockholms innovationsstrategi?")
    assert not answer.abstained
    assert_quotes_exist(service, answer)
    proposal = [c for c in answer.citations if c.section.lower().startswith("förslag till beslut")]
    assert proposal, [c.section for c in answer.citations]
    assert proposal[0].dnr == ["KS 2019/1618"] and proposal[0].source_file == KS1618
    assert "Remissen besvaras med hänvisning till vad som sägs i promemorian" in answer.answer


def test_party_statement_names_the_member_and_party(service: AssistantService) -> None:
    answer = service.ask("Vem lämnade ersättaryttrande i kommunstyrelsen?")
    assert not answer.abstained
    assert_quotes_exist(service, answer)
    first = answer.citations[0]
    assert "Sissela Nordling Blanco (Fi)" in first.quote
    assert first.section.startswith("Ersättaryttrande")


def test_kungsbacka_nuclear_question_cites_the_yttrande_not_only_the_protokoll(service: AssistantService) -> None:
    answer = service.ask("Vad tyckte Kungsbacka om kärnkraftsutredningens förslag om mellan- och slutförvaring?")
    assert not answer.abstained
    assert_quotes_exist(service, answer)
    assert KB_YTTRANDE in {c.source_file for c in answer.citations}
    assert any("slutförvaring" in c.quote for c in answer.citations)


def test_compound_and_paraphrase_find_the_innovationsstrategi(service: AssistantService) -> None:
    hits = service.search("strategi för innovation i Stockholms stad", k=5)
    assert SN2015 in {h.source_file for h in hits}
    assert any("innovationsstrategi" in h.text.lower() for h in hits)
    answer = service.ask("Vilka innovationsledare ville S och V inte prioritera?")
    assert not answer.abstained
    assert any("innovationsledare" in c.quote.lower() for c in answer.citations)


def test_head_facts_are_answerable(service: AssistantService) -> None:
    answer = service.ask("Vem var handläggare för socialnämndens tjänsteutlåtande om innovationsstrategin?")
    assert "Lisbeth Westerlund" in answer.answer
    answer = service.ask("När gick remisstiden ut för socialnämndens yttrande om innovationsstrategin?")
    assert "5 oktober 2015" in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "Vad sa Malmö stad om cykelvägar?",
        "Vad beslutade kommunstyrelsen i ärende KS 2018/9999?",
        "När går remisstiden ut för Kungsbackas svar på SOU 2025:9?",
        "Vilken reservation lämnade Sverigedemokraterna i kommunstyrelsen mot svaret om strategi för innovation?",
    ],
)
def test_questions_the_corpus_cannot_answer_abstain(service: AssistantService, question: str) -> None:
    answer = service.ask(question)
    assert answer.abstained and answer.citations == []
    assert answer.answer.startswith(("Jag hittar inget", "Arkivet har"))


def test_filters_by_body_and_type_change_the_results(service: AssistantService) -> None:
    question = "innovation strategi"
    everything = {h.doc_id for h in service.search(question, k=20)}
    social = service.search(question, Filters(body="socialförvaltningen"), k=20)
    assert social and {h.body for h in social} == {"Socialnämnden"}
    assert {h.doc_id for h in social} < everything
    yttranden = service.search("kärnkraft", Filters(doc_type=["yttrande"]), k=10)
    assert yttranden and {h.doc_type for h in yttranden} == {"yttrande"}


def test_body_and_dnr_read_from_the_question_restrict_the_answer(service: AssistantService) -> None:
    answer = service.ask("Vad sa socialnämnden om innovation?")
    assert not answer.abstained and {c.body for c in answer.citations} == {"Socialnämnden"}
    answer = service.ask("Vad handlar ärende KS 2019/1618 om?")
    assert not answer.abstained and {c.source_file for c in answer.citations} == {KS1618}


def test_follow_up_keeps_the_topic_and_switches_the_body(service: AssistantService) -> None:
    history = [
        Turn(role="user", content="Vad sa socialnämnden om innovationsstrategin?"),
        Turn(role="assistant", content="Socialnämnden ansåg att strategin kan vitalisera utvecklingsarbetet."),
    ]
    answer = service.ask("och vad sa kommunstyrelsen?", history=history)
    assert not answer.abstained
    assert {c.body for c in answer.citations} == {"Kommunstyrelsen"}
    assert any("innovation" in c.quote.lower() for c in answer.citations)


def test_protokoll_citations_carry_their_paragraf_and_its_own_dnr(service: AssistantService) -> None:
    answer = service.ask("Vilket parti reserverade sig mot IFO-nämndens budget för 2026?")
    assert not answer.abstained
    assert_quotes_exist(service, answer)
    reservation = answer.citations[0]
    assert reservation.section == "§ 130 – Reservation" and reservation.dnr == ["IF-2025-00247"]
    assert answer.answer.startswith("Reservation: ") and "(S)" in answer.answer.split("\n")[0]
    for c in answer.citations:
        assert c.section.startswith("§ ") and len(c.dnr) == 1, (c.section, c.dnr)


def test_who_signed_is_answered_by_the_signature_block(service: AssistantService) -> None:
    answer = service.ask(
        "Vilka skrev under förvaltningens tjänsteskrivelse om nämndbudget 2026 för Individ & Familjeomsorg?"
    )
    assert not answer.abstained
    assert_quotes_exist(service, answer)
    assert "Märta Lycken Karin Nielsen" in answer.citations[0].quote
    assert any("Förvaltningschef" in c.quote for c in answer.citations)  # the titles under the names


def test_who_decided_quotes_the_sentence_naming_the_person(service: AssistantService) -> None:
    answer = service.ask("Vem fattade beslut om Länsstyrelsens granskningsyttrande över FÖP Mark Nordväst?")
    assert not answer.abstained
    assert "funktionschefen Nina Kiani Janson" in answer.citations[0].quote


def test_whether_there_was_a_vote_is_answered_from_the_decision_procedure(service: AssistantService) -> None:
    answer = service.ask("Blev det någon omröstning i Kungsbackas arbetsutskott om planbeskedet för Lyngås 3:3?")
    assert not answer.abstained
    assert answer.answer.startswith("Ingen omröstning")
    assert "ett förslag till beslut" in answer.citations[0].quote
    assert answer.citations[0].section.startswith("§ 68")


def test_how_someone_voted_in_a_vote_that_never_happened_is_not_answered(service: AssistantService) -> None:
    answer = service.ask("Hur röstade Sverigedemokraterna i arbetsutskottets votering om planbesked för Lyngås 3:3?")
    assert answer.abstained


def test_what_a_guideline_replaces_is_quoted_from_its_head(service: AssistantService) -> None:
    answer = service.ask("Vilket dokument ersattes när Botkyrka antog den nya riktlinjen för anhörigstöd 2025?")
    assert not answer.abstained
    assert "Dokumentet ersätter: Riktlinje för Anhörigstöd, VON/2019:82" in answer.citations[0].quote


def test_what_a_case_is_about_names_it_from_its_own_paragraf(service: AssistantService) -> None:
    # the KSAU protokoll files nine cases; only § 67 is KS-2025-00102
    answer = service.ask("Vad handlar Kungsbackas ärende KS-2025-00102 om?")
    assert not answer.abstained
    assert_quotes_exist(service, answer)
    assert all(c.dnr == ["KS-2025-00102"] for c in answer.citations), [c.dnr for c in answer.citations]
    assert "Ny kärnkraft i Sverige" in answer.citations[0].quote


def test_a_document_of_another_place_does_not_answer_for_the_named_one(service: AssistantService) -> None:
    # the archive holds Botkyrka's riktlinje för anhörigstöd, none from Kungsbacka
    answer = service.ask("Från när gäller Kungsbackas riktlinje för anhörigstöd?")
    assert answer.abstained
    assert "Kungsbacka" in answer.answer
    botkyrka = service.ask("Från när gäller Botkyrkas riktlinje för anhörigstöd?")
    assert not botkyrka.abstained


def test_the_remitting_bodys_dnr_is_read_from_ert_diarienummer(service: AssistantService) -> None:
    answer = service.ask(
        "Vilket diarienummer hade Klimat- och näringslivsdepartementet för remissen om ny kärnkraft"
        " som Kungsbacka besvarade?"
    )
    assert answer.answer.startswith("Diarienummer hos Klimat- och näringslivsdepartementet: KN2024/01912")
    assert answer.citations[0].quote == "KN2024/01912"
    own = service.ask("Vilket diarienummer har Kungsbackas yttrande om ny kärnkraft?")
    assert "KS-2025-00102" in own.answer.splitlines()[0]


def test_an_answer_says_which_organisations_body_said_it(service: AssistantService) -> None:
    answer = service.ask("Vad tyckte kommunstyrelsen i Kungsbacka om förslaget om ny kärnkraft?")
    assert not answer.abstained
    assert "Kungsbacka kommun, kommunstyrelsen, yttrande" in answer.answer
