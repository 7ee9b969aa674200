"""A batch of [good, malformed .docx, .docx bomb, Flate bomb, good], generated here: through `remiss ingest`
and through an upload, both good files are indexed, the three others are skipped with their reasons, and the
ingest's memory stays bounded (the peak RSS of the ingest process tree, a resource bound, not a timing)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from fpdf import FPDF

from assistant.settings import Settings
from ingest.pipeline import Ingestor
from tests.api_helpers import ADMIN, clean_env, live_server
from tests.paths import PROJECT_ROOT

REMISS = PROJECT_ROOT / ".venv" / "bin" / "remiss"
GIB = 1 << 30
BLOCK = b" " * (1 << 20)

GOOD_PDF = "bra_yttrande.pdf"
GOOD_DOCX = "bra_tjansteutlatande.docx"
MALFORMED = "trasig.docx"
DOCX_BOMB = "zipbomb.docx"
FLATE_BOMB = "flatebomb.pdf"
BATCH = [GOOD_PDF, MALFORMED, DOCX_BOMB, FLATE_BOMB, GOOD_DOCX]


def good_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in [
        "Yttrande över remiss om kollektivtrafik",
        "Kommunstyrelsen",
        "Kommunstyrelsen tillstyrker förslaget om nattbussar i hela länet.",
        "Förvaltningen bedömer att kostnaden ryms inom budgeten för 2026.",
    ]:
        pdf.multi_cell(0, 8, line)
        pdf.ln(4)
    return bytes(pdf.output())


def good_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Tjänsteutlåtande om cykelbanor")
    document.add_paragraph("Trafiknämnden")
    document.add_paragraph("Trafikkontoret föreslår att nämnden bygger nya cykelbanor längs Storgatan.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def malformed_docx() -> bytes:
    """A real .docx whose document.xml is broken XML (lxml raises XMLSyntaxError)."""
    source = zipfile.ZipFile(io.BytesIO(good_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data[: len(data) // 2] + b"<w:p><<<broken"
            target.writestr(info, data)
    return out.getvalue()


def docx_bomb() -> bytes:
    """A .docx whose document.xml inflates to 1 GiB (about 1 MB packed)."""
    source = zipfile.ZipFile(io.BytesIO(good_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                target.writestr(info, source.read(info))
        with target.open("word/document.xml", "w", force_zip64=True) as entry:
            for _ in range(GIB // len(BLOCK)):
                entry.write(BLOCK)
    return out.getvalue()


def flate_bomb() -> bytes:
    """A one-page PDF whose content stream inflates to 1 GiB (about 1 MB in the file)."""
    packer = zlib.compressobj(9)
    stream = b"".join(packer.compress(BLOCK) for _ in range(GIB // len(BLOCK))) + packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile") / "batch"
    folder.mkdir()
    makers = {
        GOOD_PDF: good_pdf,
        MALFORMED: malformed_docx,
        DOCX_BOMB: docx_bomb,
        FLATE_BOMB: flate_bomb,
        GOOD_DOCX: good_docx,
    }
    for name in BATCH:
        (folder / name).write_bytes(makers[name]())
    return folder


MEASURE = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:]).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)
"""


def test_remiss_ingest_skips_the_hostile_files_and_stays_within_memory(batch: Path, tmp_path: Path) -> None:
    assert all((batch / name).stat().st_size < 2_000_000 for name in BATCH)  # small files, huge when unpacked
    data_dir = tmp_path / "data"
    env = clean_env(REMISS_DATA_DIR=str(data_dir), REMISS_EMBEDDER="hash", COLUMNS="300")
    # a fresh measuring parent: RUSAGE_CHILDREN is then the peak RSS of remiss ingest and its workers only
    run = subprocess.run(
        [sys.executable, "-c", MEASURE, str(REMISS), "ingest", str(batch)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    peak_kib, code = (int(v) for v in run.stdout.split()[-2:])
    print(f"peak RSS of the ingest: {peak_kib / 1024:.0f} MiB")
    assert code == 3, run.stderr
    assert peak_kib * 1024 <= GIB
    skipped = {line.split(":")[0].rsplit("/", 1)[-1] for line in run.stderr.splitlines() if line.startswith("skipped")}
    assert skipped == {MALFORMED, DOCX_BOMB, FLATE_BOMB}
    assert "corrupt .docx file" in run.stderr and "decompression bomb" in run.stderr
    indexed = {str(m["source_file"]) for m in Ingestor(Settings(data_dir=data_dir)).store.manifest().values()}
    assert indexed == {GOOD_PDF, GOOD_DOCX}


def test_upload_of_the_same_batch_answers_per_file(batch: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with live_server(data_dir, tmp_path, admin_key=ADMIN, embedder="hash") as server:
        files = [("files", (name, (batch / name).read_bytes())) for name in BATCH]
        with server.client(ADMIN, timeout=300) as client:
            response = client.post("/v1/documents", files=files)
            assert response.status_code == 200, response.text
            results = {r["filename"]: r for r in response.json()["results"]}
            listed = client.get("/v1/documents").json()
    assert {name: r["status"] for name, r in results.items()} == {
        GOOD_PDF: "added",
        MALFORMED: "skipped",
        DOCX_BOMB: "skipped",
        FLATE_BOMB: "skipped",
        GOOD_DOCX: "added",
    }
    assert "corrupt .docx file" in results[MALFORMED]["reason"]
    assert "decompression bomb" in results[DOCX_BOMB]["reason"]
    assert "decompression bomb" in results[FLATE_BOMB]["reason"]
    assert {d["source_file"] for d in listed["results"]} == {GOOD_PDF, GOOD_DOCX}
    assert json.dumps(results, ensure_ascii=False)  # every reason is plain text
