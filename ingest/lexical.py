"""The Swedish lexical index (bm25s over analysed tokens), persisted beside Chroma and rebuildable from it.

Alongside the BM25 matrix it keeps each chunk's metadata, so filters become masks over the index and
citations need no second round-trip to Chroma.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from ingest.analyzer import analyze


class LexicalIndex:
    def __init__(self, ids: list[str], metas: list[dict[str, Any]], bm25: bm25s.BM25 | None, stamp: str) -> None:
        self.ids = ids
        self.metas = metas
        self.bm25 = bm25
        self.stamp = stamp
        self.position = {cid: i for i, cid in enumerate(ids)}
        self.vocab: dict[str, int] = dict(bm25.vocab_dict) if bm25 is not None else {}
        self._idf = self._idf_table()

    @classmethod
    def build(cls, rows: Iterable[tuple[str, str, dict[str, Any]]], stamp: str) -> LexicalIndex:
        ids: list[str] = []
        metas: list[dict[str, Any]] = []
        tokens: list[list[str]] = []
        for cid, text, meta in rows:
            ids.append(cid)
            metas.append(meta)
            tokens.append(analyze(text) or ["∅"])
        bm25 = None
        if ids:
            bm25 = bm25s.BM25(k1=1.2, b=0.75)
            bm25.index(tokens, show_progress=False)
        return cls(ids, metas, bm25, stamp)

    def _idf_table(self) -> dict[str, float]:
        if self.bm25 is None:
            return {}
        n = len(self.ids)
        # bm25s keeps scores as a CSC matrix with one column per token: column length = document frequency
        df = np.diff(np.asarray(self.bm25.scores["indptr"]))
        return {
            tok: float(np.log(1 + (n - df[i] + 0.5) / (df[i] + 0.5))) for tok, i in self.vocab.items() if i < len(df)
        }

    def idf(self, token: str) -> float:
        """IDF of a token; tokens the index has never seen get the highest weight."""
        if token in self._idf:
            return self._idf[token]
        return float(np.log(1 + (len(self.ids) + 0.5) / 0.5)) if self.ids else 1.0

    def search(self, tokens: list[str], k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        known = [t for t in tokens if t in self.vocab]
        if self.bm25 is None or not known or k <= 0:
            return []
        k = min(k, len(self.ids))
        docs, scores = self.bm25.retrieve([known], k=k, show_progress=False, weight_mask=mask, n_threads=0)
        return [(int(d), float(s)) for d, s in zip(docs[0], scores[0], strict=False) if s > 0]

    # --- persistence -----------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self.bm25 is not None:
            self.bm25.save(str(tmp / "bm25"))
        with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as fh:
            for cid, meta in zip(self.ids, self.metas, strict=True):
                fh.write(json.dumps({"id": cid, "meta": meta}, ensure_ascii=False) + "\n")
        (tmp / "stamp").write_text(self.stamp)
        old = folder.with_name(folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        tmp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex | None:
        try:
            stamp = (folder / "stamp").read_text()
            ids: list[str] = []
            metas: list[dict[str, Any]] = []
            with (folder / "chunks.jsonl").open(encoding="utf-8") as fh:
                for line in fh:
                    row = json.loads(line)
                    ids.append(row["id"])
                    metas.append(row["meta"])
            bm25 = bm25s.BM25.load(str(folder / "bm25")) if ids else None
        except (OSError, ValueError, KeyError):
            return None
        return cls(ids, metas, bm25, stamp)
