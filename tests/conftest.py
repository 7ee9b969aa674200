"""Shared fixtures: settings with a private data folder, and the shared corpus of real documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings whose data (Chroma, lexical index, kept sources) live in this test's tmp_path."""
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    """`../shared/corpus` beside the project: real documents, used in place, never copied into the project."""
    if not SHARED_CORPUS.is_dir():
        pytest.skip("../shared/corpus not present (a user's own clone)")
    return SHARED_CORPUS
