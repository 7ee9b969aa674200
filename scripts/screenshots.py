"""Screenshots of every UI page for docs/screenshots/ (run through `scripts/screenshots`).

A fresh index in a temporary folder (the text files of ../shared/corpus, else the bundled corpus), the real API
and `streamlit run ui/app.py` (tests/e2e/ui_server.py), headless Chromium; each page is shown as a user sees it
after one typical action (a question asked, a remiss pasted, a dnr looked up)."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from pydantic import SecretStr

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
SHARED = ROOT.parent / "shared" / "corpus"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
QUESTION = "Vad tyckte kommunstyrelsen i Kungsbacka om ny kärnkraft?"
REMISS = "Remiss: Ny kärnkraft i Sverige – effektivare tillståndsprövning. Kommunen ombeds yttra sig om principbeslut."
DNR = "KS-2025-00102"
WAIT = 60_000


def corpus() -> list[Path]:
    if SHARED.is_dir():
        return sorted(SHARED.glob("*.txt"))
    return [ROOT / "corpus"]


def record(url: str, out: Path) -> list[Path]:
    from playwright.sync_api import Page, expect, sync_playwright

    shots: list[Path] = []

    def shot(page: Page, name: str) -> None:
        page.wait_for_timeout(1500)  # let Streamlit finish painting
        path = out / f"{name}.png"
        page.screenshot(path=path, full_page=False)
        shots.append(path)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="sv-SE")
        main = page.get_by_test_id("stMain")
        page.goto(url)
        chat = page.get_by_test_id("stChatInputTextArea")
        expect(chat).to_be_editable(timeout=WAIT)
        page.wait_for_timeout(1500)
        chat.fill(QUESTION)
        chat.press("Enter")
        expect(page.get_by_role("button", name="[1] ", exact=False).first).to_be_visible(timeout=WAIT)
        shot(page, "chatt")
        page.goto(f"{url}/dokument")
        expect(main.get_by_text("dokument", exact=False).first).to_be_visible(timeout=WAIT)
        expect(page.get_by_test_id("stDataFrame")).to_be_visible(timeout=WAIT)
        shot(page, "dokument")
        page.goto(f"{url}/prejudikat")
        page.get_by_label("… eller klistra in texten").fill(REMISS)
        page.get_by_role("button", name="Hitta liknande ärenden").click()
        expect(main.get_by_text("Mest lika tidigare ärenden")).to_be_visible(timeout=WAIT)
        shot(page, "prejudikat")
        page.goto(f"{url}/remisser")
        expect(page.get_by_test_id("stDataFrame").first).to_be_visible(timeout=WAIT)
        shot(page, "remisser")
        page.goto(f"{url}/arende?dnr={DNR}")
        expect(main.get_by_text(DNR).first).to_be_visible(timeout=WAIT)
        shot(page, "arende")
        page.goto(f"{url}/ladda-upp")
        expect(main.get_by_role("heading", name="Ladda upp")).to_be_visible(timeout=WAIT)
        shot(page, "ladda-upp")
        page.goto(f"{url}/utvardering")
        expect(main.get_by_role("heading").first).to_be_visible(timeout=WAIT)
        shot(page, "utvardering")
        page.goto(f"{url}/aterkoppling")
        expect(main.get_by_role("heading").first).to_be_visible(timeout=WAIT)
        shot(page, "aterkoppling")
        browser.close()
    return shots


def main() -> None:
    from ingest.pipeline import Ingestor
    from tests.e2e.ui_server import running_ui
    from tests.integration.test_ui_pages import index_settings

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT, help="where the PNG files go (default: docs/screenshots)")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        settings = index_settings(Path(tmp) / "data").model_copy(update={"admin_key": SecretStr("screenshots")})
        Ingestor(settings).ingest(corpus())
        with running_ui(settings) as url:
            for path in record(url, out):
                print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":
    main()
