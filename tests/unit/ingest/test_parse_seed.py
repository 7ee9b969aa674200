"""Seed facts: what the two seed documents say (bundled in corpus/), and a protokoll of the shared corpus."""

from __future__ import annotations

import re

import pytest

from ingest.models import Document
from ingest.parse import parse_bytes
from tests.paths import corpus_source

PM_2019 = "2019_KS-2019-1618_pm_rotel_I_strategi_for_innovation_region_stockholm.txt"
TU_2015 = "2015_socialnamnden_tjansteutlatande_innovationsstrategi_stockholms_stad.txt"
PROTOKOLL = "kungsbacka_ksau_protokoll_2025-03-04.txt"
PARAGRAPH_ID = re.compile(r"^(?:s\d+|§\d+(?:-\d+)?)\.p\d+$")


def parse(name: str) -> Document:
    return parse_bytes(corpus_source(name).read_bytes(), name)


@pytest.fixture(scope="module")
def pm() -> Document:
    return parse(PM_2019)


@pytest.fixture(scope="module")
def tu() -> Document:
    return parse(TU_2015)


def test_pm_2019_head_fields(pm: Document) -> None:
    assert pm.dnr == ["KS 2019/1618"]
    assert pm.date == "2019-11-27"
    assert (pm.body or "").lower() == "kommunstyrelsen"
    assert pm.doc_type == "PM"
    assert pm.remitting_body == "Region Stockholm"
    assert pm.remisstid == "2019-12-20"


def test_pm_2019_party_statements(pm: Document) -> None:
    parties = {party for statement in pm.statements for party in statement.parties}
    assert {"S", "V"} <= parties
    assert any(set(s.parties) >= {"S", "V"} and s.kind == "Särskilt uttalande" for s in pm.statements)
    [ersattare] = [s for s in pm.statements if s.kind == "Ersättaryttrande"]
    assert ersattare.parties == ["Fi"]
    assert "Sissela Nordling Blanco" in ersattare.people
    quoted = pm.paragraph(ersattare.paragraph_id)
    assert quoted is not None and quoted.text.startswith("Ersättaryttrande gjordes av Sissela Nordling Blanco (Fi)")
    section = pm.section(ersattare.section_id)
    assert section is not None and section.kind == "statement" and section.parties == ["Fi"]


def test_tu_2015_head_fields(tu: Document) -> None:
    assert tu.body == "Socialnämnden"
    assert tu.unit == "Socialförvaltningen"
    assert tu.handlaggare == "Lisbeth Westerlund"
    assert tu.remisstid == "2015-10-05"
    assert tu.doc_type == "tjänsteutlåtande"


def test_tu_2015_unknown_stays_unknown(tu: Document) -> None:
    """The text gives no diarienummer and no date of its own: nothing is guessed."""
    assert tu.dnr == []
    assert tu.date is None


def test_paragraph_split_by_page_break_is_healed(tu: Document) -> None:
    matching = [p for p in tu.paragraphs() if "integrerade" in p.text and "ledningssystem och ge ledning" in p.text]
    assert len(matching) == 1
    assert "styrning och integrerade ledningssystem och ge ledning" in matching[0].text
    assert not any(p.text.startswith("ledningssystem och ge ledning") for p in tu.paragraphs())
    assert not any(p.text.startswith("innovationer är emellertid") for p in tu.paragraphs())


@pytest.mark.parametrize("name", [PM_2019, TU_2015, PROTOKOLL])
def test_paragraph_ids_unique_readable_and_stable(name: str) -> None:
    first, second = parse(name), parse(name)
    ids = [p.id for p in first.paragraphs()]
    assert ids, "no paragraphs"
    assert len(ids) == len(set(ids))
    assert all(PARAGRAPH_ID.match(i) for i in ids), [i for i in ids if not PARAGRAPH_ID.match(i)]
    assert ids == [p.id for p in second.paragraphs()]
    assert [p.text for p in first.paragraphs()] == [p.text for p in second.paragraphs()]
    assert first.id == second.id


def test_protokoll_paragraphs_are_cited_by_paragraf() -> None:
    doc = parse(PROTOKOLL)
    paragraf = doc.section("§67")
    assert paragraf is not None and paragraf.kind == "paragraf"
    assert paragraf.dnr == ["KS-2025-00102"]
    first = doc.paragraph("§67.p1")
    assert first is not None and first.text.startswith("Svar på Klimat- och näringslivsdepartementets remiss")
    assert [s.id for s in doc.sections if s.kind == "paragraf"] == [f"§{n}" for n in range(66, 75)]


@pytest.mark.parametrize("name", [PM_2019, TU_2015, PROTOKOLL])
def test_offsets_point_into_the_document_text(name: str) -> None:
    doc = parse(name)
    for p in doc.paragraphs():
        assert doc.text[p.start : p.end] == p.text, p.id
