"""Ingest into a real `chroma run` server on 127.0.0.1: the same code path as embedded Chroma."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.settings import Settings
from ingest.lexical import LexicalIndex
from ingest.pipeline import Ingestor
from tests.paths import PROJECT_ROOT
from tests.processes import chroma_command, free_port, heartbeat, served

CHROMA = PROJECT_ROOT / ".venv" / "bin" / "chroma"
FILES = [
    "2015_socialnamnden_tjansteutlatande_innovationsstrategi_stockholms_stad.txt",
    "2019_KS-2019-1618_pm_rotel_I_strategi_for_innovation_region_stockholm.txt",
    "kungsbacka_ks_yttrande_sou-2025-7-ny-karnkraft_2025-02-05.txt",
]

pytestmark = pytest.mark.chroma_server


@pytest.fixture
def chroma_port(tmp_path: Path) -> Iterator[int]:
    if not CHROMA.exists():
        pytest.skip("the chroma executable is not in .venv/bin")
    port = free_port()
    command = chroma_command(CHROMA, tmp_path / "chroma-server", port)
    with served(command, heartbeat(port), tmp_path / "chroma.log"):
        yield port


def test_ingest_into_a_chroma_server(settings: Settings, chroma_port: int, tmp_path: Path, shared_corpus: Path) -> None:
    folder = tmp_path / "dokument"
    folder.mkdir()
    for name in FILES:
        shutil.copy(shared_corpus / name, folder / name)
    settings = settings.model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": chroma_port, "embedder": "hash"})
    assert settings.chroma_mode == "server"

    ingestor = Ingestor(settings)
    report = ingestor.ingest([folder])
    assert report.summary()["added"] == len(FILES) and not report.skipped
    manifest = ingestor.store.manifest()
    assert sorted(m["source_file"] for m in manifest.values()) == sorted(FILES)
    pm = next(i for i, m in manifest.items() if str(m["source_file"]).startswith("2019_"))
    doc = ingestor.store.get_document(pm)
    assert doc is not None and doc.dnr == ["KS 2019/1618"] and doc.remitting_body == "Region Stockholm"
    chunks = ingestor.store.chunks.count()
    assert chunks == report.summary()["chunks"] > 0
    assert not (settings.data_dir / "chroma").exists(), "server mode must not write an embedded Chroma"

    again = Ingestor(settings)
    summary = again.ingest([folder]).summary()
    assert (summary["added"], summary["replaced"], summary["unchanged"]) == (0, 0, len(FILES))
    assert again.store.chunks.count() == chunks
    lexical = LexicalIndex.load(again.lexical_dir)
    assert lexical is not None and len(lexical.ids) == chunks
