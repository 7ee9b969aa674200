"""A remissvar's stance read from its own words: cue phrases per sentence, combined over a passage.

Pure functions over Swedish text. Every stance comes with the sentence that carries it, quoted exactly;
without a cue the stance is "unclear" — nothing is guessed.

Rules, per sentence (cue phrases are matched case-insensitively, as whole words):
- negative: "avstyrker", "motsätter sig", "avvisar", "är negativ till" and negated support
  ("kan inte tillstyrka", "kan inte ställa sig bakom", "instämmer inte", "delar inte …"); a negated phrase
  wins over the positive phrase inside it.
- positive: "tillstyrker", "ställer sig bakom", "ställer sig positiv", "ser positivt på", "välkomnar",
  "instämmer", "delar utredningens bedömning", "stöder förslaget".
- no objection: "inget att erinra", "ingen erinran", "inga synpunkter" (not "inga ytterligare synpunkter").
- critical: "tveksam", "ifrågasätter", "stor brist", "brist i förslaget", "ser … brist", "skeptisk".
- reservation: "dock", "saknar", "efterlyser", "förordar", "vill lyfta/betona/påpeka", "ser en risk",
  "ofullständig", "behöver förtydligas/kompletteras"; in the deciding sentence itself also "i huvudsak",
  "med några undantag", "med följande synpunkter", "förutsatt att", "men".

Combined over a passage: the first sentence with a positive, negative or no-objection cue decides.
Negative -> avstyrker. Positive or no objection with a reservation (in that sentence, or a critical,
negative or reservation cue in another sentence) -> tillstyrker med synpunkter; else tillstyrker /
inget att erinra. No deciding sentence but a critical one -> tveksam. Otherwise unclear.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ingest.sentences import split_spans

Label = Literal["tillstyrker", "tillstyrker med synpunkter", "tveksam", "avstyrker", "inget att erinra", "unclear"]
Kind = Literal["positive", "negative", "no_objection", "critical", "reservation", "main_reservation"]

_W = r"(?:[\wåäö-]+\s+)"  # one filler word
_WHOSE = (  # whose view is shared: the remiss's, not another body's remark
    r"(?:(?:utredningens|utredarens|förslagets|betänkandets|promemorians|regeringens|remissens|departementets"
    r"|den|kommunen|nämnden|förvaltningen|regionen|länsstyrelsen|styrelsen|vi|jag|helt|i\s+huvudsak)\s+)"
)
_SUPPORT_INF = rf"(?:tillstyrka|instämma|stödja|ställa\s+sig\s+{_W}?(?:bakom|positiv\w*))\b"


def _compile(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


NEGATIVE = _compile(
    r"\bavstyrk(?:er|s|te|as)\b(?!\s+inte\b)",
    rf"\b(?:kan|bör)\s+{_W}?inte\s+tillstyrkas\b",
    r"\binte\s+(?:kan|bör)\s+tillstyrkas\b",
    rf"\b(?:kan|vill|måste|väljer\s+att)\s+{_W}{{0,2}}avstyrka\b",
    rf"\b(?:kan|vill|kommer\s+att)\s+{_W}?inte\s+{_W}?{_SUPPORT_INF}",
    rf"\binte\s+(?:kan|vill)\s+{_W}?{_SUPPORT_INF}",
    r"\b(?:tillstyrk(?:er|s)|instämmer|stöd(?:j)?er|delar|välkomnar|ställer\s+sig)\s+(?:(?!att\b)[\wåäö-]+\s+)?inte\b",
    rf"\binte\s+{_W}?(?:tillstyrker|instämmer|stöd(?:j)?er|välkomnar|ställer\s+sig\s+{_W}?bakom)\b",
    r"\bmotsätter\s+sig\b",
    r"\bavvisar\b",
    rf"\b(?:är|ställer\s+sig)\s+{_W}{{0,2}}negativ\w*\s+till\b",
    rf"\bser\s+{_W}{{0,2}}negativt\s+på\b",
)
POSITIVE = _compile(
    r"\btillstyrk(?:er|s)\b",
    rf"\b(?:kan|vill)\s+{_W}{{0,2}}tillstyrka\b",
    rf"\b(?:kan|bör)\s+{_W}?tillstyrkas\b",
    rf"\bställer\s+sig\s+{_W}{{0,2}}bakom\b",
    rf"\bkan\s+{_W}{{0,2}}ställa\s+sig\s+{_W}{{0,2}}bakom\b",
    rf"\bställer\s+sig\s+{_W}{{0,2}}positiv\w*",
    rf"\bser\s+{_W}{{0,3}}positivt\s+på\b",
    rf"\bär\s+{_W}{{0,2}}positiv\w*\s+till\b",
    r"\bvälkomnar\b",
    r"\binstämmer\b",
    rf"\bdelar\s+{_WHOSE}{{0,2}}(?:bedömning|uppfattning|slutsats|analys|syn)(?:en|erna|arna)?\b",
    rf"\bstöd(?:j)?er\s+{_W}{{0,2}}(?:förslag|utredning|inriktning|ambition|syfte)\w*",
)
NO_OBJECTION = _compile(
    r"\b(?:inget|ingenting)\s+att\s+(?:erinra|invända|anmärka|tillägga|anföra)\b",
    r"\bingen\s+erinran\b",
    rf"\binga\s+{_W}?(?:synpunkter|invändningar|erinringar|kommentarer)\b",
)
NO_OBJECTION_EXCEPT = _compile(r"\bi\s+övrigt\b", r"\b(?:ytterligare|utöver|övriga|därutöver|andra|fler)\b")
CRITICAL = _compile(
    r"\btveksam\w*",
    r"\bifrågasät\w*",
    r"\bifrågasatt\w*",
    r"\b(?:stor|stora|allvarlig\w*|väsentlig\w*|betydande)\s+brist\w*",
    rf"\bbrist\w*\s+(?:i|med)\s+{_W}?(?:förslag|utredning|betänkande|promemoria|remiss|underlag)\w*",
    rf"\bser\s+{_W}{{0,3}}brist\w*",
    r"\bskeptisk\w*",
    r"\bkritisk\w*\s+till\b",
)
RESERVATION = _compile(
    r"\bdock\b",
    r"\bsaknar\b",
    r"\befterlyser\b",
    r"\bförordar\b",
    rf"\bvill\s+{_W}{{0,2}}(?:lyfta|betona|påpeka|understryka|påtala|framhålla|belysa)\b",
    rf"\bser\s+{_W}{{0,2}}risk(?:er)?\b",
    r"\brisker\s+med\b",
    rf"\b(?:behöver|bör|måste)\s+{_W}{{0,2}}(?:förtydligas|tydliggöras|kompletteras|preciseras|ses\s+över|utredas)\b",
    r"\b(?:ofullständig|otillräcklig|bristfällig)\w*",
    r"\bbetänklighet\w*",
    r"\bmed\s+oro\b",
)
MAIN_RESERVATION = _compile(
    r"\bi\s+huvudsak\b",
    r"\bi\s+stort\b",
    r"\bi\s+allt\s+väsentligt\b",
    r"\böverlag\b",
    r"\bdelvis\b",
    rf"\bmed\s+{_W}{{0,2}}(?:undantag|synpunkter|reservationer|förbehåll|påpekanden|kommentarer|betänkligheter)\b",
    r"\bförutsatt\s+att\b",
    rf"\bunder\s+{_W}?förutsättning\b",
    r"\bmen\b",
    r"\bsynpunkter\b",
)
DECIDING: tuple[Kind, ...] = ("negative", "positive", "no_objection")


@dataclass(frozen=True)
class Cue:
    start: int
    end: int
    kind: Kind


@dataclass(frozen=True)
class Sentence:
    passage: int
    text: str
    cues: tuple[Cue, ...]

    def has(self, *kinds: Kind) -> bool:
        return any(c.kind in kinds for c in self.cues)

    def deciding(self) -> Cue | None:
        return next((c for c in self.cues if c.kind in DECIDING), None)


@dataclass(frozen=True)
class Reading:
    """A stance with its quote; `passage` indexes the passages read. The reservation, when it sits in another
    sentence than the quote, is quoted too."""

    stance: Label
    quote: str | None = None
    passage: int | None = None
    reservation: str | None = None
    reservation_passage: int | None = None


def _matches(pattern: re.Pattern[str], text: str, kind: Kind) -> list[Cue]:
    return [Cue(m.start(), m.end(), kind) for m in pattern.finditer(text)]


def _overlaps(cue: Cue, others: list[Cue]) -> bool:
    return any(cue.start < o.end and o.start < cue.end for o in others)


def cues(sentence: str) -> tuple[Cue, ...]:
    """The stance cues of one sentence, in order of position."""
    negative = _matches(NEGATIVE, sentence, "negative")
    positive = [c for c in _matches(POSITIVE, sentence, "positive") if not _overlaps(c, negative)]
    no_objection = [] if NO_OBJECTION_EXCEPT.search(sentence) else _matches(NO_OBJECTION, sentence, "no_objection")
    deciding = negative + positive + no_objection
    other = _matches(CRITICAL, sentence, "critical") + _matches(RESERVATION, sentence, "reservation")
    other += _matches(MAIN_RESERVATION, sentence, "main_reservation")
    found = deciding + [c for c in other if not _overlaps(c, deciding)]
    return tuple(sorted(found, key=lambda c: (c.start, c.kind)))


def sentences(passages: Sequence[str]) -> list[Sentence]:
    out: list[Sentence] = []
    for i, text in enumerate(passages):
        for start, end in split_spans(text):
            out.append(Sentence(i, text[start:end], cues(text[start:end])))
    return out


def _reserved_within(sentence: Sentence) -> bool:
    return sentence.has("main_reservation", "reservation", "critical", "negative")


def _reservation_elsewhere(found: list[Sentence], at: int) -> Sentence | None:
    """The first other sentence with a reservation, preferring those after the deciding one."""
    others = [i for i, s in enumerate(found) if i != at and s.has("negative", "critical", "reservation")]
    after = [i for i in others if i > at]
    return found[(after or others)[0]] if others else None


def _supported(found: list[Sentence], at: int, plain: Label) -> Reading:
    main = found[at]
    if _reserved_within(main):
        return Reading("tillstyrker med synpunkter", main.text, main.passage)
    other = _reservation_elsewhere(found, at)
    if other is not None:
        return Reading("tillstyrker med synpunkter", main.text, main.passage, other.text, other.passage)
    return Reading(plain, main.text, main.passage)


def read(passages: Sequence[str]) -> Reading:
    """The stance of consecutive passages (e.g. a section's paragraphs), with the deciding sentence."""
    found = sentences(passages)
    at = next((i for i, s in enumerate(found) if s.deciding() is not None), None)
    if at is None:
        critical = next((s for s in found if s.has("critical")), None)
        return Reading("tveksam", critical.text, critical.passage) if critical else Reading("unclear")
    main = found[at]
    decider = main.deciding()
    if decider is not None and decider.kind == "negative":
        return Reading("avstyrker", main.text, main.passage)
    plain: Label = "inget att erinra" if decider is not None and decider.kind == "no_objection" else "tillstyrker"
    return _supported(found, at, plain)


def classify(text: str) -> tuple[Label, str | None]:
    """The stance of one text and the sentence that supports it, quoted exactly (None when unclear)."""
    reading = read([text])
    return reading.stance, reading.quote
