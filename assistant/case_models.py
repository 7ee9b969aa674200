"""The shapes of the case view (`GET /v1/cases/{dnr}`, `remiss case --json`, the UI's Ärende page)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from assistant.schemas import Stance

DecisionKind = Literal["beslut", "förslag till beslut", "sammanfattning"]


class CaseDecision(BaseModel):
    """What a document decided, proposed or said, quoted verbatim."""

    kind: DecisionKind = Field(..., description="`beslut` (protokoll), `förslag till beslut` or `sammanfattning`.")
    heading: str = Field(..., description="The heading of the section the text is quoted from.")
    text: str = Field(..., description="Quoted verbatim from the document.")
    paragraph_ids: list[str] = Field(..., description="Full paragraph ids (`<doc>#<paragraph>`) of the quote.")


class CaseDocument(BaseModel):
    doc_id: str
    title: str
    doc_type: str
    type_label: str = Field(..., description="The document type in Swedish, for display.")
    body: str | None
    organisation: str | None
    date: str | None
    dnr: list[str]
    item: str | None = Field(None, description="The protokoll's § item of this case, e.g. `§ 67 Dnr KS-2025-00102`.")
    decision: CaseDecision | None = None
    stance: Stance | None = Field(None, description="A yttrande's overall stance, with its quote.")
    paragraph_ids: list[str] = Field(
        default_factory=list, description="Paragraph ids to cite: the decision's, else the § item's or first ones."
    )


class Case(BaseModel):
    dnr: str = Field(..., description="The diarienummer as asked for.")
    documents: list[CaseDocument] = Field(..., description="Every document of the case, oldest first.")
