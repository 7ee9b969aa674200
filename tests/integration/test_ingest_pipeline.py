"""The ingest pipeline against a real embedded Chroma in tmp_path, with the default `hash` embedder.

Copies of real corpus files are ingested from a folder in tmp_path, then changed, deleted and given
sidecars, the way a user maintains their folder of documents.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from assistant.settings import Settings
from ingest.chunking import chunk_document
from ingest.lexical import LexicalIndex
from ingest.parse import ParseOptions, parse_bytes
from ingest.pipeline import Ingestor, IngestReport
from ingest.sidecar import load_sidecar

FILES = [
    "2015_socialnamnden_tjansteutlatande_innovationsstrategi_stockholms_stad.txt",
    "2019_KS-2019-1618_pm_rotel_I_strategi_for_innovation_region_stockholm.txt",
    "kungsbacka_ks_yttrande_sou-2025-7-ny-karnkraft_2025-02-05.txt",
    "kungsbacka_ks_tjansteskrivelse_sou-2025-5-omradessamverkan_2025-03-25.txt",
    "MOD_P5876-18.pdf",
]
PM = FILES[1]


@pytest.fixture
def hash_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"embedder": "hash"})


@pytest.fixture
def folder(tmp_path: Path, shared_corpus: Path) -> Path:
    target = tmp_path / "dokument"
    target.mkdir()
    for name in FILES:
        shutil.copy(shared_corpus / name, target / name)
    return target


def ingest(settings: Settings, folder: Path, prune: bool = False) -> tuple[Ingestor, IngestReport]:
    """A fresh Ingestor each time, as each `remiss ingest` run builds its own."""
    ingestor = Ingestor(settings)
    return ingestor, ingestor.ingest([folder], prune=prune)


def status_of(report: IngestReport, name: str) -> str:
    return next(f.status for f in report.files if Path(f.path).name == name)


def doc_id_of(ingestor: Ingestor, name: str) -> str:
    return next(i for i, m in ingestor.store.manifest().items() if Path(str(m["source_path"])).name == name)


def chunk_ids(ingestor: Ingestor, doc_id: str) -> set[str]:
    return set(ingestor.store.chunks.get(where={"doc_id": doc_id}, include=[])["ids"])


def expected_chunk_ids(settings: Settings, path: Path) -> set[str]:
    options = ParseOptions(settings.mask_personnummer, settings.ocr, settings.ocr_lang)
    doc = parse_bytes(path.read_bytes(), path.name, options, load_sidecar(path))
    return {c.id for c in chunk_document(doc, settings.chunk_target_chars, settings.chunk_max_chars)}


def chunk_meta(ingestor: Ingestor, doc_id: str) -> list[dict[str, Any]]:
    got = ingestor.store.chunks.get(where={"doc_id": doc_id}, include=["metadatas"])
    return [dict(m or {}) for m in got["metadatas"] or []]


def test_ingest_indexes_every_file_with_all_its_chunks(hash_settings: Settings, folder: Path) -> None:
    ingestor, report = ingest(hash_settings, folder)
    assert report.summary()["added"] == len(FILES)
    assert not report.skipped
    manifest = ingestor.store.manifest()
    assert sorted(Path(str(m["source_path"])).name for m in manifest.values()) == sorted(FILES)
    for name in FILES:
        assert chunk_ids(ingestor, doc_id_of(ingestor, name)) == expected_chunk_ids(hash_settings, folder / name)
    assert ingestor.store.chunks.count() == report.summary()["chunks"]
    pdf = ingestor.store.get_document(doc_id_of(ingestor, "MOD_P5876-18.pdf"))
    assert pdf is not None and pdf.format == "pdf" and pdf.pages == 25


def test_reingest_does_no_work(hash_settings: Settings, folder: Path) -> None:
    first, _ = ingest(hash_settings, folder)
    chunks_before = first.store.chunks.count()
    current = first.lexical_dir / "CURRENT"
    stamp_before = (current.read_text(), current.stat().st_mtime_ns)

    again, report = ingest(hash_settings, folder)
    summary = report.summary()
    assert (summary["added"], summary["replaced"], summary["unchanged"]) == (0, 0, len(FILES))
    assert summary["chunks"] == 0 and not report.changed
    assert again.store.chunks.count() == chunks_before
    assert (current.read_text(), current.stat().st_mtime_ns) == stamp_before, "lexical index rebuilt for nothing"


def test_changed_file_replaces_its_chunks(hash_settings: Settings, folder: Path) -> None:
    first, _ = ingest(hash_settings, folder)
    old_id = doc_id_of(first, PM)
    others = {name: doc_id_of(first, name) for name in FILES if name != PM}
    path = folder / PM
    path.write_text(
        path.read_text(encoding="utf-8") + "\n\nTillägg\n\nEtt nytt stycke om innovationsarbetet.\n",
        encoding="utf-8",
    )

    second, report = ingest(hash_settings, folder)
    assert status_of(report, PM) == "replaced"
    assert report.summary()["unchanged"] == len(FILES) - 1
    manifest = second.store.manifest()
    new_id = doc_id_of(second, PM)
    assert new_id != old_id
    assert old_id not in manifest
    assert chunk_ids(second, old_id) == set(), "chunks of the old version are left"
    assert not [m for m in chunk_meta(second, new_id) if m["doc_id"] == old_id]
    assert chunk_ids(second, new_id) == expected_chunk_ids(hash_settings, path)
    assert {name: doc_id_of(second, name) for name in others} == others
    lexical = LexicalIndex.load(second.lexical_dir)
    assert lexical is not None
    assert not [i for i in lexical.ids if i.startswith(old_id)]
    assert chunk_ids(second, new_id) <= set(lexical.ids)
    doc = second.store.get_document(new_id)
    assert doc is not None and "Ett nytt stycke om innovationsarbetet." in [p.text for p in doc.paragraphs()]


def test_prune_removes_documents_whose_files_were_deleted(hash_settings: Settings, folder: Path) -> None:
    first, _ = ingest(hash_settings, folder)
    gone = doc_id_of(first, PM)
    assert first.source_file(gone) is not None
    (folder / PM).unlink()

    kept, report = ingest(hash_settings, folder)
    assert gone in kept.store.manifest(), "without --prune a document stays"
    assert report.pruned == []

    pruned, report = ingest(hash_settings, folder, prune=True)
    assert report.pruned == [gone]
    assert gone not in pruned.store.manifest()
    assert chunk_ids(pruned, gone) == set()
    assert pruned.source_file(gone) is None
    assert len(pruned.store.manifest()) == len(FILES) - 1
    lexical = LexicalIndex.load(pruned.lexical_dir)
    assert lexical is not None and not [i for i in lexical.ids if i.startswith(gone)]


def test_sidecar_overrides_fields_and_editing_it_reindexes(hash_settings: Settings, folder: Path) -> None:
    sidecar = folder / (Path(PM).stem + ".meta.yaml")
    sidecar.write_text("body: Kommunfullmäktige\ndnr: KS 2019/9999\n", encoding="utf-8")
    first, _ = ingest(hash_settings, folder)
    doc_id = doc_id_of(first, PM)
    doc = first.store.get_document(doc_id)
    assert doc is not None and doc.body == "Kommunfullmäktige" and doc.dnr == ["KS 2019/9999"]
    assert {m["body"] for m in chunk_meta(first, doc_id)} == {"Kommunfullmäktige"}
    assert {m["doc_dnr"] for m in chunk_meta(first, doc_id)} == {'["KS 2019/9999"]'}
    assert first.store.manifest()[doc_id]["body"] == "Kommunfullmäktige"

    sidecar.write_text("body: Kommunstyrelsen\ndnr: [KS 2019/1618, KS 2019/2000]\n", encoding="utf-8")
    second, report = ingest(hash_settings, folder)
    assert status_of(report, PM) == "replaced"
    assert doc_id_of(second, PM) == doc_id, "same file content, same document id"
    doc = second.store.get_document(doc_id)
    assert doc is not None and doc.body == "Kommunstyrelsen" and doc.dnr == ["KS 2019/1618", "KS 2019/2000"]
    assert {m["body"] for m in chunk_meta(second, doc_id)} == {"Kommunstyrelsen"}
    assert chunk_ids(second, doc_id) == expected_chunk_ids(hash_settings, folder / PM)
    assert len(second.store.manifest()) == len(FILES)

    _, report = ingest(hash_settings, folder)
    assert status_of(report, PM) == "unchanged"


def test_lexical_index_is_rebuilt_from_chroma_alone(hash_settings: Settings, folder: Path) -> None:
    ingestor, _ = ingest(hash_settings, folder)
    saved = LexicalIndex.load(ingestor.lexical_dir)
    assert saved is not None and saved.ids
    rebuilt = LexicalIndex.build(ingestor.store.iter_chunks(), "from-chroma")
    assert rebuilt.ids == saved.ids
    assert set(saved.ids) == set(ingestor.store.chunks.get(include=[])["ids"])
    assert rebuilt.vocab == saved.vocab

    shutil.rmtree(ingestor.lexical_dir)
    again, report = ingest(hash_settings, folder)
    assert not report.changed
    restored = LexicalIndex.load(again.lexical_dir)
    assert restored is not None and restored.ids == saved.ids
