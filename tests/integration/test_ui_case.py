"""The UI over a real API (uvicorn on 127.0.0.1) and a real Chroma index of the synthetic corpus plus one
generated two-page PDF: the Ärende page, the original opened at the cited PDF page, and Swedish on every page
(the visible text of each page, checked against English UI words and a small allow-list)."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from ingest.pipeline import Ingestor
from tests.api_helpers import Q_KARNKRAFT, Q_NONSENSE, fresh_data_dir, settings_for
from tests.integration.test_ui_pages import running_api
from tests.paths import PROJECT_ROOT

APP = PROJECT_ROOT / "ui" / "app.py"
TIMEOUT = 30
DNR = "KS-2025-00102"
PDF_NAME = "asby_bn_pm_vindkraft_2025-04-10.pdf"
PDF_WORDS = "vindkraftverken vid Norrhamnen"

# English words of user interfaces (none of them a Swedish word): any of them on a page is a string of ours,
# or Streamlit's, left in English.
ENGLISH = set(
    """the and of to with for from this that your you are was were is not no yes none or if then select choose
    upload uploads browse files file drag here drop limit page pages found other unclear option options results
    search searching document documents answer answers question questions source sources quote quotes citation
    citations error errors loading please click download open close back next previous clear reset cancel
    submit send apply add remove delete edit save title body date type types stance decision case summary
    proposal untitled nothing empty press enter run runs running metric metrics recall precision passage
    abstains unanswerable answerable ask view list filters settings help more less show hide""".split()  # noqa: SIM905
)
# Terms that are not Swedish but belong on the pages: product and format names, abbreviations, setting values.
ALLOWED = {"PDF", "API", "CSV", "JSON", "Markdown", "MRR", "nDCG", "Remissarkivet", "lexical", "hash"}

STRUCTURAL = {"id", "tag", "columns", "default", "raw_value", "value", "form_id", "icon", "page_script_hash", "spec"}
# Shown as data, not text of ours: st.json of a run's configuration (its keys are the config's field names).
DATA_ELEMENTS = {"Json"}
WORD = re.compile(r"[A-Za-zÅÄÖåäöÉé]+")
HIDDEN = re.compile(
    # a download's media URL is a random hex name ("/mock/media/3add9….md"): its letters are no words of ours
    r"<style>.*?</style>|<[^>]+>|`[^`]*`|https?://\S+|/mock/media/\S+|:[a-z]+(?:-[a-z]+)*\[|:material/[a-z_]+:"
    r"|\b[0-9a-f]{16}#\S+",
    re.DOTALL,
)


@pytest.fixture(scope="module")
def api_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = fresh_data_dir(tmp_path_factory, tmp_path_factory.mktemp("ui-case") / "data")
    pdf = tmp_path_factory.mktemp("pdf") / PDF_NAME
    pdf.write_bytes(two_page_pdf())
    settings = settings_for(data_dir)
    report = Ingestor(settings).ingest([pdf])
    assert report.count("added") == 1, report.summary()
    with running_api(settings) as url:
        yield url


@pytest.fixture
def app(api_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    monkeypatch.setenv("REMISS_API_URL", api_url)
    monkeypatch.delenv("REMISS_API_KEY", raising=False)
    main = sys.modules["__main__"]
    try:
        yield AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    finally:  # AppTest leaves its script as __main__, which worker processes spawned later would re-run
        sys.modules["__main__"] = main


def two_page_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, "PM\nByggnadsnämnden\nDatum 2025-04-10\n\nBakgrund\nNämnden har fått frågor om vindkraft.")
    pdf.add_page()
    pdf.multi_cell(0, 8, f"Bedömning\nDe nya {PDF_WORDS} ska prövas enligt miljöbalken innan bygglov ges.")
    return bytes(pdf.output())


def page(at: AppTest, name: str) -> AppTest:
    at.switch_page(name).run()
    assert not at.exception, at.exception
    return at


def strings(message: Any, out: list[str]) -> None:
    for field, value in message.ListFields():
        if field.name in STRUCTURAL:
            continue
        for item in value if type(value).__name__.startswith("Repeated") else [value]:
            if isinstance(item, str):
                out.append(item)
            elif hasattr(item, "ListFields"):
                strings(item, out)


def visible_text(at: AppTest) -> str:
    """Every string an element of the page shows (bodies, labels, placeholders, help, options, table
    headers), with markup, code, links and paragraph ids taken out."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if getattr(node, "proto", None) is not None and type(node).__name__ not in DATA_ELEMENTS:
            strings(node.proto, out)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    for frame in at.dataframe:
        out += [str(c) for c in frame.value.columns]
        for config in json.loads(frame.proto.columns or "{}").values():
            out += [str(config.get(k) or "") for k in ("label", "help")]
            out.append(str(config.get("type_config", {}).get("display_text") or ""))
    return HIDDEN.sub(" ", "\n".join(out))


def english_words(text: str) -> set[str]:
    return {w for w in WORD.findall(text) if w.lower() in ENGLISH and w not in ALLOWED}


# --- Ärende ------------------------------------------------------------------------------------------------
def test_case_page_shows_the_documents_of_a_dnr_in_date_order_with_their_quotes(app: AppTest) -> None:
    at = page(app.run(), "case.py")
    at.text_input(key="case_dnr").set_value(DNR).run()
    assert not at.exception
    headings = [m.value for m in at.markdown if m.value.startswith("**") and ". 2025-" in m.value]
    assert headings == ["**1. 2025-01-28 · tjänsteutlåtande**", "**2. 2025-02-05 · yttrande (remissvar)**"]
    text = "\n".join(m.value for m in at.markdown)
    assert "> Kommunstyrelsen antar yttrande, daterat 2025-02-05" in text
    assert "> Åsby kommun tillstyrker förslaget om en tidig och samlad prövning av ny kärnkraft" in text
    captions = "\n".join(c.value for c in at.caption)
    assert f"2 dokument med diarienummer {DNR}, äldst först." in captions
    assert "Ställningstagande: Tillstyrker med synpunkter" in captions
    assert at.query_params["dnr"] == DNR
    next(b for b in at.button if b.label == "Öppna dokumentet").click().run()
    assert not at.exception
    assert "ra-cited" in "\n".join(m.value for m in at.markdown)  # the quoted paragraph marked in the reader


def test_case_page_opens_from_a_link_and_explains_an_unknown_dnr(app: AppTest) -> None:
    app.query_params["dnr"] = "ks 2025/00102"
    at = page(app.run(), "case.py")
    assert at.text_input(key="case_dnr").value == "ks 2025/00102"
    assert any("2 dokument med diarienummer" in c.value for c in at.caption)
    at.text_input(key="case_dnr").set_value("KS-1999-99999").run()
    assert not at.exception and not at.error
    assert any("Inget dokument i arkivet har diarienummer KS-1999-99999" in i.value for i in at.info)


def test_documents_list_links_each_row_to_its_case(app: AppTest) -> None:
    at = page(app.run(), "documents.py")
    table = at.dataframe[0].value
    links = dict(zip(table["Typ"], table["Ärende"], strict=True))
    assert links["yttrande (remissvar)"] == links["tjänsteutlåtande"] == f"arende?dnr={DNR}"
    assert json.loads(at.dataframe[0].proto.columns)["Ärende"]["type_config"]["display_text"] == "Visa ärendet"


# --- the page in the PDF -----------------------------------------------------------------------------------
def test_a_pdf_hit_opens_the_original_at_its_page(app: AppTest, api_url: str) -> None:
    at = page(app.run(), "documents.py")
    at.text_input(key="hit_q").set_value(PDF_WORDS).run()
    assert not at.exception
    links = [e.proto for e in at.get("link_button")]
    pdf_links = [link for link in links if "/source" in link.url and link.url.endswith("#page=2")]
    assert pdf_links, [(link.label, link.url) for link in links]
    assert pdf_links[0].label == "Öppna originalet på sidan 2"
    assert pdf_links[0].url.startswith(f"{api_url}/v1/documents/")


# --- Swedish throughout ------------------------------------------------------------------------------------
def test_the_checker_catches_english(app: AppTest) -> None:
    assert english_words("Select all · Upload · Page not found · unclear · other") == {
        "Select",
        "Upload",
        "Page",
        "not",
        "found",
        "unclear",
        "other",
    }
    assert not english_words("Ladda ner originalet (PDF) · API-nyckeln · Markdown · all text · be den som driver")


def test_every_page_speaks_swedish(app: AppTest) -> None:
    seen: dict[str, str] = {}
    at = app.run()
    seen["Chatt"] = visible_text(at)
    at.chat_input[0].set_value(Q_KARNKRAFT).run()
    chips = [b for b in at.button if b.label.startswith("[1] ")]
    assert chips
    chips[0].click().run()
    seen["Chatt med svar och källa"] = visible_text(at)
    at.chat_input[0].set_value(Q_NONSENSE).run()
    seen["Chatt utan svar"] = visible_text(at)
    page(at, "documents.py")
    seen["Dokument"] = visible_text(at)
    at.session_state["doc_table_0"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    seen["Dokument, läsaren"] = visible_text(at)
    next(b for b in at.button if b.label == "Tillbaka till listan").click().run()
    at.text_input(key="hit_q").set_value("kommunala självstyret").run()
    seen["Dokument, textsökning"] = visible_text(at)
    page(at, "precedents.py")
    at.text_area(key="prec_text").set_value("Remiss om ny kärnkraft, principbeslut och kommunalt självstyre.").run()
    next(b for b in at.button if b.label == "Hitta liknande ärenden").click().run()
    seen["Prejudikat"] = visible_text(at)
    page(at, "remisser.py")
    seen["Remisser"] = visible_text(at)
    page(at, "case.py")
    at.text_input(key="case_dnr").set_value(DNR).run()
    seen["Ärende"] = visible_text(at)
    if (PROJECT_ROOT / "ui" / "eval_view.py").is_file():
        page(at, "evaluation.py")
        seen["Utvärdering"] = visible_text(at)
    page(at, "upload.py")
    seen["Ladda upp"] = visible_text(at)
    page(at, "feedback.py")
    seen["Återkoppling"] = visible_text(at)
    assert not at.exception
    found = {name: english_words(text) for name, text in seen.items()}
    assert not any(found.values()), {name: words for name, words in found.items() if words}
    assert all(len(text) > 50 for text in seen.values()), seen
