"""PDF text with pypdfium2: lines rebuilt from text rectangles, paragraph breaks from vertical gaps.

Scanned pages (no text layer) are OCR'd with Tesseract when it is installed with Swedish data;
otherwise the file is skipped with a reason.
"""

from __future__ import annotations

import re
import shutil
import statistics
from dataclasses import dataclass
from functools import lru_cache

import pypdfium2 as pdfium

from ingest.errors import SkipFile
from ingest.pages import Extracted, Page

MIN_CHARS_PER_PAGE = 25  # below this on average, a PDF has no real text layer


@dataclass
class _Line:
    top: float
    text: str


def _lines(textpage: pdfium.PdfTextPage) -> list[_Line]:
    """Lines of the page in PDFium's reading order, each with the top of its first glyph."""
    text = textpage.get_text_range()
    lines: list[_Line] = []
    index = 0
    for raw in text.split("\r\n"):
        stripped = raw.lstrip()
        if stripped:
            first = index + (len(raw) - len(stripped))
            top = textpage.get_charbox(first, loose=True)[3]
            lines.append(_Line(top, _soft_hyphens(" ".join(raw.split()))))
        index += len(raw) + 2
    return lines


def _soft_hyphens(line: str) -> str:
    """PDFium marks a soft hyphen as U+FFFE (or U+00AD): a hyphen at a line end, nothing inside a line."""
    line = re.sub("[\ufffe\u00ad\x02]$", "-", line)
    return re.sub("[\ufffe\u00ad\x02]", "", line)


def _page_text(lines: list[_Line]) -> str:
    """Join lines; a vertical gap clearly larger than the usual line step starts a new paragraph."""
    if not lines:
        return ""
    steps = [a.top - b.top for a, b in zip(lines, lines[1:], strict=False) if a.top - b.top > 0]
    typical = statistics.median(steps) if steps else 0.0
    out = [lines[0].text]
    for prev, line in zip(lines, lines[1:], strict=False):
        gap = prev.top - line.top
        if typical and (gap > typical * 1.45 + 1.0 or gap < -typical):
            out.append("")
        out.append(line.text)
    return "\n".join(out)


@lru_cache(maxsize=1)
def ocr_available(lang: str = "swe") -> bool:
    if shutil.which("tesseract") is None:
        return False
    try:
        import pytesseract

        return lang in pytesseract.get_languages(config="")
    except Exception:
        return False


def _ocr_page(page: pdfium.PdfPage, lang: str) -> str:
    import pytesseract

    image = page.render(scale=300 / 72).to_pil()
    return str(pytesseract.image_to_string(image, lang=lang))


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message:
            raise SkipFile("encrypted PDF — needs a password") from exc
        raise SkipFile(f"corrupt PDF — cannot be opened ({exc})") from exc


def read_pdf(data: bytes, ocr: bool = True, ocr_lang: str = "swe") -> Extracted:
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise SkipFile("not a PDF — the file has no PDF header")
    pdf = _open(data)
    try:
        if len(pdf) == 0:
            raise SkipFile("empty PDF — no pages")
        pages = [Page(i + 1, _page_text(_lines(pdf[i].get_textpage()))) for i in range(len(pdf))]
        chars = sum(len(p.text.strip()) for p in pages)
        if chars >= MIN_CHARS_PER_PAGE * len(pages) or chars > 2000:
            return Extracted(pages=pages, format="pdf", page_count=len(pdf))
        if not ocr or not ocr_available(ocr_lang):
            raise SkipFile(
                "no text layer — scanned PDF, needs OCR (install tesseract-ocr and tesseract-ocr-swe)"
            )
        ocr_pages = [Page(i + 1, _ocr_page(pdf[i], ocr_lang)) for i in range(len(pdf))]
        if not any(p.text.strip() for p in ocr_pages):
            raise SkipFile("no text layer and OCR found no text")
        return Extracted(pages=ocr_pages, format="pdf", ocr=True, page_count=len(pdf))
    finally:
        pdf.close()
