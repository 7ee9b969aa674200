"""One error shape for every error (400/404/405/413/422/500); limits; request ids; access log."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from tests.api_helpers import Q_ANHORIG, assert_error_shape, fresh_data_dir, settings_for


@pytest.fixture
def client(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Iterator[TestClient]:
    data_dir = fresh_data_dir(tmp_path_factory, tmp_path / "data")
    settings = settings_for(data_dir, max_question_chars=120, max_k=7, max_history=2)
    app = create_app(settings)

    @app.get("/v1/test-boom", include_in_schema=False)
    def boom() -> None:
        raise RuntimeError("secret internal detail /etc/passwd")

    with TestClient(app) as c:
        yield c


def test_unknown_path_is_404_in_the_error_shape(client: TestClient) -> None:
    error = assert_error_shape(client.get("/v1/nothing-here"), 404, "not_found")
    assert "/v1/nothing-here" in error["message"]


def test_wrong_method_is_405_in_the_error_shape(client: TestClient) -> None:
    assert_error_shape(client.put("/v1/ask", json={"question": "x"}), 405, "method_not_allowed")
    assert_error_shape(client.get("/v1/search"), 405, "method_not_allowed")


def test_malformed_json_is_400_with_a_helpful_message(client: TestClient) -> None:
    response = client.post("/v1/ask", content=b'{"question": "Vad', headers={"content-type": "application/json"})
    error = assert_error_shape(response, 400, "malformed_json")
    assert "not valid JSON" in error["message"]


def test_missing_field_is_422_with_the_field_named(client: TestClient) -> None:
    error = assert_error_shape(client.post("/v1/ask", json={"filters": {}}), 422, "validation_error")
    assert error["details"][0]["loc"] == "body.question"
    assert error["details"][0]["type"] == "missing"


def test_unknown_filter_key_names_the_allowed_keys(client: TestClient) -> None:
    response = client.post("/v1/search", json={"query": "anhörigstöd", "filters": {"organ": "KS"}})
    error = assert_error_shape(response, 422, "validation_error")
    assert error["details"][0]["loc"] == "body.filters.organ"
    assert "Allowed keys: body, organisation, doc_type, year_from, year_to, dnr, doc_id" in error["message"]


def test_unknown_top_level_key_and_unknown_query_parameter_are_rejected(client: TestClient) -> None:
    error = assert_error_shape(client.post("/v1/ask", json={"question": "x", "k": 3}), 422, "validation_error")
    assert "question" in error["message"] and "history" in error["message"]
    error = assert_error_shape(client.get("/v1/documents", params={"organ": "KS"}), 422, "validation_error")
    assert error["details"][0]["loc"] == "query.organ"
    assert "year_from" in error["message"]


def test_question_length_k_and_history_limits_come_from_settings(client: TestClient) -> None:
    error = assert_error_shape(client.post("/v1/ask", json={"question": "x" * 121}), 422, "validation_error")
    assert "120" in error["message"]
    assert client.post("/v1/ask", json={"question": Q_ANHORIG}).status_code == 200
    error = assert_error_shape(client.post("/v1/search", json={"query": "stöd", "k": 8}), 422)
    assert error["details"][0]["loc"] == "body.k" and "7" in error["message"]
    assert_error_shape(client.post("/v1/search", json={"query": "stöd", "k": 0}), 422)
    assert client.post("/v1/search", json={"query": "stöd", "k": 7}).status_code == 200
    history = [
        {"role": "user", "content": "a"},
        {"role": "assistant", "content": "b"},
        {"role": "user", "content": "c"},
    ]
    error = assert_error_shape(client.post("/v1/ask", json={"question": Q_ANHORIG, "history": history}), 422)
    assert error["details"][0]["loc"] == "body.history"
    assert client.post("/v1/ask", json={"question": Q_ANHORIG, "history": history[:2]}).status_code == 200
    assert_error_shape(client.post("/v1/ask", json={"question": "   "}), 422)
    assert_error_shape(client.post("/v1/precedents", json={"text": "kärnkraft", "k": 8}), 422)


def test_oversized_json_body_is_413(client: TestClient) -> None:
    body = json.dumps({"question": "x" * (3 * 1_048_576)})
    response = client.post("/v1/ask", content=body, headers={"content-type": "application/json"})
    assert_error_shape(response, 413, "payload_too_large")


def test_unexpected_exception_is_500_without_internals(client: TestClient) -> None:
    response = client.get("/v1/test-boom", headers={"X-Request-ID": "trace-me-42"})
    error = assert_error_shape(response, 500, "internal_error")
    assert "secret" not in response.text and "passwd" not in response.text and "RuntimeError" not in response.text
    assert "trace-me-42" in error["message"]
    assert response.headers["x-request-id"] == "trace-me-42"


def test_request_id_is_echoed_or_generated(client: TestClient) -> None:
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == "abc-123"
    generated = client.get("/healthz").headers["x-request-id"]
    assert len(generated) == 32
    unsafe = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"}).headers["x-request-id"]
    assert unsafe != "bad id\twith spaces" and len(unsafe) == 32


def test_access_log_is_one_json_object_per_request(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    from assistant.api.logs import JsonFormatter

    with caplog.at_level(logging.INFO, logger="remiss.access"):
        client.post("/v1/search", json={"query": "anhörigstöd", "k": 3}, headers={"X-Request-ID": "log-test-1"})
    records = [r for r in caplog.records if r.name == "remiss.access"]
    assert len(records) == 1
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["request_id"] == "log-test-1"
    assert line["method"] == "POST" and line["path"] == "/v1/search" and line["status"] == 200
    assert line["duration_ms"] > 0 and line["level"] == "INFO" and line["logger"] == "remiss.access"
