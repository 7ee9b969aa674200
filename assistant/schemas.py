"""What the assistant returns — the same shapes in the CLI's --json, the API and the eval."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

AnswerType = Literal[
    "stance",  # what a body thinks: "vad sa/tyckte/anser …"
    "decision",  # what was decided or proposed: "vad beslutade …", "förslag till beslut"
    "vote",  # an omröstning/votering and its result
    "reservation",  # a party statement: reservation, särskilt uttalande, protokollsanteckning (who and what)
    "date",  # a date or deadline: "när …", "remisstid"
    "person",  # a person or role: "vem …", handläggare, ordförande
    "number",  # a number or amount: "hur mycket/många …"
    "list",  # an enumeration: "vilka … (mål, inriktningar, åtgärder)"
    "definition",  # "hur definieras / vad menas med / vad är …"
    "membership",  # "var X remissinstans / fick X remissen"
    "validity",  # "vilket dokument ersätter …", "gäller till/från"
    "reason",  # "varför …", "vad är skälet"
    "open",  # anything else
]
ANSWER_TYPES: tuple[str, ...] = AnswerType.__args__  # type: ignore[attr-defined]


class Filters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str | None = Field(
        None, description="Issuing body, matched tolerantly (socialnämnden ~ socialförvaltningen)."
    )
    organisation: str | None = Field(
        None, description="The kommun, region or myndighet, e.g. 'Kungsbacka kommun' (or 'Kungsbacka')."
    )
    doc_type: list[str] | None = Field(None, description="Document types, e.g. ['yttrande', 'tjänsteutlåtande'].")
    year_from: int | None = Field(None, ge=1900, le=2100)
    year_to: int | None = Field(None, ge=1900, le=2100)
    dnr: str | None = Field(None, description="A diarienummer in any common spelling.")
    doc_id: str | None = Field(None, description="Restrict to one document.")

    @field_validator("doc_type", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _years_in_order(self) -> Filters:
        if self.year_from is not None and self.year_to is not None and self.year_from > self.year_to:
            raise ValueError("year_from must not be after year_to")
        return self

    def is_empty(self) -> bool:
        return not any(v for v in self.model_dump().values())


class Turn(BaseModel):
    role: Literal["user", "assistant", "system"]
    content: str = Field(..., max_length=20_000)


class Passage(BaseModel):
    """Where a passage stands: its document's fields, section and pages (shared by citations and hits)."""

    doc_id: str
    title: str
    doc_type: str
    body: str | None
    organisation: str | None = Field(None, description="The kommun, region or myndighet the body belongs to.")
    dnr: list[str]
    date: str | None
    section: str
    section_id: str
    pages: list[int]
    source_file: str
    score: float


class Citation(Passage):
    n: int = Field(..., description="The number used in the answer text: [n].")
    paragraph_id: str = Field(..., description="Full paragraph id: `<doc>#<section>.p<n>`.")
    quote: str = Field(..., description="Exact quoted text: a span of the paragraph.")
    start: int = Field(..., description="Offset of the quote in the paragraph text.")
    end: int


class SearchHit(Passage):
    rank: int
    chunk_id: str
    paragraph_ids: list[str]
    text: str


class DocRef(BaseModel):
    doc_id: str
    title: str
    doc_type: str
    body: str | None
    organisation: str | None = Field(None, description="The kommun, region or myndighet the body belongs to.")
    date: str | None
    dnr: list[str]
    score: float = 0.0


class Answer(BaseModel):
    answer: str
    citations: list[Citation]
    abstained: bool
    mode: Literal["extractive", "generative"]
    timings: dict[str, float] = Field(default_factory=dict)
    nearest: list[DocRef] = Field(default_factory=list, description="On abstention: the nearest documents.")
    flagged: list[str] = Field(default_factory=list, description="Generative sentences whose citation failed.")
    filters: dict[str, object] = Field(default_factory=dict, description="Filters applied (given and read).")
    reading: dict[str, object] = Field(
        default_factory=dict,
        description="How the question was read: answer type, topic (bodies, dnr, named documents, years), terms, "
        "the question a follow-up continues, and the evidence (support, focus) the answer rests on.",
    )


StanceLabel = Literal[
    "tillstyrker", "tillstyrker med synpunkter", "tveksam", "avstyrker", "inget att erinra", "unclear"
]


class PrecedentCore(BaseModel):
    """What an earlier document said or proposed, quoted verbatim: its stance, else its förslag till beslut
    (unless that only adopts a yttrande), else its summary."""

    kind: Literal["ställningstagande", "förslag till beslut", "sammanfattning"]
    heading: str | None = Field(None, description="The heading of the section the text is quoted from.")
    text: str = Field(..., description="Quoted verbatim from the document.")
    stance: StanceLabel | None = Field(None, description="With `ställningstagande`: the stance read from the text.")
    paragraph_ids: list[str] = Field(default_factory=list, description="Full paragraph ids of the quote.")


class Precedent(BaseModel):
    doc: DocRef
    score: float
    passages: list[SearchHit]
    core: PrecedentCore | None = Field(None, description="What the document said or proposed, quoted.")
    proposal: str | None = Field(None, description="The document's förslag till beslut, quoted.")
    proposal_paragraph_ids: list[str] = Field(default_factory=list, description="Its paragraphs, full ids.")


class Stance(BaseModel):
    stance: StanceLabel
    quote: str | None = None
    paragraph_id: str | None = None
    section: str | None = Field(default=None, description="Heading of the section the quote is from.")
    reservation: str | None = Field(default=None, description="The reservation behind 'med synpunkter'.")
    reservation_paragraph_id: str | None = None


class SectionPosition(BaseModel):
    heading: str
    paragraph_id: str
    stance: Stance


class RemissAnswer(BaseModel):
    doc: DocRef
    stance: Stance
    sections: list[SectionPosition] = Field(default_factory=list)


class RemissSummary(BaseModel):
    id: str
    title: str
    ref: str | None
    remitting_body: str | None
    remisstid: str | None
    answers: int


class RemissOverview(RemissSummary):
    remiss_docs: list[DocRef] = Field(default_factory=list)
    responses: list[RemissAnswer] = Field(default_factory=list)
