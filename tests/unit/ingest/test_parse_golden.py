"""Golden files: the fields and structure of five real documents, as reviewed and recorded in tests/golden/.

A parser change that moves a heading, a paragraph boundary, a page or a field shows up here as a diff.
Re-record after a deliberate change, and review the diff:
    REMISS_REGOLD=1 .venv/bin/pytest tests/unit/ingest/test_parse_golden.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from ingest.models import Document
from ingest.parse import parse_bytes
from tests.paths import GOLDEN_DIR, corpus_source

GOLDEN = GOLDEN_DIR
DOCUMENTS = [
    "2015_socialnamnden_tjansteutlatande_innovationsstrategi_stockholms_stad.txt",
    "2019_KS-2019-1618_pm_rotel_I_strategi_for_innovation_region_stockholm.txt",
    "kungsbacka_ks_yttrande_sou-2025-7-ny-karnkraft_2025-02-05.txt",
    "kungsbacka_ksau_protokoll_2025-03-04.txt",
    "MOD_P5876-18.pdf",
]


def snapshot(doc: Document) -> dict[str, Any]:
    return {
        "fields": doc.fields().model_dump(mode="json", exclude={"variants"}),  # variants: ingest, not parsing
        "sections": [
            {
                "id": s.id,
                "heading": s.heading,
                "kind": s.kind,
                "level": s.level,
                "parent": s.parent,
                "parties": s.parties,
                "dnr": s.dnr,
            }
            for s in doc.sections
        ],
        "paragraphs": [{"id": p.id, "start": p.text[:60], "pages": p.pages} for p in doc.paragraphs()],
        "statements": [s.model_dump(mode="json") for s in doc.statements],
    }


def golden_path(name: str) -> Path:
    return GOLDEN / (name.rsplit(".", 1)[0] + ".json")


@pytest.fixture(scope="module", params=DOCUMENTS)
def case(request: pytest.FixtureRequest) -> tuple[dict[str, Any], dict[str, Any]]:
    name: str = request.param
    actual = snapshot(parse_bytes(corpus_source(name).read_bytes(), name))
    path = golden_path(name)
    if os.environ.get("REMISS_REGOLD") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if not path.is_file():
        pytest.fail(f"no golden file {path.name}: record it with REMISS_REGOLD=1 and review it")
    expected = json.loads(path.read_text(encoding="utf-8"))
    return actual, expected


def test_fields(case: tuple[dict[str, Any], dict[str, Any]]) -> None:
    actual, expected = case
    assert actual["fields"] == expected["fields"]


def test_sections(case: tuple[dict[str, Any], dict[str, Any]]) -> None:
    actual, expected = case
    assert actual["sections"] == expected["sections"]


def test_paragraphs(case: tuple[dict[str, Any], dict[str, Any]]) -> None:
    actual, expected = case
    assert actual["paragraphs"] == expected["paragraphs"]


def test_statements(case: tuple[dict[str, Any], dict[str, Any]]) -> None:
    actual, expected = case
    assert actual["statements"] == expected["statements"]
