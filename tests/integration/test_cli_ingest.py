"""`remiss ingest`, `remiss docs --json` and `remiss show`, run as a user runs them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ingest.parse import parse_bytes
from tests.paths import PROJECT_ROOT

REMISS = PROJECT_ROOT / ".venv" / "bin" / "remiss"
PM = "2019_KS-2019-1618_pm_rotel_I_strategi_for_innovation_region_stockholm.txt"
TU = "2015_socialnamnden_tjansteutlatande_innovationsstrategi_stockholms_stad.txt"
PDF = "MOD_P5876-18.pdf"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def remiss(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, REMISS_DATA_DIR=str(data_dir), REMISS_EMBEDDER="hash", COLUMNS="300")
    return subprocess.run(
        [str(REMISS), *args], env=env, capture_output=True, text=True, timeout=300, cwd=data_dir.parent
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory, shared_corpus: Path) -> Path:
    root = tmp_path_factory.mktemp("cli")
    folder = root / "dokument"
    folder.mkdir()
    for name in (PM, TU, PDF):
        shutil.copy(shared_corpus / name, folder / name)
    run = remiss(root / "data", "ingest", str(folder))
    assert run.returncode == 0, run.stderr
    assert "3 documents in the index" in " ".join(run.stderr.split())
    return root / "data"


@pytest.fixture(scope="module")
def docs(data_dir: Path) -> list[dict[str, Any]]:
    run = remiss(data_dir, "docs", "--json")
    assert run.returncode == 0, run.stderr
    listed = json.loads(run.stdout)
    assert isinstance(listed, list)
    return listed


def test_docs_json_lists_every_document_with_its_fields(docs: list[dict[str, Any]]) -> None:
    assert sorted(d["source_file"] for d in docs) == sorted([PM, TU, PDF])
    for d in docs:
        assert {
            "id",
            "title",
            "doc_type",
            "body",
            "dnr",
            "date",
            "source_file",
            "pages",
            "paragraphs",
        } <= set(d)
        assert isinstance(d["id"], str) and d["id"]
        assert isinstance(d["title"], str) and d["title"]
        assert isinstance(d["dnr"], list) and all(isinstance(x, str) for x in d["dnr"])
        assert d["date"] is None or ISO_DATE.match(d["date"])
        assert isinstance(d["pages"], int) and isinstance(d["paragraphs"], int) and d["paragraphs"] > 0


def test_docs_json_values(docs: list[dict[str, Any]], shared_corpus: Path) -> None:
    by_file = {d["source_file"]: d for d in docs}
    pm = by_file[PM]
    assert (pm["doc_type"], pm["body"], pm["dnr"], pm["date"]) == (
        "PM",
        "Kommunstyrelsen",
        ["KS 2019/1618"],
        "2019-11-27",
    )
    tu = by_file[TU]
    assert (tu["dnr"], tu["date"], tu["body"]) == ([], None, "Socialnämnden")
    pdf = by_file[PDF]
    assert (pdf["doc_type"], pdf["pages"], pdf["dnr"]) == ("dom", 25, ["P 5876-18"])
    for name, d in by_file.items():
        parsed = parse_bytes((shared_corpus / name).read_bytes(), name)
        assert d["id"] == parsed.id and d["paragraphs"] == len(parsed.paragraphs())


def test_show_prints_every_paragraph_id(data_dir: Path, docs: list[dict[str, Any]], shared_corpus: Path) -> None:
    pm = next(d for d in docs if d["source_file"] == PM)
    run = remiss(data_dir, "show", pm["id"][:8])
    assert run.returncode == 0, run.stderr
    parsed = parse_bytes((shared_corpus / PM).read_bytes(), PM)
    cited = re.findall(rf"{pm['id']}#(\S+)", run.stdout)
    assert cited == [p.id for p in parsed.paragraphs()]
    assert "s10.p1" in cited and "Ersättaryttrande (Fi)" in run.stdout
    assert "KS 2019/1618" in run.stdout


def test_show_by_file_name_and_unknown_id(data_dir: Path, docs: list[dict[str, Any]]) -> None:
    by_name = remiss(data_dir, "show", TU)
    assert by_name.returncode == 0, by_name.stderr
    tu = next(d for d in docs if d["source_file"] == TU)
    assert f"{tu['id']}#s0.p1" in by_name.stdout
    missing = remiss(data_dir, "show", "ffffffffffff")
    assert missing.returncode == 1
    assert "No document matches" in missing.stderr
