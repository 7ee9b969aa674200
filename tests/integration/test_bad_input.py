"""Bad input in a batch: each bad file is skipped with one clear reason, the rest is ingested, the index
keeps what it had, and `remiss ingest` exits with 3."""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fpdf import FPDF
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter

from assistant.settings import Settings
from ingest.errors import SkipFile
from ingest.parse import ParseOptions, parse_bytes
from ingest.pipeline import FileResult, Ingestor
from ingest.read_pdf import ocr_available
from tests.paths import PROJECT_ROOT

REMISS = PROJECT_ROOT / ".venv" / "bin" / "remiss"
GOOD = [
    "2015_socialnamnden_tjansteutlatande_innovationsstrategi_stockholms_stad.txt",
    "kungsbacka_ks_yttrande_sou-2025-7-ny-karnkraft_2025-02-05.txt",
]
LATE_GOOD = "2019_KS-2019-1618_pm_rotel_I_strategi_for_innovation_region_stockholm.txt"
MAX_FILE_MB = 0.2
OCR = ocr_available("swe")
REASONS = {
    "trasig.pdf": r"^corrupt PDF — cannot be opened",
    "krypterad.pdf": r"^encrypted PDF — needs a password$",
    "tom.txt": r"^empty file$",
    "bild.pdf": r"^no text layer — scanned PDF, needs OCR",
    "binar.txt": r"^binary content — not a text file$",
    "stor.txt": r"^file too large \(0\.\d MB > 0\.2 MB\)$",
}
if OCR:  # a scanned PDF is then read, not skipped
    del REASONS["bild.pdf"]


def text_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for i in range(30):
        pdf.text(20, 20 + 8 * i, f"Rad {i}: kommunens yttrande över remissen om samhällsplanering.")
    return bytes(pdf.output())


def scanned_pdf() -> bytes:
    """A page holding only a picture of text, as from a scanner: no text layer at all."""
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    for i in range(12):
        draw.text((120, 150 + 90 * i), "Kommunstyrelsen yttrande over remissen", fill=0)
    draw.rectangle((100, 100, 1140, 1300), outline=0, width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(buffer.getvalue()), x=0, y=0, w=210)
    return bytes(pdf.output())


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf())))
    writer.encrypt(user_password="hemligt", owner_password="ägare")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def write_bad_files(folder: Path) -> None:
    good = text_pdf()
    (folder / "trasig.pdf").write_bytes(good[: len(good) // 3])
    (folder / "krypterad.pdf").write_bytes(encrypted_pdf())
    (folder / "tom.txt").write_bytes(b"")
    (folder / "bild.pdf").write_bytes(scanned_pdf())
    rng = random.Random(7)
    (folder / "binar.txt").write_bytes(bytes(rng.randrange(256) for _ in range(6000)))
    line = "Stycke om översiktsplanens strategier för bostäder och verksamheter i kommunen.\n"
    (folder / "stor.txt").write_text(line * int(MAX_FILE_MB * 1.5 * 1_048_576 / len(line)), encoding="utf-8")


@pytest.fixture
def folder(tmp_path: Path, shared_corpus: Path) -> Path:
    target = tmp_path / "inkorg"
    target.mkdir()
    for name in GOOD:
        shutil.copy(shared_corpus / name, target / name)
    return target


def by_name(results: list[FileResult]) -> dict[str, list[FileResult]]:
    grouped: dict[str, list[FileResult]] = {}
    for result in results:
        grouped.setdefault(Path(result.path).name, []).append(result)
    return grouped


def test_each_bad_file_gets_one_reason_and_the_rest_is_ingested(
    settings: Settings, folder: Path, shared_corpus: Path
) -> None:
    settings = settings.model_copy(update={"embedder": "hash", "max_file_mb": MAX_FILE_MB})
    first = Ingestor(settings)
    first.ingest([folder])
    before = first.store.manifest()
    chunks_before = {i: set(first.store.chunks.get(where={"doc_id": i}, include=[])["ids"]) for i in before}
    assert len(before) == len(GOOD)

    write_bad_files(folder)
    shutil.copy(shared_corpus / LATE_GOOD, folder / LATE_GOOD)
    ingestor = Ingestor(settings)
    report = ingestor.ingest([folder])
    results = by_name(report.files)

    for name, pattern in REASONS.items():
        [result] = results[name]
        assert result.status == "skipped", name
        assert re.search(pattern, result.reason), f"{name}: {result.reason}"
        assert "\n" not in result.reason
    assert {Path(f.path).name for f in report.skipped} == set(REASONS)
    assert results[LATE_GOOD][0].status == "added"
    assert [results[name][0].status for name in GOOD] == ["unchanged"] * len(GOOD)

    after = ingestor.store.manifest()
    assert set(before) < set(after) and len(after) == len(GOOD) + 1 + (1 if OCR else 0)
    for doc_id, meta in before.items():
        assert after[doc_id] == meta
        assert set(ingestor.store.chunks.get(where={"doc_id": doc_id}, include=[])["ids"]) == chunks_before[doc_id]
    assert not ingestor.store.documents.get(where={"committed": False}, include=[])["ids"]


@pytest.mark.skipif(not OCR, reason="tesseract with Swedish data is not installed")
def test_scanned_pdf_is_ocrd_when_tesseract_is_installed(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "bild.pdf").write_bytes(scanned_pdf())
    ingestor = Ingestor(settings.model_copy(update={"embedder": "hash"}))
    [result] = ingestor.ingest([tmp_path / "bild.pdf"]).files
    assert result.status == "added"
    doc = ingestor.store.get_document(result.doc_id)
    assert doc is not None and doc.ocr and all(p.ocr for p in doc.paragraphs())
    assert "Kommunstyrelsen yttrande" in " ".join(p.text for p in doc.paragraphs())


def test_scanned_pdf_with_ocr_switched_off_is_skipped_with_that_reason() -> None:
    with pytest.raises(SkipFile, match=r"^no text layer — scanned PDF, and OCR is switched off \(REMISS_OCR=false\)"):
        parse_bytes(scanned_pdf(), "bild.pdf", ParseOptions(ocr=False))


def test_remiss_ingest_reports_skips_and_exits_3(tmp_path: Path, folder: Path) -> None:
    write_bad_files(folder)
    env = dict(
        os.environ,
        REMISS_DATA_DIR=str(tmp_path / "data"),
        REMISS_MAX_FILE_MB=str(MAX_FILE_MB),
        REMISS_EMBEDDER="hash",
        COLUMNS="400",
    )
    run = subprocess.run(
        [str(REMISS), "ingest", str(folder)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert run.returncode == 3, run.stderr
    messages = " ".join(run.stderr.split())
    for name, pattern in REASONS.items():
        line = re.search(rf"skipped \S*{re.escape(name)}: (.+?)(?= skipped |$)", messages)
        assert line is not None, f"{name} not reported: {messages}"
        assert re.search(pattern.replace("$", ""), line.group(1)), line.group(1)
    assert f"{len(GOOD) + (1 if OCR else 0)} documents in the index" in messages
    assert f"skipped {len(REASONS)}" in messages
