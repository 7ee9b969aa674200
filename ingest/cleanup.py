"""Page clean-up: running headers and footers, page numbers, footer blocks.

Works on lines per page. The first occurrence of a repeated header is kept (it is often the document
head: body, datum); later repeats are dropped.
"""

from __future__ import annotations

import re
from collections import Counter

from ingest.pages import Page

TOP_ZONE = 6
BOTTOM_ZONE = 9
PAGE_NUMBER = re.compile(
    r"^(?:sida|sid|page)?\s*\d{1,4}\s*(?:\(\s*\d{1,4}\s*\)|av\s+\d{1,4}|/\s*\d{1,4})?$|^[-–]\s*\d{1,4}\s*[-–]$",
    re.IGNORECASE,
)
PAGE_OF = re.compile(r"^\d{1,4}\s*\(\s*\d{1,4}\s*\)$")


def _key(line: str) -> str:
    line = re.sub(r"\b\w*\d\w*\b", "#", line.lower())
    return " ".join(line.split())


def _zones(lines: list[str]) -> set[int]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return set(filled[:TOP_ZONE]) | set(filled[-BOTTOM_ZONE:])


def _repeated_keys(pages: list[list[str]]) -> set[str]:
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_key(lines[i]) for i in _zones(lines)})
    needed = max(2, int(0.4 * len(pages) + 0.999))
    return {k for k, n in counts.items() if n >= needed and k and k != "#"}


def _footer_block_start(lines: list[str]) -> int | None:
    """A `1 (3)` page mark near the bottom followed only by short address lines starts a footer block."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    for i in filled[-BOTTOM_ZONE:]:
        if PAGE_OF.match(lines[i].strip()):
            rest = [line for line in lines[i + 1 :] if line.strip()]
            if all(len(" ".join(line.split())) < 70 for line in rest):
                return i
    return None


def clean_pages(pages: list[Page]) -> list[Page]:
    split = [p.text.split("\n") for p in pages]
    repeated = _repeated_keys(split) if len(pages) >= 2 else set()
    seen: set[str] = set()
    cleaned: list[Page] = []
    for page, lines in zip(pages, split, strict=True):
        zones = _zones(lines)
        cut = _footer_block_start(lines)
        keep: list[str] = []
        for i, line in enumerate(lines):
            stripped = line.strip()
            if cut is not None and i >= cut:
                break
            if i in zones and stripped:
                key = _key(stripped)
                if PAGE_NUMBER.match(stripped):
                    continue
                if key in repeated:
                    if key in seen or page is not pages[0]:
                        continue
                    seen.add(key)
            keep.append(line.rstrip())
        cleaned.append(Page(page.number, "\n".join(keep)))
    return cleaned
