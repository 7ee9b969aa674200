"""Diarienummer: the formats in use, and which are ours and which are the other party's."""

from __future__ import annotations

import re

DNR = (
    r"(?:[A-ZÅÄÖ]{1,6}[ -]\d{4}[/-]\d{1,6}"  # KS 2019/1618, KS-2025-00102, IF-2025-00246
    r"|[A-ZÅÄÖ]{2,6}/\d{4}:\d{1,6}"  # VON/2025:00149
    r"|\d{3}-\d{3,6}-\d{4}"  # 401-50227-2022
    r"|[A-ZÅÄÖ]{1,4}\d{4}/\d{2,6}"  # U2025/00202, KN2024/01912
    r"|[A-ZÅÄÖ]{1,3} \d{2,6}-\d{2}"  # P 5876-18 (mål nr)
    r"|PLAN\.\d{4}\.\d{1,6})"  # PLAN.2024.747
)
DNR_RE = re.compile(rf"(?<![\w/]){DNR}(?![\w/])")
THEIR_LABEL = re.compile(
    r"\b(ert diarienummer|er beteckning|ert dnr|er referens|kommunens dnr|kommunens diarienummer)\b",
    re.IGNORECASE,
)
OUR_LABEL = re.compile(
    r"\b(diarienummer|dnr|vårt dnr|vår beteckning|ärendebeteckning|mål nr|målnummer|beteckning)\b",
    re.IGNORECASE,
)


def normalize(dnr: str) -> str:
    return " ".join(dnr.split())


def key(dnr: str) -> str:
    """Comparable form: `KS 2019/1618`, `ks-2019-1618` and `KS2019/1618` share one key."""
    return re.sub(r"[^0-9a-zåäö]", "", dnr.lower())


def find_in_text(text: str) -> list[str]:
    return [normalize(m.group(0)) for m in DNR_RE.finditer(text)]


def head_dnr(lines: list[str]) -> tuple[list[str], list[str]]:
    """Ours and theirs from head lines. Labels may sit in columns with their values on the next line."""
    ours: list[str] = []
    theirs: list[str] = []
    pending: list[str] = []
    for line in lines:
        labels = [("theirs" if THEIR_LABEL.match(m.group(0)) else "ours", m.end()) for m in _labels(line)]
        values = find_in_text(line)
        if labels and not values:
            pending.extend(kind for kind, _ in labels)
            continue
        for value in values:
            kind = labels.pop(0)[0] if labels else (pending.pop(0) if pending else None)
            if kind is None:
                continue
            target = theirs if kind == "theirs" else ours
            if value not in target:
                target.append(value)
    return ours, theirs


def _labels(line: str) -> list[re.Match[str]]:
    matches: list[re.Match[str]] = []
    pos = 0
    while True:
        their = THEIR_LABEL.search(line, pos)
        our = OUR_LABEL.search(line, pos)
        found = min((m for m in (their, our) if m), key=lambda m: m.start(), default=None)
        if found is None:
            return matches
        if their and our and their.start() <= our.start() < their.end():
            found = their
        before = line[: found.start()].strip()
        if not before or before.endswith("(") or matches or re.fullmatch(r"(?:Datum|Ärende)", before):
            matches.append(found)
        pos = found.end()
