"""What a folder holds besides documents: the same text twice (indexed once), a README (reported, not indexed)."""

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


def test_a_folders_readme_is_reported_not_indexed(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / SEED.name).write_bytes(SEED.read_bytes())
    (folder / "README.md").write_text("# Om mappen\n\nHär ligger remissvar från 2015.\n", encoding="utf-8")
    ingestor = Ingestor(IngestSettings(data_dir=tmp_path / "data"))
    report = ingestor.ingest([folder])
    assert {Path(f.path).name: f.status for f in report.files} == {SEED.name: "added", "README.md": "ignored"}
    assert report.summary()["ignored"] == 1 and not report.skipped
    assert len(ingestor.store.manifest()) == 1
