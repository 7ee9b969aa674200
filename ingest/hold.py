"""A test hook that holds a writer at a named point of its work, so that tests of concurrent writers can be
deterministic without sleeping. `REMISS_INGEST_HOLD=/path/file` holds every point: on reaching one, the writer
creates `/path/file.<point>` and waits while `/path/file` exists. Unset (always, outside tests) it costs one
environment lookup per batch."""

from __future__ import annotations

import os
import time
from pathlib import Path

HOLD_ENV = "REMISS_INGEST_HOLD"
POLL_SECONDS = 0.05


def hold(point: str) -> None:
    spec = os.environ.get(HOLD_ENV)
    if not spec:
        return
    gate = Path(spec)
    gate.with_name(f"{gate.name}.{point}").touch()
    while gate.exists():
        time.sleep(POLL_SECONDS)
