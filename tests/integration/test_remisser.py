"""Remiss overview: grouping answers per remiss, readable ids, and each answer's stance quoted from its text.

The corpus tests ingest the real documents of ../shared/corpus (.txt files) into a private Chroma once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import remisser as rm
from assistant import stance as st
from assistant.schemas import RemissAnswer, RemissOverview, Stance
from assistant.service import AssistantService
from assistant.settings import Settings
from ingest.models import Document, DocumentFields, Paragraph, Section

# --- pure parts ----------------------------------------------------------------------------------
KARN = "Ny kärnkraft i Sverige – effektivare tillståndsprövning och ändamålsenliga avgifter"
SKOLA = "Bättre förutsättningar för trygghet och studiero i skolan"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Svar på Klimat- och näringslivsdepartementets remiss av kärnkraftsprövningsutredningens "
            f"delbetänkande {KARN} (SOU 2025:7)",
            KARN,
        ),
        (f"Yttrande över Utbildningsdepartementets remiss: {SKOLA} (SOU 2025:8)", SKOLA),
        ("Svar på remissen Bättre förutsättningar (SOU 2025:8)", "Bättre förutsättningar"),
        (
            "Svar på Region Hallands remiss av samrådsversion av Regional fysisk plan Halland 2050",
            "Regional fysisk plan Halland 2050",
        ),
        ("Remiss av: SOU 2015:58 EU och kommunernas bostadspolitik", "EU och kommunernas bostadspolitik"),
        ("Yttrande över Landsbygds- och infrastrukturdepartementets remiss: Betänkandet", ""),
        ("Innovationsstrategi för Stockholms stad", "Innovationsstrategi för Stockholms stad"),
    ],
)
def test_remiss_title_from_answer_and_page_titles(title: str, expected: str) -> None:
    assert rm.remiss_title(title) == expected


def test_slug_is_readable_ascii() -> None:
    assert rm.slug("SOU 2025:7") == "sou-2025-7"
    assert (
        rm.slug("Region Halland Regional fysisk plan – Halland 2050")
        == "region-halland-regional-fysisk-plan-halland-2050"
    )
    assert len(rm.slug("ord " * 60)) <= 80


def _fields(doc_id: str, title: str, **kw: object) -> DocumentFields:
    base: dict[str, object] = {"doc_type": "yttrande", "is_remissvar": True}
    return DocumentFields.model_validate({"id": doc_id, "title": title, **base, **kw})


def test_grouping_by_ref_then_by_remitter_and_title_prefix() -> None:
    fields = [
        _fields("a", "Yttrande över X-departementets remiss: Betänkandet", remiss_ref="SOU 2025:5"),
        _fields(
            "b",
            "Svar på remiss av Avgift för samverkan (SOU 2025:5)",
            doc_type="tjänsteutlåtande",
            remiss_ref="SOU 2025:5",
        ),
        _fields(
            "c",
            "Svar på Region Hallands remiss av Regional fysisk plan Halland 2050",
            remitting_body="Region Halland",
        ),
        _fields(
            "d",
            "Yttrande över Region Hallands remiss av Regional fysisk plan",
            remitting_body="Region Halland",
        ),
        _fields("e", "Yttrande över Region Skånes remiss av Regional fysisk plan", remitting_body="Region Skåne"),
        _fields(
            "f",
            "Remiss SOU 2025:5 Avgift för samverkan",
            doc_type="remiss",
            is_remissvar=False,
            remiss_ref="SOU 2025:5",
        ),
        _fields("g", "Budget 2026", doc_type="tjänsteutlåtande", is_remissvar=False),
        _fields("h", "Yttrande över ett planförslag"),  # a remissvar naming neither ref nor remitter
    ]
    groups = {g.id: g for g in rm.group(fields)}
    assert sorted(groups) == [
        "region-halland-regional-fysisk-plan-halland-2050",
        "region-skane-regional-fysisk-plan",
        "sou-2025-5",
    ]
    assert [d.id for d in groups["sou-2025-5"].answers] == ["a", "b"]
    assert [d.id for d in groups["sou-2025-5"].remiss_docs] == ["f"]
    assert groups["sou-2025-5"].title() == "Avgift för samverkan"
    assert sorted(d.id for d in groups["region-halland-regional-fysisk-plan-halland-2050"].answers) == [
        "c",
        "d",
    ]
    reordered = {g.id: sorted(d.id for d in g.answers) for g in rm.group(fields[::-1])}
    assert reordered == {gid: sorted(d.id for d in g.answers) for gid, g in groups.items()}


def _doc(sections: list[tuple[str, list[str]]]) -> Document:
    out = [
        Section(
            id="s0",
            heading="Dokumenthuvud",
            level=0,
            kind="head",
            paragraphs=[Paragraph(id="s0.p1", section_id="s0", number=1, text="YTTRANDE")],
        )
    ]
    for i, (heading, texts) in enumerate(sections, start=1):
        paragraphs = [Paragraph(id=f"s{i}.p{n}", section_id=f"s{i}", number=n, text=t) for n, t in enumerate(texts, 1)]
        out.append(Section(id=f"s{i}", heading=heading, paragraphs=paragraphs))
    return Document(id="doc1", title="Yttrande", doc_type="yttrande", sections=out)


def test_overall_stance_prefers_sammanfattande_installning_over_later_sections() -> None:
    doc = _doc(
        [
            ("Förslag till beslut", ["Kommunstyrelsen antar yttrandet."]),
            (
                "Sammanfattande inställning",
                ["Bakgrunden är känd.", "Kommunen avstyrker förslaget i sin helhet."],
            ),
            ("Förvaltningens bedömning", ["Förvaltningen tillstyrker förslaget."]),
        ]
    )
    found = rm.overall_stance(doc)
    assert found == Stance(
        stance="avstyrker",
        quote="Kommunen avstyrker förslaget i sin helhet.",
        paragraph_id="doc1#s2.p2",
        section="Sammanfattande inställning",
    )


def test_overall_stance_falls_back_to_the_proposal_and_else_stays_unclear() -> None:
    doc = _doc([("Förslag till beslut", ["Nämnden har inget att erinra mot förslaget."])])
    assert rm.overall_stance(doc).stance == "inget att erinra"
    silent = _doc([("Bakgrund", ["Kommunen tillstyrker förslaget."]), ("Förslag till beslut", ["Nämnden antar."])])
    assert rm.overall_stance(silent) == Stance(stance="unclear")


def test_section_positions_from_numbered_headings_and_inline_numbers() -> None:
    doc = _doc(
        [
            (
                "Kommunens inställning i detalj",
                [
                    "3.1 Rektorns ansvar Kommunen instämmer i förslaget.",
                    "Kommunen vill också nämna resurserna.",
                    "4.2 Nytt register Kommunen kan inte ställa sig bakom förslaget.",
                ],
            ),
            ("Avsnitt 5.1 Avgifter", ["Kommunen ifrågasätter avgiftsnivån."]),
            ("Bakgrund", ["1. En punkt i en lista, inte ett avsnitt."]),
        ]
    )
    got = [(p.heading, p.paragraph_id, p.stance.stance, p.stance.quote) for p in rm.section_positions(doc)]
    assert got == [
        ("3.1 Rektorns ansvar", "doc1#s1.p1", "tillstyrker", "Kommunen instämmer i förslaget."),
        ("4.2 Nytt register", "doc1#s1.p3", "avstyrker", "Kommunen kan inte ställa sig bakom förslaget."),
        ("Avsnitt 5.1 Avgifter", "doc1#s2.p1", "tveksam", "Kommunen ifrågasätter avgiftsnivån."),
    ]


# --- over the real corpus ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def service(shared_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AssistantService]:
    data = tmp_path_factory.mktemp("remisser") / "data"
    svc = AssistantService(
        Settings.model_validate({"data_dir": data, "embedder": "hash", "chroma_host": None, "ocr": False})
    )
    svc.ingestor.ingest(sorted(shared_corpus.glob("*.txt")))
    svc.catalog.refresh(force=True)
    yield svc


def _source(service: AssistantService, doc_id: str) -> str:
    return str(service.catalog.doc_fields[doc_id].source_file)


def _by_source(service: AssistantService, overview: RemissOverview) -> dict[str, RemissAnswer]:
    return {_source(service, a.doc.doc_id): a for a in overview.responses}


def _assert_quoted(service: AssistantService, found: Stance) -> None:
    """The quote is a span of the cited paragraph and by itself reads as the same stance."""
    if found.stance == "unclear":
        assert found.quote is None and found.paragraph_id is None
        return
    assert found.quote and found.paragraph_id
    for quote, pid in (
        (found.quote, found.paragraph_id),
        (found.reservation, found.reservation_paragraph_id),
    ):
        if quote is None:
            continue
        assert pid is not None
        doc_id, local = pid.split("#")
        doc = service.catalog.document(doc_id)
        assert doc is not None and (paragraph := doc.paragraph(local)) is not None
        assert quote in paragraph.text


YTTRANDE_7 = "kungsbacka_ks_yttrande_sou-2025-7-ny-karnkraft_2025-02-05.txt"
TJANSTE_7 = "kungsbacka_ks_tjansteskrivelse_sou-2025-7-ny-karnkraft_2025-01-28.txt"
YTTRANDE_8 = "kungsbacka_ks_yttrande_sou-2025-8-trygghet-studiero_2025-03-20.txt"


def test_remisser_lists_answered_remisser_with_counts(service: AssistantService) -> None:
    listed = {r.id: r for r in service.remisser()}
    assert listed["sou-2025-7"].ref == "SOU 2025:7"
    assert listed["sou-2025-7"].answers == 2
    assert listed["sou-2025-7"].remitting_body == "Klimat- och näringslivsdepartementet"
    assert listed["sou-2025-7"].title.startswith("Ny kärnkraft i Sverige")
    assert listed["sou-2025-8"].answers == 3
    assert listed["sou-2025-5"].answers == 2
    assert listed["region-halland-regional-fysisk-plan-halland-2050"].answers == 2
    assert "sou-2015-58" not in listed  # a remiss page with no answer in the archive
    assert [r.id for r in service.remisser()] == list(listed)  # stable order


def test_overview_sou_2025_7_answers_and_yttrande_stance(service: AssistantService) -> None:
    overview = service.remiss_overview("sou-2025-7")
    assert overview is not None
    assert service.remiss_overview("SOU 2025:7") == overview
    answers = _by_source(service, overview)
    assert set(answers) == {YTTRANDE_7, TJANSTE_7}
    yttrande = answers[YTTRANDE_7]
    assert (yttrande.doc.doc_type, yttrande.doc.body, yttrande.doc.date) == (
        "yttrande",
        "Kommunstyrelsen",
        "2025-02-05",
    )
    assert yttrande.doc.dnr == ["KS-2025-00102"]
    # The summary states no decision, but calls the missing consent for final storage "en stor brist".
    assert yttrande.stance.stance == "tveksam"
    assert yttrande.stance.section == "Sammanfattande inställning"
    assert yttrande.stance.quote is not None and "stor brist" in yttrande.stance.quote
    assert st.classify(yttrande.stance.quote) == ("tveksam", yttrande.stance.quote)
    _assert_quoted(service, yttrande.stance)
    assert yttrande.sections == []  # the answer does not follow the betänkande's numbering


def test_overview_sou_2025_8_overall_and_per_section(service: AssistantService) -> None:
    overview = service.remiss_overview("sou-2025-8")
    assert overview is not None and overview.answers == len(overview.responses) == 3
    yttrande = _by_source(service, overview)[YTTRANDE_8]
    assert yttrande.stance.stance == "tillstyrker med synpunkter"
    assert yttrande.stance.quote is not None and "med några få undantag" in yttrande.stance.quote
    positions = {p.heading.split()[0]: p for p in yttrande.sections}
    assert list(positions) == ["3.1", "3.3.", "3.5", "4.1"]
    assert positions["3.1"].stance.stance == "tillstyrker"
    assert positions["3.5"].stance.stance == "tillstyrker med synpunkter"
    assert "instämmer inte" in (positions["3.5"].stance.quote or "")
    assert positions["4.1"].stance.reservation is not None and "förordar" in positions["4.1"].stance.reservation
    for position in yttrande.sections:
        assert position.paragraph_id == position.stance.paragraph_id
        _assert_quoted(service, position.stance)
    others = [a for a in overview.responses if a is not yttrande]
    assert all(a.stance.stance == "unclear" for a in others)  # the tjänsteskrivelser state no stance


def test_every_quote_in_every_overview_is_in_its_paragraph(service: AssistantService) -> None:
    for summary in service.remisser():
        overview = service.remiss_overview(summary.id)
        assert overview is not None and overview.answers == len(overview.responses) > 0
        for answer in overview.responses:
            _assert_quoted(service, answer.stance)
            for position in answer.sections:
                _assert_quoted(service, position.stance)


def test_remiss_page_without_answers_and_unknown_ids(service: AssistantService) -> None:
    page_only = service.remiss_overview("sou-2015-58")
    assert page_only is not None and page_only.responses == [] and page_only.answers == 0
    assert [d.doc_type for d in page_only.remiss_docs] == ["remiss"]
    assert page_only.remisstid == "2015-12-11"
    assert service.remiss_overview("sou-1999-1") is None
