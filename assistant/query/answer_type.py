"""The kind of answer a question asks for, read from its wording (see `assistant.schemas.AnswerType`).

Rules are tried in order, the most specific kinds first: a question about a vote or a reservation is also a
"who" or "what did they say" question, but the vote/statement is what answers it. Each rule names the
Swedish question forms of its kind, not phrasings of particular questions."""

from __future__ import annotations

import re

from assistant.schemas import AnswerType

_RULES: list[tuple[AnswerType, re.Pattern[str]]] = [
    ("vote", re.compile(r"omröstning|votering|röstade|röstsiffr|ja-röst|nej-röst|hur många röster", re.I)),
    (
        "reservation",
        re.compile(
            r"reserver|reservation|särskil(t|da) uttalande|protokollsanteckning|ersättaryttrande"
            r"|vilka partier|vilket parti",
            re.I,
        ),
    ),
    (
        "membership",
        re.compile(
            r"remissinstans|sändlista|remisslista|\bfick (\w+ ){0,4}(remissen|remiss\b|möjlighet att yttra)"
            r"|\bfick \w+ .{0,80} på remiss\b|(skickades|sändes|remitterades) "
            r"(\w+ ){0,3}till|\bbland (remiss)?mottagarna|\bfanns? (\w+ ){0,3}med på (sänd|remiss)?listan",
            re.I,
        ),
    ),
    (
        "validity",
        re.compile(
            r"\bersätt(er|s|a)\b|\bersatte(s)?\b|\bgäller? (till|från|fr\.o\.m|t\.o\.m|sedan|fortfarande)"
            r"|\bhur länge gäller|\bfrån (vilket datum|när) gäller|\bgällde\b"
            r"|\bfrån när gäller|\bgälla\b|\bgiltig|\bupphör|\bträdde i kraft|\bträder i kraft|\bi kraft\b",
            re.I,
        ),
    ),
    (
        "definition",
        re.compile(r"\bdefinier|\bvad menas\b|\bvad avses\b|\bvad innebär begreppet|\bvad betyder\b", re.I),
    ),
    ("reason", re.compile(r"\bvarför\b|\bskäl(et|en)?\b|\banledning(en)?\b|\bmotiver|\bpå vilka grunder\b", re.I)),
    (
        "date",
        re.compile(
            r"(^|[,;]\s*|\boch\s+)när\b|\bdatum\b|\bvilken dag\b|\bsenast\b|\bremisstid|\bdaterad|\bsista dag"
            r"|\bsvarsdag|\bsvarsdatum|\bvilket år\b"
            r"|\bunder vilken period\b|\bhur länge\b",
            re.I,
        ),
    ),
    (
        "number",
        re.compile(
            r"\bhur (mycket|många|stor|stort|stora|hög|högt|höga|lång|långt|ofta)\b|\bbelopp|\bantal\b"
            r"|\bvilken summa\b|\bhur mycket pengar\b|\bprocent\b|\bhögsta tillåtna\b|\blägsta\b",
            re.I,
        ),
    ),
    (
        "person",
        re.compile(
            r"\bvem\b|\bvilka personer\b|\bvilken ledamot\b|\bvilka ledamöter\b|\bhandläggare(n)?\b"
            r"|\bundertecknade?\b|\bundertecknat\b|\bskrev under\b|\bskrivit under\b|\bsignerade\b|\bföredrog\b"
            r"|\bordförande(n)?\b|\bjusterare\b|\bkontaktperson|\bföredragande\b",
            re.I,
        ),
    ),
    (
        "decision",
        re.compile(
            r"\bbeslutade?\b|\bbeslöt\b|\bbeslut(et)?\b|\bföreslog|\bföreslår|\bföreslagit|\bförslag(et)? till beslut"
            r"|\butfall(et)?\b|\bvad blev\b|\bbifall|\bavslog|\bupphävde|\bfastställde|\bantog\b",
            re.I,
        ),
    ),
    (
        "definition",
        re.compile(
            r"^\s*vad (innebär|betyder)\b|^\s*vad är (en|ett)\b|^\s*vad är \w+\s*\?\s*$|\bhur beskrivs\b"
            r"|\bvad (en|ett) \w+ är\b",
            re.I,
        ),
    ),
    ("list", re.compile(r"^\s*vilka\b|\bräkna upp\b|\bvilka (är|var) de\b", re.I)),
    (
        "stance",
        re.compile(
            r"\b(sa|sade|säger|tyckte|tycker|ansåg|anser|menade|menar|yttrade|ville|saknade|argumenterat|argumenterade)\b"
            r"|\bställt sig\b|\bhur (ställde|ställer|såg|ser"
            r"|bedömde|bedömer|värderade)\b|\bsynpunkt|\binställning|\bställningstagande|\bkritik|\bvälkomna"
            r"|\btillstyrk|\bavstyrk|\bståndpunkt|\bsvarade\b|\bbesvara",
            re.I,
        ),
    ),
]


# A question opening with its interrogative says what it wants, whatever else it mentions
# ("Vem … under remisstiden?" asks for a person, not a date).
_OPENING: list[tuple[AnswerType, re.Pattern[str]]] = [
    ("person", re.compile(r"^\s*(vem|vilka personer)\b", re.I)),
    ("reason", re.compile(r"^\s*varför\b", re.I)),
    ("number", re.compile(r"^\s*hur (många|mycket)\b", re.I)),
    ("open", re.compile(r"^\s*(vilket|vilka|vad har|vad hade) (diarienummer|dnr)\b", re.I)),  # a dnr: see wants_dnr
]


def answer_type_of(question: str) -> AnswerType:
    """The opening interrogative if it is decisive, else the first rule that matches; "open" when none does."""
    for kind, pattern in _OPENING:
        if pattern.search(question):
            # a vote or a party statement asked with "vem" is still about the vote or the statement
            specific = next((k for k, p in _RULES[:2] if p.search(question)), None)
            return specific or kind
    for kind, pattern in _RULES:
        if pattern.search(question):
            return kind
    return "open"


# "Vem undertecknade …", "vilka skrev under …": the document's signature block answers it, whatever its words.
_SIGNATORY = re.compile(r"\bundertecknade?\b|\bundertecknat\b|\bskr[ei]v(it)? under\b|\bsignerade?\b|\bunderskri", re.I)


def asks_signatory(question: str) -> bool:
    return bool(_SIGNATORY.search(question))


# "Blev det omröstning …?", "Gick nämnden till votering …?": asks whether there was a vote (the decision
# procedure answers it either way), unlike "hur röstade …", which presupposes one.
_VOTE_WHETHER = re.compile(
    r"^\s*(blev|gick|avgjordes|skedde|förekom|hölls|begärdes|genomfördes|var det)\b|\bnågon (omröstning|votering)\b"
    r"|\bgenom (omröstning|votering)\b|\butan (omröstning|votering)\b",
    re.I,
)


def asks_whether_voted(question: str) -> bool:
    return bool(_VOTE_WHETHER.search(question))


# "Vad handlar ärendet om?", "Vad gäller KS-2025-00102?": asks what a case is about.
_WHAT_ABOUT = re.compile(r"\bvad (handlar|handlade|gäller|gällde|rör|rörde|avser|avsåg)\b", re.I)


def asks_what_about(question: str) -> bool:
    return bool(_WHAT_ABOUT.search(question))
