"""API keys: reading open by default, reader keys when configured, admin endpoints closed without the
admin key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.api.auth import role_of
from tests.api_helpers import ADMIN, Q_ANHORIG, READERS, assert_error_shape, fresh_data_dir, settings_for

READ_CALLS: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "/v1/ask", {"json": {"question": Q_ANHORIG}}),
    ("POST", "/v1/search", {"json": {"query": "anhörigstöd"}}),
    ("GET", "/v1/documents", {}),
    ("GET", "/v1/feedback", {}),
    ("GET", "/v1/models", {}),
    (
        "POST",
        "/v1/chat/completions",
        {"json": {"model": "remissarkivet", "messages": [{"role": "user", "content": Q_ANHORIG}]}},
    ),
]


def _client(factory: pytest.TempPathFactory, tmp_path: Path, **settings: Any) -> TestClient:
    data_dir = fresh_data_dir(factory, tmp_path / "data")
    return TestClient(create_app(settings_for(data_dir, **settings)))


@pytest.fixture
def open_client(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Iterator[TestClient]:
    with _client(tmp_path_factory, tmp_path) as client:
        yield client


@pytest.fixture
def keyed_client(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Iterator[TestClient]:
    with _client(tmp_path_factory, tmp_path, api_keys=",".join(READERS), admin_key=ADMIN) as client:
        yield client


def test_reading_is_open_when_no_reader_keys_are_configured(open_client: TestClient) -> None:
    for method, url, kwargs in READ_CALLS:
        assert open_client.request(method, url, **kwargs).status_code == 200, url


def test_admin_endpoints_are_closed_when_no_admin_key_is_configured(open_client: TestClient) -> None:
    doc_id = open_client.get("/v1/documents").json()["results"][0]["id"]
    for key in (None, "anything", ADMIN):
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        error = assert_error_shape(open_client.delete(f"/v1/documents/{doc_id}", headers=headers), 403, "forbidden")
        assert "no admin key is configured" in error["message"]
        files = {"files": ("x.txt", b"Kommunstyrelsen\n\nEn mening om kommunen.", "text/plain")}
        assert_error_shape(open_client.post("/v1/documents", files=files, headers=headers), 403, "forbidden")
    assert open_client.get(f"/v1/documents/{doc_id}").status_code == 200


def test_reader_endpoints_need_a_valid_key(keyed_client: TestClient) -> None:
    for method, url, kwargs in READ_CALLS:
        response = keyed_client.request(method, url, **kwargs)
        error = assert_error_shape(response, 401, "unauthorized")
        assert "required" in error["message"]
        assert response.headers["www-authenticate"] == "Bearer"
        wrong = keyed_client.request(method, url, headers={"Authorization": "Bearer nope"}, **kwargs)
        assert "not valid" in assert_error_shape(wrong, 401, "unauthorized")["message"]
        assert_error_shape(keyed_client.request(method, url, headers={"X-API-Key": "reader-on"}, **kwargs), 401)
        for headers in (
            {"Authorization": f"Bearer {READERS[0]}"},
            {"X-API-Key": READERS[1]},
            {"Authorization": f"Bearer {ADMIN}"},
        ):
            assert keyed_client.request(method, url, headers=headers, **kwargs).status_code == 200, (
                url,
                headers,
            )


def test_admin_endpoints_need_the_admin_key(keyed_client: TestClient) -> None:
    reader = {"Authorization": f"Bearer {READERS[0]}"}
    doc_id = keyed_client.get("/v1/documents", headers=reader).json()["results"][0]["id"]
    assert_error_shape(keyed_client.delete(f"/v1/documents/{doc_id}"), 403, "forbidden")
    error = assert_error_shape(keyed_client.delete(f"/v1/documents/{doc_id}", headers=reader), 403, "forbidden")
    assert "not it" in error["message"]
    assert_error_shape(keyed_client.delete(f"/v1/documents/{doc_id}", headers={"X-API-Key": "admin-secre"}), 403)
    assert keyed_client.get(f"/v1/documents/{doc_id}", headers=reader).status_code == 200
    response = keyed_client.delete(f"/v1/documents/{doc_id}", headers={"X-API-Key": ADMIN})
    assert response.status_code == 200 and response.json()["deleted"] == doc_id
    assert_error_shape(keyed_client.get(f"/v1/documents/{doc_id}", headers=reader), 404, "not_found")


def test_probes_and_docs_need_no_key(keyed_client: TestClient) -> None:
    for url in ("/healthz", "/readyz", "/docs", "/openapi.json"):
        assert keyed_client.get(url).status_code == 200, url


def test_openapi_declares_both_key_schemes(keyed_client: TestClient) -> None:
    schema = keyed_client.get("/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearer"]["scheme"].lower() == "bearer"
    assert schemes["apiKey"] == {**schemes["apiKey"], "type": "apiKey", "in": "header", "name": "X-API-Key"}
    assert schema["paths"]["/v1/ask"]["post"]["security"]


def test_role_of_matches_whole_keys_only() -> None:
    settings = settings_for(Path("/nonexistent"), api_keys="a-key, b-key", admin_key="root-key")
    assert settings.api_keys == ["a-key", "b-key"]
    assert role_of(settings, "a-key") == "reader"
    assert role_of(settings, "b-key") == "reader"
    assert role_of(settings, "root-key") == "admin"
    for key in ("a-ke", "a-key ", "A-KEY", "root-key2", "", None):
        assert role_of(settings, key) == "anonymous", key
