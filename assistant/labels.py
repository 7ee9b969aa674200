"""Display vocabulary: Swedish labels of document types, and who wrote a document, as shown in answers and the UI."""

from __future__ import annotations

TYPE_LABEL = {
    "tjänsteutlåtande": "tjänsteutlåtande",
    "PM": "PM",
    "yttrande": "yttrande (remissvar)",
    "protokoll": "protokoll",
    "strategi": "strategi",
    "remiss": "remiss",
    "riktlinje": "riktlinje",
    "dom": "dom",
    "other": "dokument",
}


def who(organisation: str | None, body: str | None) -> str:
    """Who wrote it: the organisation and its body together ("Kungsbacka kommun, kommunstyrelsen"); either
    alone when the other is unknown or already says it ("Länsstyrelsen Västra Götaland")."""
    org, unit = (organisation or "").strip(), (body or "").strip()
    if not org or not unit:
        return org or unit
    if org.casefold() in unit.casefold() or unit.casefold() in org.casefold():
        return unit if len(unit) >= len(org) else org
    lowered = unit[0].lower() + unit[1:] if unit[:1].isupper() and not unit[1:2].isupper() else unit
    return f"{org}, {lowered}"
