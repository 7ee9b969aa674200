"""Shared pieces of the API tests: a small real index built once from the synthetic documents in
tests/fixtures/corpus/ (copied per test),
settings for a fresh app, a real `remiss serve` process on a free loopback port, and an SSE parser."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import httpx
import pytest

from assistant.settings import Settings
from ingest.pipeline import Ingestor
from tests.paths import FIXTURE_CORPUS, PROJECT_ROOT
from tests.processes import free_port, served

ROOT = PROJECT_ROOT

# Indexed before every test: a remissvar and its tjänsteskrivelse on SOU 2025:7, and a riktlinje.
SEED_FILES = [
    "asby_ks_yttrande_sou-2025-7-ny-karnkraft_2025-02-05.txt",
    "asby_ks_tjansteskrivelse_sou-2025-7-ny-karnkraft_2025-01-28.txt",
    "asby_von_riktlinje_anhorigstod_2025.txt",
]
# Uploaded by tests through the API.
UPLOAD_FILE = "asby_ks_yttrande_sou-2025-5-omradessamverkan_2025-02-20.txt"
UPLOAD_FILE_2 = "asby_ks_tjansteskrivelse_sou-2025-5-omradessamverkan_2025-03-25.txt"

Q_KARNKRAFT = "Vad anser kommunstyrelsen om ny kärnkraft?"
Q_ANHORIG = "Vad är syftet med anhörigstöd?"
Q_OMRADE = "Vad anser kommunstyrelsen om områdessamverkan?"
Q_NONSENSE = "Hur många glassbilar finns det på månen enligt arkivet?"

ADMIN = "admin-secret"
READERS = ["reader-one", "reader-two"]

_template: dict[str, Path] = {}


def corpus_file(name: str) -> Path:
    """A document of the API tests' corpus (tests/fixtures/corpus/)."""
    return FIXTURE_CORPUS / name


def template_dir(factory: pytest.TempPathFactory) -> Path:
    """A data dir with SEED_FILES ingested (hash embedder, embedded Chroma), built once per test session."""
    if "data" not in _template:
        seeds = [corpus_file(name) for name in SEED_FILES]
        base = factory.mktemp("api-template")
        corpus = base / "corpus"
        corpus.mkdir()
        for path in seeds:
            shutil.copy(path, corpus / path.name)
        # Built in a child process: no Chroma client of this process holds the files while tests copy them.
        code = (
            "import sys; from pathlib import Path; from assistant.settings import Settings; "
            "from ingest.pipeline import Ingestor; "
            "r = Ingestor(Settings(data_dir=Path(sys.argv[1]))).ingest([Path(sys.argv[2])]); "
            "sys.exit(0 if r.count('added') == int(sys.argv[3]) else 1)"
        )
        subprocess.run(
            [sys.executable, "-c", code, str(base / "data"), str(corpus), str(len(seeds))],
            check=True,
            cwd=ROOT,
            env=clean_env(),
        )
        _template["data"] = base / "data"
        _template["corpus"] = corpus
    return _template["data"]


def fresh_data_dir(factory: pytest.TempPathFactory, target: Path) -> Path:
    shutil.copytree(template_dir(factory), target)
    return target


def settings_for(data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"data_dir": data_dir, "corpus_dir": data_dir / "corpus"}
    values.update(overrides)
    return Settings(**values)


def doc_ids_by_file(data_dir: Path, **overrides: Any) -> dict[str, str]:
    """source_file -> doc_id of what an index holds (read through a fresh Ingestor)."""
    store = Ingestor(Settings(data_dir=data_dir, **overrides)).store
    return {str(m.get("source_file")): i for i, m in store.manifest().items()}


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REMISS_")}
    env.update(extra)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


# --- a real server ------------------------------------------------------------------------------------------
class LiveServer:
    def __init__(self, base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
        self.base_url = base_url
        self.process = process
        self.log = log

    def client(self, key: str | None = None, timeout: float = 30.0) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout, trust_env=False)


@contextmanager
def live_server(data_dir: Path, workdir: Path, **env: str) -> Iterator[LiveServer]:
    """`remiss serve` on a free 127.0.0.1 port with REMISS_* settings from `env`; stopped afterwards."""
    port = free_port()
    log = workdir / f"server-{port}.log"
    variables = clean_env(REMISS_DATA_DIR=str(data_dir), **{f"REMISS_{k.upper()}": v for k, v in env.items()})
    cmd = [
        sys.executable,
        "-c",
        "from ui.cli.main import main; main()",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    base = f"http://127.0.0.1:{port}"
    with served(cmd, f"{base}/readyz", log, env=variables, cwd=workdir) as process:
        yield LiveServer(base, process, log)


# --- SSE ----------------------------------------------------------------------------------------------------
def parse_sse(text: str) -> list[tuple[str, Any]]:
    """(event, data) pairs of a text/event-stream body; data parsed as JSON where it is JSON."""
    events: list[tuple[str, Any]] = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        if not block.strip():
            continue
        name, data_lines = "message", []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data_lines.append(line[5:].lstrip())
        data = "\n".join(data_lines)
        try:
            events.append((name, json.loads(data)))
        except ValueError:
            events.append((name, data))
    return events


class ResponseLike(Protocol):
    """httpx's and the TestClient's responses alike."""

    @property
    def status_code(self) -> int: ...

    @property
    def text(self) -> str: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    def json(self) -> Any: ...


def assert_error_shape(response: ResponseLike, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    assert isinstance(body["error"]["code"], str) and body["error"]["code"]
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert "Traceback" not in response.text
    if code is not None:
        assert body["error"]["code"] == code, body
    error: dict[str, Any] = body["error"]
    return error
