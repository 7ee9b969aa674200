"""Tolerant matching of body names: socialnämnden ~ Socialnämnden i Stockholm ~ socialförvaltningen."""

from __future__ import annotations

import re

import Stemmer

_STEM = Stemmer.Stemmer("swedish")
_PLACE = re.compile(r"\s+(?:i|vid)\s+[A-ZÅÄÖ]\w+(?:\s+[A-ZÅÄÖ]?\w+)?(?:\s+(?:kommun|stad|län))?$")
_ORG_WORD = re.compile(r"\b(?:kommun|stad|region)\b", re.I)
SUFFIX_SWAPS = (("förvaltningen", "nämnden"), ("förvaltning", "nämnd"), ("kontoret", "styrelsen"))
BODY_IN_TEXT = re.compile(
    r"\b(nämnden för [a-zåäö]+(?: (?:&|och) [a-zåäö]+)?|[a-zåäö-]*(?:nämnd(?:en|ens)?|styrelse(?:n|ns)?|"
    r"förvaltning(?:en|ens)?|fullmäktige|utskott(?:et)?|länsstyrelse(?:n|ns)?)(?: arbetsutskott)?)\b",
    re.I,
)


def body_key(name: str) -> str:
    """A comparable key: lower-case, place dropped, förvaltning mapped to its nämnd, stemmed."""
    text = _PLACE.sub("", name.strip()).lower()
    for old, new in SUFFIX_SWAPS:
        if text.endswith(old):
            text = text[: -len(old)] + new
            break
    return " ".join(_STEM.stemWord(w) for w in re.findall(r"[\wåäö&]+", text))


def matches(query_body: str, candidate: str | None) -> bool:
    if not candidate:
        return False
    q, c = body_key(query_body), body_key(candidate)
    return bool(q) and (q == c or c.startswith(q + " ") or q.startswith(c + " ") or c.endswith(" " + q))


def bodies_in_question(text: str) -> list[str]:
    found = []
    for m in BODY_IN_TEXT.finditer(text):
        word = m.group(1)
        if word.lower().endswith(("ens", "ns", "ets")):
            word = word[:-1]
        if word.lower() in (
            "nämnd",
            "nämnden",
            "nämnder",
            "styrelse",
            "styrelsen",
            "förvaltning",
            "förvaltningen",
        ):
            continue
        found.append(word)
    return found
