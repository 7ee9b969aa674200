"""The UI's pure text functions: labels, highlighting, exports, facets, SSE parsing."""

from __future__ import annotations

import csv
import io
import json

from assistant.schemas import Answer, Citation, DocRef, RemissAnswer, RemissOverview, Stance
from ingest.models import Document, Paragraph, Section
from ui.client import parse_sse
from ui.format import (
    answer_markdown,
    citation_label,
    export_markdown,
    feedback_jsonl,
    find_quote,
    highlight_html,
    history_turns,
    md_escape,
    pages_label,
    paragraph_context,
    parse_facets,
    remiss_rows,
    rows_csv,
    rows_markdown,
)


def citation(n: int = 1, **changes: object) -> Citation:
    fields: dict[str, object] = dict(
        n=n,
        doc_id="d1",
        paragraph_id="d1#s2.p1",
        title="Strategi för innovation",
        doc_type="PM",
        body="Kommunstyrelsen",
        dnr=["KS 2019/1618"],
        date="2019-11-27",
        section="Ersättaryttrande (Fi)",
        section_id="s2",
        pages=[3, 4],
        quote="gjordes av Sissela",
        start=16,
        end=34,
        score=0.5,
        source_file="pm.txt",
    )
    fields.update(changes)
    return Citation.model_validate(fields)


def document() -> Document:
    sections = []
    for s in range(1, 4):
        paragraphs = [
            Paragraph(id=f"s{s}.p{p}", section_id=f"s{s}", number=p, text=f"Stycke {s}.{p}", pages=[s])
            for p in range(1, 3)
        ]
        sections.append(Section(id=f"s{s}", heading=f"Rubrik {s}", paragraphs=paragraphs))
    sections[1].paragraphs[0].text = "Ersättaryttrande gjordes av Sissela <Nordling> & co."
    return Document(id="d1", title="Strategi", sections=sections)


def test_citation_label_names_body_type_dnr_date_and_section() -> None:
    label = citation_label(citation())
    assert label == "[1] Kommunstyrelsen · PM · KS 2019/1618 · 2019-11-27 · Ersättaryttrande (Fi)"
    assert citation_label(citation(body=None, dnr=[], date=None, doc_type="other")).startswith(
        "[1] dokument · odaterat ·"
    )


def test_answer_markdown_escapes_and_badges_markers() -> None:
    md = answer_markdown("Kostnaden är $5 *nu* [1]\n– andra raden [2]")
    assert "\\$5" in md and "\\*nu\\*" in md
    assert ":blue-badge[1]" in md and ":blue-badge[2]" in md
    assert "  \n" in md
    assert md_escape("<b>") == "\\<b\\>"


def test_highlight_marks_exactly_the_span_and_escapes_html() -> None:
    text = "Ersättaryttrande gjordes av Sissela <Nordling> & co."
    out = highlight_html(text, 17, 35)
    assert out.startswith("Ersättaryttrande <mark>gjordes av Sissela</mark>")
    assert "&lt;Nordling&gt; &amp; co." in out
    assert "<mark>" not in highlight_html(text, 5, 500)


def test_find_quote_falls_back_to_searching() -> None:
    text = "Alpha beta gamma"
    assert find_quote(text, "beta", 6, 10) == (6, 10)
    assert find_quote(text, "gamma", 0, 3) == (11, 16)


def test_paragraph_context_surrounds_the_cited_paragraph() -> None:
    context = paragraph_context(document(), "d1#s2.p1", around=2)
    assert [c.paragraph.id for c in context] == ["s1.p1", "s1.p2", "s2.p1", "s2.p2", "s3.p1"]
    assert [c.cited for c in context] == [False, False, True, False, False]
    assert [c.heading for c in context] == ["Rubrik 1", None, "Rubrik 2", None, "Rubrik 3"]
    assert paragraph_context(document(), "d1#s9.p9") == []


def test_pages_label() -> None:
    assert pages_label([]) == ""
    assert pages_label([4]) == "s. 4"
    assert pages_label([4, 3, 5]) == "s. 3–5"


def test_export_markdown_has_question_answer_and_sources() -> None:
    answer = Answer(answer="Sissela Nordling Blanco [1].", citations=[citation()], abstained=False, mode="extractive")
    md = export_markdown("Vem lämnade ersättaryttrande?", answer)
    assert md.startswith("# Fråga\n\nVem lämnade ersättaryttrande?")
    assert "## Svar\n\nSissela Nordling Blanco [1]." in md
    assert "1. *Strategi för innovation* – Kommunstyrelsen · PM · KS 2019/1618 · 2019-11-27" in md
    assert "s. 3–4" in md and "d1#s2.p1" in md and "> gjordes av Sissela" in md


def test_export_markdown_of_an_abstention_lists_nearest() -> None:
    nearest = [DocRef(doc_id="d2", title="Budget", doc_type="tjänsteutlåtande", body="IFO", date=None, dnr=[])]
    answer = Answer(answer="Jag hittar inget.", citations=[], abstained=True, mode="extractive", nearest=nearest)
    md = export_markdown("Vad kostar det?", answer)
    assert "## Källor" not in md
    assert "## Närmaste dokument" in md and "- Budget – IFO · tjänsteutlåtande · odaterat" in md


def test_history_turns_keeps_user_and_assistant_turns_only() -> None:
    msgs = [{"role": "user", "content": f"q{i}"} for i in range(15)]
    msgs.insert(3, {"role": "error", "content": ""})
    turns = history_turns(msgs, limit=10)
    assert len(turns) == 10 and turns[-1] == {"role": "user", "content": "q14"}
    assert all(t["role"] == "user" for t in turns)


def test_remiss_rows_export_as_csv_and_markdown() -> None:
    doc = DocRef(
        doc_id="y1",
        title="Yttrande över SOU 2025:7",
        doc_type="yttrande",
        body="Kommunstyrelsen",
        date="2025-02-05",
        dnr=["KS 2025/0042"],
    )
    overview = RemissOverview(
        id="sou-2025-7",
        title="Ny kärnkraft",
        ref="SOU 2025:7",
        remitting_body=None,
        remisstid=None,
        answers=1,
        responses=[RemissAnswer(doc=doc, stance=Stance(stance="tillstyrker", quote="Kommunen | tillstyrker."))],
    )
    rows = remiss_rows(overview)
    assert rows[0]["Ställningstagande"] == "Tillstyrker" and rows[0]["Dnr"] == "KS 2025/0042"
    parsed = list(csv.DictReader(io.StringIO(rows_csv(rows))))
    assert parsed[0]["Instans"] == "Kommunstyrelsen" and parsed[0]["Citat"] == "Kommunen | tillstyrker."
    md = rows_markdown("Ny kärnkraft", rows)
    assert "| Instans | Typ | Datum | Dnr | Ställningstagande | Citat | Dokument |" in md
    assert "Kommunen \\| tillstyrker." in md


def test_feedback_jsonl_is_one_object_per_line() -> None:
    text = feedback_jsonl([{"rating": "up", "question": "Å?"}, {"rating": "down"}])
    lines = text.splitlines()
    assert len(lines) == 2 and json.loads(lines[0]) == {"rating": "up", "question": "Å?"}
    assert "Å?" in text


def test_parse_facets_accepts_counts_in_several_shapes() -> None:
    facets = parse_facets(
        {
            "bodies": [{"value": "Kommunstyrelsen", "count": 2}, {"value": "IFO", "count": 1}],
            "types": {"yttrande": 3},
            "years": [{"value": "2025", "count": 3}, {"value": "2019"}],
        }
    )
    assert facets.bodies == ["IFO", "Kommunstyrelsen"]
    assert facets.types == ["yttrande"]
    assert facets.years == [2019, 2025]
    assert parse_facets(None).bodies == []


def test_parse_sse_reads_events_json_and_text() -> None:
    lines = [
        "event: citations",
        'data: {"citations": []}',
        "",
        ": keep-alive",
        "",
        "event: delta",
        'data: {"text": "Hej"}',
        "",
        "event: final",
        "data: rå",
        "data: text",
        "",
    ]
    events = list(parse_sse(iter(lines)))
    assert [e.kind for e in events] == ["citations", "delta", "final"]
    assert events[1].data == {"text": "Hej"}
    assert events[2].data == "rå\ntext"


def test_a_pdf_source_link_opens_the_first_cited_page() -> None:
    from ui.format import source_url

    url = source_url("http://127.0.0.1:8000/", "d1", "plan.PDF", [4, 3])
    assert url == "http://127.0.0.1:8000/v1/documents/d1/source#page=3"
    assert source_url("http://h", "d1", "pm.txt", [3]) == "http://h/v1/documents/d1/source"  # text: no page
    assert source_url("http://h", "d1", "plan.pdf", []) == "http://h/v1/documents/d1/source"


def test_every_type_has_a_swedish_label_and_a_case_link_encodes_the_dnr() -> None:
    from ui.format import case_url, type_label

    assert type_label("other") == "dokument" and type_label("yttrande") == "yttrande (remissvar)"
    assert case_url(["KS 2019/1618", "KS 2019/1"]) == "arende?dnr=KS%202019%2F1618"
    assert case_url([]) is None


def test_an_upload_result_reads_as_one_swedish_line_per_file() -> None:
    from ui.format import reason_sv, upload_line

    added = {
        "filename": "yttrande.pdf",
        "status": "added",
        "doc_type": "yttrande",
        "organisation": "Kungsbacka kommun",
        "body": "Kommunstyrelsen",
        "dnr": ["KS-2025-00102"],
        "date": "2025-02-05",
        "reason": "",
    }
    assert upload_line(added) == (
        "yttrande.pdf: Tillagd · Kungsbacka kommun, kommunstyrelsen · yttrande (remissvar) · KS-2025-00102 · 2025-02-05"
    )
    twin = {
        **added,
        "filename": "yttrande_OCR.txt",
        "status": "variant",
        "reason": "same text as yttrande.pdf (99% alike): kept as its variant",
    }
    assert upload_line(twin).endswith("— samma text som yttrande.pdf (99% lika): sparad som variant av det")
    skipped = {"filename": "brev.rtf", "status": "skipped", "reason": "unsupported file type; accepted: .docx, .pdf"}
    assert upload_line(skipped) == "brev.rtf: Inte inläst — filtypen läses inte (arkivet läser .docx, .pdf)"
    assert reason_sv("cannot be read (OSError)") == "tjänstens besked: cannot be read (OSError)"
