"""Word documents: paragraphs in order, headings kept as their own paragraphs. The zip's entries are checked
against the unpack limits before python-docx reads them (a small .docx can unpack to gigabytes)."""

from __future__ import annotations

import io
import zipfile

from ingest.errors import SkipFile
from ingest.limits import DEFAULT_LIMITS, Limits, mb
from ingest.pages import Extracted, Page


def check_entries(data: bytes, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a zip whose entries declare more than the limits. zipfile never inflates an entry past its
    declared size (a lie ends in a CRC error), so the declared sizes bound what python-docx will unpack."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise SkipFile(f"corrupt .docx file ({exc.__class__.__name__})") from exc
    for info in infos:
        if info.file_size > limits.docx_entry_bytes:
            raise SkipFile(
                f".docx entry {info.filename[:80]} unpacks to more than {mb(limits.docx_entry_bytes)} — refused "
                "(decompression bomb?)"
            )
    if sum(info.file_size for info in infos) > limits.docx_total_bytes:
        raise SkipFile(f".docx unpacks to more than {mb(limits.docx_total_bytes)} in all — refused")


def read_docx(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Extracted:
    import docx  # imported here: only .docx ingests pay for it
    from lxml.etree import LxmlError

    check_entries(data, limits)
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = [p.text.strip() for p in document.paragraphs if p.text.strip()]
    except (zipfile.BadZipFile, KeyError, ValueError, LxmlError) as exc:
        raise SkipFile(f"corrupt .docx file ({exc.__class__.__name__})") from exc
    if not blocks:
        raise SkipFile("empty file — no text")
    return Extracted(pages=[Page(None, "\n\n".join(blocks))], format="docx")
