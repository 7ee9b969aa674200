"""Citations: a quote is located in its paragraph or no citation is made; a protokoll § part is labelled with
its § and carries the §'s own dnr; a model's [n] markers are kept only where the passage supports the
sentence, renumbered in order of first use, and unsupported sentences are flagged."""

from __future__ import annotations

from assistant import citations as cit
from ingest.models import Document
from ingest.parse import ParseOptions, parse_bytes

TJANSTESKRIVELSE = """Tjänsteskrivelse
Datum 2025-03-20
Diarienummer KS-2025-00102

Sammanfattning
Kommunen tillstyrker förslaget om skolans trygghet med vissa synpunkter. Förvaltningen anser att
ordningsreglerna bör vara lokala.

Bakgrund
Regeringen har remitterat betänkandet till kommunen för yttrande senast den 5 maj 2025.
"""

PROTOKOLL = """Protokoll
Kommunstyrelsens arbetsutskott
Sammanträdesdatum 2025-03-04

§ 125 Dnr KS-2025-00011
Yttrande över betänkandet om ny kärnkraft

Beslut
Arbetsutskottet föreslår att kommunstyrelsen antar förvaltningens yttrande.

§ 126 Dnr KS-2025-00042
Revisionsrapport om upphandling

Beslut
Arbetsutskottet lägger rapporten till handlingarna.
"""


def parsed(text: str, name: str) -> Document:
    return parse_bytes(text.encode("utf-8"), name, ParseOptions(ocr=False))


def paragraph_with(doc: Document, words: str) -> str:
    for section in doc.sections:
        for p in section.paragraphs:
            if words in p.text:
                return p.id
    raise AssertionError(f"no paragraph with {words!r}")


def test_a_citation_quotes_an_exact_span_of_an_existing_paragraph() -> None:
    doc = parsed(TJANSTESKRIVELSE, "ts.txt")
    pid = paragraph_with(doc, "tillstyrker")
    quote = "Förvaltningen anser att ordningsreglerna bör vara lokala."
    c = cit.build(1, doc, pid, quote, 0.5)
    assert c is not None
    paragraph = doc.paragraph(pid)
    assert paragraph is not None
    assert paragraph.text[c.start : c.end] == c.quote
    assert c.quote.split() == quote.split()  # found across the line break of the source
    assert c.paragraph_id == f"{doc.id}#{pid}"
    assert c.dnr == ["KS-2025-00102"]


def test_no_citation_for_a_quote_the_paragraph_does_not_hold_or_a_paragraph_that_does_not_exist() -> None:
    doc = parsed(TJANSTESKRIVELSE, "ts.txt")
    pid = paragraph_with(doc, "tillstyrker")
    assert cit.build(1, doc, pid, "Kommunen avstyrker förslaget.", 0.5) is None
    assert cit.build(1, doc, "s99.p1", "Kommunen tillstyrker förslaget", 0.5) is None


def test_a_protokoll_decision_is_cited_with_its_paragraph_and_its_own_dnr() -> None:
    doc = parsed(PROTOKOLL, "protokoll.txt")
    pid = paragraph_with(doc, "lägger rapporten")
    c = cit.build(1, doc, pid, "Arbetsutskottet lägger rapporten till handlingarna.", 0.5)
    assert c is not None
    assert c.section.startswith("§ 126")
    assert c.dnr == ["KS-2025-00042"], "the § item's own case, not the protokoll's first dnr"


def passages_of(doc: Document) -> list[cit.Passage]:
    out = []
    for section in doc.sections:
        for p in section.paragraphs:
            if section.kind != "head":
                out.append(cit.Passage(len(out) + 1, doc, p.id, p.text, section.heading, 1.0))
    return out


def test_supported_markers_are_kept_and_renumbered_in_order_of_use() -> None:
    given = passages_of(parsed(TJANSTESKRIVELSE, "ts.txt"))
    assert [p.text.split()[0] for p in given] == ["Kommunen", "Regeringen"]
    raw = "Remissen ska besvaras senast den 5 maj 2025 [2]. Kommunen tillstyrker förslaget med synpunkter [1]."
    checked = cit.verify(raw, given)
    assert checked.flagged == []
    assert [c.n for c in checked.citations] == [1, 2]
    assert "5 maj 2025" in checked.citations[0].quote
    assert checked.text.endswith("synpunkter [2].") and "2025 [1]." in checked.text


def test_a_marker_the_passage_does_not_support_is_removed_and_the_sentence_flagged() -> None:
    given = passages_of(parsed(TJANSTESKRIVELSE, "ts.txt"))
    checked = cit.verify("Kommunen kräver att staten betalar alla nya kostnader [1]. Påhittat utan källa.", given)
    assert not checked.citations
    assert "[1]" not in checked.text
    assert len(checked.flagged) == 2


def test_a_marker_naming_no_passage_is_dropped() -> None:
    given = passages_of(parsed(TJANSTESKRIVELSE, "ts.txt"))
    checked = cit.verify("Kommunen tillstyrker förslaget med synpunkter [1][7].", given)
    assert [c.n for c in checked.citations] == [1]
    assert "[7]" not in checked.text
    assert checked.flagged, "a sentence citing a passage that does not exist is flagged"


def test_markers_after_the_full_stop_and_passage_ranges_are_read() -> None:
    given = passages_of(parsed(TJANSTESKRIVELSE, "ts.txt"))
    checked = cit.verify("Kommunen tillstyrker förslaget med synpunkter. [passage 1-1]", given)
    assert [c.n for c in checked.citations] == [1]
    assert checked.text == "Kommunen tillstyrker förslaget med synpunkter [1]."


def test_strip_markers() -> None:
    assert cit.strip_markers("Beslut fattades [1, 2] i maj [Passage 3].") == "Beslut fattades i maj."
