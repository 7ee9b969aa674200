"""The question-set check: the dev set passes; malformed sets are rejected with the line of each problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval.schema import QuestionSet, check_file, check_text, load_yaml_with_lines
from tests.paths import PROJECT_ROOT
from ui.cli.main import build_app

ROOT = PROJECT_ROOT
DEV = ROOT / "eval" / "sets" / "dev.yaml"

MALFORMED = """\
version: 1
name: broken
questions:
  - id: fine-1
    question: "Vem var handläggare?"
    tags: [paraphrase]
    answerable: true
    expect:
      sources: [a.txt]
      cited_phrases: [["Lisbeth Westerlund"]]
      answer_phrases: [["Lisbeth Westerlund"]]
  - id: bad-types
    question: "Vad?"
    tags: paraphrase
    answerable: maybe
    filters: {doc_type: yttrande, year_from: "nittonhundra"}
    expect:
      sources: [a.txt]
      cited_phrases: [[]]
      answer_phrase: [["typo in the key"]]
  - id: fine-1
    question: "Samma id igen"
    tags: []
    answerable: false
    expect:
      sources: [b.txt]
  - question: "Utan id"
    answerable: true
"""


def test_dev_set_passes_the_check() -> None:
    result = check_file(DEV)
    assert result.ok, [str(i) for i in result.errors]
    assert result.question_set is not None
    questions = result.question_set.questions
    assert len(questions) >= 90
    assert any(not q.answerable for q in questions) and any(q.history for q in questions)
    assert len({q.id for q in questions}) == len(questions)


def test_dev_set_sources_exist_in_the_shared_corpus(shared_corpus: Path) -> None:
    result = check_file(DEV, shared_corpus)
    assert result.ok, [str(i) for i in result.errors]


def test_malformed_set_reports_each_problem_on_its_line(tmp_path: Path) -> None:
    result = check_text(MALFORMED, tmp_path / "broken.yaml")
    assert not result.ok and result.question_set is None
    found = {(i.line, i.message.split(":")[0]) for i in result.errors}
    assert (14, "questions.1.tags") in found
    assert (15, "questions.1.answerable") in found
    assert (16, "questions.1.filters.year_from") in found
    assert (19, "questions.1.expect.cited_phrases") in found
    assert (20, "questions.1.expect.answer_phrase") in found  # unknown key: a typo is not silently ignored
    assert (27, "questions.3.id") in found
    messages = {i.line: i.message for i in result.errors}
    assert "duplicate id 'fine-1'" in messages[21] and "line 4" in messages[21]
    assert "unanswerable question with expectations" in messages[25]
    # the valid first question produced no error
    assert not [i for i in result.errors if i.line is not None and i.line < 12]


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    result = check_text('version: 1\nname: x\nquestions:\n  - id: a\n    question: "open\n', tmp_path / "x.yaml")
    assert not result.ok
    assert result.errors[0].line is not None and "YAML syntax" in result.errors[0].message
    assert "line 5" in result.errors[0].message  # where the unterminated string starts


def test_answerable_question_needs_sources_unless_draft(tmp_path: Path) -> None:
    entry = (
        'version: 1\nname: x\nquestions:\n  - id: a\n    question: "Vad gäller?"\n    tags: []\n'
        "    answerable: true\n{draft}    expect: {{sources: [], cited_phrases: []}}\n"
    )
    strict = check_text(entry.format(draft=""), tmp_path / "a.yaml")
    assert not strict.ok and any("without expect.sources" in i.message for i in strict.errors)
    draft = check_text(entry.format(draft="    draft: true\n    note: saknar svar\n"), tmp_path / "b.yaml")
    assert draft.ok and any("without expect.sources" in i.message for i in draft.warnings)
    assert draft.question_set is not None and draft.question_set.active() == []


def test_line_map_points_at_keys_and_items() -> None:
    data, lines = load_yaml_with_lines("a: 1\nb:\n  - x\n  - y: 2\n")
    assert data == {"a": 1, "b": ["x", {"y": 2}]}
    assert lines[("b",)] == 2 and lines[("b", 1)] == 4 and lines[("b", 1, "y")] == 4


def test_string_doc_type_becomes_a_list() -> None:
    qset = QuestionSet.model_validate(
        {
            "name": "x",
            "questions": [
                {
                    "id": "a",
                    "question": "Vad?",
                    "answerable": False,
                    "filters": {"doc_type": "yttrande", "year_from": 2025},
                }
            ],
        }
    )
    filters = qset.questions[0].search_filters
    assert filters is not None and filters.doc_type == ["yttrande"] and filters.year_from == 2025


@pytest.mark.parametrize("content, code", [(MALFORMED, 1), (DEV.read_text(encoding="utf-8"), 0)])
def test_check_command_exit_code(tmp_path: Path, content: str, code: int) -> None:
    path = tmp_path / "set.yaml"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(build_app(), ["eval", "check", str(path)])
    assert result.exit_code == code, result.output
    if code:
        assert f"{path}:15: error [bad-types] questions.1.answerable" in result.output
