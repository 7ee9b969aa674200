"""Draft question-set entries from exported UI feedback.

Input: JSON lines with `question`, `answer`, `citations`, `rating` ("up"/"down") and `comment` (optionally
`history`, `filters`, `created`/`timestamp`). Every 👎 with a comment becomes one entry with `draft: true`,
the comment(s) in `note`, and empty expectations for a human to fill in. The answer that was given and what
it cited are written as YAML comments above the entry, as a hint. The output is a whole set, so
`remiss eval check FILE` works on it; drafts pass the check (missing expectations are warnings for drafts).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.schemas import Turn
from eval.schema import FilterSpec


@dataclass
class Feedback:
    line: int
    question: str
    answer: str
    comment: str
    citations: list[dict[str, Any]]
    history: list[dict[str, Any]] = field(default_factory=list)
    filters: dict[str, Any] | None = None
    created: str | None = None


@dataclass
class DraftResult:
    entries: list[dict[str, Any]]
    text: str
    skipped: list[str]


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (a note with several comments) as literal blocks."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _str)


def slug(text: str, words: int = 6) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    parts = re.findall(r"[a-z0-9]+", ascii_text)
    return "-".join(parts[:words]) or "fraga"


def draft_id(question: str) -> str:
    return f"draft-{slug(question)}-{hashlib.sha1(question.strip().encode()).hexdigest()[:6]}"


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def read_feedback(path: Path) -> tuple[list[Feedback], list[str]]:
    """The 👎-with-comment records, and why other lines were skipped (only malformed ones are reported)."""
    wanted: list[Feedback] = []
    skipped: list[str] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as exc:
            skipped.append(f"line {number}: not JSON ({exc.msg})")
            continue
        if not isinstance(record, dict) or not str(record.get("question") or "").strip():
            skipped.append(f"line {number}: no question")
            continue
        comment = str(record.get("comment") or "").strip()
        if str(record.get("rating", "")).lower() not in ("down", "👎", "-1") or not comment:
            continue
        citations: list[Any] = _list(record.get("citations"))
        history: list[Any] = _list(record.get("history"))
        filters = record.get("filters") if isinstance(record.get("filters"), dict) else None
        answer = record.get("answer")
        if isinstance(answer, dict):  # the whole Answer object was exported
            citations = citations or _list(answer.get("citations"))
            answer = answer.get("answer", "")
        wanted.append(
            Feedback(
                number,
                str(record["question"]).strip(),
                str(answer or ""),
                comment,
                [c for c in citations if isinstance(c, dict)],
                history,
                filters,
                record.get("created") or record.get("timestamp"),
            )
        )
    return wanted, skipped


def _valid_history(history: list[dict[str, Any]]) -> list[dict[str, str]]:
    turns: list[dict[str, str]] = []
    for t in history:
        try:
            turns.append(Turn.model_validate(t).model_dump())
        except ValueError:
            continue
    return turns


def _valid_filters(filters: dict[str, Any] | None) -> dict[str, Any] | None:
    if not filters:
        return None
    try:
        spec = FilterSpec.model_validate({k: v for k, v in filters.items() if v not in (None, "", [])})
    except ValueError:
        return None
    return spec.model_dump(exclude_none=True) or None


def _comment_block(items: list[Feedback]) -> list[str]:
    def one_line(text: str, limit: int) -> str:
        text = " ".join(text.split())
        return text if len(text) <= limit else text[: limit - 1] + "…"

    first = items[0]
    lines = [
        f"# 👎 feedback, {len(items)} time(s){' — ' + str(first.created) if first.created else ''}",
        f"# answer given: {one_line(first.answer, 300) or '–'}",
    ]
    for c in first.citations[:6]:
        where = c.get("paragraph_id") or c.get("doc_id") or "?"
        lines.append(f"# cited: {c.get('source_file') or c.get('title') or '?'} ({where})")
    lines.append("# TODO: fill in answerable and expect (sources, cited_phrases, answer_phrases), then drop draft.")
    return lines


def make_drafts(path: Path, name: str = "feedback-drafts") -> DraftResult:
    feedback, skipped = read_feedback(path)
    grouped: dict[str, list[Feedback]] = {}
    for f in feedback:  # the same question disliked more than once becomes one entry with all comments
        key = " ".join(f.question.lower().split()) + json.dumps(f.filters, sort_keys=True)
        grouped.setdefault(key, []).append(f)
    entries: list[dict[str, Any]] = []
    blocks: list[str] = []
    used: set[str] = set()
    for items in grouped.values():
        first = items[0]
        entry_id = draft_id(first.question)
        while entry_id in used:
            entry_id += "x"
        used.add(entry_id)
        notes = list(dict.fromkeys(f.comment for f in items))
        entry: dict[str, Any] = {
            "id": entry_id,
            "question": first.question,
            "tags": ["feedback"],
            "answerable": True,
            "draft": True,
            "note": "\n".join(notes),
        }
        filters = _valid_filters(first.filters)
        if filters:
            entry["filters"] = filters
        history = _valid_history(first.history)
        if history:
            entry["history"] = history
        entry["expect"] = {"sources": [], "cited_phrases": [], "answer_phrases": []}
        entries.append(entry)
        dumped = yaml.dump(
            [entry], Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110, default_flow_style=None
        )
        body = "\n".join("  " + line if line else line for line in dumped.rstrip("\n").split("\n"))
        blocks.append("\n".join("  " + c for c in _comment_block(items)) + "\n" + body)
    head = yaml.safe_dump({"version": 1, "name": name}, allow_unicode=True, sort_keys=False)
    header = f"# Draft entries from {path.name}: review, fill in the expectations, then move them into a set.\n"
    text = header + head + ("questions:\n" + "\n\n".join(blocks) + "\n" if blocks else "questions: []\n")
    return DraftResult(entries, text, skipped)
