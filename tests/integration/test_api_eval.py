"""/v1/eval/runs: the UI's Utvärdering page reads the eval runs through the API — the list, one run's
summary, 404 for an unknown run, and the reader key when keys are configured."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from tests.api_helpers import READERS, assert_error_shape, fresh_data_dir, settings_for

SUMMARY = {
    "config": {"created": "2026-12-01T10:00:00", "retriever": "lexical", "embedder": "hash", "set": "dev"},
    "overall": {"recall@5": 0.9, "questions": 8, "errors": 0, "counts": {"recall@5": 8}},
    "per_tag": {"protokoll": {"recall@5": 0.5}},
}


@pytest.fixture
def runs_dir(tmp_path: Path) -> Path:
    runs = tmp_path / "eval" / "runs"
    (runs / "first").mkdir(parents=True)
    (runs / "first" / "summary.json").write_text(json.dumps(SUMMARY), encoding="utf-8")
    baseline = tmp_path / "eval" / "baseline"
    baseline.mkdir()
    older = {**SUMMARY, "config": {**SUMMARY["config"], "created": "2026-11-01T10:00:00", "retriever": "dense"}}
    (baseline / "summary.json").write_text(json.dumps(older), encoding="utf-8")
    return runs


@pytest.fixture
def client(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, runs_dir: Path) -> Iterator[TestClient]:
    data_dir = fresh_data_dir(tmp_path_factory, tmp_path / "data")
    with TestClient(create_app(settings_for(data_dir, eval_runs_dir=runs_dir))) as c:
        yield c


def test_runs_are_listed_newest_first(client: TestClient) -> None:
    page = client.get("/v1/eval/runs").json()
    assert page["total"] == 2
    assert [(r["id"], r["retriever"]) for r in page["results"]] == [("first", "lexical"), ("baseline", "dense")]
    assert page["results"][0] == {
        "id": "first",
        "created": "2026-12-01T10:00:00",
        "retriever": "lexical",
        "embedder": "hash",
        "set": "dev",
        "questions": 8,
    }


def test_one_run_has_its_summary(client: TestClient) -> None:
    run = client.get("/v1/eval/runs/first").json()
    assert run["overall"] == SUMMARY["overall"] and run["per_tag"] == SUMMARY["per_tag"]
    assert run["config"] == SUMMARY["config"] and run["id"] == "first"


def test_unknown_runs_are_404_in_the_one_error_shape(client: TestClient) -> None:
    for run_id in ("nope", "..", "%2E%2E", "first%2F..%2F..%2Fsecret"):
        assert_error_shape(client.get(f"/v1/eval/runs/{run_id}"), 404)


def test_reader_key_is_needed_when_keys_are_set(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, runs_dir: Path
) -> None:
    data_dir = fresh_data_dir(tmp_path_factory, tmp_path / "data")
    with TestClient(create_app(settings_for(data_dir, eval_runs_dir=runs_dir, api_keys=READERS))) as c:
        assert_error_shape(c.get("/v1/eval/runs"), 401)
        assert c.get("/v1/eval/runs", headers={"X-API-Key": READERS[0]}).json()["total"] == 2
