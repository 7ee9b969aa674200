"""Swedish personnummer (Luhn-valid) masked before anything is indexed or quoted."""

from __future__ import annotations

import re

PNR = re.compile(r"(?<![\d-])((?:19|20)?)(\d{2})(\d{2})(\d{2})([-+ ]?)(\d{4})(?![\d-])")
MASK = "[personnummer]"


def luhn_ok(ten_digits: str) -> bool:
    total = 0
    for i, ch in enumerate(ten_digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _plausible(month: str, day: str) -> bool:
    m, d = int(month), int(day)
    return 1 <= m <= 12 and (1 <= d <= 31 or 61 <= d <= 91)  # 61-91: samordningsnummer


def mask(text: str) -> str:
    def replace(m: re.Match[str]) -> str:
        yy, mm, dd, last = m.group(2), m.group(3), m.group(4), m.group(6)
        if _plausible(mm, dd) and luhn_ok(yy + mm + dd + last):
            return MASK
        return m.group(0)

    return PNR.sub(replace, text)
