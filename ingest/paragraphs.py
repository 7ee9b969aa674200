"""From cleaned pages to paragraphs: hard-wrapped lines joined, hyphenation undone, page breaks healed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.pages import Page

TERMINAL = '.!?:;…"”»)'
LIST_ITEM = re.compile(r"^(?:\d{1,2}[.)]|[a-zåäö][.)]|[-•–*▪])\s+\S")
SUSPENDED = {"och", "eller", "samt", "respektive", "som", "till", "resp."}
# A line ending in one of these continues on the next line: it is not a heading on its own.
# (`till` is left out: `Beslutet skickas till` is a heading.)
CONTINUING = {
    "och",
    "eller",
    "samt",
    "respektive",
    "som",
    "av",
    "i",
    "för",
    "på",
    "om",
    "med",
    "från",
    "att",
    "en",
    "ett",
    "den",
    "det",
    "vid",
    "mot",
    "över",
    "inom",
    "enligt",
    "&",
}


@dataclass
class RawParagraph:
    text: str
    pages: list[int] = field(default_factory=list)
    lines: int = 1


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(tuple(TERMINAL))


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines: `innovations-`/`strategi` -> `innovationsstrategi`; `Klimat-`/`och` kept."""
    out = ""
    for raw in lines:
        line = " ".join(raw.split())
        if not line:
            continue
        if not out:
            out = line
            continue
        first_word = line.split()[0]
        if re.search(r"[a-zåäöé]-$", out) and first_word[:1].islower():
            if first_word.rstrip(",.") in SUSPENDED:
                out += " " + line
            else:
                out = out[:-1] + line
        elif out.endswith("-") and re.search(r"[A-ZÅÄÖ0-9]-$", out) and first_word[:1].islower():
            out += line
        else:
            out += " " + line
    return out


def _split_block(lines: list[str], width: int) -> list[list[str]]:
    """Split one blank-line-separated block into paragraphs using line lengths and list markers."""
    parts: list[list[str]] = [[]]
    for i, line in enumerate(lines):
        current = parts[-1]
        if current and LIST_ITEM.match(line):
            parts.append([line])
            continue
        if current and _heading_so_far(current, width) and line[:1].isupper():
            parts.append([line])
            continue
        current.append(line)
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if nxt is not None and _ends_sentence(line) and len(line) < 0.72 * width:
            parts.append([])
    return [p for p in parts if p]


def _heading_so_far(lines: list[str], width: int) -> bool:
    """One short line that reads as a heading, or up to three whose earlier lines end in a word that
    continues (`K UTREDNINGSOMRÅDE FÖR` / `KOMMUNIKATION`)."""
    if len(lines) == 1:
        return _looks_like_heading_line(lines[0], width)
    return (
        len(lines) <= 3
        and all(line.split()[-1].lower() in CONTINUING for line in lines[:-1])
        and all(len(line.strip()) < 0.85 * width for line in lines)
        and _looks_like_heading_line(" ".join(line.strip() for line in lines), 2 * len(lines) * width)
    )


def _looks_like_heading_line(line: str, width: int) -> bool:
    text = line.strip()
    return (
        0 < len(text) < 0.85 * width
        and not _ends_sentence(text)
        and not text.endswith((",", "-", "–"))
        and text.split()[-1].lower() not in CONTINUING
        and text.count(",") < 2  # `… överklagades av HCM, EC, MHS dödsbo, Torsby`: a wrapped list
        and (text[0].isupper() or text[0] == "§" or text[0].isdigit())
        and len(text.split()) <= 12
    )


def _typical_width(pages: list[Page]) -> int:
    lengths = sorted(len(line.strip()) for p in pages for line in p.text.split("\n") if line.strip())
    if not lengths:
        return 80
    return max(40, lengths[int(len(lengths) * 0.9)])


def _continues(prev: RawParagraph, text: str) -> bool:
    """A paragraph cut by a page break or a stray blank line: no sentence end, next starts lower-case."""
    first = text.lstrip()[:1]
    return bool(first) and first.islower() and not _ends_sentence(prev.text) and not LIST_ITEM.match(text)


def to_paragraphs(pages: list[Page]) -> list[RawParagraph]:
    width = _typical_width(pages)
    paragraphs: list[RawParagraph] = []
    for page in pages:
        page_no = [page.number] if page.number is not None else []
        for block in re.split(r"\n\s*\n", page.text):
            lines = [line for line in block.split("\n") if line.strip()]
            if not lines:
                continue
            for part in _split_block(lines, width):
                text = join_lines(part)
                if paragraphs and _continues(paragraphs[-1], text):
                    prev = paragraphs[-1]
                    prev.text = join_lines([prev.text, text])
                    prev.pages += [n for n in page_no if n not in prev.pages]
                    prev.lines += len(part)
                else:
                    paragraphs.append(RawParagraph(text, list(page_no), len(part)))
    return paragraphs
