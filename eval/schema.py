"""The question-set format and its check.

A set is YAML: `version`, `name`, optional `description`, and `questions`, each with an `id`, the `question`,
`tags`, `answerable`, optional `filters` and `history`, and `expect` (`sources`: corpus file names,
`dnr`, `cited_phrases` and `answer_phrases`: lists of entries, each entry a list of alternatives).
Entries made from user feedback carry `draft: true` and a `note`; their expectations may still be empty
(reported as warnings, not errors) until a human fills them in. The run skips drafts.

Problems are reported with the line they come from: the YAML is composed into nodes (which keep their
start marks) and converted by hand, recording the line of every path into the document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.schemas import AnswerType, Filters, Turn

PathKey = tuple[str | int, ...]


class FilterSpec(BaseModel):
    """Filters as written in a set (`doc_type`: one type or a list); becomes assistant.schemas.Filters."""

    model_config = ConfigDict(extra="forbid")

    body: str | None = None
    doc_type: list[str] | None = None
    year_from: int | None = Field(None, ge=1900, le=2100)
    year_to: int | None = Field(None, ge=1900, le=2100)
    dnr: str | None = None
    doc_id: str | None = None

    @field_validator("doc_type", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    def to_filters(self) -> Filters:
        return Filters(**self.model_dump())


Phrase = list[str]


class Expect(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: list[str] = Field(default_factory=list, description="Corpus file names that answer the question.")
    dnr: list[str] = Field(default_factory=list)
    cited_phrases: list[Phrase] = Field(
        default_factory=list,
        description="Each entry: alternatives, one of which a cited paragraph must contain.",
    )
    answer_phrases: list[Phrase] = Field(
        default_factory=list,
        description="Each entry: alternatives, one of which the answer text must contain.",
    )

    @field_validator("sources", "dnr")
    @classmethod
    def _no_blank_values(cls, values: list[str]) -> list[str]:
        if any(not v.strip() for v in values):
            raise ValueError("empty string in list")
        return values

    @field_validator("cited_phrases", "answer_phrases")
    @classmethod
    def _alternatives(cls, entries: list[Phrase]) -> list[Phrase]:
        for i, alternatives in enumerate(entries):
            if not alternatives:
                raise ValueError(f"entry {i} has no alternatives")
            if any(not a.strip() for a in alternatives):
                raise ValueError(f"entry {i} has an empty alternative")
        return entries


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(..., min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
    question: str = Field(..., min_length=3)
    tags: list[str] = Field(default_factory=list)
    answerable: bool
    answer_type: AnswerType | None = Field(
        None, description="What kind of answer the question asks for (reported per type; see assistant.schemas)."
    )
    filters: FilterSpec | None = None
    history: list[Turn] = Field(default_factory=list)
    expect: Expect = Field(default_factory=Expect)
    draft: bool = False
    note: str | None = None

    @property
    def search_filters(self) -> Filters | None:
        return self.filters.to_filters() if self.filters else None


class QuestionSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    name: str = Field(..., min_length=1)
    description: str | None = None
    questions: list[Question]

    def active(self) -> list[Question]:
        return [q for q in self.questions if not q.draft]


@dataclass
class Issue:
    line: int | None
    message: str
    level: Literal["error", "warning"] = "error"
    question_id: str | None = None

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        who = f" [{self.question_id}]" if self.question_id else ""
        return f"{where}{who}: {self.level}: {self.message}"


@dataclass
class CheckResult:
    path: Path
    issues: list[Issue] = field(default_factory=list)
    question_set: QuestionSet | None = None
    lines: dict[PathKey, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors and self.question_set is not None


class SetError(Exception):
    """A set that does not pass the check."""

    def __init__(self, result: CheckResult) -> None:
        self.result = result
        lines = "\n".join(f"  {i}" for i in result.errors[:20])
        super().__init__(f"{result.path} has {len(result.errors)} error(s):\n{lines}")


# --- YAML with line numbers ------------------------------------------------------------------------
def _construct(node: yaml.Node, path: PathKey, lines: dict[PathKey, int]) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else _construct(key_node, path, {})
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise yaml.constructor.ConstructorError(None, None, "mapping keys must be scalars", key_node.start_mark)
            if key in out:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            out[key] = _construct(value_node, (*path, str(key)), lines)
            lines[(*path, str(key))] = key_node.start_mark.line + 1  # report a value on its key's line
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, (*path, i), lines) for i, item in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    """A scalar resolved exactly as yaml.safe_load would (ints, bools, nulls, strings)."""
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def load_yaml_with_lines(text: str) -> tuple[Any, dict[PathKey, int]]:
    """Parse YAML into plain data plus a map from each path (keys and indexes) to its 1-based line."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    lines: dict[PathKey, int] = {}
    if node is None:
        return None, lines
    return _construct(node, (), lines), lines


def line_of(lines: dict[PathKey, int], loc: PathKey) -> int | None:
    """The line of the deepest known prefix of `loc`."""
    for end in range(len(loc), -1, -1):
        key = tuple(loc[:end])
        if key in lines:
            return lines[key]
    return None


# --- the check -------------------------------------------------------------------------------------
def _loc_text(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(top level)"


def _question_id(data: Any, loc: tuple[Any, ...]) -> str | None:
    if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int) and isinstance(data, dict):
        questions = data.get("questions")
        if isinstance(questions, list) and loc[1] < len(questions) and isinstance(questions[loc[1]], dict):
            value = questions[loc[1]].get("id")
            return str(value) if value is not None else None
    return None


def check_text(text: str, path: Path, corpus: Path | None = None) -> CheckResult:
    result = CheckResult(path)
    try:
        data, lines = load_yaml_with_lines(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        context = ""
        if exc.context and exc.context_mark:
            context = f" ({exc.context} on line {exc.context_mark.line + 1})"
        result.issues.append(Issue(line, f"YAML syntax: {exc.problem or exc}{context}"))
        return result
    except yaml.YAMLError as exc:
        result.issues.append(Issue(None, f"YAML: {exc}"))
        return result
    result.lines = lines
    if not isinstance(data, dict):
        result.issues.append(Issue(1, "a set is a mapping with version, name and questions"))
        return result
    result.issues.extend(_structure_issues(data, lines))
    valid: list[tuple[int, Question]] = []
    questions = data.get("questions")
    for i, raw in enumerate(questions if isinstance(questions, list) else []):
        try:
            valid.append((i, Question.model_validate(raw)))
        except ValidationError as exc:
            result.issues.extend(_pydantic_issues(exc, ("questions", i), data, lines))
    result.issues.extend(_semantic_issues(valid, lines, corpus))
    if not result.errors:
        result.question_set = QuestionSet.model_validate(data)
    return result


def _structure_issues(data: dict[str, Any], lines: dict[PathKey, int]) -> list[Issue]:
    """Everything but the questions' contents: version, name, description, unknown keys, questions a list."""
    head = {k: v for k, v in data.items() if k != "questions"}
    questions = data.get("questions")
    head["questions"] = [] if isinstance(questions, list) else questions
    try:
        QuestionSet.model_validate(head)
    except ValidationError as exc:
        return _pydantic_issues(exc, (), data, lines)
    if not questions:
        return [Issue(line_of(lines, ("questions",)), "the set has no questions")]
    return []


def _pydantic_issues(
    exc: ValidationError, prefix: PathKey, data: dict[str, Any], lines: dict[PathKey, int]
) -> list[Issue]:
    out: list[Issue] = []
    for err in exc.errors():
        loc = (*prefix, *err["loc"])  # for unions pydantic adds a type tag; line_of falls back to the parent
        out.append(Issue(line_of(lines, loc), f"{_loc_text(loc)}: {err['msg']}", question_id=_question_id(data, loc)))
    return out


def _semantic_issues(
    questions: list[tuple[int, Question]], lines: dict[PathKey, int], corpus: Path | None
) -> list[Issue]:
    issues: list[Issue] = []
    seen: dict[str, int] = {}
    corpus_files = {p.name for p in corpus.iterdir()} if corpus and corpus.is_dir() else None
    for i, q in questions:
        base: PathKey = ("questions", i)

        def add(msg: str, sub: PathKey = (), level: Literal["error", "warning"] = "error", q: Question = q) -> None:
            issues.append(Issue(line_of(lines, (*base, *sub)), msg, level, q.id))  # noqa: B023

        if q.id in seen:
            add(f"duplicate id {q.id!r} (first on line {seen[q.id]})", ("id",))
        else:
            seen[q.id] = line_of(lines, (*base, "id")) or 0
        if len(set(q.tags)) != len(q.tags):
            add("duplicate tag", ("tags",))
        if q.filters is not None:
            f = q.filters
            if f.year_from and f.year_to and f.year_from > f.year_to:
                add("filters.year_from is after filters.year_to", ("filters",))
            if f.model_dump(exclude_none=True) == {}:
                add("filters is empty", ("filters",), "warning")
        if q.history and q.history[-1].role != "assistant":
            add(
                "history should end with the assistant's turn (the question is the next user turn)",
                ("history",),
                "warning",
            )
        e = q.expect
        missing_level: Literal["error", "warning"] = "warning" if q.draft else "error"
        if q.answerable:
            if not e.sources:
                add("answerable question without expect.sources", ("expect",), missing_level)
            if not e.cited_phrases:
                add("answerable question without expect.cited_phrases", ("expect",), missing_level)
            if not e.answer_phrases:
                add("answerable question without expect.answer_phrases", ("expect",), "warning")
        elif e.sources or e.cited_phrases or e.answer_phrases:
            add("unanswerable question with expectations (sources/cited_phrases/answer_phrases)", ("expect",))
        if len(set(e.sources)) != len(e.sources):
            add("duplicate file in expect.sources", ("expect", "sources"))
        if corpus_files is not None:
            for j, name in enumerate(e.sources):
                if name not in corpus_files:
                    add(f"source {name!r} is not a file in {corpus}", ("expect", "sources", j))
        if q.draft and not q.note:
            add("draft without a note", (), "warning")
    return issues


def check_file(path: Path, corpus: Path | None = None) -> CheckResult:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return CheckResult(path, [Issue(None, f"cannot read {path}: {exc}")])
    return check_text(text, path, corpus)


def load_set(path: Path) -> QuestionSet:
    """The set, or SetError listing what is wrong."""
    result = check_file(path)
    if not result.ok or result.question_set is None:
        raise SetError(result)
    return result.question_set
