"""PDF round trip: corpus texts typeset as real multi-page PDFs (fpdf2) parse back to the same paragraphs.

The PDFs carry what real municipal PDFs carry: a running header, a `Sida N av M` footer, word-wrapped
lines with words hyphenated at line ends (`innovations-` / `strategi`) and a paragraph cut by a page break.
"""

from __future__ import annotations

import itertools
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fpdf import FPDF

from ingest.models import Document
from ingest.parse import parse_bytes
from ingest.structure import HEAD_LABELS
from tests.paths import corpus_source

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
TEXT_LEFT, TEXT_WIDTH = 20.0, 170.0
BODY_TOP, BODY_BOTTOM = 30.0, 268.0
LINE_HEIGHT, PARAGRAPH_GAP = 5.5, 4.5
TERMINAL = tuple('.!?:;…"”»)')

SEED_2015 = "2015_socialnamnden_tjansteutlatande_innovationsstrategi_stockholms_stad.txt"
KUNGSBACKA = "kungsbacka_ks_yttrande_sou-2025-7-ny-karnkraft_2025-02-05.txt"
CASES = [
    pytest.param((SEED_2015, "Stockholms stad  Tjänsteutlåtande", "integrerade ledningssystem"), id="2015-seed"),
    pytest.param((KUNGSBACKA, "Kungsbacka kommun  Kommunstyrelsen", "Tillståndsprocessen omfattar"), id="kungsbacka"),
]


@dataclass
class Line:
    drawn: str  # what is printed, with a hyphen when a word is broken
    content: str  # what it contributes to the paragraph text
    page: int = 0
    y: float = 0.0


@dataclass
class Typeset:
    pdf: bytes
    body: list[Line] = field(default_factory=list)  # body lines in reading order
    split_pages: list[int] = field(default_factory=list)  # pages of the paragraph cut by a page break
    hyphenated: list[str] = field(default_factory=list)  # words printed broken across two lines


def unicode_font() -> Path | None:
    """DejaVu Sans, else any TrueType font fontconfig knows for Swedish; None: use a core font."""
    if DEJAVU.is_file():
        return DEJAVU
    try:
        listed = subprocess.run(["fc-list", ":lang=sv", "file"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    fonts = sorted(Path(line.split(":")[0]) for line in listed.splitlines() if line.split(":")[0].endswith(".ttf"))
    return next((f for f in fonts if "Sans" in f.name), fonts[0] if fonts else None)


def _latin1(text: str) -> str:
    """Without a Unicode font the core font takes latin-1 only (åäö fit; dashes and quotes do not)."""
    text = text.replace("–", "-").replace("−", "-").replace("”", '"').replace("“", '"').replace("’", "'")
    return text.encode("latin-1", "replace").decode("latin-1")


class Typesetter:
    def __init__(self) -> None:
        self.pdf = FPDF(format="A4", unit="mm")
        self.pdf.set_auto_page_break(False)
        font = unicode_font()
        if font is not None:
            self.pdf.add_font("Body", fname=str(font))
            self.pdf.set_font("Body", size=10)
            self.clean = lambda text: text
        else:  # fpdf2 ships no Unicode font: a core font takes latin-1, where åäö fit
            self.pdf.set_font("Helvetica", size=10)
            self.clean = _latin1

    def width(self, text: str) -> float:
        return float(self.pdf.get_string_width(text))

    def wrap(self, text: str) -> list[Line]:
        """Greedy word wrap; a long word that does not fit is broken with a hyphen (`innovations-`)."""
        lines: list[Line] = []
        current = ""
        for word in text.split():
            candidate = f"{current} {word}" if current else word
            if self.width(candidate) <= TEXT_WIDTH:
                current = candidate
                continue
            broken = self._hyphenate(current, word)
            if broken is not None:
                head, tail = broken
                prefix = f"{current} " if current else ""
                lines.append(Line(f"{prefix}{head}-", f"{prefix}{head}"))
                current = tail
                continue
            tokens = current.split()
            if len(tokens) > 1 and tokens[-1].endswith("-"):  # keep `kund-` with `eller` on the next line
                lines.append(Line(" ".join(tokens[:-1]), " ".join(tokens[:-1])))
                current = f"{tokens[-1]} {word}"
            else:
                lines.append(Line(current, current))
                current = word
        if current:
            lines.append(Line(current, current))
        return lines

    def _hyphenate(self, current: str, word: str) -> tuple[str, str] | None:
        core = word.rstrip(",.;:")
        if len(core) < 10 or not core.isalpha() or not core[4:].islower():
            return None
        prefix = f"{current} " if current else ""
        for cut in range(len(core) - 5, 4, -1):
            if self.width(f"{prefix}{word[:cut]}-") <= TEXT_WIDTH:
                return word[:cut], word[cut:]
        return None

    def layout(self, blocks: list[list[str]], split_marker: str) -> Typeset:
        """Place blocks (headings, paragraphs) on pages; only the marked paragraph is cut by a page break."""
        result = Typeset(pdf=b"")
        page, y = 1, BODY_TOP
        for block in blocks:
            lines = [line for text in block for line in self.wrap(self.clean(text))]
            height = len(lines) * LINE_HEIGHT
            if any(split_marker in text for text in block):
                cut = self._cut(lines)
                y = max(y, BODY_BOTTOM - cut * LINE_HEIGHT)  # exactly `cut` lines fit on this page
                for k, line in enumerate(lines):
                    if k == cut:
                        page, y = page + 1, BODY_TOP
                    line.page, line.y = page, y
                    y += LINE_HEIGHT
                result.split_pages = [page - 1, page]
            else:
                if y + height > BODY_BOTTOM:
                    page, y = page + 1, BODY_TOP
                for line in lines:
                    line.page, line.y = page, y
                    y += LINE_HEIGHT
            result.body.extend(lines)
            result.hyphenated += [
                line.content.split()[-1] + nxt.content.split()[0]
                for line, nxt in itertools.pairwise(lines)
                if line.drawn.endswith("-") and not line.content.endswith("-")
            ]
            y += PARAGRAPH_GAP
        return result

    @staticmethod
    def _cut(lines: list[Line]) -> int:
        """A line break after which the text plainly continues: no sentence end, next line lower-case."""
        assert len(lines) >= 3, "the paragraph to cut needs at least three lines"
        for k in range(len(lines) // 2, 0, -1):
            if not lines[k - 1].content.endswith(TERMINAL) and lines[k].content[:1].islower():
                return k
        raise AssertionError("no place to cut the paragraph")

    def render(self, typeset: Typeset, header: str) -> bytes:
        total = max(line.page for line in typeset.body)
        for number in range(1, total + 1):
            self.pdf.add_page()
            if number > 1:
                self.pdf.text(TEXT_LEFT, 14, self.clean(header))
            for line in typeset.body:
                if line.page == number:
                    self.pdf.text(TEXT_LEFT, line.y, line.drawn)
            self.pdf.text(TEXT_LEFT + TEXT_WIDTH - 25, 287, f"Sida {number} av {total}")
        return bytes(self.pdf.output())


def blocks_of(doc: Document) -> list[list[str]]:
    """The document as typeset: each heading and each paragraph its own block (a list of forced lines).

    In the head a label stands above its value (`Handläggare` / `Lisbeth Westerlund`), as on paper.
    """
    blocks: list[list[str]] = []
    for section in doc.sections:
        if section.kind not in ("head", "statement"):
            blocks.append([section.heading])
        for p in section.paragraphs:
            label = next((lab for lab in HEAD_LABELS if p.text.lower().startswith(lab + " ")), None)
            rest = p.text[len(label) + 1 :] if label else ""
            if section.kind == "head" and label and rest.lower() not in HEAD_LABELS:
                blocks.append([p.text[: len(label)], rest])
            else:
                blocks.append([p.text])
    return blocks


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def normal(text: str) -> str:
    return " ".join(text.split())


def expected_pages(doc: Document, body: list[Line]) -> dict[str, list[int]]:
    """Walk the printed lines in order: each parsed paragraph takes whole lines, whose pages are its pages."""
    position = 0
    found: dict[str, list[int]] = {}

    def consume(target: str) -> list[int]:
        nonlocal position
        taken, pages = "", []
        while len(taken) < len(target):
            line = body[position]
            taken += squash(line.content)
            pages.append(line.page)
            position += 1
        assert taken == target, f"paragraph boundaries differ at {target[:60]!r}"
        return sorted(set(pages))

    for section in doc.sections:
        if section.kind not in ("head", "statement"):
            consume(squash(section.heading))
        for p in section.paragraphs:
            found[p.id] = consume(squash(p.text))
    assert position == len(body), "lines left over after the last paragraph"
    return found


@dataclass
class RoundTrip:
    source: Document  # the corpus text, parsed
    parsed: Document  # the PDF typeset from it, parsed
    typeset: Typeset
    header: str
    split_marker: str


@pytest.fixture(scope="module", params=CASES)
def rt(request: pytest.FixtureRequest) -> RoundTrip:
    name, header, split_marker = request.param
    source = parse_bytes(corpus_source(name).read_bytes(), name)
    setter = Typesetter()
    for p in source.paragraphs():
        p.text = setter.clean(p.text)
    typeset = setter.layout(blocks_of(source), split_marker)
    typeset.pdf = setter.render(typeset, header)
    parsed = parse_bytes(typeset.pdf, name.replace(".txt", ".pdf"))
    return RoundTrip(source, parsed, typeset, header, split_marker)


def test_the_pdf_has_several_pages_and_hyphenated_words(rt: RoundTrip) -> None:
    assert rt.parsed.format == "pdf"
    assert rt.parsed.pages == max(line.page for line in rt.typeset.body) >= 3
    assert len(rt.typeset.hyphenated) >= 3, "the layout should break some long words at line ends"


def test_same_paragraphs_as_the_source_text(rt: RoundTrip) -> None:
    assert [normal(p.text) for p in rt.parsed.paragraphs()] == [normal(p.text) for p in rt.source.paragraphs()]
    assert [s.heading for s in rt.parsed.sections] == [s.heading for s in rt.source.sections]
    assert [p.id for p in rt.parsed.paragraphs()] == [p.id for p in rt.source.paragraphs()]


def test_no_header_footer_or_page_number_in_any_paragraph(rt: RoundTrip) -> None:
    for p in rt.parsed.paragraphs():
        assert normal(rt.header) not in p.text, p.id
        assert not re.search(r"Sida \d+ av \d+", p.text), p.id
        assert not re.fullmatch(r"\d{1,3}", p.text.strip()), p.id
    first_word = rt.header.split()[0]
    assert sum(p.text.count(first_word) for p in rt.parsed.paragraphs()) == sum(
        p.text.count(first_word) for p in rt.source.paragraphs()
    )


def test_hyphenated_words_are_joined(rt: RoundTrip) -> None:
    text = " ".join(p.text for p in rt.parsed.paragraphs())
    for word in rt.typeset.hyphenated:
        assert word in text, f"{word} should be whole again"
    assert not re.search(r"[a-zåäö]- (?!och|eller|samt)[a-zåäö]", text), "a line-end hyphen survived inside a word"


def test_paragraph_cut_by_the_page_break_is_one_paragraph(rt: RoundTrip) -> None:
    matching = [p for p in rt.parsed.paragraphs() if rt.split_marker in p.text]
    assert len(matching) == 1
    first, second = rt.typeset.split_pages
    assert matching[0].pages == [first, first + 1] == [first, second]


def test_each_paragraph_has_the_pages_it_was_printed_on(rt: RoundTrip) -> None:
    expected = expected_pages(rt.parsed, rt.typeset.body)
    assert {p.id: p.pages for p in rt.parsed.paragraphs()} == expected
    assert all(p.start < p.end and rt.parsed.text[p.start : p.end] == p.text for p in rt.parsed.paragraphs())
