"""PDF text with pypdfium2: lines rebuilt from text rectangles, paragraph breaks from vertical gaps.

Scanned pages (no text layer) are OCR'd with Tesseract when it is installed with Swedish data;
otherwise the file is skipped with a reason.
"""

from __future__ import annotations

import bisect
import itertools
import re
import shutil
import statistics
from dataclasses import dataclass
from functools import lru_cache

import pypdfium2 as pdfium

from ingest.errors import SkipFile
from ingest.inflate import check_pdf_streams
from ingest.limits import DEFAULT_LIMITS, Limits
from ingest.pages import Extracted, Page

MIN_CHARS_PER_PAGE = 25  # below this on average, a PDF has no real text layer


@dataclass
class _Line:
    top: float
    text: str


def _lines(textpage: pdfium.PdfTextPage) -> list[_Line]:
    """Lines of the page in PDFium's reading order, each with the top of its first glyph.

    PDFium joins a line that ends in a hyphen with the text that follows (`innovations\ufffestrategi`),
    even when that is the page footer; such a line is split again where the next glyph starts a new line.
    """
    text = textpage.get_text_range()
    lines: list[_Line] = []
    index = 0
    for raw in text.split("\r\n"):
        start = 0
        for mark in re.finditer("[\ufffe\u00ad\x02]", raw):
            after = mark.end()
            if raw[after:].strip() and _new_line(textpage, index + mark.start(), index + after):
                _add_line(lines, textpage, raw[start:after], index + start)
                start = after
        _add_line(lines, textpage, raw[start:], index + start)
        index += len(raw) + 2
    return lines


def _new_line(textpage: pdfium.PdfTextPage, hyphen: int, following: int) -> bool:
    """The glyph after a hyphen sits on another line (lower, or back at the left margin)."""
    left, bottom, _, top = textpage.get_charbox(hyphen, loose=True)
    next_left, next_bottom, _, next_top = textpage.get_charbox(following, loose=True)
    return next_top < bottom or next_bottom > top or next_left < left - 1.0


def _add_line(lines: list[_Line], textpage: pdfium.PdfTextPage, raw: str, index: int) -> None:
    stripped = raw.lstrip()
    if stripped:
        top = textpage.get_charbox(index + len(raw) - len(stripped), loose=True)[3]
        lines.append(_Line(top, _soft_hyphens(" ".join(raw.split()))))


def _soft_hyphens(line: str) -> str:
    """PDFium marks a soft hyphen as U+FFFE (or U+00AD): a hyphen at a line end, nothing inside a line."""
    line = re.sub("[\ufffe\u00ad\x02]$", "-", line)
    return re.sub("[\ufffe\u00ad\x02]", "", line)


def _steps(lines: list[_Line]) -> list[float]:
    return [a.top - b.top for a, b in itertools.pairwise(lines) if a.top - b.top > 0]


def _line_spacing(steps: list[float]) -> float:
    """The document's line spacing: the tightest step that recurs (at least 15 % of all steps). In a document
    of many short paragraphs the median step is a paragraph gap; a stray superscript is not a line."""
    if not steps:
        return 0.0
    ordered = sorted(steps)
    needed = max(3, 0.15 * len(ordered))
    for step in ordered:
        low = bisect.bisect_left(ordered, step)
        high = bisect.bisect_right(ordered, step * 1.05 + 0.2)
        if high - low >= needed:
            return statistics.median(ordered[low:high])
    return statistics.median(ordered)


def _line_step(lines: list[_Line], document_step: float) -> float:
    """The usual line step of a page: its median step; but on a page made mostly of one-line paragraphs
    (a document head) the median is itself a paragraph gap by the document's measure: use the document's."""
    steps = _steps(lines)
    if not steps:
        return 0.0
    own = statistics.median(steps)
    if (
        document_step
        and own > _break_gap(document_step)
        and any(abs(s - document_step) <= 0.1 * document_step for s in steps)
    ):
        return document_step
    return own


def _break_gap(typical: float) -> float:
    return typical * 1.25 + 1.0


def _page_text(lines: list[_Line], document_step: float = 0.0) -> str:
    """Join lines; a vertical gap clearly larger than the usual line step starts a new paragraph."""
    if not lines:
        return ""
    typical = _line_step(lines, document_step)
    out = [lines[0].text]
    for prev, line in itertools.pairwise(lines):
        gap = prev.top - line.top
        if typical and (gap > _break_gap(typical) or gap < -typical):
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
        if _declares_no_pages(data):
            raise SkipFile("empty PDF — no pages") from exc
        raise SkipFile(f"corrupt PDF — cannot be opened ({exc})") from exc


def _declares_no_pages(data: bytes) -> bool:
    """A well-formed PDF whose page tree is empty (PDFium refuses to open some of those)."""
    import io

    import pypdf

    try:
        return len(pypdf.PdfReader(io.BytesIO(data)).pages) == 0
    except Exception:  # pypdf raises many types for broken files: then it is corrupt, not empty
        return False


def _no_text_layer(ocr: bool, ocr_lang: str) -> SkipFile:
    if not ocr:
        return SkipFile("no text layer — scanned PDF, and OCR is switched off (REMISS_OCR=false)")
    return SkipFile("no text layer — scanned PDF, needs OCR (install tesseract-ocr and tesseract-ocr-swe)")


def _text_pages(pdf: pdfium.PdfDocument) -> list[Page]:
    page_lines = [_lines(pdf[i].get_textpage()) for i in range(len(pdf))]
    document_step = _line_spacing([step for lines in page_lines for step in _steps(lines)])
    return [Page(i + 1, _page_text(lines, document_step)) for i, lines in enumerate(page_lines)]


def _ocr_pages(pdf: pdfium.PdfDocument, ocr: bool, ocr_lang: str) -> list[Page]:
    if not ocr or not ocr_available(ocr_lang):
        raise _no_text_layer(ocr, ocr_lang)
    pages = [Page(i + 1, _ocr_page(pdf[i], ocr_lang)) for i in range(len(pdf))]
    if not any(p.text.strip() for p in pages):
        raise SkipFile("no text layer and OCR found no text")
    return pages


def read_pdf(data: bytes, ocr: bool = True, ocr_lang: str = "swe", limits: Limits = DEFAULT_LIMITS) -> Extracted:
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise SkipFile("not a PDF — the file has no PDF header")
    check_pdf_streams(data, limits)
    pdf = _open(data)
    try:
        if len(pdf) == 0:
            raise SkipFile("empty PDF — no pages")
        if len(pdf) > limits.pages:
            raise SkipFile(f"too many pages ({len(pdf)} > {limits.pages})")
        pages = _text_pages(pdf)
        chars = sum(len(p.text.strip()) for p in pages)
        if chars >= MIN_CHARS_PER_PAGE * len(pages) or chars > 2000:
            return Extracted(pages=pages, format="pdf", page_count=len(pdf))
        return Extracted(pages=_ocr_pages(pdf, ocr, ocr_lang), format="pdf", ocr=True, page_count=len(pdf))
    finally:
        pdf.close()
