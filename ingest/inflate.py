"""Checks what a PDF's compressed streams inflate to, without keeping the inflated bytes: a 1 MB Flate
stream can unpack to 1 GiB. Streams are found by their `stream` keyword and inflated in bounded steps."""

from __future__ import annotations

import re
import zlib

from ingest.errors import SkipFile
from ingest.limits import DEFAULT_LIMITS, Limits, mb

STREAM = re.compile(rb"stream\r?\n")
STEP = 4 * 1_048_576  # most bytes inflated at once


def inflated_size(data: bytes, start: int, limit: int) -> int:
    """Bytes the zlib stream at `start` inflates to, counting stops just past `limit`. 0 if it is not zlib."""
    inflater = zlib.decompressobj()
    total = 0
    chunk = data[start : start + STEP]
    position = start + len(chunk)
    try:
        while chunk and total <= limit:
            total += len(inflater.decompress(chunk, STEP))
            while inflater.unconsumed_tail and not inflater.eof and total <= limit:
                total += len(inflater.decompress(inflater.unconsumed_tail, STEP))
            if inflater.eof:
                break
            chunk = data[position : position + STEP]
            position += len(chunk)
    except zlib.error:
        return total
    return total


def check_pdf_streams(data: bytes, limits: Limits = DEFAULT_LIMITS) -> None:
    """Raise `SkipFile` when one stream or all streams together inflate beyond the limits."""
    total = 0
    for match in STREAM.finditer(data):
        size = inflated_size(data, match.end(), limits.pdf_stream_bytes)
        if size > limits.pdf_stream_bytes:
            raise SkipFile(
                f"PDF stream unpacks to more than {mb(limits.pdf_stream_bytes)} — refused (decompression bomb?)"
            )
        total += size
        if total > limits.pdf_total_bytes:
            raise SkipFile(f"PDF unpacks to more than {mb(limits.pdf_total_bytes)} in all — refused")
