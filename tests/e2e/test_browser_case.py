"""The case view and the page in the PDF in a real browser: headless Chromium (Playwright) against
`streamlit run ui/app.py` and a real API over the synthetic corpus plus a generated two-page PDF."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.pipeline import Ingestor
from tests.api_helpers import fresh_data_dir, settings_for
from tests.e2e.test_browser import ARGS, ARTIFACTS, CHROMIUM
from tests.e2e.ui_server import running_ui
from tests.integration.test_ui_case import DNR, PDF_NAME, PDF_WORDS, two_page_pdf

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.is_file(), reason="/usr/bin/chromium is missing (scripts/setup installs it)"),
]


@pytest.fixture(scope="module")
def ui_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = fresh_data_dir(tmp_path_factory, tmp_path_factory.mktemp("browser-case") / "data")
    pdf: Path = tmp_path_factory.mktemp("pdf") / PDF_NAME
    pdf.write_bytes(two_page_pdf())
    settings = settings_for(data_dir)
    assert Ingestor(settings).ingest([pdf]).count("added") == 1
    with running_ui(settings) as url:
        yield url


def test_case_page_from_a_link_and_a_pdf_hit_opening_at_its_page(ui_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 860}, locale="sv-SE")
            page.goto(f"{ui_url}/arende?dnr={DNR}")
            expect(page.get_by_role("heading", name="Ärende", exact=True)).to_be_visible(timeout=30_000)
            expect(page.get_by_text(f"2 dokument med diarienummer {DNR}, äldst först.")).to_be_visible(timeout=30_000)
            main = page.get_by_test_id("stMain")
            expect(main).to_contain_text("1. 2025-01-28 · tjänsteutlåtande")
            expect(main).to_contain_text("2. 2025-02-05 · yttrande (remissvar)")
            expect(main).to_contain_text("Åsby kommun tillstyrker förslaget om en tidig och samlad prövning")
            assert page.get_by_test_id("stException").count() == 0
            page.screenshot(path=ARTIFACTS / "arende.png", full_page=True)

            page.goto(f"{ui_url}/dokument")
            page.get_by_role("tab", name="Sök i texten").click()
            search = page.get_by_label("Sök stycken i texten")
            search.fill(PDF_WORDS)
            search.press("Enter")
            link = page.get_by_role("link", name="Öppna originalet på sidan 2")
            expect(link).to_be_visible(timeout=30_000)
            href = link.get_attribute("href") or ""
            assert href.endswith("#page=2"), href
            original = page.request.get(href.split("#", 1)[0])
            assert original.ok and original.headers["content-type"].startswith("application/pdf")
            page.screenshot(path=ARTIFACTS / "pdf-link.png")
        finally:
            browser.close()


def test_the_file_uploader_speaks_swedish(ui_url: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 860}, locale="sv-SE")
            page.goto(f"{ui_url}/prejudikat")
            zone = page.get_by_test_id("stFileUploaderDropzone")
            zone.wait_for(timeout=30_000)
            texts = 'button p, [data-testid="stFileUploaderDropzoneInstructions"] span'
            shown = zone.evaluate(
                f"""zone => [...zone.querySelectorAll('{texts}')]
                .map(e => [getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content])"""
            )
            assert shown == [["0px", '"Välj fil"'], ["0px", '"Högst 25 MB per fil · PDF, TXT, MD, DOCX"']], shown
        finally:
            browser.close()
