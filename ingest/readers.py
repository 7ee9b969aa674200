"""Pick a reader by file type; every failure becomes a `SkipFile` with a reason, and so does text beyond the
character limit."""

from __future__ import annotations

from pathlib import Path

from ingest.errors import SkipFile
from ingest.limits import DEFAULT_LIMITS, Limits
from ingest.pages import Extracted
from ingest.read_docx import read_docx
from ingest.read_pdf import read_pdf
from ingest.read_text import read_text

SUPPORTED = {".pdf", ".txt", ".md", ".docx"}


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED and not path.name.endswith((".meta.json", ".meta.yaml"))


def read_document(
    data: bytes, suffix: str, ocr: bool = True, ocr_lang: str = "swe", limits: Limits = DEFAULT_LIMITS
) -> Extracted:
    extracted = _read(data, suffix.lower(), ocr, ocr_lang, limits)
    chars = sum(len(page.text) for page in extracted.pages)
    if chars > limits.chars:
        raise SkipFile(f"too much text ({chars:,} characters > {limits.chars:,})".replace(",", " "))
    return extracted


def _read(data: bytes, suffix: str, ocr: bool, ocr_lang: str, limits: Limits) -> Extracted:
    if not data.strip():
        raise SkipFile("empty file")
    if suffix == ".pdf":
        return read_pdf(data, ocr=ocr, ocr_lang=ocr_lang, limits=limits)
    if suffix in (".txt", ".md"):
        return read_text(data, fmt=suffix.lstrip("."))
    if suffix == ".docx":
        return read_docx(data, limits)
    raise SkipFile(f"unsupported file type {suffix or '(none)'}")
