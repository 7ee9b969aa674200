"""Ärendevy over a real index of the synthetic corpus, where a tjänsteskrivelse (2025-01-28) and its yttrande
(2025-02-05) share KS-2025-00102: `GET /v1/cases/{dnr}` and `remiss case`."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from tests.api_helpers import assert_error_shape, clean_env, fresh_data_dir, settings_for
from tests.paths import PROJECT_ROOT

DNR = "KS-2025-00102"
REMISS = PROJECT_ROOT / ".venv" / "bin" / "remiss"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fresh_data_dir(tmp_path_factory, tmp_path_factory.mktemp("cases") / "data")


@pytest.fixture(scope="module")
def client(data_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(data_dir))) as c:
        yield c


def remiss(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = clean_env(REMISS_DATA_DIR=str(data_dir), COLUMNS="300")
    return subprocess.run([str(REMISS), *args], env=env, capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT)


def test_case_lists_the_documents_of_the_dnr_oldest_first_with_what_each_said(client: TestClient) -> None:
    response = client.get(f"/v1/cases/{DNR}")
    assert response.status_code == 200, response.text
    case = response.json()
    assert case["dnr"] == DNR
    docs = case["documents"]
    assert [(d["doc_type"], d["date"]) for d in docs] == [
        ("tjänsteutlåtande", "2025-01-28"),
        ("yttrande", "2025-02-05"),
    ]
    tjansteskrivelse, yttrande = docs
    assert tjansteskrivelse["body"] == "Kommunstyrelsen"
    assert tjansteskrivelse["decision"]["kind"] == "förslag till beslut"
    assert tjansteskrivelse["decision"]["text"].startswith("Kommunstyrelsen antar yttrande, daterat 2025-02-05")
    assert yttrande["type_label"] == "yttrande (remissvar)"
    assert yttrande["decision"]["kind"] == "sammanfattning"
    assert yttrande["decision"]["text"].startswith("Åsby kommun tillstyrker förslaget om en tidig och samlad prövning")
    assert yttrande["decision"]["text"].endswith("etableras i kommunen.")
    assert yttrande["stance"]["stance"] == "tillstyrker med synpunkter"


def test_every_quoted_decision_is_the_text_of_its_cited_paragraphs(client: TestClient) -> None:
    for d in client.get(f"/v1/cases/{DNR}").json()["documents"]:
        assert d["paragraph_ids"] == d["decision"]["paragraph_ids"] and d["paragraph_ids"]
        doc = client.get(f"/v1/documents/{d['doc_id']}").json()
        texts = {p["id"]: p["text"] for s in doc["sections"] for p in s["paragraphs"]}
        cited = "\n".join(texts[pid.split("#", 1)[1]] for pid in d["paragraph_ids"])
        assert d["decision"]["text"] in cited


@pytest.mark.parametrize("spelling", ["ks-2025-00102", "KS 2025/00102", "KS2025-00102"])
def test_other_spellings_of_the_dnr_find_the_same_case(client: TestClient, spelling: str) -> None:
    docs = client.get(f"/v1/cases/{spelling}").json()["documents"]
    assert [d["doc_type"] for d in docs] == ["tjänsteutlåtande", "yttrande"]


def test_their_dnr_is_not_a_case_of_ours(client: TestClient) -> None:
    """KN2024/01912 is the department's number, named as 'Ert diarienummer' in the yttrande."""
    assert_error_shape(client.get("/v1/cases/KN2024/01912"), 404, "not_found")


def test_an_unknown_dnr_is_404_in_the_error_shape(client: TestClient) -> None:
    assert_error_shape(client.get("/v1/cases/KS-1999-99999"), 404, "not_found")


def test_cli_prints_the_case_in_swedish_and_as_the_apis_json(data_dir: Path, client: TestClient) -> None:
    run = remiss(data_dir, "case", DNR)
    assert run.returncode == 0, run.stderr
    assert f"Ärende {DNR} – 2 dokument" in run.stdout
    lines = run.stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if "2025-01-28 · tjänsteutlåtande" in line)
    second = next(i for i, line in enumerate(lines) if "2025-02-05 · yttrande (remissvar)" in line)
    assert first < second
    assert "Förslag till beslut: Kommunstyrelsen antar yttrande" in run.stdout
    assert "Sammanfattning: Åsby kommun tillstyrker" in run.stdout
    as_json = remiss(data_dir, "case", DNR, "--json")
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout) == client.get(f"/v1/cases/{DNR}").json()


def test_cli_unknown_dnr_says_so_and_exits_1(data_dir: Path) -> None:
    run = remiss(data_dir, "case", "KS-1999-99999")
    assert run.returncode == 1
    assert "Inget dokument i arkivet har diarienummer KS-1999-99999" in run.stderr
