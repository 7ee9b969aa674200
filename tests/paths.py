"""Where the tests find their inputs: the project root, the bundled corpus, the golden files, and the shared
corpus of real documents beside the project (`../shared/corpus`), computed once with its skip reason.

`REMISS_TEST_SHARED` points the tests at another shared corpus folder; set it to a path that does not exist
(`REMISS_TEST_SHARED=/nonexistent`) to run the suite as a user's own clone without `../shared` runs it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
BUNDLED_CORPUS = PROJECT_ROOT / "corpus"
GOLDEN_DIR = PROJECT_ROOT / "tests" / "golden"
FIXTURE_CORPUS = PROJECT_ROOT / "tests" / "fixtures" / "corpus"  # synthetic documents written for tests
SHARED_ENV = "REMISS_TEST_SHARED"


def _shared_corpus_dir() -> Path:
    override = os.environ.get(SHARED_ENV)
    if override:
        return Path(override).resolve()
    return (PROJECT_ROOT.parent / "shared" / "corpus").resolve()


SHARED_CORPUS = _shared_corpus_dir()
SHARED_PRESENT = SHARED_CORPUS.is_dir()
SHARED_SKIP_REASON = f"the shared corpus {SHARED_CORPUS} is not present (a user's own clone; see {SHARED_ENV})"

#: Marks a test (or, as `pytestmark`, a module) that needs the shared corpus.
needs_shared = pytest.mark.skipif(not SHARED_PRESENT, reason=SHARED_SKIP_REASON)


def shared_corpus_or_skip() -> Path:
    """The shared corpus folder, or a skip of the calling test when it is absent."""
    if not SHARED_PRESENT:
        pytest.skip(SHARED_SKIP_REASON)
    return SHARED_CORPUS


def corpus_source(name: str) -> Path:
    """A corpus document by name: from the bundled `corpus/` when it is there (the two seed documents), else
    from the shared corpus (or a skip of the calling test when that is absent)."""
    bundled = BUNDLED_CORPUS / name
    return bundled if bundled.is_file() else shared_file(name)


def shared_file(name: str) -> Path:
    """One file of the shared corpus, or a skip of the calling test when it is absent."""
    path = shared_corpus_or_skip() / name
    if not path.is_file():
        pytest.skip(f"{path} is missing from the shared corpus")
    return path
