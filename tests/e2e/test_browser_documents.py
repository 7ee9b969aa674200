"""The Dokument page in a real browser: headless Chromium (Playwright) against `streamlit run ui/app.py` and a
real API over the bundled corpus and the test fixtures. A user types a word that only the body text of one
document holds, sees that document with the matching paragraph, opens it at that paragraph and downloads the
list as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.pipeline import Ingestor
from tests.e2e.test_browser import ARGS, ARTIFACTS, CHROMIUM
from tests.e2e.ui_server import running_ui
from tests.integration.test_api_document_search import BODY_ONLY_WORD, RIKTLINJE
from tests.integration.test_ui_pages import index_settings
from tests.paths import BUNDLED_CORPUS, FIXTURE_CORPUS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.is_file(), reason="/usr/bin/chromium is missing (scripts/setup installs it)"),
]

TITLE = "Riktlinje för anhörigstöd"
DOCUMENTS = 7
ROW_MARKER_X = 15  # pixels from the grid's left edge to its row-selection markers
ROW_PX = 35  # st.dataframe's row height (ui/documents.py: ROW_PX)


@pytest.fixture(scope="module")
def ui_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp("browser-documents") / "data"
    settings = index_settings(data_dir)
    report = Ingestor(settings).ingest([BUNDLED_CORPUS, FIXTURE_CORPUS])
    assert report.count("added") == DOCUMENTS, report.summary()
    with running_ui(settings) as url:
        yield url


def test_a_word_of_the_body_text_finds_the_document_on_the_dokument_page(ui_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 860}, locale="sv-SE", accept_downloads=True)
            page.goto(f"{ui_url}/dokument")
            main = page.get_by_test_id("stMain")
            expect(main.get_by_text(f"av {DOCUMENTS} dokument", exact=False)).to_be_visible(timeout=30_000)

            search = page.get_by_label("Sök bland dokumenten")
            search.fill(BODY_ONLY_WORD)
            search.press("Enter")
            expect(main.get_by_text("Visar 1–1 av 1 dokument", exact=False)).to_be_visible(timeout=30_000)
            grid = page.get_by_test_id("stDataFrame")
            expect(grid).to_contain_text(TITLE)
            expect(grid).to_contain_text(f"{BODY_ONLY_WORD} i hemmet")  # the matching paragraph's snippet
            expect(page.get_by_label("Sortera")).to_have_value("Bäst träff först")
            assert page.get_by_test_id("stException").count() == 0
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            page.screenshot(path=ARTIFACTS / "dokument-sok.png", full_page=True)

            with page.expect_download() as download_info:
                page.get_by_role("button", name="Ladda ner listan som CSV").click()
            download = download_info.value
            assert download.suggested_filename == "dokument.csv"
            rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
            assert [r["source_file"] for r in rows] == [RIKTLINJE]
            assert BODY_ONLY_WORD in rows[0]["match_snippet"]

            box = grid.bounding_box()  # the grid is a canvas: pick the first row by its row marker
            assert box is not None
            page.mouse.click(box["x"] + ROW_MARKER_X, box["y"] + ROW_PX * 1.5)
            expect(page.get_by_role("button", name="Tillbaka till listan")).to_be_visible(timeout=30_000)
            expect(main.locator(".ra-cited").first).to_contain_text(BODY_ONLY_WORD, timeout=30_000)
            page.screenshot(path=ARTIFACTS / "dokument-oppnat.png", full_page=True)
        finally:
            browser.close()
