"""Swedish personnummer: Luhn-valid ones are masked before anything is indexed or quoted; others are kept."""

from __future__ import annotations

import pytest

from assistant.settings import Settings
from ingest.parse import ParseOptions, parse_bytes
from ingest.personnummer import MASK, mask
from ingest.pipeline import Ingestor


def luhn_check_digit(nine: str) -> str:
    """Independent of ingest.personnummer: weights 2,1,2,1,… over the first nine digits."""
    total = 0
    for i, ch in enumerate(nine):
        product = int(ch) * (2 - i % 2)
        total += product // 10 + product % 10
    return str((10 - total % 10) % 10)


def valid(date6: str, serial3: str) -> str:
    return date6 + "-" + serial3 + luhn_check_digit(date6 + serial3)


VALID = [
    valid("811228", "987"),  # 811228-9874
    "19" + valid("121212", "121"),  # 19121212-1212, twelve digits
    valid("460101", "123").replace("-", "+"),  # 100 years or older: `+`
    valid("850709", "987").replace("-", ""),  # ten digits, no separator
    valid("701063", "239"),  # samordningsnummer: day + 60
]
INVALID = [
    "811228-9875",  # wrong check digit
    "121212-1213",
    "851309-9876",  # month 13
]
NOT_PERSONNUMMER = [
    "769604-4135",
    "KS-2025-00102",
    "401-50227-2022",
    "08-508 25 016",
    "2019-11-27",
    "2016KS/0238",
]


@pytest.mark.parametrize("number", VALID)
def test_luhn_valid_personnummer_is_masked(number: str) -> None:
    text = f"Klaganden, född {number}, har överklagat beslutet."
    assert mask(text) == f"Klaganden, född {MASK}, har överklagat beslutet."


@pytest.mark.parametrize("number", INVALID + NOT_PERSONNUMMER)
def test_invalid_numbers_and_other_numbers_are_kept(number: str) -> None:
    text = f"Se {number} i ärendet."
    assert mask(text) == text


def document_with_numbers() -> bytes:
    numbers = ", ".join(VALID + INVALID)
    return (
        "Tjänsteutlåtande\n\nHandläggare\nLisbeth Westerlund\n\nBakgrund\n\n"
        f"Ärendet rör personerna med nummer {numbers} och organisationen 769604-4135.\n"
    ).encode()


def test_parse_masks_by_default_and_keeps_when_the_setting_is_off() -> None:
    masked = " ".join(p.text for p in parse_bytes(document_with_numbers(), "a.txt").paragraphs())
    assert masked.count(MASK) == len(VALID)
    assert not any(number in masked for number in VALID)
    assert all(number in masked for number in INVALID) and "769604-4135" in masked

    kept = parse_bytes(document_with_numbers(), "a.txt", ParseOptions(mask_personnummer=False))
    text = " ".join(p.text for p in kept.paragraphs())
    assert MASK not in text and all(number in text for number in VALID)


@pytest.mark.parametrize("masking", [True, False])
def test_what_is_indexed_follows_the_setting(settings: Settings, masking: bool) -> None:
    path = settings.data_dir.parent / "personer.txt"
    path.write_bytes(document_with_numbers())
    ingestor = Ingestor(settings.model_copy(update={"embedder": "hash", "mask_personnummer": masking}))
    [result] = ingestor.ingest([path]).files
    got = ingestor.store.chunks.get(where={"doc_id": result.doc_id}, include=["metadatas"])
    indexed = " ".join(f"{m['header']} {m['text']}" for m in got["metadatas"] or [])
    stored = ingestor.store.get_document(result.doc_id)
    assert stored is not None
    for text in (indexed, stored.text):
        assert all((number in text) != masking for number in VALID)
        assert (MASK in text) == masking
        assert all(number in text for number in INVALID)
