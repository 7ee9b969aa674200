"""`remiss eval drafts`: 👎 feedback with a comment becomes draft entries that pass the set check."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from eval.schema import check_file
from ui.cli.main import build_app

CITATION = {
    "n": 1,
    "doc_id": "6a00d2cd7ca0f0d6",
    "paragraph_id": "6a00d2cd7ca0f0d6#s10.p1",
    "title": "Strategi för innovation",
    "doc_type": "PM",
    "body": "Kommunstyrelsen",
    "dnr": ["KS 2019/1618"],
    "date": "2019-11-27",
    "section": "",
    "section_id": "s10",
    "pages": [],
    "quote": "Ersättaryttrande gjordes av Sissela Nordling Blanco (Fi)",
    "start": 0,
    "end": 56,
    "score": 1.0,
    "source_file": "2019_KS-2019-1618_pm_rotel_I_strategi_for_innovation_region_stockholm.txt",
}
FEEDBACK = [
    {
        "question": "Vem lämnade ersättaryttrande i kommunstyrelsen?",
        "answer": "Sissela Nordling Blanco (Fi) [1]",
        "citations": [CITATION],
        "rating": "down",
        "comment": "Fel ärende: jag menade kärnkraften.",
        "id": "f1",
        "created": "2025-11-20T10:00:00+00:00",
    },
    {
        "question": "Vad tyckte Kungsbacka om kärnkraft?",
        "answer": "Kommunen tillstyrker [1]",
        "citations": [CITATION],
        "rating": "up",
        "comment": "Bra!",
    },
    {"question": "Vad är anhörigstöd?", "answer": "…", "citations": [], "rating": "down", "comment": ""},
    {
        "question": "vem lämnade  ersättaryttrande i kommunstyrelsen?",
        "answer": "…",
        "citations": [],
        "rating": "down",
        "comment": 'Saknar partibeteckning: "(Fi)"\nsom rubrik',
    },
    {
        "question": "Vad sa socialnämnden om remissen 2015?",
        "answer": "Jag hittar inget i arkivet.",
        "citations": [],
        "rating": "down",
        "comment": "Det borde finnas: tjänsteutlåtandet från 2015.",
    },
]


def write_feedback(path: Path) -> None:
    lines = [json.dumps(f, ensure_ascii=False) for f in FEEDBACK]
    path.write_text("\n".join([*lines[:2], "{not json", *lines[2:]]) + "\n", encoding="utf-8")


def test_drafts_from_feedback_pass_the_check(tmp_path: Path) -> None:
    feedback, out = tmp_path / "feedback.jsonl", tmp_path / "drafts.yaml"
    write_feedback(feedback)
    result = CliRunner().invoke(build_app(), ["eval", "drafts", str(feedback), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "line 3: not JSON" in result.output
    checked = check_file(out)
    assert checked.ok, [str(i) for i in checked.errors]
    assert checked.question_set is not None
    drafts = checked.question_set.questions
    # 👍 and 👎 without a comment are left out; the same question twice is one entry with both comments
    assert [q.question for q in drafts] == [
        "Vem lämnade ersättaryttrande i kommunstyrelsen?",
        "Vad sa socialnämnden om remissen 2015?",
    ]
    assert all(q.draft and q.answerable and not q.expect.sources for q in drafts)
    assert drafts[0].note == 'Fel ärende: jag menade kärnkraften.\nSaknar partibeteckning: "(Fi)"\nsom rubrik'
    assert checked.question_set.active() == []  # a run skips drafts
    text = out.read_text(encoding="utf-8")
    assert "# cited: 2019_KS-2019-1618_pm_rotel_I" in text and "# answer given: Sissela Nordling Blanco" in text
    assert CliRunner().invoke(build_app(), ["eval", "check", str(out)]).exit_code == 0


def test_filled_drafts_pass_the_strict_check(tmp_path: Path) -> None:
    feedback, out = tmp_path / "feedback.jsonl", tmp_path / "drafts.yaml"
    write_feedback(feedback)
    assert CliRunner().invoke(build_app(), ["eval", "drafts", str(feedback), "--out", str(out)]).exit_code == 0
    assert CliRunner().invoke(build_app(), ["eval", "check", "--strict", str(out)]).exit_code == 1  # still unfilled
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    for entry in data["questions"]:
        entry["expect"] = {
            "sources": ["2015_socialnamnden_tjansteutlatande_innovationsstrategi_stockholms_stad.txt"],
            "cited_phrases": [["Socialnämnden hänvisar till tjänsteutlåtandet"]],
            "answer_phrases": [["hänvisar till tjänsteutlåtandet"]],
        }
        del entry["draft"]
    out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(build_app(), ["eval", "check", "--strict", str(out)])
    assert result.exit_code == 0, result.output
    checked = check_file(out)
    assert checked.question_set is not None and len(checked.question_set.active()) == 2
