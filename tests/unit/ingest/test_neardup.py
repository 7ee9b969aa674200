"""Near-duplicate texts: the signature of a text and of its lightly changed copy estimate them alike, unrelated
texts not; a stored signature reads back the same."""

from __future__ import annotations

from ingest.neardup import THRESHOLD, TwinIndex, decode, encode, original_rank, signature
from tests.paths import BUNDLED_CORPUS

SEED = BUNDLED_CORPUS / "2015_socialnamnden_tjansteutlatande_innovationsstrategi_stockholms_stad.txt"
OTHER = BUNDLED_CORPUS / "2019_KS-2019-1618_pm_rotel_I_strategi_for_innovation_region_stockholm.txt"


def test_an_ocr_like_copy_is_a_twin_and_another_document_is_not() -> None:
    text = SEED.read_text(encoding="utf-8")
    ocr_like = text.replace("§", "$").replace("Socialnämnden", "Socialnämnclen", 1)  # typical OCR slips
    index = TwinIndex()
    original = signature(text)
    assert original is not None
    index.add("seed", original)
    copy = signature(ocr_like)
    other = signature(OTHER.read_text(encoding="utf-8"))
    assert copy is not None and other is not None
    found = index.twin(copy)
    assert found is not None and found[0] == "seed" and found[1] >= THRESHOLD
    assert index.twin(other) is None
    assert index.twin(copy, frozenset({"seed"})) is None  # a document's own earlier version is no twin


def test_a_stored_signature_reads_back_equal() -> None:
    sig = signature(SEED.read_text(encoding="utf-8"))
    assert sig is not None
    back = decode(encode(sig))
    assert back.jaccard(sig) == 1.0
    assert signature("   \n") is None


def test_a_pdf_is_the_better_original_than_its_text() -> None:
    assert original_rank("pdf", 4) < original_rank("docx", 1) < original_rank("txt", 1)
