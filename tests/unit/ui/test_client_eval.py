"""The UI client's eval calls: runs listed in the API's order, a run with its summary, and a Swedish
message (never an httpx error) when the API answers with something else."""

from __future__ import annotations

import httpx
import pytest

from ui.client import BROKEN, ApiClient, ApiError

RUNS = {"total": 2, "results": [{"id": "new", "created": "2026-12-01"}, {"id": "baseline", "created": "2026-11-01"}]}
RUN = {"id": "new", "created": "2026-12-01", "config": {}, "overall": {"recall@5": 0.9}, "per_tag": {}}


def client_answering(routes: dict[str, httpx.Response]) -> ApiClient:
    def handle(request: httpx.Request) -> httpx.Response:
        return routes.get(request.url.path, httpx.Response(404, json={"error": {"code": "not_found"}}))

    return ApiClient("http://api.test", transport=httpx.MockTransport(handle))


def test_runs_and_one_run() -> None:
    client = client_answering(
        {"/v1/eval/runs": httpx.Response(200, json=RUNS), "/v1/eval/runs/new": httpx.Response(200, json=RUN)}
    )
    assert [r["id"] for r in client.eval_runs()] == ["new", "baseline"]
    assert client.eval_run("new")["overall"] == {"recall@5": 0.9}


def test_a_run_without_figures_is_reported_as_unreadable() -> None:
    client = client_answering({"/v1/eval/runs/new": httpx.Response(200, json={"id": "new"})})
    with pytest.raises(ApiError) as caught:
        client.eval_run("new")
    assert caught.value.message == BROKEN


def test_an_unknown_run_is_a_swedish_message() -> None:
    with pytest.raises(ApiError) as caught:
        client_answering({}).eval_run("gone")
    assert caught.value.status == 404 and "finns inte" in caught.value.message
