"""Read a question: its topic terms, and the filters it implies (body, dnr, year, document type).
Follow-ups ("och vad sa kommunstyrelsen?") keep the topic of the previous question."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.bodies import bodies_in_question
from assistant.schemas import Filters, Turn
from ingest import dnr as dnr_mod
from ingest.analyzer import STOPWORDS, analyze, split_compound, stem, words

TYPE_WORDS = {
    "yttrande": "yttrande",
    "yttrandet": "yttrande",
    "yttranden": "yttrande",
    "remissvar": "yttrande",
    "remissvaret": "yttrande",
    "protokoll": "protokoll",
    "protokollet": "protokoll",
    "tjänsteutlåtande": "tjänsteutlåtande",
    "tjänsteutlåtandet": "tjänsteutlåtande",
    "tjänsteskrivelse": "tjänsteutlåtande",
    "tjänsteskrivelsen": "tjänsteutlåtande",
    "pm": "PM",
    "promemoria": "PM",
    "promemorian": "PM",
    "riktlinje": "riktlinje",
    "riktlinjen": "riktlinje",
    "riktlinjer": "riktlinje",
    "riktlinjerna": "riktlinje",
    "dom": "dom",
    "domen": "dom",
    "strategi": "strategi",
}
YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
FOLLOW_UP = re.compile(
    r"^\s*(och|men|samt|än|hur är det med)\b|\bdå\s*\??\s*$"
    r"|\b(det|dem|detta|dessa|samma|hon|han|hen|de|deras|hennes|hans|dess|andra|också|där|initiativtagarna)\b",
    re.I,
)
GENERIC = {
    "sa",
    "säga",
    "sagt",
    "tyck",
    "tyckt",
    "anser",
    "ans",
    "anför",
    "skriv",
    "skrev",
    "svar",
    "besvar",
    "uttal",
    "mena",
    "men",
    "ärend",
    "fråg",
    "frågan",
    "dokument",
}


@dataclass
class Term:
    """One query word: its stem and, for a compound, the stems of its parts."""

    stem: str
    parts: tuple[str, ...] = ()


@dataclass
class QueryPlan:
    text: str
    search_text: str
    terms: list[Term]
    filters: Filters
    bodies: list[str] = field(default_factory=list)
    dnr: list[str] = field(default_factory=list)
    type_hint: str | None = None
    years: list[int] = field(default_factory=list)
    previous: str | None = None  # the earlier question a follow-up continues
    bodies_named: bool = False  # the question itself names a body (a follow-up then switches body)

    @property
    def tokens(self) -> list[str]:
        return analyze(self.search_text)

    def read(self) -> dict[str, object]:
        return {
            "bodies": self.bodies,
            "dnr": self.dnr,
            "type": self.type_hint,
            "years": self.years,
            **{k: v for k, v in self.filters.model_dump().items() if v},
        }


def terms_of(text: str) -> list[Term]:
    seen: set[str] = set()
    out: list[Term] = []
    for word in words(text):
        if word in STOPWORDS or len(word) < 2:
            continue
        s = stem(word)
        if s in seen or s in GENERIC:
            continue
        seen.add(s)
        parts = tuple(stem(p) for p in split_compound(word) if p not in STOPWORDS)
        out.append(Term(s, parts))
    return out


def _topic_of(question: str) -> str:
    """The question with body names, type words and dnr removed: what it is about."""
    text = dnr_mod.DNR_RE.sub(" ", question)
    for body in bodies_in_question(text):
        text = re.sub(re.escape(body) + r"s?", " ", text, flags=re.I)
    return " ".join(w for w in text.split() if w.lower().strip("?,.") not in TYPE_WORDS)


def _follow_up_text(question: str, history: list[Turn]) -> str:
    previous = [t.content for t in history if t.role == "user"]
    if not previous:
        return question
    topic_terms = [t for t in terms_of(_topic_of(question)) if t.stem not in GENERIC]
    if topic_terms and not FOLLOW_UP.search(question):
        return question  # a question of its own
    return f"{question} {_topic_of(previous[-1])}"


def plan(question: str, filters: Filters | None = None, history: list[Turn] | None = None) -> QueryPlan:
    filters = filters or Filters()
    history = history or []
    search_text = _follow_up_text(question, history)
    bodies = bodies_in_question(question)
    if not bodies and search_text != question:
        previous = [t.content for t in history if t.role == "user"]
        bodies = bodies_in_question(previous[-1]) if previous else []
    found_dnr = dnr_mod.find_in_text(question)
    type_hint = next((TYPE_WORDS[w] for w in words(question) if w in TYPE_WORDS), None)
    years = [int(y) for y in YEAR.findall(question)]
    topic = _topic_of(search_text)
    return QueryPlan(
        text=question,
        search_text=search_text,
        terms=terms_of(topic) or terms_of(search_text),
        filters=filters,
        bodies=bodies,
        dnr=found_dnr,
        type_hint=type_hint,
        years=years,
    )
