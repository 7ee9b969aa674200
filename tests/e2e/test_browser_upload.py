"""Ladda upp in a real browser: headless Chromium (Playwright) against `streamlit run ui/app.py` and a real API
with an admin key. A user gives the key, uploads a yttrande and a file the archive cannot read, reads one line
per file (what was detected; why the other was not read in) and finds the new document in the Dokument list."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from ingest.pipeline import Ingestor
from tests.e2e.test_browser import ARGS, ARTIFACTS, CHROMIUM
from tests.e2e.ui_server import running_ui
from tests.integration.test_ui_pages import index_settings
from tests.paths import BUNDLED_CORPUS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.is_file(), reason="/usr/bin/chromium is missing (scripts/setup installs it)"),
]

ADMIN = "admin-key-for-the-upload-test"
NAME = "hallsberg_ks_yttrande_cykelstrategi_2026-01-15.txt"
TITLE = "Yttrande över Trafikverkets remiss om en nationell cykelstrategi"
# written for the test: a yttrande in the shape of the corpus's, with a dnr, a date and a signature
YTTRANDE = f"""YTTRANDE
Kommunstyrelsen
Till                                                  Datum
Trafikverket                                          2026-01-15

Diarienummer
KS-2026-00042

{TITLE}

Sammanfattning
Hallsbergs kommun tillstyrker förslaget till nationell cykelstrategi men vill att underhållet av
cykelvägar på landsbygden får en egen finansiering.

Synpunkter
Kommunen ser positivt på att cykelpendling mellan tätorterna lyfts fram. Underhållet av cykelvägar på
landsbygden behöver dock en egen finansiering för att strategin ska kunna genomföras.

Hallsbergs kommun
"""


@pytest.fixture(scope="module")
def ui_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp("browser-upload") / "data"
    settings = index_settings(data_dir).model_copy(update={"admin_key": SecretStr(ADMIN)})
    Ingestor(settings).ingest([BUNDLED_CORPUS])
    with running_ui(settings) as url:
        yield url


def test_an_upload_with_the_admin_key_reports_each_file_and_appears_in_the_list(ui_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    (tmp_path / NAME).write_text(YTTRANDE, encoding="utf-8")
    (tmp_path / "anteckningar.rtf").write_text("{\\rtf1 Anteckningar}", encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 860}, locale="sv-SE")
            page.goto(f"{ui_url}/ladda-upp")
            main = page.get_by_test_id("stMain")
            expect(main.get_by_role("heading", name="Ladda upp")).to_be_visible(timeout=30_000)
            page.get_by_label("Administratörsnyckel").fill(ADMIN)
            page.get_by_label("Administratörsnyckel").press("Enter")
            page.locator("input[type=file]").set_input_files([tmp_path / NAME, tmp_path / "anteckningar.rtf"])
            button = page.get_by_role("button", name="Ladda upp och läs in")
            expect(button).to_be_enabled(timeout=30_000)
            button.click()
            added = main.get_by_text(f"{NAME}: Tillagd", exact=False)
            expect(added).to_be_visible(timeout=60_000)
            line = added.inner_text()
            for detected in ("yttrande", "Hallsbergs kommun, kommunstyrelsen", "KS-2026-00042", "2026-01-15"):
                assert detected in line, line
            ignored = main.get_by_text("anteckningar.rtf: Inte inläst", exact=False)
            expect(ignored).to_be_visible()
            assert "filtypen läses inte" in ignored.inner_text()
            assert page.get_by_test_id("stException").count() == 0
            page.screenshot(path=ARTIFACTS / "ladda-upp.png", full_page=True)

            page.goto(f"{ui_url}/dokument")
            expect(main.get_by_text("av 3 dokument", exact=False)).to_be_visible(timeout=30_000)
            search = page.get_by_label("Sök bland dokumenten")
            search.fill("cykelstrategi")
            search.press("Enter")
            expect(main.get_by_text("Visar 1–1 av 1 dokument", exact=False)).to_be_visible(timeout=30_000)
            expect(page.get_by_test_id("stDataFrame")).to_contain_text(TITLE)
        finally:
            browser.close()
