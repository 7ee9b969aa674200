"""Against a real `remiss serve` process on 127.0.0.1: SSE streaming, the official `openai` client (plain and
streamed) and concurrent asks while documents are uploaded."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from tests.api_helpers import (
    ADMIN,
    Q_ANHORIG,
    Q_KARNKRAFT,
    Q_OMRADE,
    READERS,
    SEED_FILES,
    UPLOAD_FILE,
    UPLOAD_FILE_2,
    LiveServer,
    corpus_file,
    fresh_data_dir,
    live_server,
    parse_sse,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    workdir = tmp_path_factory.mktemp("live")
    data_dir = fresh_data_dir(tmp_path_factory, workdir / "data")
    with live_server(data_dir, workdir, api_keys=",".join(READERS), admin_key=ADMIN) as running:
        yield running


def _openai(server: LiveServer, key: str = READERS[0]) -> openai.OpenAI:
    return openai.OpenAI(
        base_url=f"{server.base_url}/v1",
        api_key=key,
        max_retries=0,
        http_client=openai.DefaultHttpxClient(trust_env=False, timeout=30),
    )


def _doc_ids(server: LiveServer) -> dict[str, str]:
    with server.client(READERS[0]) as client:
        return {d["source_file"]: d["id"] for d in client.get("/v1/documents").json()["results"]}


def test_ask_streams_server_sent_events(server: LiveServer) -> None:
    chunks: list[str] = []
    with (
        server.client(READERS[1]) as client,
        client.stream("POST", "/v1/ask", json={"question": Q_KARNKRAFT, "stream": True}) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-cache"
        chunks.extend(response.iter_text())
    events = parse_sse("".join(chunks))
    names = [name for name, _ in events]
    assert names[0] == "citations" and names[-1] == "final" and names.count("delta") >= 1
    final = events[-1][1]
    assert not final["abstained"] and final["citations"] == events[0][1]["citations"]
    assert "".join(d["text"] for n, d in events if n == "delta").strip() == final["answer"].strip()


def test_openai_client_chat_completion(server: LiveServer) -> None:
    ids = _doc_ids(server)
    client = _openai(server)
    assert [m.id for m in client.models.list()] == ["remissarkivet"]
    reply = client.chat.completions.create(model="remissarkivet", messages=[{"role": "user", "content": Q_ANHORIG}])
    text = reply.choices[0].message.content or ""
    assert "[1]" in text and "\n\nKällor:\n[1] " in text
    citations = (reply.model_extra or {})["citations"]
    assert citations and {c["doc_id"] for c in citations} == {ids[SEED_FILES[2]]}
    assert (reply.choices[0].message.model_extra or {})["citations"] == citations
    for citation in citations:
        assert citation["paragraph_id"] in text
    assert reply.choices[0].finish_reason == "stop" and reply.usage is not None and reply.usage.total_tokens > 0


def test_openai_client_streamed_chat_completion(server: LiveServer) -> None:
    ids = _doc_ids(server)
    client = _openai(server, READERS[1])
    messages: list[Any] = [
        {"role": "system", "content": "Svara kort."},
        {"role": "user", "content": "Vad handlar riktlinjen om?"},
        {"role": "assistant", "content": "Den handlar om anhörigstöd."},
        {"role": "user", "content": [{"type": "text", "text": Q_KARNKRAFT}]},
    ]
    stream = client.chat.completions.create(model="remissarkivet", stream=True, messages=messages)
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "Källor:" in text and "[1]" in text
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    citations: list[dict[str, Any]] = (last.model_extra or {})["citations"]
    assert citations and {c["doc_id"] for c in citations} <= {ids[SEED_FILES[0]], ids[SEED_FILES[1]]}
    plain = client.chat.completions.create(model="remissarkivet", messages=messages)
    assert (plain.model_extra or {})["citations"] == citations
    assert text.strip() == (plain.choices[0].message.content or "").strip()


def test_openai_client_errors(server: LiveServer) -> None:
    with pytest.raises(openai.AuthenticationError):
        _openai(server, "wrong-key").chat.completions.create(
            model="remissarkivet", messages=[{"role": "user", "content": Q_ANHORIG}]
        )
    with pytest.raises(openai.NotFoundError) as not_found:
        _openai(server).chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": Q_ANHORIG}])
    assert "remissarkivet" in str(not_found.value)
    no_question = _openai(server).chat.completions.create(
        model="remissarkivet", messages=[{"role": "assistant", "content": "Hej"}]
    )  # answered with guidance, as a chat front-end shows it best
    assert "fråga" in (no_question.choices[0].message.content or "")
    assert (no_question.model_extra or {})["abstained"] is True


def test_concurrent_asks_during_upload_all_answer_and_nothing_is_lost(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    workdir = tmp_path_factory.mktemp("concurrent")
    data_dir = fresh_data_dir(tmp_path_factory, workdir / "data")
    uploads = [
        (UPLOAD_FILE, corpus_file(UPLOAD_FILE).read_bytes()),
        (UPLOAD_FILE_2, corpus_file(UPLOAD_FILE_2).read_bytes()),
    ]
    with live_server(data_dir, workdir, admin_key=ADMIN) as server:
        ids = _doc_ids(server)
        expected = {Q_KARNKRAFT: {ids[SEED_FILES[0]], ids[SEED_FILES[1]]}, Q_ANHORIG: {ids[SEED_FILES[2]]}}
        failures: list[str] = []
        answered: list[int] = []
        uploading_done = threading.Event()
        started = threading.Barrier(9)

        def asker(worker: int) -> None:
            count = 0
            with server.client(timeout=60) as client:
                started.wait()
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and (not uploading_done.is_set() or count < 12):
                    question = (Q_KARNKRAFT, Q_ANHORIG)[(worker + count) % 2]
                    try:
                        response = client.post("/v1/ask", json={"question": question})
                        body = response.json()
                        cited = {c["doc_id"] for c in body.get("citations", [])}
                        if (
                            response.status_code != 200
                            or body["abstained"]
                            or not cited <= expected[question]
                            or not cited
                        ):
                            failures.append(f"{worker}/{count}: {response.status_code} {str(body)[:300]}")
                        hits = client.post("/v1/search", json={"query": "anhörigstöd", "k": 3})
                        if hits.status_code != 200 or hits.json()["results"][0]["doc_id"] != ids[SEED_FILES[2]]:
                            failures.append(f"{worker}/{count} search: {hits.status_code} {hits.text[:300]}")
                        feedback = client.post(
                            "/v1/feedback",
                            json={
                                "question": question,
                                "answer": body["answer"],
                                "rating": "up",
                                "comment": f"{worker}-{count}",
                            },
                        )
                        if feedback.status_code != 201:
                            failures.append(f"{worker}/{count} feedback: {feedback.status_code}")
                    except (httpx.HTTPError, KeyError, ValueError, IndexError) as exc:
                        failures.append(f"{worker}/{count}: {type(exc).__name__}: {exc}")
                    count += 1
            answered.append(count)

        threads = [threading.Thread(target=asker, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        started.wait()
        time.sleep(0.3)
        with server.client(ADMIN, timeout=120) as admin:
            results = []
            for name, data in uploads:
                response = admin.post("/v1/documents", files=[("files", (name, data, "text/plain"))])
                assert response.status_code == 200, response.text
                results.extend(response.json()["results"])
        uploading_done.set()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(t.is_alive() for t in threads)
        assert failures == [], failures[:5]
        assert [r["status"] for r in results] == ["added", "added"]
        total = sum(answered)
        assert len(answered) == 8 and total >= 8 * 12
        with server.client() as client:
            listing = client.get("/v1/documents").json()
            assert listing["total"] == len(SEED_FILES) + 2
            feedback = client.get("/v1/feedback").json()
            assert feedback["total"] == total
            assert len({f["comment"] for f in feedback["results"]}) == total
            answer = client.post("/v1/ask", json={"question": Q_OMRADE}).json()
            assert results[0]["doc_id"] in {c["doc_id"] for c in answer["citations"]} or results[1]["doc_id"] in {
                c["doc_id"] for c in answer["citations"]
            }
        assert "Traceback" not in server.log.read_text()


def test_server_log_is_json_lines(server: LiveServer) -> None:
    import json

    with server.client(READERS[0]) as client:
        client.get("/v1/models", headers={"X-Request-ID": "live-log-check"})
    deadline = time.monotonic() + 5
    while "live-log-check" not in server.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    lines = [json.loads(line) for line in server.log.read_text().splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("request_id") == "live-log-check"]
    assert access and access[0]["path"] == "/v1/models" and access[0]["status"] == 200
