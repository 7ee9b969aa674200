"""One document per text: near-duplicate detection with MinHash over word shingles (datasketch).

A scanned PDF and its OCR text, a plan as PDF and as plain text, are one text filed twice. Their documents'
paragraph texts share nearly all word 3-shingles; the estimated Jaccard similarity of the shingle sets tells
them apart from documents that only quote each other (measured on the real corpus: the scanned PDF and its OCR
text 0.99; the closest other pair, a tjänsteskrivelse that quotes the yttrande it proposes, 0.41).

Which file is the citable original is `original_rank`: a PDF (pages, a deep link) before a docx before text."""

from __future__ import annotations

import base64
import re

from datasketch import LeanMinHash, MinHash, MinHashLSH

SHINGLE_WORDS = 3
NUM_PERM = 128
SEED = 1
THRESHOLD = 0.8  # estimated Jaccard of the shingle sets at or above which two texts are one
WORD = re.compile(r"\w+")
FORMAT_RANK = {"pdf": 0, "docx": 1, "md": 2, "txt": 3}


def shingles(text: str) -> set[bytes]:
    """The word 3-grams of a text, case-folded; a text shorter than that is its words."""
    words = WORD.findall(text.casefold())
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + SHINGLE_WORDS]).encode() for i in range(len(words) - SHINGLE_WORDS + 1)}


def signature(text: str) -> LeanMinHash | None:
    """The MinHash of a text's shingles; None for a text without words (it has no twin)."""
    grams = shingles(text)
    if not grams:
        return None
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED)
    minhash.update_batch(list(grams))
    return LeanMinHash(minhash)


def encode(sig: LeanMinHash) -> str:
    """The signature in datasketch's own serialised form (it records the permutation scheme), as base64."""
    buf = bytearray(sig.bytesize())
    sig.serialize(buf)
    return base64.b64encode(bytes(buf)).decode("ascii")


def decode(text: str) -> LeanMinHash:
    return LeanMinHash.deserialize(base64.b64decode(text))


def original_rank(fmt: str, pages: int) -> tuple[int, int]:
    """Lower is the better original: a PDF with pages first, then docx, markdown, plain text."""
    return FORMAT_RANK.get(fmt, len(FORMAT_RANK)), 0 if pages else 1


class TwinIndex:
    """Signatures of known texts, queried for a new text's twin (LSH candidates, then the estimate checked)."""

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._sigs: dict[str, LeanMinHash] = {}

    def __contains__(self, key: str) -> bool:
        return key in self._sigs

    def __len__(self) -> int:
        return len(self._sigs)

    def add(self, key: str, sig: LeanMinHash) -> None:
        if key in self._sigs:
            self.remove(key)
        self._sigs[key] = sig
        self._lsh.insert(key, sig)

    def remove(self, key: str) -> None:
        if self._sigs.pop(key, None) is not None:
            self._lsh.remove(key)

    def twin(self, sig: LeanMinHash, exclude: frozenset[str] = frozenset()) -> tuple[str, float] | None:
        """The most similar known text at or above the threshold, not one of `exclude`: (key, estimated
        Jaccard), else None."""
        best: tuple[str, float] | None = None
        for key in sorted(self._lsh.query(sig)):
            if key in exclude:
                continue
            similarity = float(sig.jaccard(self._sigs[key]))
            if similarity >= self.threshold and (best is None or similarity > best[1]):
                best = (key, similarity)
        return best
