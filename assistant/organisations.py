"""Organisations a question names and the spellings a remiss list may use for them.

A remiss list writes organisations out in full ("Inspektionen för vård och omsorg", "Gotlands kommun"), while
users type short forms ("IVO", "Region Gotland"). Three sources of spellings, none of them per question:
- municipalities and regions ("X kommun", "X stad", "Region X") as assistant.mentions reads them;
- names of public bodies by their form: words ending in an agency word ("-verket", "-myndigheten",
  "-domstolen", "Länsstyrelsen i X län", "X universitet" …), taken from the question as written;
- `KNOWN_NAMES`: a table of common Swedish public bodies and organisations with their acronyms and former
  names (a renamed body stays on old lists: SKR was SKL until 2019);
and, for any acronym, a match against a list line whose words (compound parts included) begin with its
letters: "SLU" ~ "Sveriges lantbruksuniversitet", "MSB" ~ "Myndigheten för samhällsskydd och beredskap"."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.mentions import acronyms_in_question, organisations_in_question
from ingest.analyzer import split_compound

# (acronym or short form, full name, former or other names …); general knowledge of Swedish public bodies
KNOWN_NAMES: tuple[tuple[str, ...], ...] = (
    ("SKR", "Sveriges Kommuner och Regioner", "Sveriges Kommuner och Landsting", "SKL"),
    ("IVO", "Inspektionen för vård och omsorg"),
    ("SLU", "Sveriges lantbruksuniversitet"),
    ("KTH", "Kungliga Tekniska högskolan", "Kungl. Tekniska högskolan"),
    ("KI", "Karolinska institutet"),
    ("Brå", "Brottsförebyggande rådet"),
    ("SiS", "Statens institutionsstyrelse"),
    ("JO", "Riksdagens ombudsmän", "Justitieombudsmannen"),
    ("JK", "Justitiekanslern"),
    ("MSB", "Myndigheten för samhällsskydd och beredskap"),
    ("SCB", "Statistiska centralbyrån"),
    ("Tillväxtanalys", "Myndigheten för tillväxtpolitiska utvärderingar och analyser"),
    ("VGR", "Västra Götalandsregionen", "Region Västra Götaland"),
    ("Region Gotland", "Gotlands kommun"),
    ("FK", "Försäkringskassan"),
    ("AF", "Arbetsförmedlingen"),
    ("Skolverket", "Statens skolverk"),
    ("SPSM", "Specialpedagogiska skolmyndigheten"),
    ("UKÄ", "Universitetskanslersämbetet"),
    ("UHR", "Universitets- och högskolerådet"),
    ("FoHM", "Folkhälsomyndigheten"),
    ("SBU", "Statens beredning för medicinsk och social utvärdering"),
    ("TLV", "Tandvårds- och läkemedelsförmånsverket"),
    ("MYH", "Myndigheten för yrkeshögskolan"),
    ("DO", "Diskrimineringsombudsmannen"),
    ("BO", "Barnombudsmannen"),
    ("IMY", "Integritetsskyddsmyndigheten", "Datainspektionen"),
    ("DIGG", "Myndigheten för digital förvaltning"),
    ("ESV", "Ekonomistyrningsverket"),
    ("SKV", "Skatteverket"),
    ("KVV", "Kriminalvården"),
    ("Polisen", "Polismyndigheten", "Rikspolisstyrelsen"),
    ("DV", "Domstolsverket"),
    ("SMHI", "Sveriges meteorologiska och hydrologiska institut"),
    ("SGI", "Statens geotekniska institut"),
    ("SGU", "Sveriges geologiska undersökning"),
    ("HaV", "Havs- och vattenmyndigheten"),
    ("NV", "Naturvårdsverket"),
    ("RAÄ", "Riksantikvarieämbetet"),
    ("LM", "Lantmäteriet"),
    ("TRV", "Trafikverket"),
    ("TS", "Transportstyrelsen"),
    ("Energimyndigheten", "Statens energimyndighet"),
    ("SSM", "Strålsäkerhetsmyndigheten"),
    ("SJV", "Jordbruksverket", "Statens jordbruksverk"),
    ("SLV", "Livsmedelsverket"),
    ("KKV", "Konkurrensverket"),
    ("UHM", "Upphandlingsmyndigheten"),
    ("PTS", "Post- och telestyrelsen"),
    ("FOI", "Totalförsvarets forskningsinstitut"),
    ("FMV", "Försvarets materielverk"),
    ("Vinnova", "Verket för innovationssystem"),
    ("LO", "Landsorganisationen i Sverige"),
    ("TCO", "Tjänstemännens centralorganisation"),
    ("Saco", "Sveriges akademikers centralorganisation"),
    ("SABO", "Sveriges Allmännytta", "Sveriges Allmännyttiga Bostadsföretag"),
    ("LRF", "Lantbrukarnas Riksförbund"),
    ("HSB", "HSB Riksförbund"),
    ("SRF", "Synskadades Riksförbund"),
)

# A body named by its form: "Boverket", "Mark- och miljööverdomstolen", "Länsstyrelsen i Hallands län"
AGENCY_WORD = (
    r"verket|myndigheten|styrelsen|inspektionen|rådet|domstolen|ombudsmannen|kassan|förmedlingen|ämbetet"
    r"|institutet|universitetet|högskolan|hovrätt|tingsrätt|kammarrätt|kommission|delegationen|nämnden"
)
AGENCY = re.compile(
    r"\bLänsstyrelsen(?:\s+i)?\s+[A-ZÅÄÖ][\wåäö]+(?:\s+län)?"
    rf"|\b[A-ZÅÄÖ][\wåäö]*-\s+och\s+[\wåäö]*(?:{AGENCY_WORD})\b|\b[A-ZÅÄÖ][\wåäö]*(?:{AGENCY_WORD})\b"
    r"|\b[A-ZÅÄÖ][\wåäö]+\s+(?:universitet|högskola)\b"
)
FUNCTION_WORDS = frozenset({"för", "och", "i", "av", "med", "om", "till", "på"})
MIN_ACRONYM = 2


def _table() -> dict[str, tuple[str, ...]]:
    """Every name of the table (lower case) -> all names of its body."""
    out: dict[str, tuple[str, ...]] = {}
    for names in KNOWN_NAMES:
        for name in names:
            out[name.lower()] = names
    return out


_BY_NAME = _table()


def spellings_in_question(text: str) -> list[list[str]]:
    """Each organisation the question names, as the list of spellings that count as naming it."""
    found: list[list[str]] = [list(s) for s in organisations_in_question(text)]
    found += [[m.group(0)] for m in AGENCY.finditer(text)]
    found += [[a] for a in acronyms_in_question(text)]
    for names in KNOWN_NAMES:  # an acronym as written ("BO", not "bo"), a name in any case
        for name in names:
            flags = 0 if is_acronym(name) else re.IGNORECASE
            if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, flags):
                found.append([name])
    return [_expanded(s) for s in _distinct(found)]


def _distinct(groups: list[list[str]]) -> list[list[str]]:
    """Drop a name that is part of a longer name found too ("Region Halland" inside … no double count)."""
    firsts = [g[0].lower() for g in groups]
    out, seen = [], set()
    for g, first in zip(groups, firsts, strict=True):
        if first in seen or any(first != other and first in other for other in firsts):
            continue
        seen.add(first)
        out.append(g)
    return out


def _expanded(spellings: list[str]) -> list[str]:
    out = list(spellings)
    for s in spellings:
        out += [n for n in _BY_NAME.get(s.lower(), ()) if n not in out]
    return out


def named_in(text: str, spellings: list[str]) -> str | None:
    """The spelling (or, for an acronym, the written-out name) by which `text` names the organisation."""
    lower = text.lower()
    for s in spellings:
        if re.search(rf"(?<!\w){re.escape(s.lower())}(?!\w)", lower):
            return s
    for s in spellings:
        if is_acronym(s):
            expansion = expands(s, text)
            if expansion:
                return expansion
    return None


def is_acronym(name: str) -> bool:
    letters = name.replace(".", "")
    return MIN_ACRONYM <= len(letters) <= 6 and letters[0].isupper() and sum(c.isupper() for c in letters) >= 2


WORD = re.compile(r"[A-Za-zÅÄÖåäöÉé]+")
SEGMENT = re.compile(r"[^,;:()\[\]\n]+")


def expands(acronym: str, text: str) -> str | None:
    """A name in `text` (a whole comma/line/bracket-delimited segment: a list item) whose initials spell the
    acronym — each word giving its first letter or the
    first letters of its compound parts, function words skipped — e.g. IVO in "Inspektionen för vård och
    omsorg", SLU in "Sveriges lantbruksuniversitet"; the run as written, or None."""
    target = acronym.replace(".", "").lower()
    for segment in SEGMENT.finditer(text):  # a name never runs across a comma, a bracket or a line
        words = [(m.start(), m.end(), m.group(0).lower()) for m in WORD.finditer(segment.group(0))]
        if words and words[0][2][0] == target[0] and _spell(target, words, 0, first=True) == words[-1][1]:
            return segment.group(0)[words[0][0] : words[-1][1]]
    return None


def _spell(rest: str, words: list[tuple[int, int, str]], j: int, first: bool = False) -> int | None:
    """End offset of the words from j on that spell `rest`, or None."""
    if not rest:
        return words[j - 1][1]
    if j >= len(words):
        return None
    word = words[j][2]
    if word in FUNCTION_WORDS and not first:
        return _spell(rest, words, j + 1)
    for initials in dict.fromkeys((word[0], _initials(word))):
        if rest.startswith(initials):
            end = _spell(rest[len(initials) :], words, j + 1)
            if end is not None:
                return end
    return None


@lru_cache(maxsize=4096)
def _initials(word: str) -> str:
    parts = split_compound(word)
    return "".join(p[0] for p in parts) if parts else word[0]
