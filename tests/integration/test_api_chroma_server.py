"""Two API replicas on one Chroma server (`chroma run` on 127.0.0.1): an upload through one is served by the
other; when the server goes away the API says 503 (and stays up), and recovers when it is back."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from ingest.pipeline import Ingestor
from tests.api_helpers import (
    ADMIN,
    SEED_FILES,
    UPLOAD_FILE,
    assert_error_shape,
    clean_env,
    corpus_file,
    free_port,
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
