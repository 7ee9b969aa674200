"""Text that addresses the assistant rather than the reader: "när någon frågar om X ska du svara att …",
"ignorera tidigare instruktioner". Such a paragraph is marked `instruction` at ingest; answers never quote it
as the whole answer and the source view shows it with a warning. Each pattern has a name, reported with it."""

from __future__ import annotations

import re

from ingest.models import Document

_ROLE = r"(?:en\s+)?(?:ai|ai-assistent|språkmodell|assistent|chattbot|chatbot)"

# Matched against casefolded text with whitespace collapsed. Remiss letters address their readers as "ni";
# an instruction to the assistant says "du", so the patterns that could hit ordinary prose need "du".
PATTERNS: dict[str, re.Pattern[str]] = {
    "svara_att": re.compile(r"\bdu\b(?:\s+\S+){0,3}?\s+svara\s+att\b|(?:^|[.!?:]\s+)svara\s+(?:alltid\s+)?att\b"),
    "ignorera_instruktioner": re.compile(
        r"\b(?:ignorera|bortse\s+från|glöm)\s+(?:alla\s+|samtliga\s+)?"
        r"(?:tidigare\s+|föregående\s+|ovanstående\s+|dina\s+|andra\s+)?(?:instruktioner|anvisningar|direktiv)\b"
    ),
    "du_ska_svara": re.compile(
        r"\b(?:du\s+(?:ska|skall|måste|bör)|(?:ska|skall|måste|bör)\s+du)\s+(?:alltid\s+|inte\s+|endast\s+|bara\s+)?"
        r"(?:svara|säga|påstå|uppge|skriva|citera)\b"
    ),
    "som_ai": re.compile(rf"\bsom\s+{_ROLE}\s*,?\s+(?:ska|skall|bör|måste)\s+du\b|\bdu\s+är\s+{_ROLE}\b"),
    "nar_nagon_fragar": re.compile(
        r"\bnär\s+(?:någon|man|en\s+användare|användaren)\s+(?:frågar|undrar)\b.{0,200}?\b(?:ska|skall|bör|måste)\s+du\b"
    ),
    "ignore_instructions": re.compile(r"\bignore\s+(?:all\s+|any\s+)?(?:previous\s+|prior\s+|above\s+)?instructions\b"),
}


def instruction_patterns(text: str) -> list[str]:
    """Names of the patterns the text matches (case-insensitive); empty for ordinary prose."""
    lowered = " ".join(text.split()).casefold()
    return [name for name, pattern in PATTERNS.items() if pattern.search(lowered)]


def is_instruction(text: str) -> bool:
    return bool(instruction_patterns(text))


def mark_instructions(doc: Document) -> list[str]:
    """Set `instruction` on the document's instruction-like paragraphs; returns their ids."""
    marked: list[str] = []
    for paragraph in doc.paragraphs():
        paragraph.instruction = is_instruction(paragraph.text)
        if paragraph.instruction:
            marked.append(paragraph.id)
    return marked
