"""Swedish sentence boundaries that respect common abbreviations (t.ex., bl.a., m.fl., dnr., kap.)."""

from __future__ import annotations

import re

ABBREVIATIONS = {
    "t.ex",
    "bl.a",
    "m.fl",
    "m.m",
    "s.k",
    "d.v.s",
    "dvs",
    "p.g.a",
    "pga",
    "o.s.v",
    "osv",
    "ca",
    "kap",
    "kungl",  # Kungl. Tekniska högskolan
    "bil",
    "nr",
    "dnr",
    "jfr",
    "enl",
    "resp",
    "f.d",
    "t.o.m",
    "fr.o.m",
    "a.a",
    "s",
    "st",
    "prop",
    "bet",
    "sou",
    "ds",
    "kl",
    "tel",
    "vol",
    "t.ex.",
    "e.d",
    "o.d",
    "m.a.o",
    "inkl",
    "exkl",
    "bl",
    "ang",
    "avd",
    "ev",
    "mkr",
    "tkr",
    "kr",
    "milj",
    "mdkr",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "okt",
    "nov",
    "dec",
    "f",
    "ff",
    "ff.",
    "el",
    "o",
    "u",
    "k",
    "lag",
    "tf",
}
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"”»)]*\s+(?=[\"“«(]?[A-ZÅÄÖÉ0-9§])")


def _ends_with_abbreviation(text: str) -> bool:
    match = re.search(r"(\S+)\.$", text.rstrip('"”»)'))
    if not match:
        return False
    word = match.group(1).lower().lstrip('("“«')
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()) or bool(re.fullmatch(r"\d{1,2}", word))


def split_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of `text`; together they cover all non-space text."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        candidate = text[start : match.start()].strip()
        if not candidate or _ends_with_abbreviation(text[start : match.start()]):
            continue
        spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return [(s + (len(text[s:e]) - len(text[s:e].lstrip())), e) for s, e in spans]
