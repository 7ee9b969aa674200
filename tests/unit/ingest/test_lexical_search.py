"""The lexical index's top-k over the query tokens' postings ranks as bm25s' `retrieve` does."""

from __future__ import annotations

import numpy as np

from ingest.analyzer import analyze
from ingest.lexical import LexicalIndex

TEXTS = [
    "Kommunstyrelsen föreslår att anhörigstödet utvecklas.",
    "Anhörigstöd ges av socialnämnden till anhöriga.",
    "Kärnkraft och energiförsörjning i regionen.",
    "Detaljplan för bostäder, kommunstyrelsen yttrar sig.",
    "Innovationsstrategi för regionen och kommunen.",
    "Anhörigstöd, anhörigstöd och åter anhörigstöd.",
    "Budget 2026 för socialnämnden.",
    "Trygghet och studiero i skolan.",
]


def _index() -> LexicalIndex:
    rows = [(f"d{i}#c0", text, {"doc_id": f"d{i}", "text": text}) for i, text in enumerate(TEXTS)]
    return LexicalIndex.build(rows, "test")


def _bm25s(index: LexicalIndex, tokens: list[str], k: int, mask: np.ndarray | None) -> list[tuple[int, float]]:
    assert index.bm25 is not None
    known = [t for t in tokens if t in index.vocab]
    docs, scores = index.bm25.retrieve([known], k=min(k, len(index)), show_progress=False, weight_mask=mask)
    return sorted(
        ((int(d), float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0), key=lambda r: (-r[1], r[0])
    )


def test_same_chunks_and_scores_as_bm25s() -> None:
    index = _index()
    mask = np.array([i % 2 == 0 for i in range(len(TEXTS))])
    for query in ("anhörigstöd kommunstyrelsen", "regionen", "socialnämnden budget", "studiero skolan kommunen"):
        tokens = analyze(query)
        for k, within in ((3, None), (10, None), (10, mask)):
            found = index.search(tokens, k, within)
            assert found == _bm25s(index, tokens, k, within), (query, k)


def test_best_first_ties_by_row_nothing_unknown() -> None:
    index = _index()
    found = index.search(analyze("anhörigstöd"), 10)
    assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)
    assert index.search(["okänt-ord"], 5) == [] and index.search(analyze("anhörigstöd"), 0) == []
