"""A short direct line before the quotes, for answers that are a fact: the date, the amount, the vote, who
made a statement, whether a body was a remissinstans. Everything in it is taken from the quoted sentence
(or its section's parsed parties), never made up; a date is shown as written and in ISO form."""

from __future__ import annotations

import re

from assistant.answer import evidence as ev
from assistant.answer.sentences import Candidate
from assistant.organisations import named_in
from ingest.dates import DATE, to_iso
from ingest.parties import parties_in, people_in

_VOTE_COUNT = re.compile(r"(\d+)\s+ja-röster\s+mot\s+(\d+)\s+nej-röster", re.I)
_AMOUNT = re.compile(
    r"\d[\d  ,.]*\s*(?:kr\b|kronor|miljoner kronor|miljarder kronor|miljoner|miljarder|mnkr|tkr|mkr|procent|%"
    r"|meter|timmar|dagar|veckor|månader|år\b)|\b(?:en|ett|två|tre|fyra|fem|sex|sju|åtta|nio|tio) "
    r"(?:miljoner|miljon|miljarder) kronor",
    re.I,
)
STATEMENT_LABEL = {"särskilt uttalande", "reservation", "protokollsanteckning", "ersättaryttrande", "särskilt yttrande"}


def line(kind: str, top: Candidate, n: int, names: list[str]) -> str | None:
    """The direct line for the best quote `top` (cited as [n]), or None when the quote holds no such fact."""
    text = top.text
    if kind == "date" or (kind == "validity" and ev.holds_kind(kind, text)):
        m = DATE.search(text)
        if m:
            iso = to_iso(m.group(1))
            shown = m.group(1) if not iso or iso == m.group(1) else f"{m.group(1)} ({iso})"
            return f"Datum: {shown} [{n}]"
    if kind == "number":
        m = _AMOUNT.search(text)
        if m:
            return f"Svar: {m.group(0).strip()} [{n}]"
    if kind in ("vote", "procedure"):
        m = _VOTE_COUNT.search(text)
        if m:
            return f"Omröstning: {m.group(1)} ja-röster mot {m.group(2)} nej-röster [{n}]"
        procedure = ev.PROCEDURE.search(text) if kind == "procedure" else None
        if procedure and procedure.group("count") and procedure.group("count").lower() == "ett":
            return f"Ingen omröstning: det fanns ett förslag till beslut [{n}]"
    if kind == "reservation":
        return _statement(top, n)
    if kind == "membership" and top.doc.doc_type == "remiss":
        named = named_in(text, names)
        if named:
            return f"Ja — {named} står bland remissinstanserna: ”{text.strip()}” [{n}]"
    if kind == "dnr":
        theirs = next((v for v in top.doc.their_dnr if v in text), None)
        if theirs and top.doc.remitting_body:
            return f"Diarienummer hos {top.doc.remitting_body}: {theirs} [{n}]"
        m = ev.DNR_RE.search(text)
        if m:
            return f"Diarienummer: {m.group(0)} [{n}]"
    return None


def _statement(top: Candidate, n: int) -> str | None:
    section = top.doc.section(top.paragraph.section_id)
    heading = section.heading.lower() if section else ""
    if section is None or not (section.kind == "statement" or heading.startswith(tuple(STATEMENT_LABEL))):
        return None  # who made a statement is only read from a statement section
    who = ", ".join(section.people or people_in(top.text))
    parties = ", ".join(section.parties or parties_in(top.text))
    label = section.heading.split(" ")[0] if section.heading else "Uttalande"
    for candidate in STATEMENT_LABEL:
        if section.heading.lower().startswith(candidate):
            label = candidate.capitalize()
    detail = f"{who} ({parties})" if who and parties else who or parties
    return f"{label}: {detail} [{n}]" if detail else None
