"""One document per text: a PDF and its plain-text twin are one document (the PDF, citable with pages) with the
text file as its variant — in one run or across runs, whichever comes first; documents that only quote each
other stay two; files that are not documents are named with the reason."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from fpdf import FPDF

from assistant.service import AssistantService
from assistant.settings import Settings
from ingest.neardup import shingles
from ingest.pipeline import Ingestor
from ingest.settings import IngestSettings
from tests.paths import BUNDLED_CORPUS, corpus_source, shared_corpus_or_skip
from ui.cli.ingest import doc_summary

SEED = BUNDLED_CORPUS / "2015_socialnamnden_tjansteutlatande_innovationsstrategi_stockholms_stad.txt"
OTHER = BUNDLED_CORPUS / "2019_KS-2019-1618_pm_rotel_I_strategi_for_innovation_region_stockholm.txt"
SCANNED = "lst_vastra_gotaland_granskningsyttrande_fop_mark_nordvast_2023.pdf"
SCANNED_OCR = "lst_vastra_gotaland_granskningsyttrande_fop_mark_nordvast_2023_OCR.txt"


def typeset(text: str) -> bytes:
    """The text as a PDF with a text layer (core font: latin-1, where åäö fit)."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_font("helvetica", size=11)
    pdf.add_page()
    for block in text.split("\n\n"):
        safe = re.sub(r"[–—]", "-", block).replace("”", '"').replace("’", "'")
        pdf.multi_cell(0, 6, safe.encode("latin-1", "replace").decode("latin-1"))
        pdf.ln(3)
    return bytes(pdf.output())


@pytest.fixture
def twins(tmp_path: Path) -> Path:
    """A folder with one text as a PDF and as plain text, and another document."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "innovationsstrategi.pdf").write_bytes(typeset(SEED.read_text(encoding="utf-8")))
    (folder / "innovationsstrategi_text.txt").write_bytes(SEED.read_bytes())
    (folder / OTHER.name).write_bytes(OTHER.read_bytes())
    return folder


def by_name(report_files: list) -> dict[str, tuple[str, str]]:
    return {Path(f.path).name: (f.status, f.reason) for f in report_files}


def test_a_pdf_and_its_text_are_one_document_the_pdf_with_the_text_as_variant(tmp_path: Path, twins: Path) -> None:
    ingestor = Ingestor(IngestSettings(data_dir=tmp_path / "data"))
    report = ingestor.ingest([twins])
    files = by_name(report.files)
    assert files["innovationsstrategi.pdf"][0] == "added"
    status, reason = files["innovationsstrategi_text.txt"]
    assert status == "variant" and "innovationsstrategi.pdf" in reason
    manifest = ingestor.store.manifest()
    assert sorted(m["source_file"] for m in manifest.values()) == sorted(["innovationsstrategi.pdf", OTHER.name])
    pdf_id = next(i for i, m in manifest.items() if m["source_file"] == "innovationsstrategi.pdf")
    doc = ingestor.store.get_document(pdf_id)
    assert doc is not None and doc.format == "pdf" and doc.pages >= 2
    assert [(v.source_file, v.format) for v in doc.variants] == [("innovationsstrategi_text.txt", "txt")]
    assert doc.variants[0].similarity >= 0.8
    assert doc_summary(doc)["variants"] == ["innovationsstrategi_text.txt"]  # `remiss docs --json`, `remiss show`

    again = by_name(ingestor.ingest([twins]).files)  # a second run parses neither again
    assert again["innovationsstrategi.pdf"][0] == "unchanged"
    assert again["innovationsstrategi_text.txt"][0] == "variant"
    assert len(ingestor.store.manifest()) == 2


def test_a_pdf_ingested_after_its_text_becomes_the_document_and_answers_cite_it(tmp_path: Path, twins: Path) -> None:
    """The text came first (an earlier run): the PDF, arriving later, takes over; the text is its variant, and
    a search finds the PDF's paragraphs, with pages, not the text's."""
    settings = Settings(data_dir=tmp_path / "data")
    service = AssistantService(settings)
    first = by_name(service.ingestor.ingest([twins / "innovationsstrategi_text.txt", twins / OTHER.name]).files)
    assert first["innovationsstrategi_text.txt"][0] == "added"
    later = service.ingestor.ingest([twins / "innovationsstrategi.pdf"])
    (pdf_result,) = later.files
    assert pdf_result.status == "added" and "innovationsstrategi_text.txt" in pdf_result.reason
    manifest = service.ingestor.store.manifest()
    assert sorted(m["source_file"] for m in manifest.values()) == sorted(["innovationsstrategi.pdf", OTHER.name])
    doc = service.ingestor.store.get_document(pdf_result.doc_id)
    assert doc is not None and [v.source_file for v in doc.variants] == ["innovationsstrategi_text.txt"]
    hits = service.search("innovationsstrategi socialnämnden", k=5)
    assert hits and {h.source_file for h in hits} <= {"innovationsstrategi.pdf", OTHER.name}
    assert any(h.source_file == "innovationsstrategi.pdf" and h.pages for h in hits)
    # the text file, ingested again, is known as the variant: not a document again
    (again,) = service.ingestor.ingest([twins / "innovationsstrategi_text.txt"]).files
    assert again.status == "variant" and again.doc_id == pdf_result.doc_id
    assert len(service.ingestor.store.manifest()) == 2


def test_the_text_first_in_one_run_still_leaves_the_pdf_as_the_document(tmp_path: Path, twins: Path) -> None:
    ingestor = Ingestor(IngestSettings(data_dir=tmp_path / "data"))
    report = ingestor.ingest([twins / "innovationsstrategi_text.txt", twins / "innovationsstrategi.pdf"])
    files = by_name(report.files)
    assert files["innovationsstrategi_text.txt"][0] == "variant"
    assert "innovationsstrategi.pdf" in files["innovationsstrategi_text.txt"][1]
    assert [m["source_file"] for m in ingestor.store.manifest().values()] == ["innovationsstrategi.pdf"]
    assert sorted(p.suffix for p in ingestor.sources_dir.iterdir()) == [".pdf"]


def test_a_new_version_of_a_file_replaces_it_and_is_no_twin_of_itself(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    target = folder / SEED.name
    target.write_bytes(SEED.read_bytes())
    ingestor = Ingestor(IngestSettings(data_dir=tmp_path / "data"))
    ingestor.ingest([folder])
    target.write_text(SEED.read_text(encoding="utf-8") + "\n\nTillägg: ett nytt stycke.\n", encoding="utf-8")
    (result,) = ingestor.ingest([folder]).files
    assert result.status == "replaced"
    assert len(ingestor.store.manifest()) == 1


def test_a_tjansteskrivelse_quoting_its_yttrande_stays_two_documents(tmp_path: Path) -> None:
    """Measured: these two share 93 % of the yttrande's shingles, 41 % of both — related, not one text."""
    names = [
        "kungsbacka_ks_tjansteskrivelse_sou-2025-7-ny-karnkraft_2025-01-28.txt",
        "kungsbacka_ks_yttrande_sou-2025-7-ny-karnkraft_2025-02-05.txt",
    ]
    paths = [corpus_source(n) for n in names]
    ingestor = Ingestor(IngestSettings(data_dir=tmp_path / "data"))
    report = ingestor.ingest(paths)
    assert [f.status for f in report.files] == ["added", "added"]
    assert len(ingestor.store.manifest()) == 2


def test_files_that_are_not_documents_are_named_with_the_reason(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / SEED.name).write_bytes(SEED.read_bytes())
    (folder / f"{SEED.stem}.meta.yaml").write_text("body: Socialnämnden\n", encoding="utf-8")
    (folder / "README.md").write_text("# Mappen\n\nRemissvar från 2015.\n", encoding="utf-8")
    (folder / "SOURCES.tsv").write_text("file\tsource\n", encoding="utf-8")
    (folder / "tabell.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (folder / "brev.rtf").write_text("{\\rtf1 Hej}", encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\0\0")
    ingestor = Ingestor(IngestSettings(data_dir=tmp_path / "data"))
    report = ingestor.ingest([folder])
    files = by_name(report.files)
    assert set(files) == {
        SEED.name,
        "README.md",
        "SOURCES.tsv",
        "tabell.csv",
        "brev.rtf",
    }  # the sidecar and dotfiles: silent
    assert files[SEED.name][0] == "added"
    assert files["README.md"] == ("ignored", "describes the folder, not a document")
    assert files["SOURCES.tsv"] == ("ignored", "describes the folder, not a document")
    assert files["tabell.csv"][0] == "ignored" and "data file" in files["tabell.csv"][1]
    assert files["brev.rtf"][0] == "ignored" and ".rtf" in files["brev.rtf"][1] and ".pdf" in files["brev.rtf"][1]
    assert not report.skipped and report.summary()["ignored"] == 4


@pytest.mark.slow
def test_the_real_corpus_holds_no_two_documents_of_near_identical_text(tmp_path: Path) -> None:
    """The whole shared corpus, OCR included: the scanned PDF and its OCR text are one document (the PDF)."""
    corpus = shared_corpus_or_skip()
    ingestor = Ingestor(IngestSettings(data_dir=tmp_path / "data"))
    if not ingestor.options.ocr:
        pytest.skip("OCR is off")
    report = ingestor.ingest([corpus])
    docs = list(ingestor.store.iter_documents())
    sets = {d.source_file: shingles(d.text) for d in docs}
    alike = [
        (a, b, round(len(sets[a] & sets[b]) / len(sets[a] | sets[b]), 2))
        for a, b in itertools.combinations(sorted(sets), 2)
        if sets[a] and sets[b] and len(sets[a] & sets[b]) / len(sets[a] | sets[b]) >= 0.5
    ]
    assert alike == []
    files = by_name(report.files)
    if files.get(SCANNED, ("",))[0] == "added":  # Tesseract read the scan: its OCR text is its variant
        assert files[SCANNED_OCR][0] == "variant"
        scanned = next(d for d in docs if d.source_file == SCANNED)
        assert [v.source_file for v in scanned.variants] == [SCANNED_OCR]
    assert files["README.md"][0] == "ignored" and files["SOURCES.tsv"][0] == "ignored"
