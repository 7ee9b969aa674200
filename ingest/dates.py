"""Swedish dates in text to ISO dates."""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    "januari": 1,
    "februari": 2,
    "mars": 3,
    "april": 4,
    "maj": 5,
    "juni": 6,
    "juli": 7,
    "augusti": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "december": 12,
}
ISO = r"(?:19|20)\d{2}-[01]\d-[0-3]\d"
SWEDISH = r"\d{1,2}\s+(?:" + "|".join(MONTHS) + r")\s+(?:19|20)\d{2}"
DATE = re.compile(rf"({ISO}|{SWEDISH})", re.IGNORECASE)


def to_iso(text: str) -> str | None:
    text = text.strip().lower()
    try:
        if re.fullmatch(ISO, text):
            return date.fromisoformat(text).isoformat()
        m = re.fullmatch(r"(\d{1,2})\s+(\w+)\s+(\d{4})", text)
        if m and m.group(2) in MONTHS:
            return date(int(m.group(3)), MONTHS[m.group(2)], int(m.group(1))).isoformat()
    except ValueError:
        return None
    return None


def first_date(text: str) -> str | None:
    for m in DATE.finditer(text):
        iso = to_iso(m.group(1))
        if iso:
            return iso
    return None
