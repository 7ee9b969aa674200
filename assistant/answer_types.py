"""What kind of answer a question asks for (a date, a person, a dnr, an amount), and whether a sentence
has one. Used to prefer sentences that can answer, not just mention the topic."""

from __future__ import annotations

import re

from ingest.dates import DATE
from ingest.dnr import DNR_RE

_KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("dnr", re.compile(r"\b(diarienummer|dnr|ärendenummer|beteckning)\b", re.I)),
    ("date", re.compile(r"\b(när|datum|vilket datum|senast|remisstid\w*|daterad\w*|vilken dag)\b", re.I)),
    ("amount", re.compile(r"\b(hur mycket|hur många|belopp|kronor|procent|hur stor)\b", re.I)),
    ("person", re.compile(r"\b(vem|vilka|vilken ledamot|handläggare|undertecknade?|ordförande)\b", re.I)),
    ("paragraf", re.compile(r"\b(vilken paragraf|paragraf|§)", re.I)),
    (
        "proposal",
        re.compile(r"\b(föreslog|föreslår|föreslagit|föreslogs|förslag(et)? till beslut|beslutsförslag)\b", re.I),
    ),
]
_PERSON = re.compile(r"\b[A-ZÅÄÖ][a-zåäöé]+(?:-[A-ZÅÄÖ][a-zåäö]+)? [A-ZÅÄÖ][a-zåäöé]+\b")
_AMOUNT = re.compile(r"\d[\d  ,.]*\s*(?:kr|kronor|miljoner|mnkr|tkr|procent|%)|\b\d+\b")
_HAS = {
    "dnr": lambda s: bool(DNR_RE.search(s)),
    "date": lambda s: bool(DATE.search(s)),
    "amount": lambda s: bool(_AMOUNT.search(s)),
    "person": lambda s: bool(_PERSON.search(s)),
    "paragraf": lambda s: "§" in s,
    "proposal": lambda s: bool(re.search(r"förslag till beslut|föreslår att", s, re.I)),
}
_IN_CONTEXT = {"paragraf", "proposal"}


def wanted(question: str) -> list[str]:
    return [kind for kind, pattern in _KINDS if pattern.search(question)]


def bonus(kinds: list[str], sentence: str, context: str = "") -> float:
    """1.5 when the sentence (or its section heading) holds the kind of answer asked for, else 1.0."""
    text = f"{context} {sentence}"
    return 1.5 if any(_HAS[k](text if k in _IN_CONTEXT else sentence) for k in kinds) else 1.0
