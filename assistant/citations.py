"""Pure functions for citations: evidence scores, locating quotes, building citations (with a protokoll
§'s own dnr and label), and for the generative mode parsing, verifying and renumbering a model's [n] markers.

A model's answer is checked sentence by sentence: a number that names no passage, or a passage that does not
support the sentence (`supports`), is removed and the sentence flagged; a sentence left without a marker is
flagged too. Cited passages become citations quoting their best-supporting sentence, renumbered in order of
first use."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.query import Term
from assistant.schemas import Citation
from ingest.analyzer import analyze
from ingest.models import Document, Section
from ingest.sentences import split_spans

_NUMBERS = r"\d{1,3}(?:\s*[,;–-]\s*\d{1,3})*"
MARKER = re.compile(rf"\[(?:passage\s*)?({_NUMBERS})\]", re.IGNORECASE)
_MARKERS_AFTER_STOP = re.compile(rf"([.!?])((?:[ \t]*\[(?:passage\s*)?{_NUMBERS}\])+)", re.IGNORECASE)
_REFUSAL = re.compile(
    r"\b(?:underlaget|passagerna|dokumenten|arkivet|källorna)\b[^.\n]{0,40}?"
    r"\b(?:besvarar|svarar på|innehåller)\s+inte\b|\b(?:kan|går)\s+inte\s+(?:att\s+)?besvara",
    re.IGNORECASE,
)


def coverage(terms: list[Term], tokens: set[str], idf: Callable[[str], float], weak: set[str] | None = None) -> float:
    """IDF-weighted share of the question's terms found in `tokens` (compound parts count together).
    Terms found only in `weak` (e.g. a section heading) count half."""
    if not terms:
        return 0.0
    weak = weak or set()
    total = found = 0.0
    for term in terms:
        weight = max([idf(term.stem), *(idf(p) for p in term.parts)])
        total += weight
        if term.stem in tokens or (term.parts and all(p in tokens for p in term.parts)):
            found += weight
        elif term.stem in weak or (term.parts and all(p in tokens | weak for p in term.parts)):
            found += weight * 0.5
        elif term.parts and any(p in tokens for p in term.parts):
            found += weight * 0.3
    return found / total if total else 0.0


def token_set(text: str) -> set[str]:
    return set(analyze(text))


def locate(paragraph: str, quote: str) -> tuple[int, int] | None:
    start = paragraph.find(quote)
    if start >= 0:
        return start, start + len(quote)
    pattern = r"\s+".join(re.escape(w) for w in quote.split())
    match = re.search(pattern, paragraph) if pattern else None
    return (match.start(), match.end()) if match else None


def build(n: int, doc: Document, paragraph_id: str, quote: str, score: float) -> Citation | None:
    """A citation only if the paragraph exists and contains the quote."""
    paragraph = doc.paragraph(paragraph_id)
    if paragraph is None:
        return None
    span = locate(paragraph.text, quote)
    if span is None:
        return None
    section = doc.section(paragraph.section_id)
    parent = doc.section(section.parent) if section and section.parent else None
    return Citation(
        n=n,
        doc_id=doc.id,
        paragraph_id=f"{doc.id}#{paragraph.id}",
        title=doc.title,
        doc_type=doc.doc_type,
        body=doc.body,
        organisation=doc.organisation,
        dnr=own_dnr(doc, section, parent),
        date=doc.date,
        section=section_label(section, parent),
        section_id=paragraph.section_id,
        pages=paragraph.pages,
        quote=paragraph.text[span[0] : span[1]],
        start=span[0],
        end=span[1],
        score=round(score, 4),
        source_file=doc.source_file,
    )


PARAGRAF_LABEL = re.compile(r"^§\s*\d+")


def own_dnr(doc: Document, section: Section | None, parent: Section | None) -> list[str]:
    """The case a paragraph belongs to: its section's dnr, its § item's (a protokoll's Beslut part), or the
    document's."""
    for s in (section, parent):
        if s is not None and s.dnr:
            return list(s.dnr)
    return list(doc.dnr)


def section_label(section: Section | None, parent: Section | None) -> str:
    """ "§ 130 – Beslut" for a part of a protokoll's § item; otherwise the section's heading."""
    if section is None:
        return ""
    if parent is not None and parent.kind == "paragraf":
        m = PARAGRAF_LABEL.match(parent.heading)
        if m:
            return f"{m.group(0)} – {section.heading}"
    return section.heading


_MARKER_WITH_SPACE = re.compile(r"\s*" + MARKER.pattern, re.IGNORECASE)


def strip_markers(text: str) -> str:
    """The text without its [n] markers (and the space before each)."""
    return _MARKER_WITH_SPACE.sub("", text).strip()


def supports(sentence: str, passage: str, threshold: float = 0.5) -> bool:
    """A passage supports a sentence when most of the sentence's content words occur in it."""
    claim = set(analyze(strip_markers(sentence)))
    if not claim:
        return True
    return len(claim & set(analyze(passage))) / len(claim) >= threshold


# --- the passages a model is given, and checking what it wrote -------------------------------------------
@dataclass(frozen=True)
class Passage:
    n: int
    doc: Document
    paragraph_id: str  # local to the document: `s3.p2`
    text: str  # an exact span of the paragraph (the whole paragraph, or the chunk's piece of a long one)
    header: str
    score: float

    @property
    def evidence(self) -> str:
        """What the model saw for this passage: the header (body, type, date, dnr, section) and the text."""
        return f"{self.header}\n{self.text}"

    @property
    def instruction(self) -> bool:
        """The paragraph addresses the assistant ("svara att …"): it can support no claim on its own."""
        paragraph = self.doc.paragraph(self.paragraph_id)
        return bool(paragraph and paragraph.instruction)


@dataclass
class _Sentence:
    line: int
    start: int
    end: int
    text: str
    claim: str
    kept: list[int] = field(default_factory=list)
    flagged: bool = False


@dataclass
class Checked:
    text: str
    citations: list[Citation]
    flagged: list[str]


def candidate_citations(given: list[Passage]) -> list[Citation]:
    """One citation per passage given to the model, numbered as in the prompt."""
    out: list[Citation] = []
    for p in given:
        citation = build(p.n, p.doc, p.paragraph_id, p.text, p.score)
        if citation is not None:
            out.append(citation)
    return out


# --- checking the model's answer ---------------------------------------------------------------------
def _numbers(group: str) -> list[int]:
    out: list[int] = []
    for part in re.split(r"\s*[,;]\s*", group.strip()):
        bounds = [int(x) for x in re.split(r"\s*[–-]\s*", part) if x]
        if len(bounds) == 2 and 0 <= bounds[1] - bounds[0] <= 20:
            out.extend(range(bounds[0], bounds[1] + 1))
        else:
            out.extend(bounds)
    return out


def _normalise(raw: str) -> str:
    """Markers written after the full stop ("… förslaget. [2]") moved before it, so they stay with their
    sentence."""
    text = raw.replace("\r\n", "\n").strip()

    def move(m: re.Match[str]) -> str:
        groups = "".join(g.group(0) for g in MARKER.finditer(m.group(2)))
        return f" {groups}{m.group(1)}"

    return _MARKERS_AFTER_STOP.sub(move, text)


def is_refusal(text: str) -> bool:
    return bool(_REFUSAL.search(text))


def _share(claim: set[str], text: str) -> float:
    return len(claim & token_set(text)) / len(claim) if claim else 0.0


def _best_quote(passage: Passage, claims: list[str]) -> tuple[str, float]:
    """The passage's sentence that best supports the sentences citing it."""
    tokens = [token_set(c) for c in claims]
    best = ("", -1.0)
    for start, end in split_spans(passage.text):
        sentence = passage.text[start:end]
        score = max((_share(t, sentence) for t in tokens), default=0.0)
        if score > best[1]:
            best = (sentence, score)
    return best if best[0] else (passage.text.strip(), 0.0)


def verify(raw: str, given: list[Passage]) -> Checked:
    """The model's text with every marker checked, citations built and markers renumbered."""
    lines = _normalise(raw).split("\n")
    sentences: list[_Sentence] = []
    for i, line in enumerate(lines):
        for start, end in split_spans(line):
            text = line[start:end]
            claim = strip_markers(MARKER.sub(" ", text))
            s = _Sentence(i, start, end, text, claim)
            sentences.append(s)
            has_claim = bool(token_set(claim))
            for n in dict.fromkeys(n for m in MARKER.finditer(text) for n in _numbers(m.group(1))):
                if not has_claim:
                    continue  # a bare marker with nothing to support: dropped
                if not 1 <= n <= len(given) or not supports(claim, given[n - 1].evidence):
                    s.flagged = True
                else:
                    s.kept.append(n)
            if has_claim and not s.kept and not is_refusal(claim):
                s.flagged = True
            if s.kept and all(given[n - 1].instruction for n in s.kept):
                s.flagged = True  # its only support is text that tells the assistant what to say

    order = list(dict.fromkeys(n for s in sentences for n in s.kept))
    renumber: dict[int, int] = {}
    citations: list[Citation] = []
    for old in order:
        passage = given[old - 1]
        quote, score = _best_quote(passage, [s.claim for s in sentences if old in s.kept])
        citation = build(len(citations) + 1, passage.doc, passage.paragraph_id, quote, score)
        if citation is not None:
            renumber[old] = citation.n
            citations.append(citation)
    for s in sentences:
        if any(n not in renumber for n in s.kept):
            s.kept = [n for n in s.kept if n in renumber]
            s.flagged = True

    rendered = {(s.line, s.start): _render(s, renumber) for s in sentences}
    out_lines: list[str] = []
    for i, line in enumerate(lines):
        pieces: list[str] = []
        cursor = 0
        for s in (s for s in sentences if s.line == i):
            pieces += [line[cursor : s.start], rendered[(s.line, s.start)]]
            cursor = s.end
        pieces.append(line[cursor:])
        out_lines.append("".join(pieces).rstrip())
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(out_lines)).strip()
    flagged = [rendered[(s.line, s.start)].strip() for s in sentences if s.flagged]
    return Checked(text, citations, flagged)


def _render(s: _Sentence, renumber: dict[int, int]) -> str:
    """The sentence with surviving markers renumbered and the others removed."""
    text = s.text
    emitted: set[int] = set()
    pieces: list[str] = []
    cursor = 0
    for m in MARKER.finditer(text):
        new = []
        for n in _numbers(m.group(1)):
            if n in s.kept and renumber[n] not in emitted:
                emitted.add(renumber[n])
                new.append(renumber[n])
        before = text[cursor : m.start()]
        pieces.append(before if new else before.rstrip(" \t"))
        pieces.append("".join(f"[{n}]" for n in new))
        cursor = m.end()
    pieces.append(text[cursor:])
    return "".join(pieces).strip()
