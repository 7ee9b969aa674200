"""Ask (JSON and SSE), search, probes and the offline docs, in-process against a real index."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from tests.api_helpers import (
    Q_ANHORIG,
    Q_KARNKRAFT,
    Q_NONSENSE,
    SEED_FILES,
    assert_error_shape,
    free_port,
    fresh_data_dir,
    parse_sse,
    settings_for,
)


@pytest.fixture
def client(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Iterator[TestClient]:
    data_dir = fresh_data_dir(tmp_path_factory, tmp_path / "data")
    with TestClient(create_app(settings_for(data_dir))) as c:
        yield c


def _ids(client: TestClient) -> dict[str, str]:
    return {d["source_file"]: d["id"] for d in client.get("/v1/documents").json()["results"]}


def _paragraph_text(client: TestClient, paragraph_id: str) -> str:
    doc_id, local = paragraph_id.split("#", 1)
    doc = client.get(f"/v1/documents/{doc_id}").json()
    return next(p["text"] for s in doc["sections"] for p in s["paragraphs"] if p["id"] == local)


def test_ask_answers_with_citations_that_quote_their_paragraphs(client: TestClient) -> None:
    ids = _ids(client)
    answer = client.post("/v1/ask", json={"question": Q_KARNKRAFT}).json()
    assert answer["abstained"] is False and answer["mode"] == "extractive"
    assert answer["citations"] and answer["timings"]["total_ms"] > 0
    assert {c["doc_id"] for c in answer["citations"]} <= {ids[SEED_FILES[0]], ids[SEED_FILES[1]]}
    for citation in answer["citations"]:
        assert f"[{citation['n']}]" in answer["answer"]
        text = _paragraph_text(client, citation["paragraph_id"])
        assert text[citation["start"] : citation["end"]] == citation["quote"]


def test_ask_abstains_with_the_nearest_documents(client: TestClient) -> None:
    answer = client.post("/v1/ask", json={"question": Q_NONSENSE}).json()
    assert answer["abstained"] is True and answer["citations"] == []
    assert "hittar inget" in answer["answer"] or "Arkivet har" in answer["answer"]


def test_ask_respects_filters(client: TestClient) -> None:
    ids = _ids(client)
    only = client.post("/v1/ask", json={"question": Q_ANHORIG, "filters": {"doc_type": ["riktlinje"]}}).json()
    assert only["citations"] and {c["doc_id"] for c in only["citations"]} == {ids[SEED_FILES[2]]}
    none = client.post("/v1/ask", json={"question": Q_ANHORIG, "filters": {"year_to": 2010}}).json()
    assert none["abstained"] and none["citations"] == []


def test_search_returns_ranked_hits(client: TestClient) -> None:
    ids = _ids(client)
    hits = client.post("/v1/search", json={"query": "anhörigstöd", "k": 4}).json()["results"]
    assert 1 <= len(hits) <= 4
    assert [h["rank"] for h in hits] == list(range(1, len(hits) + 1))
    assert hits[0]["doc_id"] == ids[SEED_FILES[2]] and "anhörig" in hits[0]["text"].lower()
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    filtered = client.post("/v1/search", json={"query": "kommunen", "filters": {"dnr": "KS-2025-00102"}}).json()
    assert filtered["results"] and {h["doc_id"] for h in filtered["results"]} <= {
        ids[SEED_FILES[0]],
        ids[SEED_FILES[1]],
    }


def test_ask_stream_sends_citations_then_deltas_then_the_final_answer(client: TestClient) -> None:
    plain = client.post("/v1/ask", json={"question": Q_ANHORIG}).json()
    response = client.post("/v1/ask", json={"question": Q_ANHORIG, "stream": True})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(response.text)
    names = [name for name, _ in events]
    assert names[0] == "citations" and names[-1] == "final" and set(names[1:-1]) == {"delta"}
    final = events[-1][1]
    assert final["answer"] == plain["answer"] and final["citations"] == plain["citations"] == events[0][1]["citations"]
    assert "".join(data["text"] for name, data in events if name == "delta").strip() == plain["answer"].strip()
    assert final["timings"]["total_ms"] >= 0


def test_streaming_validation_errors_are_plain_json(client: TestClient) -> None:
    response = client.post("/v1/ask", json={"question": "", "stream": True})
    assert_error_shape(response, 422, "validation_error")


def test_readyz_counts_documents(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {
        "status": "ready",
        "documents": len(SEED_FILES),
        "chroma": "embedded",
    }


def test_unreachable_chroma_server_gives_503_but_the_process_is_up(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data", chroma_host="127.0.0.1", chroma_port=free_port())
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").status_code == 200
        assert_error_shape(client.get("/readyz"), 503, "store_unavailable")
        assert_error_shape(client.post("/v1/search", json={"query": "kärnkraft"}), 503, "store_unavailable")
        assert_error_shape(client.post("/v1/ask", json={"question": Q_ANHORIG, "stream": True}), 503)
        assert_error_shape(client.get("/v1/documents"), 503, "store_unavailable")


def test_docs_work_offline(client: TestClient) -> None:
    html = client.get("/docs").text
    urls = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', html)
    urls += re.findall(r'url:\s*["\']([^"\']+)["\']', html)
    assert any(u.endswith("swagger-ui-bundle.js") for u in urls) and any(u.endswith(".css") for u in urls)
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    for url in urls:
        assert url.startswith("/"), url
        response = client.get(url)
        assert response.status_code == 200 and len(response.content) > 100, url
    assert (
        client.get("/static/swagger/swagger-ui-bundle.js")
        .headers["content-type"]
        .startswith(("application/javascript", "text/javascript"))
    )


def test_openapi_has_examples_and_the_configured_limits(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    components = schema["components"]["schemas"]
    ask = components["AskRequest"]
    assert ask["examples"] and ask["properties"]["question"]["maxLength"] == 2000
    assert ask["properties"]["history"]["maxItems"] == 20
    assert components["SearchRequest"]["properties"]["k"]["maximum"] == 50
    stream = schema["paths"]["/v1/ask"]["post"]["responses"]["200"]["content"]
    assert "text/event-stream" in stream and "application/json" in stream
    for path in (
        "/v1/ask",
        "/v1/search",
        "/v1/documents",
        "/v1/documents/{doc_id}",
        "/v1/documents/{doc_id}/source",
        "/v1/precedents",
        "/v1/remisser",
        "/v1/remisser/{remiss_id}",
        "/v1/feedback",
        "/v1/chat/completions",
        "/v1/models",
        "/healthz",
        "/readyz",
    ):
        assert path in schema["paths"], path
    error = components["ErrorResponse"]
    assert error["properties"]["error"]["$ref"].endswith("/ErrorDetail")


def test_precedents_find_earlier_documents_on_the_same_matter(client: TestClient) -> None:
    ids = _ids(client)
    text = "Remiss: Ny kärnkraft i Sverige – effektivare tillståndsprövning och ändamålsenliga avgifter "
    text += "(SOU 2025:7)"
    results = client.post("/v1/precedents", json={"text": text, "k": 2}).json()["results"]
    assert 1 <= len(results) <= 2
    assert {r["doc"]["doc_id"] for r in results} <= {ids[SEED_FILES[0]], ids[SEED_FILES[1]]}
    assert all(r["passages"] and r["passages"][0]["doc_id"] == r["doc"]["doc_id"] for r in results)
    only = client.post("/v1/precedents", json={"text": text, "filters": {"doc_type": ["yttrande"]}}).json()
    assert {r["doc"]["doc_id"] for r in only["results"]} == {ids[SEED_FILES[0]]}


def test_remisser_list_and_overview(client: TestClient) -> None:
    ids = _ids(client)
    remisser = client.get("/v1/remisser").json()["results"]
    sou = next(r for r in remisser if r["ref"] == "SOU 2025:7")
    assert sou["answers"] == 2
    overview = client.get(f"/v1/remisser/{sou['id']}").json()
    assert overview["id"] == sou["id"] and overview["ref"] == "SOU 2025:7"
    assert {r["doc"]["doc_id"] for r in overview["responses"]} == {ids[SEED_FILES[0]], ids[SEED_FILES[1]]}
    assert all(r["stance"]["stance"] for r in overview["responses"])
    assert_error_shape(client.get("/v1/remisser/sou-1999-1"), 404, "not_found")
