"""Stance rules over short Swedish sentences: every category, negation, reservations, and "unclear"."""

from __future__ import annotations

import pytest

from assistant import stance as st


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kommunen tillstyrker förslaget.", "tillstyrker"),
        ("Nämnden ställer sig bakom utredningens förslag.", "tillstyrker"),
        ("Kommunen ställer sig positiv till förslaget.", "tillstyrker"),
        ("Regionen välkomnar förslaget om ett nationellt register.", "tillstyrker"),
        ("Kommunen delar utredningens bedömning.", "tillstyrker"),
        ("Kommunen instämmer i förslaget.", "tillstyrker"),
        ("Förslaget kan tillstyrkas.", "tillstyrker"),
        ("Kommunen tillstyrker förslaget med följande synpunkter.", "tillstyrker med synpunkter"),
        ("Kommunen tillstyrker i huvudsak förslaget.", "tillstyrker med synpunkter"),
        ("Kommunen instämmer i utredningens förslag, med några få undantag.", "tillstyrker med synpunkter"),
        (
            "Kommunen ser positivt på förslaget, förutsatt att staten finansierar det.",
            "tillstyrker med synpunkter",
        ),
        ("Kommunen är tveksam till förslaget.", "tveksam"),
        ("Kommunen ifrågasätter behovet av en ny lag.", "tveksam"),
        ("Detta ser förvaltningen som en stor brist i förslaget.", "tveksam"),
        ("Kommunen avstyrker förslaget.", "avstyrker"),
        ("Förslaget bör avstyrkas.", "avstyrker"),
        ("Kommunen motsätter sig förslaget.", "avstyrker"),
        ("Kommunen har inget att erinra mot förslaget.", "inget att erinra"),
        ("Nämnden har inga synpunkter på remissen.", "inget att erinra"),
        ("Kommunen har ingen erinran mot förslaget.", "inget att erinra"),
    ],
)
def test_each_category_from_a_cue(text: str, expected: str) -> None:
    stance, quote = st.classify(text)
    assert stance == expected
    assert quote == text


@pytest.mark.parametrize(
    "text",
    [
        "Kommunen kan inte tillstyrka förslaget.",
        "Kommunen kan därför inte tillstyrka förslaget i sin nuvarande form.",
        "Kommunen kan inte ställa sig bakom utredningens förslag.",
        "Kommunen ställer sig inte bakom förslaget.",
        "Kommunen instämmer inte i förslaget.",
        "Kommunen delar inte utredningens bedömning.",
        "Kommunen anser att förslaget inte kan tillstyrkas.",
        "Förslaget tillstyrks inte av nämnden.",
    ],
)
def test_negated_support_is_avstyrker(text: str) -> None:
    assert st.classify(text) == ("avstyrker", text)


@pytest.mark.parametrize(
    "text",
    [
        "Utredningen föreslår en ny lag om principbeslut.",
        # describes the proposal: the municipality need not consent — not the municipality's stance
        "I utredningen föreslås att kommunen inte behöver tillstyrka ett principbeslut.",
        "Kommunen behöver tillstyrka lokaliseringen för att regeringen ska kunna fatta beslut.",
        "Förvaltningen ser att tillstyrkandet av principbeslutet även bör omfatta grannkommuner.",
        "Kommunen har inga ytterligare synpunkter.",
        "Kommunen avstyrker inte förslaget.",
        "Kommunen delar stadsledningskontorets synpunkt om vikten av samverkan.",
        "",
    ],
)
def test_no_cue_is_unclear_without_a_quote(text: str) -> None:
    assert st.classify(text) == ("unclear", None)


def test_first_deciding_sentence_wins_and_later_support_does_not_soften_a_rejection() -> None:
    assert st.classify("Kommunen avstyrker förslaget. Kommunen välkomnar dock ambitionen.") == (
        "avstyrker",
        "Kommunen avstyrker förslaget.",
    )


def test_support_with_a_rejected_part_in_the_same_sentence_is_med_synpunkter() -> None:
    text = "Kommunen instämmer i möjligheten, men instämmer inte i förslaget att det ska vara tvingande."
    assert st.classify(text) == ("tillstyrker med synpunkter", text)


def test_reservation_in_another_sentence_is_quoted_separately() -> None:
    reading = st.read(
        ["Kommunen välkomnar förslaget. Regionen har lämnat synpunkter.", "Kommunen saknar dock en analys."]
    )
    assert reading.stance == "tillstyrker med synpunkter"
    assert (reading.quote, reading.passage) == ("Kommunen välkomnar förslaget.", 0)
    assert (reading.reservation, reading.reservation_passage) == ("Kommunen saknar dock en analys.", 1)


def test_no_objection_with_criticism_elsewhere_is_med_synpunkter() -> None:
    reading = st.read(["Kommunen har inget att erinra mot förslaget. Kommunen ser dock en risk för högre kostnader."])
    assert reading.stance == "tillstyrker med synpunkter"
    assert reading.reservation == "Kommunen ser dock en risk för högre kostnader."


def test_criticism_without_a_decision_is_tveksam_quoting_the_critical_sentence() -> None:
    text = (
        "Förslaget bedöms inte påverka självstyret, förutsatt att fullmäktige har inflytande. "
        "Detta ser förvaltningen som en stor brist i förslaget. Förvaltningen ser också stora konsekvenser."
    )
    assert st.classify(text) == ("tveksam", "Detta ser förvaltningen som en stor brist i förslaget.")


def test_a_weak_reservation_alone_is_not_a_stance() -> None:
    assert st.classify("Kommunen ser en viss risk i gränsdragningen.") == ("unclear", None)


def test_quotes_are_exact_spans_of_the_text() -> None:
    text = "Bakgrund  om ärendet.   Kommunen  tillstyrker förslaget (se bilaga).  Övrigt."
    stance, quote = st.classify(text)
    assert stance == "tillstyrker"
    assert quote is not None and quote in text


def test_cues_are_ordered_and_negation_hides_the_positive_inside_it() -> None:
    kinds = [c.kind for c in st.cues("Kommunen instämmer inte i förslaget men välkomnar utredningen.")]
    assert kinds[0] == "negative"
    assert "positive" in kinds[1:]
    assert [c.kind for c in st.cues("Kommunen instämmer inte.") if c.kind == "positive"] == []
