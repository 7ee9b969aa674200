"""Party statements: their kind, the parties (S, V, Fi, M, …) and the people named."""

from __future__ import annotations

import re

PARTIES = {
    "S",
    "M",
    "V",
    "C",
    "L",
    "KD",
    "MP",
    "SD",
    "Fi",
    "FP",
    "F!",
    "SL",
    "SPI",
    "NYD",
    "VF",
    "KB",
    "ÖP",
    "FI",
}
STATEMENT = re.compile(
    r"^(Särskilt uttalande|Särskilt yttrande|Reservation|Ersättaryttrande|Protokollsanteckning|"
    r"Gemensamt särskilt uttalande)\b",
    re.IGNORECASE,
)
_GROUP = re.compile(
    r"\((?:båda |alla |samtliga )?([A-ZÅÄÖ][A-Za-zÅÄÖåäö!]{0,3}(?:\s*(?:,|och)\s*[A-ZÅÄÖ][A-Za-zÅÄÖåäö!]{0,3})*)\)"
)
_NAME = r"[A-ZÅÄÖÉ][a-zåäöéü]+(?:-[A-ZÅÄÖ][a-zåäö]+)?"
_PERSON = re.compile(rf"({_NAME}(?:\s+{_NAME}){{1,3}})")
_STOP_WORDS = {"Socialdemokraternas", "Vänsterpartiets", "Region", "Stockholms", "Kommunstyrelsen"}


def statement_kind(text: str) -> str | None:
    match = STATEMENT.match(text.strip())
    return match.group(1).capitalize() if match else None


def parties_in(text: str) -> list[str]:
    found: list[str] = []
    for group in _GROUP.finditer(text):
        for code in re.split(r"\s*(?:,|och)\s*", group.group(1)):
            code = code.strip()
            if code in PARTIES and code not in found:
                found.append(code)
    return found


def people_in(text: str) -> list[str]:
    """Names written before a party mark, e.g. `Emilia Bjuggren och Jan Valeskog (båda S)`."""
    head = text.split(" enligt följande")[0].split(" med hänvisning")[0]
    people: list[str] = []
    for match in _PERSON.finditer(head):
        name = match.group(1)
        words = name.split()
        if any(w in _STOP_WORDS for w in words) or STATEMENT.match(name):
            continue
        if name not in people:
            people.append(name)
    return people
