"""Each Streamlit page, run with AppTest against a real API (uvicorn on 127.0.0.1) over a real Chroma index
built in a temp dir from four documents of ../shared/corpus."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from assistant.settings import Settings
from ingest.pipeline import Ingestor
from tests.paths import PROJECT_ROOT, SHARED_CORPUS, SHARED_SKIP_REASON
from tests.processes import free_port

ROOT = PROJECT_ROOT
APP = ROOT / "ui" / "app.py"
FILES = [
    "2019_KS-2019-1618_pm_rotel_I_strategi_for_innovation_region_stockholm.txt",
    "kungsbacka_ks_yttrande_sou-2025-7-ny-karnkraft_2025-02-05.txt",
    "kungsbacka_ks_tjansteskrivelse_sou-2025-7-ny-karnkraft_2025-01-28.txt",
    "kungsbacka_ks_yttrande_sou-2025-8-trygghet-studiero_2025-03-20.txt",
]
KEY = "ui-test-key"
QUESTION = "Vem lämnade ersättaryttrande i kommunstyrelsen?"
TIMEOUT = 30

pytestmark = pytest.mark.skipif(
    not all((SHARED_CORPUS / name).is_file() for name in FILES),
    reason=SHARED_SKIP_REASON,
)


class Recorder:
    """ASGI wrapper that keeps the JSON bodies POSTed to the real app, to see what the UI sent."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.posted: list[tuple[str, dict[str, Any]]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []

        async def recording_receive() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    self.posted.append((scope["path"], json.loads(b"".join(chunks) or b"{}")))
            return message

        await self.app(scope, recording_receive, send)

    def bodies(self, path: str) -> list[dict[str, Any]]:
        return [body for p, body in self.posted if p == path]


@contextmanager
def running_api(settings: Settings, recorder: Recorder | None = None) -> Iterator[str]:
    """The real API app on a free port of 127.0.0.1, in a thread of this process."""
    import uvicorn

    from assistant.api.app import create_app

    port = free_port()
    app: Any = create_app(settings)
    if recorder is not None:
        recorder.app, app = app, recorder
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the API did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def index_settings(data_dir: Path, api_keys: list[str] | None = None) -> Settings:
    """An index of its own in `data_dir`: hash embedder, lexical retrieval, embedded Chroma, no LLM."""
    return Settings(
        data_dir=data_dir,
        corpus_dir=data_dir / "none",
        embedder="hash",
        retriever="lexical",
        chroma_host=None,
        llm_base_url=None,
        api_keys=api_keys or [],
    )


@pytest.fixture(scope="module")
def recorder() -> Recorder:
    return Recorder(None)


@pytest.fixture(scope="module")
def api_url(tmp_path_factory: pytest.TempPathFactory, recorder: Recorder) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("ui-api")
    settings = index_settings(data_dir, api_keys=[KEY])
    report = Ingestor(settings).ingest([SHARED_CORPUS / name for name in FILES])
    assert report.count("added") == len(FILES), report.summary()
    with running_api(settings, recorder) as url:
        yield url


@pytest.fixture
def app(api_url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("REMISS_API_URL", api_url)
    monkeypatch.setenv("REMISS_API_KEY", KEY)
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT)


def texts(at: AppTest) -> str:
    """All Markdown, captions, alerts and button labels rendered, as one string."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [str(a.value) for a in (*at.warning, *at.error, *at.info)]
    parts += [b.label for b in at.button]
    return "\n".join(parts)


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def page(at: AppTest, name: str) -> AppTest:
    at.switch_page(name).run()
    assert not at.exception, at.exception
    return at


def test_chat_answers_with_citation_chips_and_opens_the_highlighted_paragraph(app: AppTest) -> None:
    at = app.run()
    assert not at.exception
    assert at.title[0].value == "Fråga arkivet"
    ask(at, QUESTION)
    assert [m.name for m in at.chat_message] == ["user", "assistant"]
    assert "Sissela Nordling Blanco" in texts(at)
    chips = [b for b in at.button if b.label.startswith("[1] ")]
    assert chips, texts(at)
    assert chips[0].label.startswith(
        "[1] Stockholms stad, kommunstyrelsen · PM · KS 2019/1618 · 2019-11-27 · Ersättaryttrande"
    )
    chips[0].click().run()
    assert not at.exception
    html = "\n".join(m.value for m in at.markdown)
    assert "<mark>Ersättaryttrande gjordes av Sissela Nordling Blanco" in html
    assert "ra-cited" in html and "ra-dim" in html  # the cited paragraph among its neighbours
    labels = [d.label for d in at.download_button]
    assert any(label.startswith("Ladda ner originalet (2019_KS-2019-1618") for label in labels)
    assert "Exportera (Markdown)" in labels


def test_history_is_kept_sent_and_cleared_by_new_conversation(app: AppTest, recorder: Recorder) -> None:
    at = app.run()
    ask(at, QUESTION)
    ask(at, "Vad anser Kungsbacka om ny kärnkraft?")
    assert [m.name for m in at.chat_message] == ["user", "assistant", "user", "assistant"]
    assert len(at.session_state["messages"]) == 4
    first, second = recorder.bodies("/v1/ask")[-2:]
    assert first["history"] == [] and first["stream"] is True
    assert [t["role"] for t in second["history"]] == ["user", "assistant"]
    assert second["history"][0]["content"] == QUESTION
    assert "Sissela Nordling Blanco" in second["history"][1]["content"]
    next(b for b in at.sidebar.button if b.label == "Ny konversation").click().run()
    assert not at.exception
    assert len(at.chat_message) == 0 and at.session_state["messages"] == []


def test_abstention_is_a_warning_listing_the_nearest_documents(app: AppTest) -> None:
    at = ask(app.run(), "Vad beslutade Kiruna kommun om snöröjningen 1987?")
    assert len(at.warning) == 1, texts(at)
    assert not [b for b in at.button if b.label.startswith("[1] ")]
    answer = at.session_state["messages"][-1]["answer"]
    assert answer.abstained
    if answer.nearest:
        assert any(b.label.startswith(answer.nearest[0].title) for b in at.button)


def test_filters_come_from_the_facets_and_reach_the_answer(app: AppTest, recorder: Recorder) -> None:
    at = app.run()
    body = at.sidebar.selectbox(key="f_body")
    assert "Kommunstyrelsen" in body.options
    types = at.sidebar.multiselect(key="f_types")
    assert {"PM", "yttrande (remissvar)"} <= set(types.options)  # shown with Swedish labels
    assert "2019" in at.sidebar.selectbox(key="f_year_from").options
    types.set_value(["yttrande"]).run()
    ask(at, QUESTION)
    answer = at.session_state["messages"][-1]["answer"]
    assert all(c.doc_type == "yttrande" for c in answer.citations)
    assert "Filter: yttrande (remissvar)" in texts(at)
    assert recorder.bodies("/v1/ask")[-1]["filters"] == {"doc_type": ["yttrande"]}
    assert "Sissela" not in at.session_state["messages"][-1]["content"]


def test_feedback_is_posted_and_exported_as_jsonl(app: AppTest, api_url: str) -> None:
    at = ask(app.run(), QUESTION)
    at.feedback[0].set_value(0).run()
    at.text_input(key=at.session_state["messages"][-1]["id"] + "-fbc").set_value("Saknar datum").run()
    next(b for b in at.button if b.label == "Skicka omdöme").click().run()
    assert not at.exception
    assert "Tack! Ditt omdöme är skickat." in texts(at)
    stored = httpx.get(f"{api_url}/v1/feedback", headers={"Authorization": f"Bearer {KEY}"}).json()["results"]
    assert any(r["rating"] == "down" and r["comment"] == "Saknar datum" for r in stored)
    page(at, "feedback.py")
    assert at.title[0].value == "Återkoppling"
    download = at.download_button[0]
    assert download.label == "Ladda ner som JSONL"
    assert at.dataframe[0].value.shape[0] >= 1


def test_documents_page_lists_filters_and_reads_a_document(app: AppTest) -> None:
    at = page(app.run(), "documents.py")
    table = at.dataframe[0].value
    assert len(table) == len(FILES)
    assert set(table.columns) == {"Titel", "Typ", "Instans", "Dnr", "Datum", "Ärende"}
    at.sidebar.multiselect(key="f_types").set_value(["PM"]).run()
    table = at.dataframe[0].value
    assert list(table["Typ"]) == ["PM"]
    at.session_state["doc_table_0"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    titles = [e.label for e in at.expander]
    assert any(t.startswith("s") and "Ersättaryttrande" in t for t in titles), titles
    html = "\n".join(m.value for m in at.markdown)
    assert 'class="ra-pid">s1.p1' in html
    assert any(d.label.startswith("Ladda ner originalet") for d in at.download_button)


def test_documents_text_search_opens_the_hit(app: AppTest) -> None:
    at = page(app.run(), "documents.py")
    at.text_input(key="hit_q").set_value("kommunala självstyret").run()
    assert not at.exception
    opens = [b for b in at.button if b.label == "Öppna dokumentet"]
    assert opens, texts(at)
    opens[0].click().run()
    assert not at.exception
    assert "ra-cited" in "\n".join(m.value for m in at.markdown)
    assert any(b.label == "Tillbaka till listan" for b in at.button)


def test_precedents_from_pasted_text_and_from_a_pdf(app: AppTest) -> None:
    from fpdf import FPDF

    at = page(app.run(), "precedents.py")
    at.text_area(key="prec_text").set_value(
        "Remiss: Ny kärnkraft i Sverige – effektivare tillståndsprövning (SOU 2025:7). "
        "Kommunen ombeds yttra sig om principbeslut, kommunalt självstyre och mellanlagring av kärnavfall."
    ).run()
    next(b for b in at.button if b.label == "Hitta liknande ärenden").click().run()
    assert not at.exception
    results = at.session_state["prec_results"]
    assert results and "SOU 2025:7" in results[0].doc.title
    shown = texts(at)
    assert "Ställningstagande: " in shown  # each hit shows what the document said, quoted ...
    assert results[0].core is not None and results[0].core.text.split("\n")[0][:60] in shown
    assert "Kommunstyrelsen antar yttrande" not in shown  # ... not the formal proposal that adopts it
    assert "Inget förslag till beslut hittades" not in shown
    assert any(b.label == "Läs dokumentet" for b in at.button)
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 8, "Remiss om trygghet och studiero i skolan. Kommunen ombeds yttra sig over forslagen.")
    at.file_uploader(key="prec_file").set_value(("remiss.pdf", bytes(pdf.output()), "application/pdf")).run()
    next(b for b in at.button if b.label == "Hitta liknande ärenden").click().run()
    assert not at.exception
    assert at.session_state["prec_results"], texts(at)
    assert any("studiero" in p.doc.title.lower() for p in at.session_state["prec_results"])


def test_remisser_page_tables_exports_and_opens_an_answer(app: AppTest) -> None:
    at = page(app.run(), "remisser.py")
    pick = at.selectbox(key="remiss_pick")
    assert pick.options, texts(at)
    label = next(o for o in pick.options if "2025:7" in o or "kärnkraft" in o.lower())
    pick.select_index(pick.options.index(label)).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == ["Instans", "Typ", "Datum", "Dnr", "Ställningstagande", "Citat", "Dokument"]
    assert len(table) >= 1
    downloads = [d.label for d in at.download_button]
    assert "Ladda ner CSV" in downloads and "Ladda ner Markdown" in downloads
    key = next(k for k in at.session_state if str(k).startswith("remiss_table_"))
    at.session_state[key] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert at.expander, texts(at)
    assert any(d.label.startswith("Ladda ner originalet") for d in at.download_button)


def test_every_page_says_the_service_is_down_without_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REMISS_API_URL", f"http://127.0.0.1:{free_port()}")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert any("Tjänsten svarar inte just nu" in e.value for e in at.error)
    ask(at, QUESTION)
    assert any("Tjänsten svarar inte just nu" in e.value for e in at.error)
    for name in ("documents.py", "precedents.py", "remisser.py", "feedback.py"):
        page(at, name)
        if name == "precedents.py":
            at.text_area(key="prec_text").set_value("Remiss om kärnkraft").run()
            next(b for b in at.button if b.label == "Hitta liknande ärenden").click().run()
        assert any("Tjänsten svarar inte just nu" in e.value for e in at.error), name


def test_a_wrong_key_is_explained(api_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REMISS_API_URL", api_url)
    monkeypatch.setenv("REMISS_API_KEY", "wrong")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert any("nekade åtkomst" in e.value for e in at.error)


def test_evaluation_page_mounts_the_eval_view_when_present(app: AppTest) -> None:
    if not (ROOT / "ui" / "eval_view.py").is_file():
        pytest.skip("ui/eval_view.py is not installed: the Utvärdering page is left out")
    at = page(app.run(), "evaluation.py")
    assert any(h.value == "Utvärdering" for h in at.header), [h.value for h in at.header]
