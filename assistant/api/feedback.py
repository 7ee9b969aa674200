"""Feedback on answers, one JSON object a line in `data_dir/feedback.jsonl` (the UI writes it, the eval
reads it). Appends take an exclusive file lock: workers or replicas sharing the data dir never interleave."""

from __future__ import annotations

import fcntl
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

from assistant.api.models import FeedbackIn, FeedbackRecord


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        self.path = path

    def add(self, item: FeedbackIn, request_id: str | None = None) -> FeedbackRecord:
        record = FeedbackRecord(
            **item.model_dump(),
            id=uuid.uuid4().hex,
            created=datetime.now(UTC).isoformat(timespec="seconds"),
            request_id=request_id,
        )
        line = json.dumps(record.model_dump(mode="json"), ensure_ascii=False) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                handle.write(line)
                handle.flush()
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return record

    def all(self) -> list[FeedbackRecord]:
        if not self.path.exists():
            return []
        out: list[FeedbackRecord] = []
        with self.path.open(encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_SH)
            try:
                lines = handle.readlines()
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        for line in lines:
            line = line.strip()
            if not line:
                continue
            try:
                out.append(FeedbackRecord.model_validate_json(line))
            except ValueError:
                continue  # a line written by hand or by an older version: skip rather than fail the listing
        return out
