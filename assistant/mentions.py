"""Parties and organisations named in a question, so "what did SD say" and "what did Malmö stad say"
can be checked against what the archive actually holds."""

from __future__ import annotations

import re

from ingest.refs import REF, normalize_ref

PARTY_NAMES = {
    "socialdemokraterna": "S",
    "socialdemokraternas": "S",
    "moderaterna": "M",
    "moderaternas": "M",
    "vänsterpartiet": "V",
    "vänsterpartiets": "V",
    "centerpartiet": "C",
    "centerpartiets": "C",
    "liberalerna": "L",
    "liberalernas": "L",
    "kristdemokraterna": "KD",
    "kristdemokraternas": "KD",
    "miljöpartiet": "MP",
    "miljöpartiets": "MP",
    "sverigedemokraterna": "SD",
    "sverigedemokraternas": "SD",
    "feministiskt initiativ": "Fi",
    "feministiskt initiativs": "Fi",
}
PARTY_NAME_OF = {
    "S": "Socialdemokraterna",
    "M": "Moderaterna",
    "V": "Vänsterpartiet",
    "C": "Centerpartiet",
    "L": "Liberalerna",
    "KD": "Kristdemokraterna",
    "MP": "Miljöpartiet",
    "SD": "Sverigedemokraterna",
    "Fi": "Feministiskt initiativ",
}
_CODE = re.compile(r"(?:^|[\s(])(S|M|V|C|L|KD|MP|SD|Fi)(?=[\s),.?:]|$)")
ORG = re.compile(r"\b([A-ZÅÄÖ][a-zåäö]+?)s? (?:stad|kommun|region)s?\b|\bRegion ([A-ZÅÄÖ][a-zåäö]+)\b")


def parties_in_question(text: str) -> list[str]:
    lower = text.lower()
    found = [code for name, code in PARTY_NAMES.items() if re.search(rf"\b{name}\b", lower)]
    found += [m.group(1) for m in _CODE.finditer(text)]
    return sorted(set(found))


def places_in_question(text: str) -> list[str]:
    return [(m.group(1) or m.group(2)) for m in ORG.finditer(text)]


def organisations_in_question(text: str) -> list[list[str]]:
    """Each organisation a question names, as the spellings a list may use: a municipality is "X kommun"
    or "X stad" (Göteborgs stad is listed as Göteborgs kommun); a region is "Region X"."""
    out = []
    for m in ORG.finditer(text):
        if m.group(2):
            out.append([f"Region {m.group(2)}"])
        else:
            name = m.group(1)
            out.append([f"{name} kommun", f"{name}s kommun", f"{name}s stad", f"{name} stad"])
    return out


def remiss_refs_in_question(text: str) -> list[str]:
    return [normalize_ref(*m.groups()) for m in REF.finditer(text)]


ACRONYM = re.compile(r"\b([A-ZÅÄÖ]{2,6})\b")
NOT_NAMES = {"SOU", "DS", "PM", "KS", "KF", "FÖP", "LIS", "PBL", "SFS"}


def acronyms_in_question(text: str) -> list[str]:
    """Organisations named by their acronym ("SABO", "SKR"): a remiss list may write them out as well."""
    return [a for a in dict.fromkeys(ACRONYM.findall(text)) if a not in NOT_NAMES and a not in PARTY_NAME_OF]


_TOPIC_START = re.compile(r"\s(?:om|kring|angående|över|på)\s", re.I)


def speaker_part(question: str) -> str:
    """The part naming who spoke: "Vad tyckte Region Halland | om Kungsbackas översiktsplan?"."""
    m = _TOPIC_START.search(question)
    return question[: m.start()] if m else question


REMISS_LIST = re.compile(r"remissinstans|sändlista|remisslista|fick (\w+ )?remissen", re.I)


def asks_for_remiss_list(question: str, answer_type: str) -> bool:
    """Who got a government remiss (named by its SOU/Ds) is read from that remiss's own list."""
    named = bool(remiss_refs_in_question(question))
    return named and answer_type in ("membership", "list") and bool(REMISS_LIST.search(question))
