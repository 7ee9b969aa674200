"""What one file may expand to while it is read. Size limits on the file itself (`max_file_mb`, the upload
limit) cap only the compressed bytes; these cap what the bytes unpack to, and the memory of the parse."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1_048_576


@dataclass(frozen=True)
class Limits:
    pdf_stream_bytes: int = 256 * MB  # one inflated PDF stream (a page's content, one image)
    pdf_total_bytes: int = 1024 * MB  # all inflated streams of one PDF together
    docx_entry_bytes: int = 128 * MB  # one unpacked entry of a .docx (e.g. word/document.xml)
    docx_total_bytes: int = 256 * MB  # all entries of one .docx together
    pages: int = 3000  # pages of one PDF
    chars: int = 5_000_000  # extracted text characters of one document
    parse_memory_bytes: int = 1024 * MB  # address space of the process that parses one file


DEFAULT_LIMITS = Limits()


def mb(value: int) -> str:
    return f"{value / MB:g} MB"
