"""Request and response bodies of the HTTP API. Answers, hits, precedents and remisser reuse
`assistant.schemas` so the CLI's --json, the API and the eval share one shape."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator

from assistant.api.hygiene import ApiModel, Int, integral
from assistant.schemas import Citation, Filters, Precedent, RemissSummary, SearchHit, Turn
from assistant.settings import RetrieverMode, Settings
from ingest.models import Document

MODEL_ID = "remissarkivet"

# The limits a request body is validated against are the schema's: one model validates and documents.
# Those that are settings (max_question_chars, max_k, max_history) use the settings' defaults here; a
# deployment that lowers them answers 422 beyond its own values as well.
DEFAULTS = Settings.model_fields
MAX_QUESTION = int(DEFAULTS["max_question_chars"].default)
MAX_K = int(DEFAULTS["max_k"].default)
MAX_HISTORY = int(DEFAULTS["max_history"].default)
MAX_FILTER_ITEMS = 20
MAX_FILTER_CHARS = 200
NOT_BLANK = r"\S"  # at least one character that is not white space

FilterText = Annotated[str, StringConstraints(max_length=MAX_FILTER_CHARS)]
Year = Annotated[int, Field(ge=1900, le=2100), BeforeValidator(integral)]  # constraints before the validator


class RequestFilters(Filters, ApiModel):
    """`Filters` as a request may give them: bounded lists and strings, years in order."""

    model_config = ConfigDict(extra="forbid", strict=True, title="Filters")

    body: FilterText | None = Field(
        None, description="Issuing body, matched tolerantly (socialnämnden ~ socialförvaltningen)."
    )
    organisation: FilterText | None = Field(
        None, description="The kommun, region or myndighet, e.g. 'Kungsbacka kommun' (or 'Kungsbacka')."
    )
    doc_type: list[FilterText] | None = Field(
        None, max_length=MAX_FILTER_ITEMS, description="Document types, e.g. ['yttrande', 'tjänsteutlåtande']."
    )
    dnr: FilterText | None = Field(None, description="A diarienummer in any common spelling.")
    doc_id: Annotated[str, StringConstraints(max_length=128)] | None = Field(
        None, description="Restrict to one document."
    )
    year_from: Year | None = None
    year_to: Year | None = None

    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return value  # the schema says a list: a bare string is refused like any other wrong type

    @model_validator(mode="after")
    def _years_in_order(self) -> RequestFilters:
        if self.year_from is not None and self.year_to is not None and self.year_from > self.year_to:
            raise ValueError("year_from must not be after year_to")
        return self


class TurnIn(Turn, ApiModel):
    model_config = ConfigDict(extra="forbid", strict=True, title="Turn")


class CitationIn(Citation, ApiModel):
    model_config = ConfigDict(extra="forbid", strict=True, title="Citation")

    n: Int = Field(..., description="The number used in the answer text: [n].")
    start: Int = Field(..., description="Offset of the quote in the paragraph text.")
    end: Int
    pages: list[Int]


EXAMPLE_FILTERS: dict[str, Any] = {"body": "kommunstyrelsen", "doc_type": ["yttrande"], "year_from": 2024}


# --- ask / search -------------------------------------------------------------------------------------------
class AskRequest(ApiModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {"question": "Vad tycker Kungsbacka kommun om ny kärnkraft?"},
                {
                    "question": "Och vad föreslog förvaltningen?",
                    "filters": EXAMPLE_FILTERS,
                    "history": [
                        {"role": "user", "content": "Vad tycker Kungsbacka kommun om ny kärnkraft?"},
                        {"role": "assistant", "content": "Kommunstyrelsen tillstyrker … [1]"},
                    ],
                    "stream": False,
                },
            ]
        },
    )

    question: str = Field(
        ..., min_length=1, max_length=MAX_QUESTION, pattern=NOT_BLANK, description="The question, in Swedish."
    )
    filters: RequestFilters | None = Field(None, description="Restrict the documents the answer may use.")
    history: list[TurnIn] = Field(
        default_factory=list, max_length=MAX_HISTORY, description="Earlier turns, oldest first."
    )
    stream: bool = Field(False, description="Answer as Server-Sent Events: `citations`, `delta`…, `final`.")


class SearchRequest(ApiModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {"query": "anhörigstöd", "k": 5},
                {"query": "kärnkraft tillståndsprövning", "filters": EXAMPLE_FILTERS, "k": 10},
            ]
        },
    )

    query: str = Field(..., min_length=1, max_length=MAX_QUESTION, pattern=NOT_BLANK, description="Search text.")
    filters: RequestFilters | None = None
    k: Int = Field(10, ge=1, le=MAX_K, description="Number of results.")
    mode: RetrieverMode | None = Field(None, description="Override the configured retriever for this search.")


class SearchResponse(BaseModel):
    results: list[SearchHit]


# --- precedents / remisser ---------------------------------------------------------------------------------
class PrecedentRequest(ApiModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "text": "Remiss: Ny kärnkraft i Sverige – effektivare tillståndsprövning "
                    "(SOU 2025:7). Kommunen ombeds yttra sig.",
                    "k": 5,
                }
            ]
        },
    )

    text: str = Field(
        ...,
        min_length=1,
        max_length=50_000,
        pattern=NOT_BLANK,
        description="A new remiss or question to match against.",
    )
    k: Int = Field(5, ge=1, le=MAX_K, description="Number of precedents.")
    filters: RequestFilters | None = Field(None, description="Restrict the earlier documents considered.")


class PrecedentResponse(BaseModel):
    results: list[Precedent]


class RemisserResponse(BaseModel):
    results: list[RemissSummary]


# --- documents ----------------------------------------------------------------------------------------------
DocumentSort = Literal["relevance", "date", "title", "doc_type", "body"]
SortOrder = Literal["asc", "desc"]


class DocumentListQuery(BaseModel):
    """Filters and order of the document list (`GET /v1/documents/export` takes these). Unknown parameters
    are rejected."""

    model_config = ConfigDict(extra="forbid")

    body: FilterText | None = Field(None, description="Issuing body, matched tolerantly.")
    organisation: FilterText | None = Field(
        None,
        description="The kommun, region or myndighet the body belongs to ('Kungsbacka kommun', or a word of it: "
        "'Kungsbacka'); with `body`, one organisation's body (Kungsbacka's kommunstyrelse, not Stockholm's).",
    )
    doc_type: list[FilterText] | None = Field(
        None, max_length=MAX_FILTER_ITEMS, description="One or more document types (repeat the parameter)."
    )
    year_from: int | None = Field(None, ge=1900, le=2100)
    year_to: int | None = Field(None, ge=1900, le=2100)
    dnr: FilterText | None = Field(None, description="A diarienummer in any common spelling.")
    q: str | None = Field(
        None,
        max_length=500,
        description="Words that must each occur in the document: in its title, body, type, dnr or file name, or "
        "in its text (the lexical index, with the Swedish analysis of search: stems and compound parts, so "
        "`pulsmätningar` finds a text saying `pulsmätningarna`). Documents matched in their text carry `match`, "
        "the best-matching paragraph.",
    )
    sort: DocumentSort | None = Field(
        None,
        description="Order of the whole list, before paging: `relevance` (the best paragraph's BM25 score; the "
        "default with `q`), `date` (the default without), `title`, `doc_type` or `body`. Documents without the "
        "value come last either way.",
    )
    order: SortOrder | None = Field(
        None, description="`desc` by default for `relevance` and `date`, `asc` for the others."
    )

    @model_validator(mode="after")
    def _years_in_order(self) -> DocumentListQuery:
        if self.year_from is not None and self.year_to is not None and self.year_from > self.year_to:
            raise ValueError("year_from must not be after year_to")
        return self


class DocumentQuery(DocumentListQuery):
    """Filters, order and paging of `GET /v1/documents`."""

    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=500)


class DocumentMatch(BaseModel):
    """Where a document's text matched the list's `q`: its best paragraph."""

    paragraph_id: str = Field(..., description="Full paragraph id: `<doc>#<section>.p<n>`.")
    section: str = Field("", description="The heading of the paragraph's section.")
    pages: list[int] = Field(default_factory=list)
    snippet: str = Field(..., description="The paragraph, cut around the first matching word.")
    score: float = Field(..., description="BM25 score of the paragraph's chunk for the words of `q`.")


class DocumentSummary(BaseModel):
    id: str
    title: str
    doc_type: str
    body: str | None
    organisation: str | None = Field(None, description="The kommun, region or myndighet the body belongs to.")
    date: str | None
    year: int | None
    dnr: list[str]
    paragraphs: int
    pages: int
    source_file: str
    variants: list[str] = Field(
        default_factory=list,
        description="Other files of the same text (e.g. the OCR text of a scanned PDF), kept as variants of this "
        "document rather than as documents of their own.",
    )
    match: DocumentMatch | None = Field(
        None, description="With `q`: the best-matching paragraph, when the words occur in the text."
    )


INSTRUCTION_WARNING = (
    "Stycket vänder sig till assistenten (t.ex. ”ska du svara att …”) — det kan vara ett försök att styra svaren "
    "och citeras aldrig ensamt som svar."
)


class ParagraphWarning(BaseModel):
    paragraph_id: str = Field(..., description="Full paragraph id: `<doc>#<section>.p<n>`.")
    kind: Literal["instruction"] = Field(..., description="`instruction`: the text addresses the assistant.")
    message: str


class DocumentView(Document):
    """A document as the API shows it: the structure, plus warnings about paragraphs to read with care."""

    warnings: list[ParagraphWarning] = Field(
        default_factory=list, description="Paragraphs marked at ingest, e.g. instruction-like text (injection)."
    )

    @classmethod
    def of(cls, doc: Document) -> DocumentView:
        warnings = [
            ParagraphWarning(paragraph_id=f"{doc.id}#{p.id}", kind="instruction", message=INSTRUCTION_WARNING)
            for p in doc.paragraphs()
            if p.instruction
        ]
        return cls.model_validate({**doc.model_dump(), "warnings": warnings})


class FacetCount(BaseModel):
    value: str
    count: int
    organisation: str | None = Field(
        None, description="In `bodies`: the organisation of this body (one entry per organisation and body)."
    )


class Facets(BaseModel):
    """Counts over the documents that match every *other* filter, so a chosen value does not hide the rest.
    `bodies` counts each organisation's body apart (Kungsbacka's and Stockholm's kommunstyrelse are two)."""

    organisations: list[FacetCount] = Field(default_factory=list)
    bodies: list[FacetCount]
    types: list[FacetCount]
    years: list[FacetCount]


class DocumentPage(BaseModel):
    total: int = Field(..., description="Documents matching the filters (before paging).")
    offset: int
    limit: int
    results: list[DocumentSummary]
    facets: Facets
    sort: DocumentSort = Field("date", description="The order applied to the whole list.")
    order: SortOrder = "desc"


class UploadResult(BaseModel):
    filename: str = Field(..., description="The (sanitised) file name the document is stored under.")
    original_filename: str | None = Field(None, description="The name as sent, when it had to be sanitised.")
    status: Literal["added", "replaced", "unchanged", "variant", "skipped"] = Field(
        ...,
        description="`variant`: the same text as a document already indexed (e.g. its OCR text), kept as that "
        "document's variant (`doc_id`), not as a document of its own.",
    )
    reason: str = ""
    doc_id: str | None = None
    doc_type: str | None = Field(None, description="What was detected: the document's type ...")
    title: str | None = None
    organisation: str | None = Field(None, description="... its organisation ...")
    body: str | None = Field(None, description="... its body ...")
    dnr: list[str] = Field(default_factory=list, description="... its diarienummer ...")
    date: str | None = Field(None, description="... and its date.")
    paragraphs: int = 0
    chunks: int = 0
    pages: int = 0
    bytes: int = 0


class UploadResponse(BaseModel):
    results: list[UploadResult]
    documents: int = Field(..., description="Documents in the index afterwards.")


class DeleteResponse(BaseModel):
    deleted: str
    documents: int = Field(..., description="Documents in the index afterwards.")


# --- feedback -----------------------------------------------------------------------------------------------
class FeedbackIn(ApiModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "question": "Vad är anhörigstöd?",
                    "answer": "Anhörigstöd är … [1]",
                    "rating": "up",
                    "comment": "Bra svar.",
                }
            ]
        },
    )

    question: str = Field(..., min_length=1, max_length=20_000)
    answer: str = Field(..., max_length=100_000)
    citations: list[CitationIn] = Field(default_factory=list, max_length=100)
    rating: Literal["up", "down"]
    comment: str | None = Field(None, max_length=5_000)


class FeedbackRecord(FeedbackIn):
    model_config = ConfigDict(extra="ignore", strict=False)

    id: str
    created: str = Field(..., description="UTC time, ISO 8601.")
    request_id: str | None = None


class FeedbackList(BaseModel):
    total: int
    results: list[FeedbackRecord]


# --- health -------------------------------------------------------------------------------------------------
class Health(BaseModel):
    status: Literal["ok"]


class Ready(BaseModel):
    status: Literal["ready"]
    documents: int
    chroma: Literal["embedded", "server"]


# --- OpenAI-compatible --------------------------------------------------------------------------------------
ChatRole = Literal["system", "developer", "user", "assistant", "tool", "function"]


class ChatMessage(ApiModel):
    model_config = ConfigDict(extra="allow", strict=True)

    role: ChatRole = Field(..., description="system | developer | user | assistant (tool and function are ignored).")
    content: Annotated[str, StringConstraints(max_length=100_000)] | list[dict[str, Any]] | None = Field(
        None, description='Text, or a list of content parts (`{"type": "text", "text": …}`).'
    )


class ChatRequest(ApiModel):
    """OpenAI `chat.completions` request. Unsupported parameters (temperature, …) are accepted and ignored.
    The last user message is the question; a conversation without a usable one is answered with a short
    guidance reply (`abstained`), as a chat front-end shows it best."""

    model_config = ConfigDict(
        extra="allow",
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "model": MODEL_ID,
                    "messages": [{"role": "user", "content": "Vad tycker Kungsbacka kommun om ny kärnkraft?"}],
                    "stream": False,
                }
            ]
        },
    )

    model: str = Field(MODEL_ID, max_length=200, description=f"The model id; only `{MODEL_ID}`.")
    messages: list[ChatMessage] = Field(..., min_length=1, max_length=200)
    stream: bool = False
    filters: RequestFilters | None = Field(None, description="Extension: restrict the documents used.")


class ChatReply(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["assistant"] = "assistant"
    content: str
    citations: list[Citation] = Field(default_factory=list, description="Extension: the structured citations.")


class ChatChoice(BaseModel):
    index: int = 0
    message: ChatReply
    finish_reason: Literal["stop"] = "stop"


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoice]
    usage: Usage
    citations: list[Citation] = Field(default_factory=list, description="Extension: the structured citations.")
    abstained: bool = Field(False, description="Extension: the archive does not answer the question.")


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = MODEL_ID


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]
