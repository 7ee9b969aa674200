"""Eval runs as the API shows them, read from the JSON files `remiss eval run` writes (DIR/summary.json),
without importing the eval package. A run is a folder under the runs directory; the committed baseline
beside it (`eval/baseline` for `eval/runs`) is listed too, as the run `baseline`."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUMMARY = "summary.json"
BASELINE = "baseline"
RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


@dataclass(frozen=True)
class RunSummary:
    """One run: its id (the folder name), where it is, and its summary.json (config, overall, per_tag)."""

    id: str
    path: Path
    summary: dict[str, Any]

    @property
    def config(self) -> dict[str, Any]:
        config = self.summary.get("config")
        return config if isinstance(config, dict) else {}

    @property
    def created(self) -> str:
        return str(self.config.get("created") or "")


def read_summary(folder: Path) -> dict[str, Any] | None:
    """The folder's summary.json when it is readable and has the overall figures, else None."""
    try:
        summary = json.loads((folder / SUMMARY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(summary, dict) and isinstance(summary.get("overall"), dict):
        return summary
    return None


def _folders(runs_dir: Path) -> dict[str, Path]:
    """Run id -> folder: the run folders under runs_dir, then the baseline beside it (unless shadowed)."""
    folders: dict[str, Path] = {}
    if runs_dir.is_dir():
        folders = {p.name: p for p in sorted(runs_dir.iterdir()) if p.is_dir() and RUN_ID.match(p.name)}
    baseline = runs_dir.parent / BASELINE
    if baseline.is_dir() and baseline.resolve() != runs_dir.resolve():
        folders.setdefault(BASELINE, baseline)
    return folders


def list_runs(runs_dir: Path) -> list[RunSummary]:
    """Every readable run, newest first (by the time it records, then by its file's time)."""
    runs = [
        RunSummary(run_id, folder, summary)
        for run_id, folder in _folders(runs_dir).items()
        if (summary := read_summary(folder)) is not None
    ]
    return sorted(runs, key=lambda r: (r.created, (r.path / SUMMARY).stat().st_mtime), reverse=True)


def find_run(runs_dir: Path, run_id: str) -> RunSummary | None:
    """One run by id; None for an unknown or malformed id (never a path outside the runs directory)."""
    if not RUN_ID.match(run_id):
        return None
    folder = _folders(runs_dir).get(run_id)
    summary = read_summary(folder) if folder is not None else None
    return RunSummary(run_id, folder, summary) if folder is not None and summary is not None else None
