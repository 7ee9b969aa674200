"""Read a question: its terms, the filters it implies (body, dnr, year, document type), the documents it
names ("riktlinjen för anhörigstöd") and its answer type. Follow-ups ("och vad sa kommunstyrelsen?") keep
the topic of the previous question and remember it (`previous`), so retrieval can stay with its case."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.bodies import bodies_in_question
from assistant.mentions import places_in_question
from assistant.organisations import spellings_in_question
from assistant.query.answer_type import answer_type_of, asks_signatory, asks_what_about, asks_whether_voted
from assistant.schemas import AnswerType, Filters, Turn
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
# A document named by its kind and subject: "riktlinjen för anhörigstöd", "strategin om innovation" ...
NAMED_DOC = re.compile(
    r"\b(strategi|riktlinje|policy|handlingsplan)(?:n|en|er|erna|r|rna)?\s+(?:för|om)\s+"
    r"((?:[a-zåäöé-]+)(?:\s+(?:och|&)\s+[a-zåäöé-]+)?)",
    re.I,
)
# ... or as a compound: "anhörigstödsriktlinjen", "innovationsstrategin", "digitaliseringspolicyn"
NAMED_DOC_COMPOUND = re.compile(r"\b([a-zåäöé]{4,}?)s?(strategi|riktlinje|policy)(?:n|en|er|erna|r|rna)?\b", re.I)
DNR_WORDS = re.compile(r"\b(diarienummer|dnr|ärendenummer|beteckning)\b", re.I)
YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
FOLLOW_UP = re.compile(
    r"^\s*(och|men|samt|än|hur är det med)\b|\bdå\s*\??\s*$"
    r"|\b(det|dem|detta|dessa|samma|hon|han|hen|de|deras|hennes|hans|dess|andra|också|där|initiativtagarna)\b",
    re.I,
)
GENERIC = {
    "sa",
    "säga",
    "säg",
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
    "ärendet",
    "gjord",
    "fick",
    "få",
    "får",
    "fått",
    "gör",
    "gjort",
    "göra",
    "fråg",
    "frågan",
    "dokument",
    "handl",  # "vad handlar ärendet om?" asks what it is about, not for the word
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
    answer_type: AnswerType = "open"
    wants_dnr: bool = False  # asks for a diarienummer
    signatory: bool = False  # asks who signed the document
    vote_whether: bool = False  # asks whether there was a vote, not how it went
    what_about: bool = False  # asks what something is about ("vad handlar ärendet om?")
    named_subjects: list[str] = field(default_factory=list)  # subjects of documents the question names
    places: list[str] = field(default_factory=list)  # municipalities and regions the question names
    # each organisation the question names, as the spellings a list may use ("X kommun", "IVO" -> "Inspektionen …")
    organisations: list[list[str]] = field(default_factory=list)

    @property
    def organisation_spellings(self) -> list[str]:
        return [s for spellings in self.organisations for s in spellings]

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

    def explain(self) -> dict[str, object]:
        """The question reading shown by `--explain` and in the API's `reading` field."""
        return {
            "answer_type": self.answer_type,
            "topic": {
                "bodies": self.bodies,
                "dnr": self.dnr,
                "named_documents": self.named_subjects,
                "type": self.type_hint,
                "years": self.years,
            },
            "terms": [t.stem for t in self.terms],
            "follow_up_of": self.previous,
            "filters": {k: v for k, v in self.filters.model_dump().items() if v},
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


def _continued(question: str, history: list[Turn]) -> str | None:
    """The earlier user question this one continues, or None for a question of its own."""
    previous = [t.content for t in history if t.role == "user"]
    if not previous:
        return None
    topic_terms = [t for t in terms_of(_topic_of(question)) if t.stem not in GENERIC]
    if topic_terms and not FOLLOW_UP.search(question):
        return None
    return previous[-1]


def named_subjects(question: str) -> list[str]:
    """Documents a question names by kind and subject, as "kind subject": "riktlinjen för anhörigstöd" ->
    "riktlinje anhörigstöd", "innovationsstrategin" -> "strategi innovation"."""
    found = [(m.group(1), m.group(2)) for m in NAMED_DOC.finditer(question)]
    found += [(m.group(2), m.group(1)) for m in NAMED_DOC_COMPOUND.finditer(question)]
    out = [f"{kind.lower()} {subject.lower()}" for kind, subject in found]
    return [f for f in dict.fromkeys(out) if f.split()[-1] not in STOPWORDS and not f.split()[-1].isdigit()]


def plan(question: str, filters: Filters | None = None, history: list[Turn] | None = None) -> QueryPlan:
    filters = filters or Filters()
    previous = _continued(question, history or [])
    search_text = f"{question} {_topic_of(previous)}" if previous else question
    bodies = bodies_in_question(question)
    bodies_named = bool(bodies)
    if not bodies and previous:
        bodies = bodies_in_question(previous)
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
        previous=previous,
        bodies_named=bodies_named,
        answer_type=answer_type_of(question),
        wants_dnr=bool(DNR_WORDS.search(question)),
        signatory=asks_signatory(question),
        vote_whether=asks_whether_voted(question),
        what_about=asks_what_about(question),
        named_subjects=named_subjects(question),
        places=places_in_question(question),
        organisations=spellings_in_question(question),
    )
