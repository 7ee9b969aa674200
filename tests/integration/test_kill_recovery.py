"""`remiss ingest` killed with SIGKILL half-way: no half-written document is ever visible, and the next run
completes the index."""

from __future__ import annotations

import itertools
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from assistant.settings import Settings
from ingest.chunking import chunk_document
from ingest.embedders import HashEmbedder
from ingest.lexical import LexicalIndex
from ingest.parse import ParseOptions, parse_bytes
from ingest.pipeline import Ingestor
from ingest.store import Store
from tests.paths import PROJECT_ROOT

REMISS = PROJECT_ROOT / ".venv" / "bin" / "remiss"
FILES = 60
KILL_AFTER = 8  # kept source files, i.e. documents begun
LARGEST_KB = 100  # leave out the very large översiktsplan to keep the run short

pytestmark = pytest.mark.slow


def build_folder(folder: Path, corpus: Path) -> None:
    """Copies of the corpus texts, each made distinct by a large edit (a shuffled half of its words appended: a
    copy with a small edit would be a near-duplicate, kept as a variant): FILES different documents."""
    sources = sorted(p for p in corpus.glob("*.txt") if p.stat().st_size < LARGEST_KB * 1024)
    folder.mkdir()
    for i, source in zip(range(FILES), itertools.cycle(sources), strict=False):
        text = source.read_text(encoding="utf-8")
        words = text.split()
        shuffled = " ".join(random.Random(i).sample(words, len(words) // 2))
        addition = f"\n\nTillägg {i}\n\nKopia nummer {i} av dokumentet om ärende {i}: {shuffled}.\n"
        (folder / f"{i:02d}_{source.name}").write_text(text + addition, encoding="utf-8")


def expected_chunks(settings: Settings, path: Path) -> tuple[str, set[str]]:
    options = ParseOptions(settings.mask_personnummer, settings.ocr, settings.ocr_lang)
    doc = parse_bytes(path.read_bytes(), path.name, options)
    return doc.id, {c.id for c in chunk_document(doc, settings.chunk_target_chars, settings.chunk_max_chars)}


def run_env(settings: Settings) -> dict[str, str]:
    # small write batches, so that a kill after KILL_AFTER begun documents finds some already committed
    return dict(
        os.environ,
        REMISS_DATA_DIR=str(settings.data_dir),
        REMISS_EMBEDDER="hash",
        REMISS_INGEST_BATCH_DOCS="3",
        COLUMNS="200",
    )


def assert_consistent(store: Store, expected: dict[str, set[str]]) -> dict[str, dict[str, object]]:
    """Every committed document has exactly its chunks; nothing of any other document is visible."""
    manifest = store.manifest()
    for doc_id in manifest:
        stored = set(store.chunks.get(where={"doc_id": doc_id}, include=[])["ids"])
        assert stored == expected[doc_id], f"{doc_id} is committed but has {len(stored)}/{len(expected[doc_id])} chunks"
        doc = store.get_document(doc_id)
        assert doc is not None and len(doc.paragraphs()) == manifest[doc_id]["paragraphs"]
    visible = list(store.iter_chunks())
    assert {meta["doc_id"] for _, _, meta in visible} <= set(manifest)
    assert len(visible) == sum(len(expected[doc_id]) for doc_id in manifest)
    return manifest


def test_kill_9_mid_ingest_leaves_no_half_document_and_rerun_completes(
    settings: Settings, tmp_path: Path, shared_corpus: Path
) -> None:
    settings = settings.model_copy(update={"embedder": "hash"})
    folder = tmp_path / "dokument"
    build_folder(folder, shared_corpus)
    expected = dict(expected_chunks(settings, path) for path in sorted(folder.iterdir()))
    assert len(expected) == FILES, "the edited copies should all be distinct documents"

    sources = settings.data_dir / "sources"
    log = (tmp_path / "first.log").open("w")
    process = subprocess.Popen(
        [str(REMISS), "ingest", str(folder)],
        env=run_env(settings),
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if sources.is_dir() and len(list(sources.iterdir())) >= KILL_AFTER:
            break
        time.sleep(0.02)
    assert process.poll() is None, "ingest ended before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL
    log.close()

    store = Store(settings, HashEmbedder().name)
    committed = assert_consistent(store, expected)
    assert 0 < len(committed) < FILES, f"killed after {len(committed)} of {FILES} documents"
    del store

    rerun = subprocess.run(
        [str(REMISS), "ingest", str(folder)],
        env=run_env(settings),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert f"{FILES} documents in the index" in " ".join(rerun.stderr.split())

    ingestor = Ingestor(settings)
    manifest = assert_consistent(ingestor.store, expected)
    assert set(manifest) == set(expected)
    assert {Path(str(m["source_path"])).name for m in manifest.values()} == {p.name for p in folder.iterdir()}
    assert not ingestor.store.documents.get(where={"committed": False}, include=[])["ids"]
    assert ingestor.store.chunks.count() == sum(len(ids) for ids in expected.values())
    lexical = LexicalIndex.load(ingestor.lexical_dir)
    assert lexical is not None and set(lexical.ids) == set().union(*expected.values())
    assert sorted(p.stem for p in (settings.data_dir / "sources").iterdir()) == sorted(expected)
