"""`remiss up` end to end: ingest the bundled corpus, both servers answer, SIGTERM stops them cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.paths import PROJECT_ROOT
from tests.processes import free_port
from ui.cli.up import port_free, remiss_command, streamlit_command

ROOT = PROJECT_ROOT


def wait_for_line(process: subprocess.Popen[str], needle: str, timeout: float) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            if process.poll() is not None:
                break
            continue
        lines.append(line)
        if needle in line:
            return lines
    raise AssertionError(f"{needle!r} not printed; output:\n{''.join(lines)}")


def test_streamlit_command_uses_this_python_and_the_ui_app() -> None:
    command = streamlit_command(8599, "127.0.0.1", 25.0)
    assert command[:4] == [sys.executable, "-m", "streamlit", "run"]
    assert Path(command[4]) == ROOT / "ui" / "app.py"
    assert command[command.index("--server.port") + 1] == "8599"
    assert command[command.index("--server.maxUploadSize") + 1] == "25"


@pytest.mark.slow
def test_up_ingests_serves_and_stops_cleanly(tmp_path: Path) -> None:
    api_port, ui_port = free_port(), free_port()
    env = {
        **os.environ,
        "REMISS_DATA_DIR": str(tmp_path / "data"),
        "REMISS_EMBEDDER": "hash",
        "REMISS_RETRIEVER": "lexical",
        "REMISS_API_KEYS": "",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REMISS_CHROMA_HOST", None)
    command = remiss_command("up", str(ROOT / "corpus"), "--port", str(api_port), "--ui-port", str(ui_port))
    process = subprocess.Popen(
        command,
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output = "".join(wait_for_line(process, "Press Ctrl-C to stop", timeout=120))
        assert f"UI:       http://127.0.0.1:{ui_port}" in output
        assert f"API docs: http://127.0.0.1:{api_port}/docs" in output
        assert "2 documents in the index" in output
        docs = httpx.get(f"http://127.0.0.1:{api_port}/v1/documents", timeout=10).json()
        assert docs["total"] == 2
        assert httpx.get(f"http://127.0.0.1:{ui_port}/_stcore/health", timeout=10).text == "ok"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        rest = process.stdout.read() if process.stdout else ""
        assert "Stopped." in rest
        assert port_free("127.0.0.1", api_port) and port_free("127.0.0.1", ui_port)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
