"""Property-based run over the OpenAPI schema (schemathesis, in-process): no 5xx, every status documented,
every response body and content type as the schema says — for valid and for invalid inputs. Bounded: few
examples per operation. (Driven through hypothesis directly: schemathesis' lazy pytest loader does not work
with the pytest in use here.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from assistant.api.app import create_app
from tests.api_helpers import fresh_data_dir, settings_for

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
OPERATIONS = [
    ("POST", "/v1/ask"),
    ("POST", "/v1/search"),
    ("GET", "/v1/documents"),
    ("GET", "/v1/documents/{doc_id}"),
    ("GET", "/v1/documents/{doc_id}/source"),
    ("DELETE", "/v1/documents/{doc_id}"),
    ("POST", "/v1/precedents"),
    ("GET", "/v1/remisser/{remiss_id}"),
    ("POST", "/v1/feedback"),
    ("POST", "/v1/chat/completions"),
    ("GET", "/readyz"),
]


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    data_dir = fresh_data_dir(tmp_path_factory, tmp_path_factory.mktemp("schema") / "data")
    # Admin endpoints stay closed (no admin key), so the fuzzer cannot change the index under other cases.
    app = create_app(settings_for(Path(data_dir), max_k=20, max_history=4, max_question_chars=300))
    yield schemathesis.openapi.from_asgi("/openapi.json", app)


CASES = [
    (m, p, mode)
    for m, p in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if not (mode == GenerationMode.NEGATIVE and p == "/readyz")
]  # nothing to make invalid there


@pytest.mark.parametrize(("method", "path", "mode"), CASES, ids=[f"{m} {p} {mode.value}" for m, p, mode in CASES])
def test_operation_conforms_to_the_schema(api_schema: Any, method: str, path: str, mode: GenerationMode) -> None:
    operation = api_schema[path][method]
    calls: list[int] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case: Any) -> None:
        response = case.call_and_validate(checks=CHECKS)
        calls.append(response.status_code)

    run()
    assert calls, "no case was generated"
    if mode == GenerationMode.NEGATIVE and method != "GET":
        assert any(400 <= status < 500 for status in calls), calls


def test_every_post_documents_the_body_limit(tmp_path: Path) -> None:
    # the body limit answers 413 on every POST; a client reading the schema must see that status
    app = create_app(settings_for(tmp_path / "data"))
    spec = app.openapi()
    posts = {path: ops["post"] for path, ops in spec["paths"].items() if "post" in ops}
    assert posts
    assert all("413" in op["responses"] for op in posts.values()), [
        p for p, op in posts.items() if "413" not in op["responses"]
    ]
