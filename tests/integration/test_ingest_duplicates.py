"""The same text in two files of one run (a copy in another folder) is indexed once; the run goes on."""

from __future__ import annotations

from pathlib import Path

from ingest.pipeline import Ingestor
from ingest.settings import IngestSettings

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "corpus" / "2015_socialnamnden_tjansteutlatande_innovationsstrategi_stockholms_stad.txt"


def test_a_copy_in_another_folder_is_a_duplicate_not_a_crash(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / SEED.name).write_bytes(SEED.read_bytes())
    other = ROOT / "corpus" / "2019_KS-2019-1618_pm_rotel_I_strategi_for_innovation_region_stockholm.txt"
    (tmp_path / "b" / other.name).write_bytes(other.read_bytes())
    ingestor = Ingestor(IngestSettings(data_dir=tmp_path / "data"))
    report = ingestor.ingest([tmp_path / "a", tmp_path / "b"])
    statuses = sorted(f.status for f in report.files)
    assert statuses == ["added", "added", "duplicate"]
    duplicate = next(f for f in report.files if f.status == "duplicate")
    assert str(tmp_path / "a" / SEED.name) in duplicate.reason or "same text" in duplicate.reason
    assert len(ingestor.store.manifest()) == 2
