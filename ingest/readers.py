"""Pick a reader by file type; every failure becomes a `SkipFile` with a reason."""

from __future__ import annotations

from pathlib import Path

from ingest.errors import SkipFile
from ingest.pages import Extracted
from ingest.read_docx import read_docx
from ingest.read_pdf import read_pdf
from ingest.read_text import read_text

SUPPORTED = {".pdf", ".txt", ".md", ".docx"}


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED and not path.name.endswith((".meta.json", ".meta.yaml"))


def read_document(data: bytes, suffix: str, ocr: bool = True, ocr_lang: str = "swe") -> Extracted:
    suffix = suffix.lower()
    if not data.strip():
        raise SkipFile("empty file")
    if suffix == ".pdf":
        return read_pdf(data, ocr=ocr, ocr_lang=ocr_lang)
    if suffix in (".txt", ".md"):
        return read_text(data, fmt=suffix.lstrip("."))
    if suffix == ".docx":
        return read_docx(data)
    raise SkipFile(f"unsupported file type {suffix or '(none)'}")
