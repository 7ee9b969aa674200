"""What each answer type looks like in a document: the sections it lives in, and the wording or facts that
show a sentence can answer it (a date for "när", a vote count for "hur gick omröstningen", an evaluative
verb for "vad tyckte"). Swedish administrative language, not phrasings of particular questions."""

from __future__ import annotations

import re

from ingest.analyzer import analyze
from ingest.dates import DATE, to_iso
from ingest.dnr import DNR_RE

FACT_TYPES = {"date", "number", "person", "vote", "membership", "validity", "definition", "dnr"}

# Section headings (prefixes, lower case) where an answer of each type is usually written.
SECTIONS: dict[str, tuple[str, ...]] = {
    "stance": (
        "sammanfattning",
        "förvaltningens synpunkter",
        "mina synpunkter",
        "synpunkter",
        "sammanfattande inställning",
        "kommunens inställning",
        "yttrande",
        "bedömning",
        "förvaltningens bedömning",
        "överväganden",
        "kommentar",
        "ställningstagande",
    ),
    "decision": ("beslut", "förslag till beslut", "förvaltningens förslag till beslut", "domslut", "beslutsgång"),
    "vote": ("omröstning", "votering", "beslutsgång", "propositionsordning", "omröstningsresultat"),
    "reservation": ("reservation", "särskilt uttalande", "protokollsanteckning", "ersättaryttrande", "yrkanden"),
    "reason": ("motivering", "skäl", "skälen för", "mark- och miljööverdomstolens skäl", "bedömning", "överväganden"),
    "membership": ("remissinstanser", "sändlista", "remisslista"),
    "definition": ("definition", "begrepp", "ordlista"),
    "validity": (),
    "date": (),
    "person": ("justering",),
    "number": ("ekonomi", "ekonomiska konsekvenser", "budget"),
    "list": (),
    "open": (),
}
# Types whose answer is usually in the document head (date, signatory, "ersätter", "gäller från").
HEAD_TYPES = {"date", "person", "validity", "dnr"}
# Headings that rarely answer any question.
WEAK_SECTIONS = ("bilagor", "bilaga", "beslutsunderlag", "beslutet skickas till", "expediering", "innehåll")

# The author's own evaluative wording (not descriptive verbs like "föreslår" or "stödjer", which narrate the
# proposal being commented on).
_STANCE = re.compile(
    r"\b(anser|ansåg|ställer sig|ställde sig|tillstyrk\w*|avstyrk\w*|välkomna\w*|ser positivt|ser negativt"
    r"|ser (med )?oro|är tveksam\w*|ifrågasätt\w*|instämmer|delar (inte )?\w*s? (bedömning|synpunkt)|framhåller"
    r"|understryker|bedömer|menar|saknar|kräver|vill (dock )?(betona|framhålla|understryka|påpeka)|påpekar"
    r"|positiv\w*|negativ\w*|kritisk\w*|inget att erinra|inga synpunkter|angeläget|bör|förordar|motsätter"
    r"|är bra|är glädjande|har förutsättningar)\b",
    re.I,
)
_DECISION = re.compile(
    r"\b(beslut\w*|beslöt|föreslår|föreslås|antar|antogs|godkänn\w*|bifall\w*|avslå\w*|avslog|upphäv\w*"
    r"|fastställ\w*|uppdra\w*|överlämna\w*|lägga[rs]? \w+ till handlingarna|noteras|ändrar|förklara\w*)\b",
    re.I,
)
_VOTE = re.compile(
    r"\b(ja-röst\w*|nej-röst\w*|\d+\s+röster|röst(ade|ar|er)|omröstning\w*|votering\w*|avstod|avstår)\b", re.I
)
_STATEMENT = re.compile(
    r"\b(reserver\w*|reservation\w*|särskilt uttalande|särskilda uttalande\w*|protokollsanteckning\w*"
    r"|ersättaryttrande\w*)\b|\((S|M|V|C|L|KD|MP|SD|Fi)\)",
    re.I,
)
_NUMBER = re.compile(
    r"\d[\d  ,.]*\s*(kr|kronor|miljon\w*|miljard\w*|mnkr|tkr|mkr|procent|%|meter|m\b|km|kvm|timmar|dagar|veckor"
    r"|månader|år\b|st\b|personer|platser)|\b(en|ett|två|tre|fyra|fem|sex|sju|åtta|nio|tio) (miljon|miljard)\w*"
    r"|\bvar (annan|tredje|fjärde) (vecka|månad)|\b\d+\b",
    re.I,
)
_PERSON = re.compile(r"\b[A-ZÅÄÖÉ][a-zåäöéü]+(?:-[A-ZÅÄÖ][a-zåäö]+)? (?:[A-ZÅÄÖÉ][a-zåäöéü]+ )?[A-ZÅÄÖÉ][a-zåäöéü]+\b")
_DEFINITION = re.compile(
    r"\b(avses|menas|definieras|definition|innebär|betyder|utgörs av|samlingsbegrepp|som begrepp|omfattar|avser)\b",
    re.I,
)
_DEFINES = re.compile(
    r"^\s*(?:(?:en|ett|med)\s+)?(\w+)(?:\s+\w+)?\s+"
    r"(?:är|innebär|omfattar|avser|betyder|definieras|avses|menas|som begrepp)\b",
    re.I,
)
_VALIDITY = re.compile(
    r"\b(ersätter|ersätts|gäller (från|till|fr\.o\.m|t\.o\.m|tills|under)|giltig\w*|träder i kraft|trädde i kraft"
    r"|upphör|antagen|antogs|reviderad|fastställd|beslutad|gäller)\b",
    re.I,
)
_REASON = re.compile(
    r"\b(eftersom|därför|på grund av|med anledning av|skäl\w*|motiv\w*|mot bakgrund av|för att|då det|detta innebär"
    r"|vilket innebär|med hänsyn till|bedöm\w*)\b",
    re.I,
)
_MEMBERSHIP = re.compile(r"\b(remissinstans\w*|remitter\w*|sänd\w* till|har fått möjlighet|inbjud\w*)\b", re.I)

HAS: dict[str, re.Pattern[str]] = {
    "stance": _STANCE,
    "decision": _DECISION,
    "vote": _VOTE,
    "reservation": _STATEMENT,
    "number": _NUMBER,
    "person": _PERSON,
    "definition": _DEFINITION,
    "validity": _VALIDITY,
    "reason": _REASON,
    "membership": _MEMBERSHIP,
    "dnr": DNR_RE,
}


# Question words that name the kind of answer rather than its content ("datum", "daterad", "omröstningen",
# "synpunkter"): a passage that holds such an answer satisfies them, whatever its wording.
_TYPE_WORDS: dict[str, str] = {
    "date": "datum daterad daterat dag remisstid remisstiden senast svarsdag",
    "number": "antal belopp summa kronor procent stor stort stora mycket många hög högt höga lång långt ofta",
    "person": "vem undertecknade undertecknat handläggare",
    "vote": "omröstning omröstningen votering voteringen röstade röster",
    "definition": "definieras definition menas avses begreppet",
    "validity": "gäller gälla giltig ersätter ersattes",
    "reason": "skäl skälet anledning anledningen motivering motiverade",
    "decision": "beslutade beslut beslutet föreslog föreslår förslag",
    "stance": "synpunkter synpunkt inställning ställde ställer ställning",
    "membership": "remissinstans remissinstanser remissinstanserna",
    "reservation": "reservation reserverade uttalande protokollsanteckning",
    "dnr": "diarienummer dnr",
}


def type_words(kind: str) -> frozenset[str]:
    return frozenset(analyze(_TYPE_WORDS.get(kind, ""), split=False))


def kind_of(answer_type: str, wants_dnr: bool) -> str:
    """The evidence looked for: the answer type, or a diarienummer for an open question asking for one."""
    return "dnr" if wants_dnr and answer_type == "open" else answer_type


def has_evidence(answer_type: str, text: str) -> bool:
    """The text holds the kind of answer asked for."""
    if answer_type == "date":
        return bool(DATE.search(text))
    if answer_type == "validity":
        return bool(_VALIDITY.search(text) or DATE.search(text))
    pattern = HAS.get(answer_type)
    return bool(pattern and pattern.search(text))


def section_fits(answer_type: str, headings: list[str], section_kind: str) -> bool:
    """The paragraph's section (or the § it belongs to) is where this type of answer is written."""
    if answer_type == "reservation" and section_kind == "statement":
        return True
    if answer_type in HEAD_TYPES and section_kind == "head":
        return True
    wanted = SECTIONS.get(answer_type, ())
    return any(h.startswith(wanted) for h in headings) if wanted else False


def section_is_weak(headings: list[str]) -> bool:
    return bool(headings) and headings[0].startswith(WEAK_SECTIONS)


def is_list_intro(sentence: str) -> bool:
    return sentence.rstrip().endswith((":", "följande.", "följande"))


LIST_ITEM = re.compile(r"^\s*(?:[-•–*]|\d{1,2}[.)]|[a-zåäö][.)])\s+")


def states_date(sentence: str, iso: str | None) -> bool:
    """The sentence states this date (the document's own date: what "vilket datum har …" asks for)."""
    return bool(iso) and any(to_iso(m.group(1)) == iso for m in DATE.finditer(sentence))


def defines(sentence: str, stems: set[str]) -> bool:
    """The sentence opens by saying what one of the question's terms is: "Boendestöd är …", "Med barn avses …"."""
    m = _DEFINES.match(sentence)
    return m is not None and bool(set(analyze(m.group(1))) & stems)


def names_any(text: str, names: list[str]) -> bool:
    lower = text.lower()
    return any(n.lower() in lower for n in names)


# The writer's own view: "Förvaltningen anser …", "Kommunen ställer sig …", "Vi välkomnar …".
_OWN_VIEW = re.compile(
    r"^\s*(?:(?:\w+ )?(?:förvaltningen|kommunen|nämnden|kommunstyrelsen|styrelsen|kontoret|länsstyrelsen"
    r"|stadsledningskontoret|regionen|myndigheten)|vi|jag|\w+ kommun)\s+(?:\w+\s+)?(?:anser|bedömer|ser|menar"
    r"|ställer sig|tillstyrker|avstyrker|välkomnar|instämmer|delar|vill|har inget att erinra|är positiv|är negativ"
    r"|är tveksam|saknar|befarar|föreslår)\b",
    re.I,
)


def speaks_for_itself(sentence: str) -> bool:
    return bool(_OWN_VIEW.match(sentence))


VOTE_COUNT = re.compile(r"\b\d+\s+ja-röster\s+mot\s+\d+\s+nej-röster|\bmed\s+\d+\s+röster\s+mot\s+\d+", re.I)


def states_vote_count(sentence: str) -> bool:
    """The sentence gives a vote's result in numbers ("med 9 ja-röster mot 2 nej-röster")."""
    return bool(VOTE_COUNT.search(sentence))


# A sentence that opens by pointing back ("Detta eftersom …", "På så vis …") is about the sentence before it.
ANAPHOR = re.compile(
    r"^\s*(detta|det här|dessa|därför|därmed|på så (vis|sätt)|anledningen|skälet|orsaken|eftersom|vilket)\b", re.I
)
