"""What a reader returns: the text of each page, paragraphs separated by blank lines."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Page:
    number: int | None  # None when the source has no pages (plain text without page markers)
    text: str


@dataclass
class Extracted:
    pages: list[Page]
    format: str
    ocr: bool = False
    page_count: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.pages)
