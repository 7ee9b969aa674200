"""Skip reasons say what is wrong: an empty page tree is "no pages", not "corrupt"."""

from __future__ import annotations

import io

import pytest

from ingest.errors import SkipFile
from ingest.read_pdf import read_pdf


def minimal_pdf(*objects: bytes) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def test_a_pdf_without_pages_is_empty_not_corrupt() -> None:
    data = minimal_pdf(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>")
    with pytest.raises(SkipFile, match=r"^empty PDF — no pages$"):
        read_pdf(data)


def test_a_broken_pdf_is_corrupt() -> None:
    with pytest.raises(SkipFile, match=r"^corrupt PDF"):
        read_pdf(b"%PDF-1.4\nnothing else of a PDF here")
