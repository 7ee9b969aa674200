"""Remisser the archive holds answers to, and a remissammanställning per remiss: who answered, and how.

Grouping: answering documents (not remiss pages, is_remissvar, with a remiss_ref or a remitting body) group
by remiss_ref (SOU/Ds number) when they have one; otherwise by remitting body plus the remiss title read
from the document title, where one title may be a word-prefix of the other (a title cut short in the head).
Remiss pages (doc_type "remiss") join the group with their ref as `remiss_docs`.
Ids are readable and stable for the same documents: "sou-2025-7", or a slug of remitting body + title.

Stance per answer (rules in assistant.stance): the first of these sections that gives a stance — a
"Sammanfattande inställning" (or samlad/sammanfattande bedömning), the förslag till beslut, the first
paragraphs of the Sammanfattning, a "… bedömning"/"… synpunkter" section — else "unclear". Positions per
section where the answer follows the betänkande's numbering ("3.1 …", "Avsnitt 5.2", "Kapitel 4"), as a
section heading or at the start of a paragraph: the stance of that section's first paragraph."""

from __future__ import annotations

import re
import threading
import unicodedata
import weakref
from collections import Counter
from dataclasses import dataclass, field

from assistant import stance as st
from assistant.catalog import Catalog
from assistant.schemas import RemissAnswer, RemissOverview, RemissSummary, SectionPosition, Stance
from assistant.views import doc_ref
from ingest.models import Document, DocumentFields, Paragraph, Section

CANDIDATE_TYPES = ("remiss", "yttrande", "tjänsteutlåtande", "PM", "other")
ANSWER_PREFIX = re.compile(
    r"^(?:svar\s+på|yttrande\s+(?:över|angående|gällande)|remissvar(?:\s+(?:på|över|angående|gällande))?"
    r"|synpunkter\s+på)\s*:?\s*",
    re.IGNORECASE,
)
REMISS_WORD = re.compile(
    r"^.{0,160}?\bremiss(?:en)?\b(?:\s+från\s+[^:]{1,80}?(?=\s+(?:om|av|angående|gällande)\b|:))?"
    r"(?:\s+(?:av|om|över|angående|gällande))?\s*:?\s*",
    re.IGNORECASE,
)
TITLE_LEAD = re.compile(
    r"^(?:(?:[\wåäö-]+s\s+)?(?:del)?betänkande[nt]?\b|promemorian\b|samrådsversion(?:en)?\s+av\b"
    r"|förslag(?:et)?\s+till\b|granskningshandling(?:en)?\s+(?:av|för)\b)\s*:?\s*",
    re.IGNORECASE,
)
LEADING_REF = re.compile(r"^(?:SOU|Ds|DS)\s?\d{4}:\d{1,3}\s*[-–:]?\s*")
TRAILING_REF = re.compile(r"\s*\((?:SOU|Ds|DS)\s?\d{4}:\d{1,3}\)\s*$")
SUMMARY_STANCE = re.compile(
    r"^(?:sammanfattande|samlad|övergripande)\s+(?:inställning|bedömning|synpunkter|ställningstagande)"
    r"|^sammanfattning\s+av\s+\w+\s+(?:inställning|synpunkter|ställningstagande)",
    re.IGNORECASE,
)
PROPOSAL = re.compile(r"^(?:[\wåäö-]+s\s+)?förslag\s+till\s+beslut\b", re.IGNORECASE)
SUMMARY = re.compile(r"^sammanfattning\b", re.IGNORECASE)
ASSESSMENT = re.compile(r"\b(?:bedömning|synpunkter|ställningstagande)$", re.IGNORECASE)
SUMMARY_PARAGRAPHS = 2
NUMBERED = re.compile(
    r"^(?:(?:Avsnitt|Kapitel|Kap\.?)\s+\d{1,2}(?:\.\d{1,2}){0,3}|\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(?=[A-ZÅÄÖ])"
)
ACTOR = re.compile(
    r"\s(?=(?:Kommunen|Kommunstyrelsen|Förvaltningen|Nämnden|Regionen|Länsstyrelsen|Staden|Styrelsen|Vi"
    r"|[A-ZÅÄÖ][\wåäö]+\s+(?:kommun|stad|region))\b)"
)
INLINE_HEADING_MAX = 300


# --- titles and ids ------------------------------------------------------------------------------
def slug(text: str, limit: int = 80) -> str:
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    if len(words) <= limit:
        return words
    return words[:limit].rsplit("-", 1)[0]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def remiss_title(title: str) -> str:
    """The remiss's own title in a remiss page's or an answer's title; "" when it names none."""
    text = title.strip()
    if ANSWER_PREFIX.match(text) or REMISS_WORD.match(text):
        text = ANSWER_PREFIX.sub("", text, count=1)
        text = REMISS_WORD.sub("", text, count=1) if REMISS_WORD.match(text) else text
    text = LEADING_REF.sub("", text)
    while TITLE_LEAD.match(text):
        text = TITLE_LEAD.sub("", text, count=1)
    return _cap(TRAILING_REF.sub("", text).strip(" :–-"))


def _remitter_key(name: str | None) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\s*-\s*", "-", (name or "").lower())).strip()


def _words(title: str) -> list[str]:
    return re.findall(r"[\wåäö]+", title.lower())


def _compatible(a: str, b: str) -> bool:
    """Same title, or one a word-prefix (of at least two words) of the other."""
    x, y = sorted((_words(a), _words(b)), key=len)
    return bool(x) and (x == y or (len(x) >= 2 and y[: len(x)] == x))


# --- grouping ------------------------------------------------------------------------------------
@dataclass
class Group:
    ref: str | None
    remitter: str
    answers: list[DocumentFields] = field(default_factory=list)
    remiss_docs: list[DocumentFields] = field(default_factory=list)
    id: str = ""

    def titles(self) -> list[str]:
        return [t for t in (remiss_title(d.title) for d in self.answers) if t]

    def title(self) -> str:
        pages = [t for t in (remiss_title(d.remiss_title or d.title) for d in self.remiss_docs) if t]
        candidates = pages or self.titles() or [d.title for d in self.answers]
        return min(candidates, key=lambda t: (-len(t), t)) if candidates else (self.ref or "")

    def accepts(self, doc: DocumentFields) -> bool:
        if doc.remiss_ref:
            return doc.remiss_ref == self.ref
        title = remiss_title(doc.title) or doc.title
        return _remitter_key(doc.remitting_body) == self.remitter and any(_compatible(title, t) for t in self.titles())


def is_answer(doc: DocumentFields) -> bool:
    return doc.doc_type != "remiss" and doc.is_remissvar and bool(doc.remiss_ref or doc.remitting_body)


def group(fields: list[DocumentFields]) -> list[Group]:
    """Answers grouped per remiss (documents with a ref first), remiss pages attached by ref; ids assigned."""
    answers = sorted((d for d in fields if is_answer(d)), key=lambda d: (d.remiss_ref is None, d.date or "", d.id))
    groups: list[Group] = []
    for doc in answers:
        found = next((g for g in groups if g.accepts(doc)), None)
        if found is None:
            found = Group(doc.remiss_ref, _remitter_key(doc.remitting_body))
            groups.append(found)
        found.answers.append(doc)
    for page in sorted((d for d in fields if d.doc_type == "remiss" and d.remiss_ref), key=lambda d: d.id):
        found = next((g for g in groups if g.ref == page.remiss_ref), None)
        if found is None:
            found = Group(page.remiss_ref, "")
            groups.append(found)
        found.remiss_docs.append(page)
    _assign_ids(groups)
    return groups


def _assign_ids(groups: list[Group]) -> None:
    taken: set[str] = set()
    for g in sorted(groups, key=lambda g: (g.ref is None, g.ref or "", g.remitter, g.title())):
        remitter = next((d.remitting_body for d in g.answers if d.remitting_body), "")
        base = slug(g.ref) if g.ref else slug(f"{remitter} {g.title()}") or "remiss"
        g.id, n = base, 2
        while g.id in taken:
            g.id, n = f"{base}-{n}", n + 1
        taken.add(g.id)


# --- the register, cached per catalog and index generation -------------------------------------
@dataclass
class Register:
    stamp: str
    groups: list[Group]

    def find(self, remiss_id: str) -> Group | None:
        wanted = slug(remiss_id)
        return next((g for g in self.groups if g.id == wanted), None)


_REGISTERS: weakref.WeakKeyDictionary[Catalog, Register] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def register(catalog: Catalog) -> Register:
    catalog.refresh()
    stamp = catalog.index.stamp
    with _LOCK:
        cached = _REGISTERS.get(catalog)
    if cached is not None and cached.stamp == stamp:
        return cached
    fields: list[DocumentFields] = []
    for doc_id in sorted(catalog.doc_fields):
        if catalog.doc_fields[doc_id].doc_type in CANDIDATE_TYPES:
            doc = catalog.document(doc_id)
            if doc is not None:
                fields.append(doc.fields())
    built = Register(stamp, group(fields))
    with _LOCK:
        _REGISTERS[catalog] = built
    return built


def _summary(g: Group) -> RemissSummary:
    remitters = Counter(d.remitting_body for d in g.answers if d.remitting_body)
    remitter = min(remitters, key=lambda r: (-remitters[r], r)) if remitters else None
    deadline = next((d.remisstid for d in g.remiss_docs + g.answers if d.remisstid), None)
    return RemissSummary(
        id=g.id,
        title=g.title(),
        ref=g.ref,
        remitting_body=remitter,
        remisstid=deadline,
        answers=len(g.answers),
    )


def summaries(catalog: Catalog) -> list[RemissSummary]:
    """Remisser with at least one answer, the most recently answered first."""
    groups = [g for g in register(catalog).groups if g.answers]
    latest = {g.id: max(d.date or "" for d in g.answers) for g in groups}
    ordered = sorted(groups, key=lambda g: g.id)
    ordered.sort(key=lambda g: latest[g.id], reverse=True)
    return [_summary(g) for g in ordered]


# --- stance per answer ---------------------------------------------------------------------------
def _stance(doc: Document, section: Section | None, paragraphs: list[Paragraph], offset: int = 0) -> Stance:
    reading = st.read([p.text[offset:] for p in paragraphs])
    if reading.passage is None:
        return Stance(stance=reading.stance)
    reserved = paragraphs[reading.reservation_passage] if reading.reservation_passage is not None else None
    return Stance(
        stance=reading.stance,
        quote=reading.quote,
        paragraph_id=f"{doc.id}#{paragraphs[reading.passage].id}",
        section=section.heading if section else None,
        reservation=reading.reservation,
        reservation_paragraph_id=f"{doc.id}#{reserved.id}" if reserved else None,
    )


def stance_sources(doc: Document) -> list[tuple[Section, list[Paragraph]]]:
    """Where an answer states its overall stance, in the order they are read."""
    body = [s for s in doc.sections if s.kind != "head" and s.paragraphs]
    head = [s for s in doc.sections if s.kind == "head"]
    out = [(s, s.paragraphs) for s in body if SUMMARY_STANCE.match(s.heading)]
    out += [(s, s.paragraphs) for s in body if PROPOSAL.match(s.heading)]
    out += [(s, [p for p in s.paragraphs if PROPOSAL.match(p.text)]) for s in head]
    out += [(s, s.paragraphs[:SUMMARY_PARAGRAPHS]) for s in body if SUMMARY.match(s.heading)]
    out += [(s, s.paragraphs) for s in body if ASSESSMENT.search(s.heading) and not SUMMARY_STANCE.match(s.heading)]
    return [(s, ps) for s, ps in out if ps]


def overall_stance(doc: Document) -> Stance:
    for section, paragraphs in stance_sources(doc):
        found = _stance(doc, section, paragraphs)
        if found.stance != "unclear":
            return found
    return Stance(stance="unclear")


def split_inline_heading(text: str) -> tuple[str, int]:
    """A numbered heading run into its paragraph ("3.1 Rubrik Kommunen instämmer …"): heading and where
    the text starts. Without a clear break the heading is the first words and the text starts at 0."""
    number = NUMBERED.match(text)
    start = number.end() if number else 0
    actor = ACTOR.search(text, start, INLINE_HEADING_MAX)
    if actor is not None:
        return text[: actor.start()].strip(), actor.end()
    words = text.split()
    return " ".join(words[:10]) + (" …" if len(words) > 10 else ""), 0


def section_positions(doc: Document) -> list[SectionPosition]:
    out: list[SectionPosition] = []
    for section in doc.sections:
        if section.kind == "head" or not section.paragraphs:
            continue
        first = section.paragraphs[0]
        if NUMBERED.match(section.heading) and not NUMBERED.match(first.text):
            out.append(
                SectionPosition(
                    heading=section.heading,
                    paragraph_id=f"{doc.id}#{first.id}",
                    stance=_stance(doc, section, [first]),
                )
            )
        for paragraph in section.paragraphs:
            if NUMBERED.match(paragraph.text):
                heading, offset = split_inline_heading(paragraph.text)
                found = _stance(doc, section, [paragraph], offset)
                found.section = heading
                out.append(SectionPosition(heading=heading, paragraph_id=f"{doc.id}#{paragraph.id}", stance=found))
    return out


# --- the overview --------------------------------------------------------------------------------
def _answer(catalog: Catalog, fields: DocumentFields) -> RemissAnswer:
    ref = doc_ref(catalog.doc_fields[fields.id])
    doc = catalog.document(fields.id)
    if doc is None:
        return RemissAnswer(doc=ref, stance=Stance(stance="unclear"))
    return RemissAnswer(doc=ref, stance=overall_stance(doc), sections=section_positions(doc))


def overview(catalog: Catalog, remiss_id: str) -> RemissOverview | None:
    """Every answer to one remiss with its stance and positions; None for an unknown id."""
    found = register(catalog).find(remiss_id)
    if found is None:
        return None
    answers = sorted(found.answers, key=lambda d: (d.date or "", d.id))
    pages = [doc_ref(catalog.doc_fields[d.id]) for d in found.remiss_docs]
    return RemissOverview(
        **_summary(found).model_dump(), remiss_docs=pages, responses=[_answer(catalog, d) for d in answers]
    )
