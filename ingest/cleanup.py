"""Page clean-up: running headers and footers, page numbers, footer blocks.

Works on lines per page. The first occurrence of a repeated header is kept (it is often the document
head: body, datum); later repeats are dropped. A repeated line counts as a running header or footer only
where it sits in the run of header/footer lines at the page's top or bottom edge: a heading such as
`Beslutsgång` that recurs near the foot of many pages, but with body text below it, is kept.
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
    if line.lstrip().startswith("§"):  # `§ 66 Dnr KS-2025-00086`: each paragraf heading is distinct
        return " ".join(line.lower().split())
    line = re.sub(r"\b\w*\d\w*\b", "#", line.lower())
    return " ".join(line.split())


def _zones(lines: list[str]) -> set[int]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return set(filled[:TOP_ZONE]) | set(filled[-BOTTOM_ZONE:])


def _repeated_keys(pages: list[list[str]]) -> set[str]:
    counts: Counter[str] = Counter()
    top: Counter[str] = Counter()
    for lines in pages:
        counts.update({_key(lines[i]) for i in _zones(lines)})
        top.update({_key(line) for line in [line for line in lines if line.strip()][:TOP_ZONE]})
    needed = max(2, int(0.4 * len(pages) + 0.999))
    # A running header needs only 3 pages: a decision with an appended judgment (bilaga A) has two
    # running headers, each on part of the pages. Footers keep the 40 %: boilerplate closes many pages.
    needed_top = min(needed, 3)
    found = {k for k, n in counts.items() if n >= needed} | {k for k, n in top.items() if n >= needed_top}
    return {k for k in found if k and k != "#"}


def _edge_run(lines: list[str], removable: set[int]) -> set[int]:
    """Indices of the lines at the top and bottom edge that are blank or removable, up to the first other."""
    run: set[int] = set()
    for order in (range(len(lines)), range(len(lines) - 1, -1, -1)):
        for i in order:
            if lines[i].strip() and i not in removable:
                break
            run.add(i)
    return run


def _running_keys(pages: list[list[str]], repeated: set[str]) -> set[str]:
    """Repeated lines that, on most pages they occur on, sit in the run of header/footer lines at the top or
    bottom edge. A heading that recurs near the foot of pages has body text below it on most of them."""
    in_zone: Counter[str] = Counter()
    at_edge: Counter[str] = Counter()
    for lines in pages:
        keys = {i: _key(lines[i].strip()) for i in _zones(lines)}
        removable = {i for i, k in keys.items() if k in repeated or PAGE_NUMBER.match(lines[i].strip())}
        in_zone.update({k for k in keys.values() if k in repeated})
        at_edge.update({keys[i] for i in _edge_run(lines, removable) if i in keys and keys[i] in repeated})
    return {k for k, n in at_edge.items() if 2 * n >= in_zone[k]}


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
    running = _running_keys(split, repeated)
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
                if key in running:
                    if key in seen or page is not pages[0]:
                        continue
                    seen.add(key)
            keep.append(line.rstrip())
        cleaned.append(Page(page.number, "\n".join(keep)))
    return cleaned
