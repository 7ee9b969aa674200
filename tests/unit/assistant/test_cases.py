"""What the case view quotes from each kind of document: a protokoll §'s Beslut, a förslag till beslut, the
first sentence of a Sammanfattning — verbatim, with the paragraph ids it rests on."""

from __future__ import annotations

from assistant.cases import case_document, first_sentence
from ingest.models import Document, Paragraph, Section


def section(
    sid: str,
    heading: str,
    texts: list[str],
    kind: str = "section",
    parent: str | None = None,
    dnr: list[str] | None = None,
) -> Section:
    paragraphs = [Paragraph(id=f"{sid}.p{n}", section_id=sid, number=n, text=t) for n, t in enumerate(texts, 1)]
    return Section(id=sid, heading=heading, kind=kind, parent=parent, dnr=dnr or [], paragraphs=paragraphs)


def protokoll() -> Document:
    return Document(
        id="prot",
        title="Protokoll Kommunstyrelsen 2025-03-04",
        doc_type="protokoll",
        body="Kommunstyrelsen",
        dnr=["KS-2025-00086", "KS-2025-00102"],
        date="2025-03-04",
        sections=[
            section("s0", "Dokumenthuvud", ["Protokoll"], kind="head"),
            section("§66", "§ 66 Dnr KS-2025-00086", ["Årsredovisning 2024"], kind="paragraf", dnr=["KS-2025-00086"]),
            section("s1", "Beslut", ["Kommunstyrelsen godkänner årsredovisningen."], parent="§66"),
            section(
                "§67", "§ 67 Dnr KS-2025-00102", ["Yttrande över SOU 2025:7"], kind="paragraf", dnr=["KS-2025-00102"]
            ),
            section(
                "s2", "Sammanfattning av ärendet", ["Kommunen har fått remissen. Den gäller kärnkraft."], parent="§67"
            ),
            section(
                "s3",
                "Beslut",
                ["Kommunstyrelsen antar yttrandet.", "Beslutet skickas till departementet."],
                parent="§67",
            ),
        ],
    )


def test_a_protokoll_gives_the_beslut_of_the_item_for_this_dnr_not_another() -> None:
    entry = case_document(protokoll(), "ks 2025/00102")
    assert entry.item == "§ 67 Dnr KS-2025-00102"
    assert entry.dnr == ["KS-2025-00102"]
    assert entry.decision is not None
    assert entry.decision.kind == "beslut"
    assert entry.decision.text == "Kommunstyrelsen antar yttrandet.\nBeslutet skickas till departementet."
    assert entry.paragraph_ids == ["prot#s3.p1", "prot#s3.p2"]
    assert entry.type_label == "protokoll"


def test_a_document_without_proposal_quotes_the_first_sentence_of_its_summary() -> None:
    doc = Document(
        id="pm",
        title="PM om kärnkraft",
        doc_type="other",
        dnr=["KS-2025-00102"],
        sections=[section("s1", "Sammanfattning", ["Kommunen ser positivt på förslaget. Men kostnaderna oroar."])],
    )
    entry = case_document(doc, "KS-2025-00102")
    assert entry.decision is not None
    assert (entry.decision.kind, entry.decision.text) == ("sammanfattning", "Kommunen ser positivt på förslaget.")
    assert entry.paragraph_ids == ["pm#s1.p1"]
    assert entry.type_label == "dokument"
    assert entry.date is None


def test_nothing_is_invented_when_the_document_states_no_decision() -> None:
    doc = Document(id="x", title="Bilaga", doc_type="other", sections=[section("s1", "Karta", ["Karta över området"])])
    entry = case_document(doc, "KS-2025-00102")
    assert entry.decision is None and entry.stance is None
    assert entry.paragraph_ids == ["x#s1.p1"]


def test_first_sentence_keeps_abbreviation_free_text_verbatim() -> None:
    assert first_sentence("Ett. Två.") == "Ett."
    assert first_sentence("Bara en mening utan punkt") == "Bara en mening utan punkt"
    assert first_sentence("Beslut enligt 3 § 2 st. gäller") == "Beslut enligt 3 § 2 st. gäller"
