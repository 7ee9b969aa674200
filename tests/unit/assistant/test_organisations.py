"""Organisations named in a question are found on a remiss list however the list spells them: acronyms
through the initials of the written-out name (compound parts included), former names, and bodies named by
their form; an acronym never matches across list items or a word in lower case."""

from __future__ import annotations

import pytest

from assistant import organisations as org
from assistant.query import plan

REMISS_LIST = """Remissinstanser
1. Inspektionen för vård och omsorg
2. Sveriges lantbruksuniversitet
3. Myndigheten för samhällsskydd och beredskap
4. Statistiska centralbyrån
5. Svea hovrätt, Mark- och miljööverdomstolen
6. Sveriges Kommuner och Landsting
7. Gotlands kommun
8. Stockholms kommun, Region Halland"""


@pytest.mark.parametrize(
    ("question", "listed_as"),
    [
        ("Fick IVO remissen?", "Inspektionen för vård och omsorg"),
        ("Var SLU remissinstans?", "Sveriges lantbruksuniversitet"),
        ("Fanns MSB med på sändlistan?", "Myndigheten för samhällsskydd och beredskap"),
        ("Var SCB en av remissinstanserna?", "Statistiska centralbyrån"),
        ("Var Mark- och miljööverdomstolen remissinstans?", "Mark- och miljööverdomstolen"),
        ("Var SKR remissinstans?", "Sveriges Kommuner och Landsting"),  # the former name on an old list
        ("Fick Region Gotland remissen?", "Gotlands kommun"),
    ],
)
def test_an_organisation_is_found_on_the_list_however_the_list_spells_it(question: str, listed_as: str) -> None:
    (spellings,) = org.spellings_in_question(question)
    assert org.named_in(REMISS_LIST, spellings) == listed_as


def test_an_organisation_not_on_the_list_is_not_found() -> None:
    for question in ("Fick Boverket remissen?", "Var SKL:s efterträdare KTH remissinstans?", "Fick SiS remissen?"):
        for spellings in org.spellings_in_question(question):
            if spellings[0] in ("Boverket", "KTH", "SiS"):
                assert org.named_in(REMISS_LIST, spellings) is None, question


def test_an_acronym_does_not_match_across_list_items_or_a_phrase_in_a_sentence() -> None:
    assert org.expands("SKR", "Stockholms kommun, Region Halland") is None
    assert org.expands("IVO", "Vi ser inga problem med vård och omsorg") is None  # not a whole list item


def test_a_lower_case_word_is_not_an_acronym() -> None:
    assert org.spellings_in_question("Bostäder att bo kvar i") == []


def test_the_question_reading_carries_the_spellings_and_reads_membership() -> None:
    p = plan("Fick VGR Socialdepartementets remiss om vård i glesbygd?")
    assert p.answer_type == "membership"
    assert "Västra Götalandsregionen" in p.organisation_spellings
    assert plan("Finns IVO med på sändlistan för remissen?").answer_type == "membership"
