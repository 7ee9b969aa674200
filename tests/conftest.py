"""Shared fixtures: settings with a private data folder, and the shared corpus of real documents.
Tests under tests/e2e/ are marked `slow` here, so `pytest -m "not slow"` leaves them out."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings
from tests.paths import PROJECT_ROOT, shared_corpus_or_skip

E2E_DIR = PROJECT_ROOT / "tests" / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings whose data (Chroma, lexical index, kept sources) live in this test's tmp_path."""
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    """`../shared/corpus` beside the project: real documents, used in place, never copied into the project."""
    return shared_corpus_or_skip()
