"""Paragraphs into a tree of sections: known headings, numbered headings, `§ N` items, party statements."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.dates import DATE
from ingest.dnr import DNR_RE
from ingest.models import Paragraph, Section, Statement
from ingest.paragraphs import CONTINUING, LIST_ITEM, TERMINAL, RawParagraph
from ingest.parties import parties_in, people_in, statement_kind

KNOWN_HEADINGS = {
    "sammanfattning",
    "sammanfattning av ärendet",
    "bakgrund",
    "ärendet",
    "beredning",
    "ärendets beredning",
    "förvaltningens synpunkter",
    "mina synpunkter",
    "synpunkter",
    "särskilt uttalande",
    "reservation",
    "reservationer",
    "bilagor",
    "bilaga",
    "beslutsunderlag",
    "beslutsgång",
    "förslag till beslut",
    "förvaltningens förslag till beslut",
    "sammanfattande inställning",
    "kommunens inställning i detalj",
    "remissen i sammanfattning",
    "beskrivning av ärendet",
    "motivering",
    "konsekvenser",
    "ekonomiska konsekvenser",
    "beslutet skickas till",
    "remissammanställning",
    "protokollsanteckning",
    "protokollsanteckningar",
    "inledning",
    "syfte",
    "beslut",
    "ärendebeskrivning",
    "förvaltningens bedömning",
    "bedömning",
    "överväganden",
    "remissinstanser",
    "innehåll",
    "yrkanden",
    "propositionsordning",
    "omröstning",
    "justering",
    "expediering",
    "domslut",
    "skälen för domen",
    "skäl",
    "utveckling av talan",
    "mark- och miljööverdomstolens skäl",
}
PARAGRAF = re.compile(r"^§\s*(\d{1,4})\b\s*(.*)$")
TOC_LINE = re.compile(r"\.{4,}\s*\d+\s*$")
NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+[A-ZÅÄÖ]")
PROPOSAL = re.compile(r"\b(föreslår|föreslås) att \w+( \w+)? beslutar\b")
DNR_IN_PARAGRAF = re.compile(r"\bDnr\.?\s*:?\s*([A-ZÅÄÖ]{1,6}[ -]?\d{4}[-/:]\d{1,6}(?:[ -]\d{1,4})?)")


@dataclass
class _Heading:
    text: str
    kind: str
    level: int
    key: str | None = None


def _norm(text: str) -> str:
    return " ".join(text.lower().rstrip(":").split())


def _known(text: str) -> bool:
    norm = _norm(text)
    return (
        norm in KNOWN_HEADINGS
        or norm.startswith(("förslag till beslut", "sammanfattning av", "yrkanden ", "utveckling av talan"))
        or norm.endswith(("domslut", "domskäl"))  # `Mark- och miljööverdomstolens domslut`, `DOMSKÄL`
    )


def _body_like(p: RawParagraph | None) -> bool:
    return p is not None and (len(p.text) >= 60 or p.text.rstrip().endswith(tuple(TERMINAL)))


def classify(p: RawParagraph, nxt: RawParagraph | None) -> _Heading | None:
    text = p.text.strip()
    paragraf = PARAGRAF.match(text)
    if paragraf and not TOC_LINE.search(text) and not (nxt and TOC_LINE.search(nxt.text)):
        return _Heading(text, "paragraf", 1, key=paragraf.group(1))
    if len(text) > 90 or text.endswith((".", ",", ";", "!", "?")) or LIST_ITEM.match(text):
        return None
    if _known(text):
        return _Heading(text.rstrip(":"), "section", 1)
    numbered = NUMBERED.match(text)
    if numbered and nxt is not None and _next_item(numbered.group(1), nxt.text):
        return None  # `1. Innovationsstrategi …` followed by `2. …`: a list, not a heading
    words = len(text.split())
    generic = (
        words <= 12
        and (text[0].isupper() or text[0].isdigit())
        and not re.fullmatch(r"[\d\s\-/:.()]+", text)
        and not DNR_RE.search(text)
        and not DATE.search(text)  # `Yttrande, 2025-02-05`: an item of a Beslutsunderlag list
        and text.split()[-1].lower() not in CONTINUING
        and text.count(",") < 2
        and _body_like(nxt)
        and not (nxt is not None and nxt.text[:1].islower())
    )
    if numbered and generic:
        return _Heading(text, "section", numbered.group(1).count(".") + 1)
    if generic and not text.endswith(":"):
        return _Heading(text, "section", 2 if text.isupper() is False and words > 6 else 1)
    return None


def _next_item(number: str, text: str) -> bool:
    parts = number.split(".")
    following = ".".join([*parts[:-1], str(int(parts[-1]) + 1)])
    return re.match(rf"{re.escape(following)}[.)]?\s", text.strip()) is not None


def _toc_paragrafs(paragraphs: list[RawParagraph]) -> set[int]:
    """`§ 67 Dnr …` entries of a table of contents: the same § opens again later in the document."""
    last: dict[str, int] = {}
    found: list[tuple[int, str]] = []
    for i, p in enumerate(paragraphs):
        match = PARAGRAF.match(p.text.strip())
        if match:
            last[match.group(1)] = i
            found.append((i, match.group(1)))
    return {i for i, number in found if last[number] != i}


class _Builder:
    def __init__(self, ocr: bool) -> None:
        self.sections: list[Section] = [Section(id="s0", heading="Dokumenthuvud", kind="head", level=0)]
        self.statements: list[Statement] = []
        self.ocr = ocr
        self.counter = 0
        self.top: Section | None = None

    def open(self, heading: _Heading) -> None:
        if heading.kind == "paragraf":
            section = Section(id=f"§{heading.key}", heading=heading.text, kind="paragraf", level=1)
            section.id = self._unique(section.id)
            found = DNR_IN_PARAGRAF.search(heading.text)
            section.dnr = [found.group(1)] if found else []
            self.top = section
        else:
            self.counter += 1
            parent = self.top.id if self.top is not None and self.top.kind == "paragraf" else None
            section = Section(id=f"s{self.counter}", heading=heading.text, level=heading.level, parent=parent)
            if parent is None and heading.level == 1:
                self.top = None
        self.sections.append(section)

    def _unique(self, sid: str) -> str:
        existing = {s.id for s in self.sections}
        n, candidate = 1, sid
        while candidate in existing:
            n += 1
            candidate = f"{sid}-{n}"
        return candidate

    def open_statement(self, kind: str, p: RawParagraph) -> None:
        self.counter += 1
        parties, people = parties_in(p.text), people_in(p.text)
        label = f"{kind} ({', '.join(parties)})" if parties else kind
        current = self.sections[-1]
        parent = current.parent if current.kind == "statement" else current.id
        section = Section(
            id=f"s{self.counter}",
            heading=label,
            kind="statement",
            level=2,
            parent=parent,
            parties=parties,
            people=people,
        )
        self.sections.append(section)
        self.statements.append(
            Statement(
                kind=kind,
                section_id=section.id,
                paragraph_id=f"{section.id}.p1",
                parties=parties,
                people=people,
            )
        )

    def add(self, p: RawParagraph) -> None:
        section = self.sections[-1]
        number = len(section.paragraphs) + 1
        if section.kind == "paragraf" and not section.dnr:
            found = DNR_IN_PARAGRAF.search(p.text)
            if found and number <= 2:
                section.dnr = [found.group(1)]
        section.paragraphs.append(
            Paragraph(
                id=f"{section.id}.p{number}",
                section_id=section.id,
                number=number,
                text=p.text,
                pages=p.pages,
                ocr=self.ocr,
            )
        )


HEAD_LABELS = {
    "handläggare",
    "till",
    "datum",
    "diarienummer",
    "dnr",
    "ert diarienummer",
    "vårt diarienummer",
    "handläggare/telefon",
    "från",
    "ärende",
}


def _merge_head_labels(paragraphs: list[RawParagraph]) -> list[RawParagraph]:
    """In the head, `Handläggare` followed by `Lisbeth Westerlund` becomes one paragraph."""
    out: list[RawParagraph] = []
    skip = False
    for i, p in enumerate(paragraphs):
        if skip:
            skip = False
            continue
        nxt = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
        if (
            _norm(p.text) in HEAD_LABELS
            and nxt is not None
            and len(nxt.text) < 60
            and _norm(nxt.text) not in HEAD_LABELS
        ):
            out.append(RawParagraph(f"{p.text} {nxt.text}", sorted(set(p.pages + nxt.pages)), 2))
            skip = True
        else:
            out.append(p)
    return out


def build_sections(paragraphs: list[RawParagraph], ocr: bool = False) -> tuple[list[Section], list[Statement]]:
    builder = _Builder(ocr)
    in_head = True
    paragraphs = list(paragraphs)
    first_heading = next((i for i, p in enumerate(paragraphs) if _known(p.text)), len(paragraphs))
    paragraphs = _merge_head_labels(paragraphs[:first_heading]) + paragraphs[first_heading:]
    toc = _toc_paragrafs(paragraphs)
    for i, p in enumerate(paragraphs):
        nxt = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
        if i in toc:
            builder.add(p)
            continue
        kind = statement_kind(p.text)
        if in_head and PROPOSAL.search(p.text) and len(p.text) < 200:
            in_head = False
            builder.open(_Heading("Förslag till beslut", "section", 1))
            builder.add(p)
            continue
        heading = None if in_head and not _known(p.text) and not PARAGRAF.match(p.text) else classify(p, nxt)
        if heading is not None:
            in_head = False
            builder.open(heading)
        elif kind and len(p.text) > 25:
            in_head = False
            builder.open_statement(kind, p)
            builder.add(p)
        else:
            builder.add(p)
    sections = [s for s in builder.sections if s.paragraphs or s.kind != "head"]
    return sections, builder.statements
