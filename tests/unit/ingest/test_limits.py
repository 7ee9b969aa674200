"""Unpack limits and the parse worker: a PDF stream or .docx entry that unpacks past its limit is refused
before any parser touches it, and a parse that needs more memory than the worker may have is a skip."""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest

from ingest.errors import SkipFile
from ingest.inflate import check_pdf_streams, inflated_size
from ingest.limits import MB, Limits
from ingest.parse import ParseOptions
from ingest.read_docx import check_entries
from ingest.worker import ParseJob, ParsePool

SMALL = Limits(pdf_stream_bytes=2 * MB, pdf_total_bytes=3 * MB, docx_entry_bytes=2 * MB, docx_total_bytes=3 * MB)


def pdf_with_streams(*sizes: int) -> bytes:
    parts = [b"%PDF-1.7\n"]
    for size in sizes:
        packed = zlib.compress(b" " * size, 9)
        parts.append(b"1 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed))
        parts.append(packed + b"\nendstream\nendobj\n")
    return b"".join(parts)


def zip_with_entries(*sizes: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, size in enumerate(sizes):
            archive.writestr(f"word/part{i}.xml", b" " * size)
    return out.getvalue()


def test_inflated_size_counts_without_keeping_and_stops_past_the_limit() -> None:
    data = pdf_with_streams(5 * MB)
    start = data.index(b"stream\n") + len(b"stream\n")
    assert inflated_size(data, start, 10 * MB) == 5 * MB
    assert 1 * MB < inflated_size(data, start, 1 * MB) <= 1 * MB + 4 * MB


def test_pdf_streams_within_the_limits_pass() -> None:
    check_pdf_streams(pdf_with_streams(1 * MB, 1 * MB), SMALL)


def test_one_pdf_stream_past_its_limit_is_refused() -> None:
    with pytest.raises(SkipFile, match="decompression bomb"):
        check_pdf_streams(pdf_with_streams(3 * MB), SMALL)


def test_pdf_streams_past_the_total_are_refused() -> None:
    with pytest.raises(SkipFile, match="in all"):
        check_pdf_streams(pdf_with_streams(*[int(1.5 * MB)] * 3), SMALL)


def test_docx_entries_are_checked_one_by_one_and_together() -> None:
    check_entries(zip_with_entries(1 * MB, 1 * MB), SMALL)
    with pytest.raises(SkipFile, match="decompression bomb"):
        check_entries(zip_with_entries(3 * MB), SMALL)
    with pytest.raises(SkipFile, match="in all"):
        check_entries(zip_with_entries(*[int(1.5 * MB)] * 3), SMALL)
    with pytest.raises(SkipFile, match=r"corrupt \.docx"):
        check_entries(b"PK\x03\x04 not really a zip", SMALL)


def test_a_parse_past_the_memory_limit_is_a_skip_and_the_worker_goes_on() -> None:
    text = ("Ett stycke om anhörigstöd och hemtjänst i kommunen. " * 20 + "\n\n").encode() * 4_500  # ~4.7 MB
    with ParsePool(Limits(parse_memory_bytes=80 * MB)) as pool:  # the parse needs ~100 MB
        refused = pool.parse(ParseJob(text, "stor.txt", ParseOptions()))
        assert refused.doc is None
        assert "memory" in refused.reason or "reader stopped" in refused.reason
        fine = pool.parse(ParseJob("Tjänsteutlåtande\n\nEtt kort stycke.\n".encode(), "liten.txt", ParseOptions()))
    assert fine.doc is not None and fine.doc.paragraphs()


def test_text_past_the_character_limit_is_refused() -> None:
    text = ("Ett stycke om anhörigstöd. " * 40 + "\n\n").encode() * 5_000  # ~5.4 M characters
    with ParsePool() as pool:
        refused = pool.parse(ParseJob(text, "lang.txt", ParseOptions()))
    assert refused.doc is None and refused.reason.startswith("too much text")
