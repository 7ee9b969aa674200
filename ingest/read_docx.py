"""Word documents: paragraphs in order, headings kept as their own paragraphs."""

from __future__ import annotations

import io
import zipfile

from ingest.errors import SkipFile
from ingest.pages import Extracted, Page


def read_docx(data: bytes) -> Extracted:
    import docx  # imported here: only .docx ingests pay for it

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise SkipFile(f"corrupt .docx file ({exc.__class__.__name__})") from exc
    blocks = [p.text.strip() for p in document.paragraphs if p.text.strip()]
    if not blocks:
        raise SkipFile("empty file — no text")
    return Extracted(pages=[Page(None, "\n\n".join(blocks))], format="docx")
