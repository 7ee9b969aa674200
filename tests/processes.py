"""Real processes for tests: a free loopback port, a server started and waited for over HTTP, and stopped."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(
    command: Sequence[str],
    ready_url: str,
    log: Path,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 60.0,
) -> subprocess.Popen[bytes]:
    """Start `command` (output appended to `log`) and wait until `ready_url` answers 200."""
    with log.open("ab") as out:
        process = subprocess.Popen(list(command), env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{command[0]} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(ready_url, timeout=2, trust_env=False).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            stop(process)
            raise RuntimeError(f"{ready_url} did not answer within {timeout:.0f} s:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


def stop(process: subprocess.Popen[bytes], grace: float = 15.0) -> None:
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@contextmanager
def served(
    command: Sequence[str],
    ready_url: str,
    log: Path,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 60.0,
) -> Iterator[subprocess.Popen[bytes]]:
    process = start(command, ready_url, log, env, cwd, timeout)
    try:
        yield process
    finally:
        stop(process)


def chroma_command(chroma: Path, path: Path, port: int) -> list[str]:
    return [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]


def heartbeat(port: int) -> str:
    return f"http://127.0.0.1:{port}/api/v2/heartbeat"
