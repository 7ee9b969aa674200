"""References to government publications (SOU, Ds, propositioner) as they are written in the text."""

from __future__ import annotations

import re

REF = re.compile(r"\b(SOU|Ds|DS|Prop\.?|prop\.?)\s?((?:19|20)\d{2}(?:/\d{2})?):(\d{1,3})\b")


def normalize_ref(series: str, year: str, number: str) -> str:
    series = {"DS": "Ds", "prop": "Prop", "prop.": "Prop", "Prop.": "Prop"}.get(series, series)
    return f"{series} {year}:{number}"
