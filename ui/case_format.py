"""Pure text of the Ärende page: the line that names each document of a case and the label of its quote."""

from __future__ import annotations

from assistant.case_models import CaseDocument
from ui.format import STANCE_LABELS

DECISION_LABEL = {
    "beslut": "Beslut",
    "förslag till beslut": "Förslag till beslut",
    "sammanfattning": "Sammanfattning",
}


def case_heading(n: int, d: CaseDocument) -> str:
    """`1. 2025-03-04 · protokoll · § 67 Dnr KS-2025-00102`."""
    parts = [d.date or "odaterat", d.type_label, d.item or ""]
    return f"{n}. " + " · ".join(p for p in parts if p)


def case_who(d: CaseDocument) -> str:
    """Organisation and body together ("Kungsbacka kommun, kommunstyrelsen"), or the one that is known."""
    return ", ".join(x for x in (d.organisation, d.body) if x)


def decision_label(d: CaseDocument) -> str:
    """What the quote is: its kind and the heading it is quoted from when that says more."""
    if d.decision is None:
        return ""
    label = DECISION_LABEL[d.decision.kind]
    heading = d.decision.heading.strip()
    return f"{label} ({heading})" if heading and heading.casefold() != label.casefold() else label


def stance_label(d: CaseDocument) -> str:
    if d.stance is None:
        return ""
    return "Ställningstagande: " + STANCE_LABELS.get(d.stance.stance, d.stance.stance)
