"""The UI in a real browser: headless Chromium (Playwright) against `streamlit run ui/app.py` and a real API
over the bundled corpus. Screenshots go to test-artifacts/; with REMISS_UPDATE_SCREENSHOT=1 the citation one
is copied to docs/screenshot.png for the README."""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.pipeline import Ingestor
from tests.integration.test_ui_pages import QUESTION, index_settings, running_api
from tests.paths import PROJECT_ROOT
from tests.processes import free_port, served
from ui.cli.up import streamlit_command

ROOT = PROJECT_ROOT
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.is_file(), reason="/usr/bin/chromium is missing (scripts/setup installs it)"),
]


@pytest.fixture(scope="module")
def ui_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The bundled corpus ingested into a temp dir, the API on it, and the Streamlit UI as a subprocess."""
    data_dir = tmp_path_factory.mktemp("browser")
    settings = index_settings(data_dir)
    report = Ingestor(settings).ingest([ROOT / "corpus"])
    assert report.count("added") >= 2, report.summary()
    port = free_port()
    with running_api(settings) as api_url:
        env = {**os.environ, "REMISS_API_URL": api_url, "REMISS_DATA_DIR": str(data_dir)}
        env.pop("REMISS_API_KEY", None)
        url = f"http://127.0.0.1:{port}"
        command = streamlit_command(port, "127.0.0.1")
        with served(command, f"{url}/_stcore/health", data_dir / "streamlit.log", env=env, cwd=data_dir):
            yield url


def test_ask_see_citations_open_the_highlighted_paragraph(ui_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 860}, locale="sv-SE")
            page.goto(ui_url)
            chat = page.get_by_test_id("stChatInputTextArea")
            expect(chat).to_be_visible(timeout=30_000)
            expect(page).to_have_title("Remissarkivet")
            chat.fill(QUESTION)
            chat.press("Enter")
            chip = page.get_by_role("button", name=re.compile(r"^\[1\] .*kommunstyrelsen", re.I))
            expect(chip).to_be_visible(timeout=30_000)
            assistant = page.get_by_test_id("stChatMessage").nth(1)
            expect(assistant).to_contain_text("Sissela Nordling Blanco")
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            page.wait_for_timeout(500)
            page.screenshot(path=ARTIFACTS / "chat.png")

            chip.click()
            dialog = page.get_by_role("dialog")
            expect(dialog).to_be_visible(timeout=15_000)
            mark = dialog.locator("mark")
            expect(mark).to_contain_text("Ersättaryttrande gjordes av Sissela Nordling Blanco")
            expect(dialog).to_contain_text("s10.p1")
            expect(dialog.get_by_role("button", name="Ladda ner originalet")).to_be_visible()
            page.wait_for_timeout(500)
            page.screenshot(path=ARTIFACTS / "citation.png")
            if os.environ.get("REMISS_UPDATE_SCREENSHOT"):  # re-record the README's screenshot on request
                shutil.copyfile(ARTIFACTS / "citation.png", ROOT / "docs" / "screenshot.png")
            page.keyboard.press("Escape")

            for slug, text in (
                ("dokument", "Dokument"),
                ("prejudikat", "Prejudikat"),
                ("remisser", "Remisser"),
                ("aterkoppling", "Återkoppling"),
            ):
                page.goto(f"{ui_url}/{slug}")
                expect(page.get_by_role("heading", name=text, exact=True)).to_be_visible(timeout=30_000)
                page.wait_for_timeout(800)
                assert page.get_by_test_id("stException").count() == 0, slug
                assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), slug
                page.screenshot(path=ARTIFACTS / f"{slug}.png", full_page=True)
        finally:
            browser.close()


if __name__ == "__main__":  # pragma: no cover - manual: python tests/e2e/test_browser.py
    sys.exit(pytest.main([__file__, "-q"]))
