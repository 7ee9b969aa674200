"""Documents: listing with filters, facets and paging; the structured document and its original file; upload
and delete through the admin key; feedback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from tests.api_helpers import (
    ADMIN,
    Q_OMRADE,
    SEED_FILES,
    UPLOAD_FILE,
    UPLOAD_FILE_2,
    assert_error_shape,
    corpus_file,
    fresh_data_dir,
    settings_for,
)

ADMIN_HEADERS = {"X-API-Key": ADMIN}
CORRUPT_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nthis is not really a pdf\n%%EOF"


@pytest.fixture
def data_dir(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return fresh_data_dir(tmp_path_factory, tmp_path / "data")


@pytest.fixture
def client(data_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(data_dir, admin_key=ADMIN, max_upload_mb=0.05))) as c:
        yield c


def _ids(client: TestClient) -> dict[str, str]:
    return {d["source_file"]: d["id"] for d in client.get("/v1/documents").json()["results"]}


def _facet(page: dict[str, Any], name: str) -> dict[str, int]:
    return {f["value"]: f["count"] for f in page["facets"][name]}


# --- listing ------------------------------------------------------------------------------------------------
def test_list_has_every_document_with_fields_and_facets(client: TestClient) -> None:
    page = client.get("/v1/documents").json()
    assert page["total"] == len(SEED_FILES) == len(page["results"])
    assert {d["source_file"] for d in page["results"]} == set(SEED_FILES)
    assert _facet(page, "bodies") == {"Kommunstyrelsen": 2, "Vård- och omsorgsnämnden": 1}
    assert _facet(page, "types") == {"yttrande": 1, "tjänsteutlåtande": 1, "riktlinje": 1}
    assert _facet(page, "years") == {"2025": 3}
    yttrande = next(d for d in page["results"] if d["doc_type"] == "yttrande")
    assert yttrande["dnr"] == ["KS-2025-00102"] and yttrande["date"] == "2025-02-05" and yttrande["paragraphs"] > 5
    dates = [d["date"] for d in page["results"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"body": "kommunstyrelsen"}, {SEED_FILES[0], SEED_FILES[1]}),
        ({"doc_type": ["yttrande", "riktlinje"]}, {SEED_FILES[0], SEED_FILES[2]}),
        ({"dnr": "ks 2025/00102"}, {SEED_FILES[0], SEED_FILES[1]}),
        ({"dnr": "KS-2025-00999"}, set()),
        ({"year_from": 2025, "year_to": 2025}, set(SEED_FILES)),
        ({"year_to": 2024}, set()),
        ({"q": "anhörigstöd"}, {SEED_FILES[2]}),
        ({"q": "KÄRNKRAFT yttrande"}, {SEED_FILES[0], SEED_FILES[1]}),  # the tjänsteskrivelse's text says both
        ({"q": "KÄRNKRAFT tjänsteutlåtande"}, {SEED_FILES[1]}),
    ],
)
def test_filters(client: TestClient, params: dict[str, Any], expected: set[str]) -> None:
    page = client.get("/v1/documents", params=params).json()
    assert {d["source_file"] for d in page["results"]} == expected
    assert page["total"] == len(expected)


def test_facets_ignore_their_own_filter_and_paging_keeps_the_total(client: TestClient) -> None:
    page = client.get("/v1/documents", params={"body": "Kommunstyrelsen", "limit": 1, "offset": 1}).json()
    assert page["total"] == 2 and len(page["results"]) == 1 and page["offset"] == 1 and page["limit"] == 1
    assert _facet(page, "bodies") == {"Kommunstyrelsen": 2, "Vård- och omsorgsnämnden": 1}
    assert _facet(page, "types") == {"yttrande": 1, "tjänsteutlåtande": 1}
    first = client.get("/v1/documents", params={"body": "Kommunstyrelsen", "limit": 1}).json()["results"]
    assert first[0]["id"] != page["results"][0]["id"]
    assert_error_shape(client.get("/v1/documents", params={"limit": 0}), 422)
    assert_error_shape(client.get("/v1/documents", params={"year_from": "förra året"}), 422)


# --- one document and its source ----------------------------------------------------------------------------
def test_document_has_sections_and_paragraph_ids(client: TestClient) -> None:
    doc_id = _ids(client)[SEED_FILES[0]]
    doc = client.get(f"/v1/documents/{doc_id}").json()
    assert doc["id"] == doc_id and doc["doc_type"] == "yttrande" and doc["body"] == "Kommunstyrelsen"
    paragraphs = [p for s in doc["sections"] for p in s["paragraphs"]]
    assert paragraphs and all(p["id"].startswith(p["section_id"] + ".") for p in paragraphs)
    assert all(isinstance(p["pages"], list) for p in paragraphs)
    original = corpus_file(SEED_FILES[0]).read_text(encoding="utf-8")
    assert paragraphs[-1]["text"][:40] in original


def test_unknown_or_odd_document_ids_are_404(client: TestClient) -> None:
    for doc_id in ("0000000000000000", "*", "..", "%2A", "a" * 300):
        assert_error_shape(client.get(f"/v1/documents/{doc_id}"), 404)
        assert_error_shape(client.get(f"/v1/documents/{doc_id}/source"), 404)


def test_source_returns_the_original_file(client: TestClient) -> None:
    doc_id = _ids(client)[SEED_FILES[2]]
    response = client.get(f"/v1/documents/{doc_id}/source")
    assert response.status_code == 200
    assert response.content == corpus_file(SEED_FILES[2]).read_bytes()
    assert response.headers["content-type"].startswith("text/plain")
    assert SEED_FILES[2] in response.headers["content-disposition"]


# --- upload and delete --------------------------------------------------------------------------------------
def _upload(client: TestClient, *files: tuple[str, bytes]) -> Any:
    parts = [("files", (name, data, "application/octet-stream")) for name, data in files]
    return client.post("/v1/documents", files=parts, headers=ADMIN_HEADERS)


def test_upload_ingests_and_the_document_answers(client: TestClient, data_dir: Path) -> None:
    data = corpus_file(UPLOAD_FILE).read_bytes()
    response = _upload(client, (UPLOAD_FILE, data))
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    assert result["status"] == "added" and result["filename"] == UPLOAD_FILE and result["paragraphs"] > 3
    assert response.json()["documents"] == len(SEED_FILES) + 1
    assert (data_dir / "uploads" / UPLOAD_FILE).read_bytes() == data
    answer = client.post("/v1/ask", json={"question": Q_OMRADE}).json()
    assert not answer["abstained"] and answer["citations"]
    assert result["doc_id"] in {c["doc_id"] for c in answer["citations"]}
    assert client.get(f"/v1/documents/{result['doc_id']}/source").content == data
    again = _upload(client, (UPLOAD_FILE, data)).json()["results"][0]
    assert again["status"] == "unchanged" and again["doc_id"] == result["doc_id"]
    detected = ("doc_type", "title", "organisation", "body", "dnr", "date")
    assert result["doc_type"] == "yttrande" and result["body"] == "Kommunstyrelsen" and result["dnr"]
    assert result["date"] and result["title"]
    assert {k: again[k] for k in detected} == {k: result[k] for k in detected}  # told again without parsing


def test_an_uploaded_copy_with_a_changed_line_is_a_variant_of_the_document(client: TestClient) -> None:
    data = corpus_file(UPLOAD_FILE).read_text(encoding="utf-8")
    first = _upload(client, (UPLOAD_FILE, data.encode())).json()["results"][0]
    copy = data.replace("Kommunstyrelsen", "Kommunstyrelsen ", 1) + "\n"
    response = _upload(client, ("kopia.txt", copy.encode()))
    (twin,) = response.json()["results"]
    assert twin["status"] == "variant" and twin["doc_id"] == first["doc_id"] and UPLOAD_FILE in twin["reason"]
    assert response.json()["documents"] == len(SEED_FILES) + 1
    listed = {d["id"]: d for d in client.get("/v1/documents").json()["results"]}
    assert listed[first["doc_id"]]["variants"] == ["kopia.txt"]


def test_upload_reports_a_corrupt_pdf_and_leaves_the_index_intact(client: TestClient, data_dir: Path) -> None:
    ids_before = _ids(client)
    response = _upload(client, ("trasig.pdf", CORRUPT_PDF), (UPLOAD_FILE_2, corpus_file(UPLOAD_FILE_2).read_bytes()))
    assert response.status_code == 200, response.text
    broken, good = response.json()["results"]
    assert broken["status"] == "skipped" and "PDF" in broken["reason"] and broken["doc_id"] is None
    assert good["status"] == "added"
    assert _ids(client) == {**ids_before, UPLOAD_FILE_2: good["doc_id"]}
    assert not (data_dir / "uploads" / "trasig.pdf").exists()
    hits = client.post("/v1/search", json={"query": "kärnkraft", "k": 3}).json()["results"]
    assert hits and hits[0]["doc_id"] in ids_before.values()


def test_an_oversized_file_is_skipped_with_its_reason_and_nothing_is_indexed(client: TestClient) -> None:
    big = b"Kommunstyrelsen\n\n" + b"Ett stycke text om kommunen. " * 3000  # ~90 kB > 0.05 MB
    response = _upload(client, ("stor.txt", big))
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    assert result["status"] == "skipped" and "over the limit of 0.05 MB" in result["reason"]
    assert "stor.txt" not in _ids(client)


def test_unsupported_types_and_unusable_names_are_skipped_per_file(client: TestClient) -> None:
    response = _upload(client, ("program.exe", b"MZ\x90\x00"), ("..", b"text"), ("utan_filandelse", b"text"))
    assert response.status_code == 200, response.text
    exe, dots, bare = response.json()["results"]
    assert exe["status"] == "skipped" and ".pdf" in exe["reason"]
    assert dots["status"] == "skipped" and "unusable file name" in dots["reason"]
    assert bare["status"] == "skipped" and "unsupported file type" in bare["reason"]
    assert len(_ids(client)) == len(SEED_FILES)


def test_too_many_or_no_files_are_422(client: TestClient) -> None:
    assert_error_shape(_upload(client, *[(f"f{i}.txt", b"Text") for i in range(11)]), 422, "validation_error")
    assert_error_shape(client.post("/v1/documents", files={}, headers=ADMIN_HEADERS), 422, "validation_error")


def test_a_sanitised_name_never_replaces_another_document(client: TestClient, data_dir: Path) -> None:
    first = corpus_file(UPLOAD_FILE).read_bytes()
    other = corpus_file(UPLOAD_FILE_2).read_bytes()
    (kept,) = _upload(client, ("x.txt", first)).json()["results"]
    (clash,) = _upload(client, ("..\x00/../../etc/x.txt", other)).json()["results"]
    assert kept["status"] == clash["status"] == "added"
    assert clash["filename"] != "x.txt" and clash["filename"].startswith("x-")
    assert (data_dir / "uploads" / "x.txt").read_bytes() == first
    ids = set(_ids(client).values())
    assert {kept["doc_id"], clash["doc_id"]} <= ids
    (again,) = _upload(client, ("..\x00/../../etc/x.txt", other)).json()["results"]
    assert again["status"] == "unchanged" and again["filename"] == clash["filename"]
    (same,) = _upload(client, ("x.txt", first)).json()["results"]
    assert same["status"] == "unchanged" and same["filename"] == "x.txt"
    twins = _upload(client, ("a/tvilling.txt", first), ("b/tvilling.txt", other)).json()["results"]
    assert twins[0]["filename"] != twins[1]["filename"]


def test_path_components_in_file_names_are_dropped(client: TestClient, data_dir: Path, tmp_path: Path) -> None:
    data = corpus_file(UPLOAD_FILE).read_bytes()
    result = _upload(client, ("../../utanfor.txt", data)).json()["results"][0]
    assert result["status"] == "added"
    assert result["filename"] == "utanfor.txt" and result["original_filename"] == "../../utanfor.txt"
    assert (data_dir / "uploads" / "utanfor.txt").is_file()
    assert not (tmp_path / "utanfor.txt").exists() and not (data_dir / "utanfor.txt").exists()
    assert not (tmp_path.parent / "utanfor.txt").exists()
    doc = client.get(f"/v1/documents/{result['doc_id']}").json()
    assert doc["source_file"] == "utanfor.txt"
    windows = _upload(client, ("C:\\temp\\..\\x\\" + UPLOAD_FILE_2, corpus_file(UPLOAD_FILE_2).read_bytes()))
    assert windows.json()["results"][0]["filename"] == UPLOAD_FILE_2


def test_delete_removes_the_document_everywhere(client: TestClient, data_dir: Path) -> None:
    result = _upload(client, (UPLOAD_FILE, corpus_file(UPLOAD_FILE).read_bytes())).json()["results"][0]
    doc_id = result["doc_id"]
    response = client.delete(f"/v1/documents/{doc_id}", headers=ADMIN_HEADERS)
    assert response.status_code == 200 and response.json() == {
        "deleted": doc_id,
        "documents": len(SEED_FILES),
    }
    assert_error_shape(client.get(f"/v1/documents/{doc_id}"), 404)
    assert_error_shape(client.get(f"/v1/documents/{doc_id}/source"), 404)
    assert not (data_dir / "uploads" / UPLOAD_FILE).exists()
    answer = client.post("/v1/ask", json={"question": Q_OMRADE}).json()
    assert doc_id not in {c["doc_id"] for c in answer["citations"]}
    hits = client.post("/v1/search", json={"query": "områdessamverkan", "k": 10}).json()["results"]
    assert doc_id not in {h["doc_id"] for h in hits}
    assert_error_shape(client.delete(f"/v1/documents/{doc_id}", headers=ADMIN_HEADERS), 404)


# --- feedback -----------------------------------------------------------------------------------------------
def test_feedback_is_stored_as_json_lines_and_listed(client: TestClient, data_dir: Path) -> None:
    answer = client.post("/v1/ask", json={"question": "Vad är syftet med anhörigstöd?"}).json()
    first = {
        "question": "Vad är syftet med anhörigstöd?",
        "answer": answer["answer"],
        "citations": answer["citations"],
        "rating": "up",
    }
    created = client.post("/v1/feedback", json=first)
    assert created.status_code == 201 and created.json()["id"] and created.json()["created"]
    second = {"question": "Vad tycker KS?", "answer": "…", "rating": "down", "comment": "Fel nämnd."}
    assert client.post("/v1/feedback", json=second).status_code == 201
    assert_error_shape(client.post("/v1/feedback", json={**second, "rating": "meh"}), 422)
    assert_error_shape(client.post("/v1/feedback", json={**second, "score": 3}), 422)
    listed = client.get("/v1/feedback").json()
    assert listed["total"] == 2
    assert [f["rating"] for f in listed["results"]] == ["up", "down"]
    assert listed["results"][0]["citations"] == answer["citations"]
    lines = (data_dir / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["comment"] for line in lines] == [None, "Fel nämnd."]
