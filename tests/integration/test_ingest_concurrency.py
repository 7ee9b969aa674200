"""Two `remiss ingest` processes on one data dir: the second never removes the first one's batch. The first
writer is held inside its batch (recorded uncommitted in Chroma) by the REMISS_INGEST_HOLD hook, so the
overlap is certain, not a matter of timing."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from assistant.settings import Settings
from ingest.hold import HOLD_ENV
from ingest.lock import IngestBusy
from ingest.pipeline import Ingestor
from tests.paths import PROJECT_ROOT

REMISS = PROJECT_ROOT / ".venv" / "bin" / "remiss"
BUSY_EXIT = 4


def write_folder(folder: Path, prefix: str, count: int) -> None:
    folder.mkdir()
    for i in range(count):
        text = (
            f"Tjänsteutlåtande {prefix} {i}\n\nSocialnämnden\n\nÄrendet gäller {prefix}-frågan nummer {i}, "
            f"om anhörigstöd och hemtjänst i stadsdel {prefix}{i}.\n\nFörvaltningen föreslår att nämnden "
            f"godkänner förslaget om {prefix} {i}.\n"
        )
        (folder / f"{prefix}_{i:02d}.txt").write_text(text, encoding="utf-8")


def env_for(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REMISS_")}
    return {**env, "REMISS_DATA_DIR": str(data_dir), "REMISS_EMBEDDER": "hash", "COLUMNS": "200", **extra}


def wait_for(path: Path, process: subprocess.Popen[bytes], what: str) -> None:
    """Poll for a file the other process creates (a condition, not a timing: the bound is only a safety net)."""
    deadline = time.monotonic() + 120
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(f"{what}: the process ended early with {process.returncode}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: never happened")
        time.sleep(0.05)


def read_until(process: subprocess.Popen[bytes], text: str) -> str:
    """Read the process's stderr until `text` appears (or it ends)."""
    assert process.stderr is not None
    seen = b""
    while text.encode() not in seen:
        line = process.stderr.readline()
        if not line:
            break
        seen += line
    return seen.decode(errors="replace")


@pytest.mark.slow
def test_a_second_ingest_neither_removes_the_first_ones_batch_nor_runs_beside_it(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first_folder, second_folder = tmp_path / "first", tmp_path / "second"
    write_folder(first_folder, "norr", 6)
    write_folder(second_folder, "syd", 4)
    gate = tmp_path / "hold"
    gate.touch()
    first = subprocess.Popen(
        [str(REMISS), "ingest", str(first_folder)],
        env=env_for(data_dir, **{HOLD_ENV: str(gate)}),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(gate.with_name("hold.batch"), first, "the first writer reaching its batch")
        busy = subprocess.run(
            [str(REMISS), "ingest", str(second_folder)], env=env_for(data_dir), capture_output=True, timeout=300
        )
        assert busy.returncode == BUSY_EXIT
        assert "en annan inläsning pågår" in busy.stderr.decode()

        waiting = subprocess.Popen(
            [str(REMISS), "ingest", "--wait", str(second_folder)],
            env=env_for(data_dir),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        assert "väntar på en annan inläsning" in read_until(waiting, "väntar på en annan inläsning")
        gate.unlink()  # let the first writer commit its batch
        assert first.wait(timeout=300) == 0
        assert waiting.wait(timeout=300) == 0
    finally:
        gate.unlink(missing_ok=True)
        first.kill()
    ingestor = Ingestor(Settings(data_dir=data_dir))
    indexed = {Path(str(m["source_path"])).name for m in ingestor.store.manifest().values()}
    expected = {p.name for p in [*first_folder.iterdir(), *second_folder.iterdir()]}
    assert indexed == expected
    kept = {p.name.split(".")[0] for p in ingestor.sources_dir.iterdir()}
    assert kept == set(ingestor.store.manifest())  # no orphan source files


def test_the_lock_is_reentrant_and_other_writers_get_a_clear_error(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    one, other = Ingestor(settings), Ingestor(settings)
    with one.session():
        with one.session() as inner:
            assert inner.recovered == [] and inner.swept == []
        with pytest.raises(IngestBusy, match="en annan inläsning pågår"):
            other.ingest([tmp_path])
        with pytest.raises(IngestBusy):
            other.ingest([tmp_path], wait=True, timeout=0.1)
    assert other.ingest([tmp_path]).files == []


def test_a_writer_session_sweeps_orphan_sources(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    ingestor = Ingestor(settings)
    ingestor.sources_dir.mkdir(parents=True)
    (ingestor.sources_dir / "0123456789abcdef.txt").write_text("left by a crash")
    (ingestor.sources_dir / "fedcba9876543210.pdf.tmp").write_bytes(b"%PDF")
    report = ingestor.ingest([])
    assert sorted(report.swept) == ["0123456789abcdef.txt", "fedcba9876543210.pdf.tmp"]
    assert list(ingestor.sources_dir.iterdir()) == []
