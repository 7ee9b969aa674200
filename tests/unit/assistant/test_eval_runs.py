"""The eval runs the API lists: run folders with a readable summary.json, newest first, the baseline beside
the runs folder included, and no way out of the runs folder by id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.eval_runs import find_run, list_runs


def write_run(folder: Path, created: str, **overall: Any) -> Path:
    folder.mkdir(parents=True)
    summary = {"config": {"created": created, "retriever": "lexical"}, "overall": overall, "per_tag": {}}
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    return folder


def test_runs_are_listed_newest_first_with_the_baseline(tmp_path: Path) -> None:
    runs = tmp_path / "eval" / "runs"
    write_run(runs / "old", "2026-11-01T10:00:00", questions=3)
    write_run(runs / "new", "2026-12-01T10:00:00", questions=5)
    write_run(tmp_path / "eval" / "baseline", "2026-11-15T10:00:00", questions=4)
    assert [r.id for r in list_runs(runs)] == ["new", "baseline", "old"]


def test_unreadable_or_incomplete_summaries_are_left_out(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    write_run(runs / "good", "2026-12-01T10:00:00", questions=1)
    (runs / "broken").mkdir()
    (runs / "broken" / "summary.json").write_text("{not json", encoding="utf-8")
    (runs / "no-overall").mkdir()
    (runs / "no-overall" / "summary.json").write_text('{"config": {}}', encoding="utf-8")
    (runs / "empty").mkdir()
    assert [r.id for r in list_runs(runs)] == ["good"]
    assert find_run(runs, "broken") is None and find_run(runs, "empty") is None


def test_a_missing_runs_folder_lists_nothing(tmp_path: Path) -> None:
    assert list_runs(tmp_path / "nowhere") == []


def test_one_run_by_id_and_never_a_path_outside(tmp_path: Path) -> None:
    runs = tmp_path / "eval" / "runs"
    write_run(runs / "good", "2026-12-01T10:00:00", questions=2)
    write_run(tmp_path / "secret", "2026-12-01T10:00:00", questions=9)
    run = find_run(runs, "good")
    assert run is not None and run.summary["overall"] == {"questions": 2} and run.created.startswith("2026-12-01")
    for odd in ("..", "../../secret", "good/..", "/etc", ".hidden", ""):
        assert find_run(runs, odd) is None, odd
