"""Plain text and Markdown: encoding detection, binary rejection, `<!-- sida N -->` page markers."""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

from ingest.errors import SkipFile
from ingest.pages import Extracted, Page

PAGE_MARKER = re.compile(r"^\s*<!--\s*(?:sida|page)\s+(\d+)([^>]*)-->\s*$", re.IGNORECASE | re.MULTILINE)
MD_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)
MD_EMPHASIS = re.compile(r"(\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*]))")


def decode(data: bytes) -> str:
    """UTF-8 first (with or without BOM); otherwise the best legacy guess (cp1252 / latin-1)."""
    if is_binary(data):
        raise SkipFile("binary content — not a text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=["cp1252", "latin_1", "utf_16", "mac_roman"]).best()
    if best is None:
        raise SkipFile("unknown text encoding")
    return str(best)


def is_binary(data: bytes) -> bool:
    sample = data[:8192]
    if not sample:
        return False
    if b"\x00" in sample and not (sample.startswith(b"\xff\xfe") or sample.startswith(b"\xfe\xff")):
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return control / len(sample) > 0.05


def split_pages(text: str) -> list[Page]:
    markers = list(PAGE_MARKER.finditer(text))
    if not markers:
        return [Page(None, text)]
    pages: list[Page] = []
    lead = text[: markers[0].start()].strip()
    if lead:
        pages.append(Page(int(markers[0].group(1)), lead))
    for i, m in enumerate(markers):
        end = markers[i + 1].start() if i + 1 < len(markers) else len(text)
        if pages and pages[-1].number == int(m.group(1)):
            pages[-1].text += "\n\n" + text[m.end() : end]
        else:
            pages.append(Page(int(m.group(1)), text[m.end() : end]))
    return pages


def clean_markdown(text: str) -> str:
    text = MD_HEADING.sub("", text)
    text = text.replace("\\.", ".")
    return MD_EMPHASIS.sub("", text)


def read_text(data: bytes, fmt: str = "txt") -> Extracted:
    text = decode(data).replace("\r\n", "\n").replace("\r", "\n")
    text = clean_markdown(text)
    if not text.strip():
        raise SkipFile("empty file — no text")
    pages = split_pages(text)
    counted = len(pages) if pages[0].number is not None else 0
    ocr = any("ocr" in m.group(2).lower() for m in PAGE_MARKER.finditer(text))
    return Extracted(pages=pages, format=fmt, page_count=counted, ocr=ocr)
