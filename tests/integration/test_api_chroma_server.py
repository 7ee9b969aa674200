"""Two API replicas on one Chroma server (`chroma run` on 127.0.0.1): an upload through one is served by the
other; when the server goes away the API says 503 (and stays up), and recovers when it is back."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from ingest.pipeline import Ingestor
from tests.api_helpers import (
    ADMIN,
    Q_ANHORIG,
    Q_KARNKRAFT,
    Q_NONSENSE,
    Q_OMRADE,
    SEED_FILES,
    UPLOAD_FILE,
    LiveServer,
    assert_error_shape,
    clean_env,
    corpus_file,
    doc_ids_by_file,
    free_port,
    live_server,
    settings_for,
)
from tests.processes import chroma_command, heartbeat, start, stop

pytestmark = pytest.mark.chroma_server
CHROMA = Path(sys.executable).parent / "chroma"


def _start_chroma(path: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    return start(chroma_command(CHROMA, path, port), heartbeat(port), log, env=clean_env(), timeout=30)


def test_two_replicas_share_one_chroma_server(tmp_path: Path) -> None:
    if not CHROMA.is_file():
        pytest.skip("the `chroma` command (chromadb's server) is not installed in this environment")
    seeds = [corpus_file(name) for name in SEED_FILES]
    port = free_port()
    chroma = _start_chroma(tmp_path / "chroma", port, tmp_path / "chroma.log")
    try:
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        for path in seeds:
            shutil.copy(path, corpus / path.name)
        server = {"chroma_host": "127.0.0.1", "chroma_port": port, "admin_key": ADMIN}
        first_settings = settings_for(tmp_path / "replica-a", **server)
        report = Ingestor(first_settings).ingest([corpus])
        assert report.count("added") == len(SEED_FILES)
        with (
            TestClient(create_app(first_settings)) as a,
            TestClient(create_app(settings_for(tmp_path / "replica-b", **server))) as b,
        ):
            assert a.get("/readyz").json() == {"status": "ready", "documents": 3, "chroma": "server"}
            assert b.get("/readyz").json()["documents"] == 3
            b.app.state.api.guard.check_every = 0.2  # type: ignore[attr-defined]
            assert b.post("/v1/search", json={"query": "anhörigstöd"}).json()["results"]

            data = corpus_file(UPLOAD_FILE).read_bytes()
            uploaded = a.post(
                "/v1/documents",
                files=[("files", (UPLOAD_FILE, data, "text/plain"))],
                headers={"Authorization": f"Bearer {ADMIN}"},
            ).json()["results"][0]
            assert uploaded["status"] == "added"
            assert uploaded["doc_id"] in {d["id"] for d in b.get("/v1/documents").json()["results"]}
            time.sleep(0.3)
            hits = b.post("/v1/search", json={"query": "områdessamverkan", "k": 3}).json()["results"]
            assert hits and hits[0]["doc_id"] == uploaded["doc_id"]
            answer = b.post("/v1/ask", json={"question": "Vad anser kommunstyrelsen om områdessamverkan?"}).json()
            assert uploaded["doc_id"] in {c["doc_id"] for c in answer["citations"]}

            stop(chroma)
            assert a.get("/healthz").status_code == 200
            assert_error_shape(a.get("/readyz"), 503, "store_unavailable")
            assert_error_shape(b.get("/v1/documents"), 503, "store_unavailable")
            assert_error_shape(a.get(f"/v1/documents/{uploaded['doc_id']}"), 503, "store_unavailable")

            chroma = _start_chroma(tmp_path / "chroma", port, tmp_path / "chroma.log")
            assert a.get("/readyz").json()["documents"] == 4
            assert b.get(f"/v1/documents/{uploaded['doc_id']}").status_code == 200
    finally:
        stop(chroma)


QUESTIONS = [Q_ANHORIG, Q_KARNKRAFT, Q_OMRADE]
REPLICA_READY_WAIT = 60.0  # how long the replicas may take to pick up a committed ingest (a deadline, not a figure)


def _comparable(answer: dict[str, Any]) -> dict[str, Any]:
    """What two processes serving one index must agree on (everything but timings and request ids)."""
    return {key: value for key, value in answer.items() if key != "timings"}


class _Load:
    """Readers hammering both replicas in a thread while something else changes the index."""

    def __init__(self, servers: list[LiveServer]) -> None:
        self.servers = servers
        self.errors: list[str] = []
        self.requests = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _Load:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=60)

    def _run(self) -> None:
        clients = [s.client() for s in self.servers]
        try:
            while not self._stop.is_set():
                for client, question in zip(clients, QUESTIONS, strict=False):
                    for path, body in (("/v1/ask", {"question": question}), ("/v1/search", {"query": question})):
                        response = client.post(path, json=body)
                        self.requests += 1
                        if response.status_code != 200:
                            self.errors.append(f"{path} {response.status_code} {response.text[:200]}")
        finally:
            for client in clients:
                client.close()


def _sees(server: LiveServer, doc_id: str) -> bool:
    with server.client() as client:
        hits = client.post("/v1/search", json={"query": "områdessamverkan", "k": 3}).json()["results"]
        return bool(hits) and hits[0]["doc_id"] == doc_id


def test_two_api_processes_share_one_data_dir_through_an_ingest(tmp_path: Path) -> None:
    """Two `remiss serve` processes on one data dir and one `chroma run`: `remiss ingest` adds a document while
    both answer; no request fails, both serve the new document once it is committed, and they answer alike."""
    if not CHROMA.is_file():
        pytest.skip("the `chroma` command (chromadb's server) is not installed in this environment")
    port = free_port()
    chroma = _start_chroma(tmp_path / "chroma", port, tmp_path / "chroma.log")
    try:
        corpus, extra = tmp_path / "corpus", tmp_path / "extra"
        corpus.mkdir()
        extra.mkdir()
        for name in SEED_FILES:
            shutil.copy(corpus_file(name), corpus / name)
        shutil.copy(corpus_file(UPLOAD_FILE), extra / UPLOAD_FILE)
        data = tmp_path / "shared-data"
        server = {"chroma_host": "127.0.0.1", "chroma_port": str(port)}
        assert Ingestor(settings_for(data, chroma_host="127.0.0.1", chroma_port=port)).ingest([corpus]).changed
        with (
            live_server(data, tmp_path, **server) as a,
            live_server(data, tmp_path, **server) as b,
        ):
            with _Load([a, b]) as load:
                env = clean_env(REMISS_DATA_DIR=str(data), REMISS_CHROMA_HOST="127.0.0.1", REMISS_CHROMA_PORT=str(port))
                cli = [sys.executable, "-c", "from ui.cli.main import main; main()", "ingest", str(extra)]
                done = subprocess.run(cli, env=env, cwd=tmp_path, capture_output=True, timeout=300)
                assert done.returncode == 0, done.stderr.decode()[-2000:]
                new_doc = doc_ids_by_file(data, chroma_host="127.0.0.1", chroma_port=port)[UPLOAD_FILE]
                deadline = time.monotonic() + REPLICA_READY_WAIT
                while not (_sees(a, new_doc) and _sees(b, new_doc)) and time.monotonic() < deadline:
                    time.sleep(0.5)
            assert load.requests > 0 and load.errors == []
            assert _sees(a, new_doc) and _sees(b, new_doc)
            with a.client() as ca, b.client() as cb:
                for question in [*QUESTIONS, Q_NONSENSE]:
                    first = ca.post("/v1/ask", json={"question": question}).json()
                    second = cb.post("/v1/ask", json={"question": question}).json()
                    assert _comparable(first) == _comparable(second), question
                    assert (
                        ca.post("/v1/search", json={"query": question}).json()["results"]
                        == cb.post("/v1/search", json={"query": question}).json()["results"]
                    )
                answer = cb.post("/v1/ask", json={"question": Q_OMRADE}).json()
                assert new_doc in {c["doc_id"] for c in answer["citations"]}
        generations = [p for p in (data / "lexical").rglob("g-*") if p.is_dir()]
        assert generations, "the ingest published the lexical index on disk for the replicas to load"
    finally:
        stop(chroma)
