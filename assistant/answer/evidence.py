"""What each answer type looks like in a document: the sections it lives in, and the wording or facts that
show a sentence can answer it (a date for "när", a vote count for "hur gick omröstningen", an evaluative
verb for "vad tyckte"). Swedish administrative language, not phrasings of particular questions."""

from __future__ import annotations

import re

from ingest.analyzer import analyze
from ingest.dates import DATE, to_iso
from ingest.dnr import DNR_RE

FACT_TYPES = {"date", "number", "person", "vote", "procedure", "membership", "validity", "definition", "dnr"}

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
    "procedure": ("omröstning", "votering", "beslutsgång", "propositionsordning", "omröstningsresultat"),
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
# How a protokoll says a matter was decided without a vote: one proposal, and the chair finds it carried.
PROCEDURE = re.compile(
    r"\b(?:konstaterar|finner) att det finns (?P<count>ett|två|tre|fyra) förslag"
    r"|\bfinner att (?:nämnden|styrelsen|utskottet|arbetsutskottet|kommunstyrelsen|fullmäktige|\w+nämnden)"
    r" (?:har )?(?:bifaller|bifallit|beslutar|beslutat|avslår|avslagit|antar|godkänner)",
    re.I,
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
# A person named where a document says who did what: a role or title before the name ("funktionschefen Nina
# Kiani Janson", "Ordförande Tommy Rydfeldt (L)"), the role after it ("Matti Ekensten, lokalutvecklare"), a
# name linked to its e-mail address ("[Sophie Ahlstrand](mailto:…)"), or the contact after the letterhead's
# postal address ("434 81 Kungsbacka Matti Ekensten"), the agent of a passive ("Målet har föredragits av Harry
# Hodzic"), a politician with a party ("Lisa Andersson (M)"). Two capitalised words alone are as often a place or a
# body ("Region Halland", "Mark Nordväst") and are not taken as a person.
_NAME_WORD = r"[A-ZÅÄÖÉ][a-zåäöéüø]+(?:[A-ZÅÄÖ][a-zåäöéüø]+)?(?:-[A-ZÅÄÖ][a-zåäöéüø]+)?"  # Eld, McCabe, Rane-Andersson
_NAME = rf"{_NAME_WORD}(?: {_NAME_WORD}){{1,2}}"
_ROLE = (
    r"(?:\w*(?:chef|chefen|direktör|direktören|arkitekt|arkitekten|ingenjör|ingenjören|jurist|juristen|fiskal"
    r"|fiskalen|rådman|rådmannen|handläggare|handläggaren|sekreterare|sekreteraren|strateg|strategen|utredare"
    r"|utredaren|samordnare|samordnaren|controller|ekonom|ekonomen|utvecklare|utvecklaren|ordförande|ordföranden"
    r"|föredragande|ledamot|ledamoten|ledamöterna|justerare|kansliråd|kanslirådet|departementsråd|sakkunnig"
    r"|sakkunnige|notarie|notarien|assessor|assessorn|kommunalråd|regionråd|borgarråd|borgarrådet|borgarråden|inspektör|inspektören|planerare"
    r"|planeraren))"
)
_PERSON = re.compile(
    rf"(?i:\b{_ROLE}) ({_NAME})\b|\b({_NAME}), (?i:{_ROLE})\b|\[({_NAME})\]\(mailto:"
    rf"|\b\d{{3}} \d{{2}} [A-ZÅÄÖ]\w+ ({_NAME})\b"
    rf"|\b({_NAME}) \((?:S|M|V|C|L|KD|MP|SD|Fi)\)"
    rf"|\b(?:har|hade|har inte|blev|är) \w+(?:ts|ats|its|des|ades) av ({_NAME})\b"  # "Målet har föredragits av …"
)
_ROLE_WORD = re.compile(rf"(?i:\b{_ROLE}\b)")
_NAMES_ONLY = re.compile(rf"^\s*{_NAME}(?:\s+{_NAME}){{0,3}}\s*$")
_ORGANISATION_WORD = re.compile(
    r"(?i:kommun|region|nämnd|styrelse|förvaltning|utskott|fullmäktige|verket|myndighet|departement|länsstyrelse"
    r"|domstol|tingsrätt|besöksadress|telefon|bilaga|beslut)"
)
_ROLE_LINE = re.compile(rf"^\s*(?:(?i:tf|tillförordnad|t\.f\.|biträdande)\s+)?(?i:{_ROLE})\b")


def names_person(text: str) -> bool:
    """The text names a person in one of the forms above; a "name" made of titles or body words
    ("Förvaltningschef Enhetschef Ekonomi") is none."""
    for m in _PERSON.finditer(text):
        name = next((g for g in m.groups() if g), m.group(0))
        if not _ROLE_WORD.search(name) and not _ORGANISATION_WORD.search(name):
            return True
    return False


def is_signature(names: str, role_line: str) -> bool:
    """A signature block: a line of names only (one to four people) followed by their titles ("Märta Lycken
    Karin Nielsen" / "Tf Förvaltningschef Enhetschef Ekonomi & Administration")."""
    return bool(_NAMES_ONLY.match(names) and not _ORGANISATION_WORD.search(names) and _ROLE_LINE.match(role_line))


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
    r"|upphör|antagen|antogs|reviderad|fastställd|beslutad|gäller|tills vidare)\b",
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
    "person": "vem undertecknade undertecknat underskrift signerade skrev handläggare kontakta kontaktperson",
    "vote": "omröstning omröstningen votering voteringen röstade röster",
    "procedure": "omröstning omröstningen votering voteringen röstade röster",
    "definition": "definieras definition menas avses begreppet beskrivs beskriver förklarar förklaras betyder",
    "validity": "gäller gälla giltig",  # "ersätter" is content: only a text that says what it replaces holds it
    "reason": "skäl skälet anledning anledningen motivering motiverade",
    "decision": "beslutade beslut beslutet föreslog föreslår förslag",
    "stance": "synpunkter synpunkt inställning ställde ställer ställning",
    "membership": "remissinstans remissinstanser remissinstanserna",
    "reservation": "reservation reserverade uttalande protokollsanteckning",
    "dnr": "diarienummer dnr",
}


def type_words(kind: str) -> frozenset[str]:
    return frozenset(analyze(_TYPE_WORDS.get(kind, ""), split=False))


def kind_of(answer_type: str, wants_dnr: bool, vote_whether: bool = False) -> str:
    """The evidence looked for: the answer type, a diarienummer for an open question asking for one, or how a
    matter was decided for "blev det omröstning?" (a question that does not presuppose a vote)."""
    if answer_type == "vote" and vote_whether:
        return "procedure"
    return "dnr" if wants_dnr and answer_type == "open" else answer_type


def has_evidence(answer_type: str, text: str) -> bool:
    """The text holds the kind of answer asked for."""
    if answer_type == "date":
        return bool(DATE.search(text))
    if answer_type == "validity":
        return bool(_VALIDITY.search(text) or DATE.search(text))
    if answer_type == "person":
        return names_person(text)
    if answer_type == "procedure":  # how it was decided answers "blev det omröstning?" also when there was none
        return bool(_VOTE.search(text) or PROCEDURE.search(text))
    pattern = HAS.get(answer_type)
    return bool(pattern and pattern.search(text))


def holds_kind(answer_type: str, text: str) -> bool:
    """The text holds what the question's type words ask for, so it satisfies them whatever its wording. A
    bare date does not say how long a document is valid ("Dokumentet beslutades den: …" is no "gäller")."""
    if answer_type == "validity":
        return bool(_VALIDITY.search(text))
    return has_evidence(answer_type, text)


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
