"""The typed read model of an indexed chunk: Chroma keeps metadata flat (lists as JSON strings); this
decodes it once, so the question side reads fields, not dict keys."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


def _list(value: Any) -> list[Any]:
    if isinstance(value, str):
        return list(json.loads(value or "[]"))
    return list(value or [])


@dataclass(frozen=True, slots=True)
class ChunkMeta:
    doc_id: str
    section_id: str
    section_heading: str
    section_kind: str
    paragraph_ids: tuple[str, ...]
    pages: tuple[int, ...]
    text: str
    header: str
    title: str
    doc_type: str
    body: str
    unit: str
    organisation: str
    date: str
    year: int
    dnr: tuple[str, ...]  # the section's dnr (a protokoll §) or the document's
    doc_dnr: tuple[str, ...]
    parties: tuple[str, ...]
    source_file: str
    ocr: bool
    instruction: bool  # a paragraph that addresses the assistant ("svara att …"): never an answer alone

    @classmethod
    def decode(cls, meta: dict[str, Any]) -> ChunkMeta:
        return cls(
            doc_id=str(meta["doc_id"]),
            section_id=str(meta.get("section_id", "")),
            section_heading=str(meta.get("section_heading", "")),
            section_kind=str(meta.get("section_kind", "")),
            paragraph_ids=tuple(_list(meta.get("paragraph_ids"))),
            pages=tuple(int(p) for p in _list(meta.get("pages"))),
            text=str(meta.get("text", "")),
            header=str(meta.get("header", "")),
            title=str(meta.get("title", "")),
            doc_type=str(meta.get("doc_type", "")),
            body=str(meta.get("body") or ""),
            unit=str(meta.get("unit") or ""),
            organisation=str(meta.get("organisation") or ""),
            date=str(meta.get("date") or ""),
            year=int(meta.get("year") or 0),
            dnr=tuple(_list(meta.get("dnr"))),
            doc_dnr=tuple(_list(meta.get("doc_dnr"))),
            parties=tuple(_list(meta.get("parties"))),
            source_file=str(meta.get("source_file", "")),
            ocr=bool(meta.get("ocr", False)),
            instruction=bool(meta.get("instruction", False)),
        )
