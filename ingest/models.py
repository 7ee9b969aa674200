"""The document model: a document, its sections and their paragraphs (stycken), and index chunks."""

from __future__ import annotations

from pydantic import BaseModel, Field

DOC_TYPES = (
    "tjänsteutlåtande",
    "PM",
    "yttrande",
    "protokoll",
    "strategi",
    "remiss",
    "riktlinje",
    "dom",
    "other",
)


class Paragraph(BaseModel):
    """One stycke. `id` is local to the document (`s3.p2`, `§67.p1`); `ref` adds the document id."""

    id: str
    section_id: str
    number: int
    text: str
    pages: list[int] = Field(default_factory=list)
    start: int = 0
    end: int = 0
    ocr: bool = False
    instruction: bool = Field(
        False, description="The text addresses the assistant (e.g. 'ska du svara att …'): not to be quoted alone."
    )


class Section(BaseModel):
    id: str
    heading: str
    level: int = 1
    parent: str | None = None
    kind: str = "section"  # head | section | paragraf (§ in protokoll) | statement
    dnr: list[str] = Field(default_factory=list)
    parties: list[str] = Field(default_factory=list)
    people: list[str] = Field(default_factory=list)
    paragraphs: list[Paragraph] = Field(default_factory=list)


class Statement(BaseModel):
    """A party statement: särskilt uttalande, reservation, ersättaryttrande, protokollsanteckning."""

    kind: str
    section_id: str
    paragraph_id: str
    parties: list[str] = Field(default_factory=list)
    people: list[str] = Field(default_factory=list)


class Variant(BaseModel):
    """Another file with the same text as the document (its OCR text, its plain-text copy): not a document of its
    own, named on the document it belongs to (see ingest.neardup)."""

    source_file: str
    format: str = "txt"
    content_id: str = Field("", description="The id the file would have as a document (from its bytes).")
    source_path: str = ""
    similarity: float = Field(0.0, description="Estimated Jaccard similarity of the two texts' word shingles.")


class DocumentFields(BaseModel):
    """Head fields. Anything the text does not support stays empty."""

    id: str
    title: str = ""
    doc_type: str = "other"
    body: str | None = None
    organisation: str | None = None
    unit: str | None = None
    dnr: list[str] = Field(default_factory=list)
    their_dnr: list[str] = Field(default_factory=list)
    date: str | None = None
    handlaggare: str | None = None
    remitting_body: str | None = None
    remisstid: str | None = None
    remiss_ref: str | None = None
    remiss_title: str | None = None
    is_remissvar: bool = False
    source_file: str = ""
    pages: int = 0
    format: str = "txt"
    ocr: bool = False
    content_hash: str = ""
    variants: list[Variant] = Field(default_factory=list, description="Other files of the same text.")


class Document(DocumentFields):
    text: str = ""
    sections: list[Section] = Field(default_factory=list)
    statements: list[Statement] = Field(default_factory=list)

    def paragraphs(self) -> list[Paragraph]:
        return [p for s in self.sections for p in s.paragraphs]

    def paragraph(self, paragraph_id: str) -> Paragraph | None:
        return next((p for p in self.paragraphs() if p.id == paragraph_id), None)

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def fields(self) -> DocumentFields:
        return DocumentFields.model_validate(self.model_dump(include=set(DocumentFields.model_fields)))


class Chunk(BaseModel):
    """What is indexed: paragraphs of one section, plus a context header for indexing only."""

    id: str
    doc_id: str
    section_id: str
    section_heading: str
    section_kind: str
    paragraph_ids: list[str]
    pages: list[int]
    text: str  # the quotable paragraph text
    index_text: str  # context header + text: what is embedded and lexically indexed
    parties: list[str] = Field(default_factory=list)
    dnr: list[str] = Field(default_factory=list)  # section dnr (protokoll §) or the document's
    instruction: bool = False  # one of its paragraphs is instruction-like (see ingest.injection)
