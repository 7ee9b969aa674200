"""What shows that a sentence answers a kind of question: a person named in a role, a signature block, a
decision procedure without a vote, a validity line that is more than a date."""

from __future__ import annotations

import pytest

from assistant.answer import evidence as ev
from assistant.query.answer_type import asks_signatory, asks_what_about, asks_whether_voted


@pytest.mark.parametrize(
    "text",
    [
        "Detta beslut har fattats av funktionschefen Nina Kiani Janson.",
        "Föredragande har varit hovrättsfiskalen Kevin McCabe.",
        "Frågor kan ställas till [Sophie Ahlstrand](mailto:sophie.ahlstrand@regeringskansliet.se), telefon",
        "Kungsbacka kommun 434 81 Kungsbacka Matti Ekensten 0300-837318",
        "Matti Ekensten, lokalutvecklare, §§ 127-128",
        "Målet har föredragits av Harry Hodzic.",
        "Ordförande Lisa Andersson (M) konstaterar att det finns ett förslag till beslut.",
    ],
)
def test_a_person_in_a_role_is_evidence_for_who(text: str) -> None:
    assert ev.has_evidence("person", text)


@pytest.mark.parametrize(
    "text",
    [
        "Region Halland och Hallands läns kommuner har ansökt om uppdraget.",
        "FÖP Mark Nordväst föreslår placering av ny bebyggelse.",
        "Tf Förvaltningschef Enhetschef Ekonomi & Administration",  # titles, not a name
        "Grundkartan har uppdaterats av Region Halland.",
    ],
)
def test_capitalised_places_bodies_and_titles_are_no_person(text: str) -> None:
    assert not ev.has_evidence("person", text)


def test_a_signature_block_is_names_over_titles() -> None:
    assert ev.is_signature("Märta Lycken Karin Nielsen", "Tf Förvaltningschef Enhetschef Ekonomi & Administration")
    assert ev.is_signature("Anders Johansson Lovisa Eld", "Tillförordnad kommundirektör Samhällsbyggnadschef")
    assert not ev.is_signature("Kommunstyrelsen", "Märta Lycken Karin Nielsen")
    assert not ev.is_signature("Märta Lycken Karin Nielsen", "Kommunstyrelsen")


def test_a_decision_without_a_vote_answers_whether_there_was_one() -> None:
    text = "Ordförande Lisa Andersson (M) konstaterar att det finns ett förslag till beslut."
    assert ev.has_evidence("procedure", text)
    assert not ev.has_evidence("vote", text)  # "hur röstade …" needs a vote
    assert ev.kind_of("vote", False, vote_whether=True) == "procedure"
    assert ev.kind_of("vote", False, vote_whether=False) == "vote"


def test_a_bare_date_does_not_say_how_long_a_document_is_valid() -> None:
    assert not ev.holds_kind("validity", "Dokumentet beslutades den: 2025-06-16")
    assert ev.holds_kind("validity", "Dokumentet gäller till den: tills vidare")
    assert ev.holds_kind("validity", "Dokumentet ersätter: Riktlinje för Anhörigstöd, VON/2019:82")


def test_question_forms_of_signatory_and_whether_voted() -> None:
    assert asks_signatory("Vilka skrev under tjänsteskrivelsen om nämndbudgeten?")
    assert asks_signatory("Vem undertecknade yttrandet?")
    assert not asks_signatory("Vem var föredragande?")
    assert asks_whether_voted("Blev det någon omröstning i arbetsutskottet om planbeskedet?")
    assert asks_whether_voted("Avgjordes budgeten genom votering?")
    assert not asks_whether_voted("Hur röstade Sverigedemokraterna i voteringen?")


def test_question_form_of_what_about() -> None:
    assert asks_what_about("Vad handlar ärende KS-2025-00102 om?")
    assert asks_what_about("Vad gäller IF-2025-00247?")
    assert not asks_what_about("Från när gäller riktlinjen?")
