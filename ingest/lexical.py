"""The Swedish lexical index (bm25s over analysed tokens), persisted beside Chroma and rebuildable from it.

Alongside the BM25 matrix it keeps each chunk's metadata, so filters become masks over the index and
citations need no second round-trip to Chroma. On disk the metadata is columnar: fixed-width numpy arrays
(memory-mapped) for what filters read — the chunk's document, head flag, party bits, chunk ids — one JSON
table of document-level fields (shared by a document's chunks), and the per-chunk fields (text, section,
paragraph ids …) as JSON records in one blob read through a memory map, decoded only when a chunk is read.
A process that loads the index therefore holds no Python object per chunk.

Each save writes a new, immutable generation folder and then points `CURRENT` at it (an atomic rename), so a
reader in another process sees the old index or the new one, never half of one. The two newest generations
are kept; older ones are removed (a reader that mapped one keeps its open files).
"""

from __future__ import annotations

import json
import mmap
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, overload

import bm25s
import numpy as np

from ingest import dnr as dnr_mod
from ingest.analyzer import analyze
from ingest.parties import PARTIES
from ingest.refs import REF, normalize_ref

T = TypeVar("T")

FORMAT = "columnar-1"  # part of the stamp: an index stored in another layout is rebuilt
CURRENT = "CURRENT"
GENERATION_PREFIX = "g-"
KEEP_GENERATIONS = 2
LOAD_ATTEMPTS = 3  # CURRENT may move on between reading it and opening its folder: read it again
EMPTY_TOKEN = "∅"

# Fields every chunk of a document shares: stored once per document.
DOC_KEYS = ("doc_id", "title", "doc_type", "body", "unit", "organisation", "date", "year", "doc_dnr", "source_file")
DOC_FLAGS = ("ocr",)
# Party codes as bits: a chunk's statement parties and the `(S)` marks in its text.
PARTY_BITS = {code: 1 << i for i, code in enumerate(sorted(PARTIES))}
HEAD_KIND = "head"
FIRST_PARAGRAPH = "s0.p1"


def party_bits(codes: Iterable[str]) -> int:
    bits = 0
    for code in codes:
        bits |= PARTY_BITS.get(code, 0)
    return bits


def _json_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        return list(json.loads(value or "[]"))
    return list(value or [])


class ChunkIds(Sequence[str]):
    """Chunk ids as one fixed-width byte array (memory-mapped), with a sorted order for look-ups."""

    def __init__(self, raw: np.ndarray, order: np.ndarray) -> None:
        self.raw = raw
        self.order = order

    def __len__(self) -> int:
        return int(self.raw.shape[0])

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...
    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [bytes(v).decode("utf-8") for v in self.raw[i]]
        return bytes(self.raw[i]).decode("utf-8")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ChunkIds):
            return bool(np.array_equal(self.raw, other.raw))
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def find(self, cid: str) -> int | None:
        if not len(self):
            return None
        key = cid.encode("utf-8")
        if len(key) > self.raw.dtype.itemsize:
            return None
        at = int(np.searchsorted(self.raw, np.bytes_(key), sorter=self.order))
        if at < len(self) and bytes(self.raw[self.order[at]]) == key:
            return int(self.order[at])
        return None


class ChunkPositions(Mapping[str, int]):
    """Chunk id -> row, without a dict of every id."""

    def __init__(self, ids: ChunkIds) -> None:
        self.ids = ids

    def __getitem__(self, cid: str) -> int:
        found = self.ids.find(cid)
        if found is None:
            raise KeyError(cid)
        return found

    def __contains__(self, cid: object) -> bool:
        return isinstance(cid, str) and self.ids.find(cid) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


class RowSequence(Sequence[T]):
    """Rows read one at a time by `read(i)`: a sequence that holds no object per row."""

    def __init__(self, read: Callable[[int], T], n: int) -> None:
        self._read = read
        self._n = n

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> list[T]: ...
    def __getitem__(self, i: int | slice) -> T | list[T]:
        if isinstance(i, slice):
            return [self._read(j) for j in range(*i.indices(self._n))]
        if not -self._n <= i < self._n:
            raise IndexError(i)
        return self._read(int(i) % self._n)


class Records(RowSequence[dict[str, Any]]):
    """Per-chunk JSON records in one blob, read through a memory map and decoded one at a time."""

    def __init__(self, blob: bytes | mmap.mmap, offsets: np.ndarray) -> None:
        super().__init__(self._record, max(0, int(offsets.shape[0]) - 1))
        self.blob = blob
        self.offsets = offsets

    def _record(self, i: int) -> dict[str, Any]:
        start, end = int(self.offsets[i]), int(self.offsets[i + 1])
        return dict(json.loads(self.blob[start:end]))


@dataclass
class Derived:
    """What the catalogue asks of the whole archive, computed once when the index is built: the tokens of
    every title, body, organisation and letterhead (where a document is from), which documents name each
    SOU/Ds/prop, and each title's or heading's tokens with the documents it names."""

    place_tokens: list[str] = field(default_factory=list)
    refs: dict[str, list[int]] = field(default_factory=dict)
    names: list[tuple[list[str], list[int]]] = field(default_factory=list)


class _Builder:
    """Accumulates the columns while the chunks stream past."""

    def __init__(self) -> None:
        self.ids: list[bytes] = []
        self.tokens: list[list[str]] = []
        self.chunk_doc: list[int] = []
        self.head: list[bool] = []
        self.parties: list[int] = []
        self.marks: list[int] = []
        self.records = bytearray()
        self.offsets: list[int] = [0]
        self.doc_code: dict[str, int] = {}
        self.docs: dict[str, list[Any]] = {key: [] for key in (*DOC_KEYS, *DOC_FLAGS)}
        self.dnr: dict[str, list[int]] = {}
        self.place: set[str] = set()
        self.refs: dict[str, set[int]] = {}
        self.named: dict[str, set[int]] = {}

    def add(self, cid: str, text: str, meta: dict[str, Any]) -> None:
        i = len(self.ids)
        self.ids.append(cid.encode("utf-8"))
        self.tokens.append(analyze(text) or [EMPTY_TOKEN])
        doc = self._doc(meta)
        self.chunk_doc.append(doc)
        own = {k: v for k, v in meta.items() if k not in DOC_KEYS and k not in DOC_FLAGS}
        self.records += json.dumps(own, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self.offsets.append(len(self.records))
        kind, chunk_text = str(meta.get("section_kind", "")), str(meta.get("text", ""))
        self.head.append(kind == HEAD_KIND and FIRST_PARAGRAPH in _json_list(meta.get("paragraph_ids")))
        self.parties.append(party_bits(_json_list(meta.get("parties"))))
        self.marks.append(party_bits(code for code in PARTY_BITS if f"({code})" in chunk_text))
        for value in _json_list(meta.get("dnr")) + _json_list(meta.get("doc_dnr")):
            rows = self.dnr.setdefault(dnr_mod.key(str(value)), [])
            if not rows or rows[-1] != i:
                rows.append(i)
        if kind == HEAD_KIND:
            self.place.update(analyze(chunk_text, split=False))
        title = str(meta.get("title", ""))
        for r in REF.finditer(f"{title} {chunk_text}"):
            self.refs.setdefault(normalize_ref(*r.groups()), set()).add(doc)
        for name in (title, str(meta.get("section_heading", ""))):
            if name:
                self.named.setdefault(name, set()).add(doc)

    def _doc(self, meta: dict[str, Any]) -> int:
        doc_id = str(meta["doc_id"])
        if doc_id in self.doc_code:
            return self.doc_code[doc_id]
        code = self.doc_code[doc_id] = len(self.doc_code)
        for key in DOC_KEYS:
            self.docs[key].append(meta.get(key, "") if key != "year" else int(meta.get("year") or 0))
        for flag in DOC_FLAGS:
            self.docs[flag].append(bool(meta.get(flag, False)))
        who = f"{meta.get('title', '')} {meta.get('body') or ''} {meta.get('organisation') or ''}"
        self.place.update(analyze(who, split=False))
        return code

    def derived(self) -> Derived:
        return Derived(
            place_tokens=sorted(self.place),
            refs={ref: sorted(docs) for ref, docs in self.refs.items()},
            names=[(sorted(set(analyze(name))), sorted(docs)) for name, docs in self.named.items()],
        )


class LexicalIndex:
    def __init__(
        self,
        bm25: bm25s.BM25 | None,
        stamp: str,
        ids: ChunkIds,
        records: Records,
        columns: dict[str, np.ndarray],
        docs: dict[str, list[Any]],
        dnr: tuple[list[str], np.ndarray, np.ndarray],
        derived: Derived,
    ) -> None:
        self.bm25 = bm25
        self.stamp = stamp
        self.ids = ids
        self.position = ChunkPositions(ids)
        self.records = records
        self.chunk_doc = columns["chunk_doc"]
        self.head = columns["head"]
        self.party_bits = columns["parties"]
        self.mark_bits = columns["marks"]
        self.docs = docs
        self.doc_code = {d: i for i, d in enumerate(docs["doc_id"])}
        keys, self._dnr_indptr, self._dnr_rows = dnr
        self._dnr_code = {k: i for i, k in enumerate(keys)}
        self.derived = derived
        self.vocab: dict[str, int] = bm25.vocab_dict if bm25 is not None else {}
        self._df = np.diff(np.asarray(bm25.scores["indptr"])) if bm25 is not None else np.zeros(0, dtype=np.int64)

    # --- building --------------------------------------------------------------------------------
    @classmethod
    def build(cls, rows: Iterable[tuple[str, str, dict[str, Any]]], stamp: str) -> LexicalIndex:
        b = _Builder()
        for cid, text, meta in rows:
            b.add(cid, text, meta)
        bm25 = None
        if b.ids:
            bm25 = bm25s.BM25(k1=1.2, b=0.75)
            bm25.index(b.tokens, show_progress=False)
        b.tokens = []
        raw = np.array(b.ids, dtype=bytes) if b.ids else np.zeros(0, dtype="S1")
        columns = {
            "chunk_doc": np.array(b.chunk_doc, dtype=np.int32),
            "head": np.array(b.head, dtype=bool),
            "parties": np.array(b.parties, dtype=np.int32),
            "marks": np.array(b.marks, dtype=np.int32),
        }
        keys = sorted(b.dnr)
        indptr = np.cumsum([0, *(len(b.dnr[k]) for k in keys)], dtype=np.int64)
        dnr_rows = np.array([r for k in keys for r in b.dnr[k]], dtype=np.int32)
        return cls(
            bm25,
            stamp,
            ChunkIds(raw, np.argsort(raw, kind="stable")),
            Records(bytes(b.records), np.array(b.offsets, dtype=np.int64)),
            columns,
            b.docs,
            (keys, indptr, dnr_rows),
            b.derived(),
        )

    # --- reading ---------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.ids)

    def meta(self, i: int) -> dict[str, Any]:
        """A chunk's flat metadata, as Chroma holds it."""
        doc = int(self.chunk_doc[i])
        out = {key: self.docs[key][doc] for key in (*DOC_KEYS, *DOC_FLAGS)}
        out.update(self.records[i])
        return out

    @property
    def metas(self) -> Sequence[dict[str, Any]]:
        return RowSequence(self.meta, len(self))

    def dnr_rows(self, key: str) -> np.ndarray:
        """Rows of the chunks filed under a dnr key (`ingest.dnr.key`)."""
        code = self._dnr_code.get(key)
        if code is None:
            return np.zeros(0, dtype=np.int32)
        return np.asarray(self._dnr_rows[self._dnr_indptr[code] : self._dnr_indptr[code + 1]])

    def dnr_keys(self) -> Iterable[str]:
        return self._dnr_code.keys()

    def rows_with(self, token: str) -> np.ndarray:
        """Rows of the chunks whose analysed text holds `token` (its column of the BM25 matrix)."""
        column = self.vocab.get(token)
        if self.bm25 is None or column is None:
            return np.zeros(0, dtype=np.int32)
        indptr = self.bm25.scores["indptr"]
        return np.asarray(self.bm25.scores["indices"][indptr[column] : indptr[column + 1]])

    def idf(self, token: str) -> float:
        """IDF of a token; tokens the index has never seen get the highest weight."""
        n = len(self.ids)
        column = self.vocab.get(token)
        if column is not None and column < len(self._df):
            df = float(self._df[column])
            return float(np.log(1 + (n - df + 0.5) / (df + 0.5)))
        return float(np.log(1 + (n + 0.5) / 0.5)) if n else 1.0

    def search(self, tokens: list[str], k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The `k` best chunks for `tokens` (BM25 summed over the tokens' columns, as bm25s scores them),
        best first, ties by row; `mask` weights (or excludes) chunks. The top k is selected among the chunks
        the tokens' postings list, not over every chunk of the archive (bm25s' `retrieve` partitions an array
        of the archive's length per query: ~16 ms at 100k chunks on this machine, linear in the archive)."""
        known = [t for t in tokens if t in self.vocab]
        if self.bm25 is None or not known or k <= 0:
            return []
        matrix = self.bm25.scores
        data, indices, indptr = matrix["data"], matrix["indices"], matrix["indptr"]
        scores = np.zeros(len(self.ids), dtype=np.dtype(self.bm25.dtype))
        for column in (self.vocab[t] for t in known):  # the same float32 sums, in the same order, as bm25s
            start, end = indptr[column], indptr[column + 1]
            scores[indices[start:end]] += data[start:end]  # a column lists a chunk once: no np.add.at needed
        rows = np.flatnonzero(scores)
        values = scores[rows] if mask is None else scores[rows] * mask[rows]
        keep = values > 0
        rows, values = rows[keep], values[keep]
        if len(rows) > k:
            kth = np.partition(values, len(values) - k)[len(values) - k]
            keep = values >= kth  # ties at the k-th score all stay, and the order below breaks them
            rows, values = rows[keep], values[keep]
        order = np.lexsort((rows, -values))[:k]
        return [(int(r), float(s)) for r, s in zip(rows[order], values[order], strict=True)]

    # --- persistence -----------------------------------------------------------------------------
    def save(self, folder: Path) -> Path:
        """Write a new generation under `folder` and make it the current one. Returns its path."""
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{GENERATION_PREFIX}{uuid.uuid4().hex[:12]}"
        tmp = folder / f".{name}.tmp"
        tmp.mkdir()
        if self.bm25 is not None:
            self.bm25.save(str(tmp / "bm25"), show_progress=False)
        np.save(tmp / "ids.npy", self.ids.raw)
        np.save(tmp / "id_order.npy", self.ids.order)
        for key, column in (
            ("chunk_doc", self.chunk_doc),
            ("head", self.head),
            ("parties", self.party_bits),
            ("marks", self.mark_bits),
        ):
            np.save(tmp / f"{key}.npy", column)
        (tmp / "records.bin").write_bytes(bytes(self.records.blob))
        np.save(tmp / "record_offsets.npy", self.records.offsets)
        np.save(tmp / "dnr_indptr.npy", self._dnr_indptr)
        np.save(tmp / "dnr_rows.npy", self._dnr_rows)
        tables = {
            "docs": self.docs,
            "dnr_keys": list(self._dnr_code),
            "place_tokens": self.derived.place_tokens,
            "refs": self.derived.refs,
            "names": self.derived.names,
        }
        (tmp / "tables.json").write_text(json.dumps(tables, ensure_ascii=False), encoding="utf-8")
        (tmp / "stamp").write_text(self.stamp)
        final = folder / name
        tmp.rename(final)
        pointer = folder / f".{CURRENT}.{name}.tmp"
        pointer.write_text(name)
        os.replace(pointer, folder / CURRENT)
        _prune(folder, keep=name)
        return final

    @staticmethod
    def current(folder: Path) -> Path | None:
        try:
            name = (folder / CURRENT).read_text().strip()
        except OSError:
            return None
        return folder / name if name.startswith(GENERATION_PREFIX) else None

    @classmethod
    def stored_stamp(cls, folder: Path) -> str | None:
        """The stamp of the current generation on disk, without loading it."""
        current = cls.current(folder)
        try:
            return (current / "stamp").read_text() if current is not None else None
        except OSError:
            return None

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex | None:
        for _ in range(LOAD_ATTEMPTS):
            current = cls.current(folder)
            if current is None:
                return None
            try:
                return cls._load_generation(current)
            except (OSError, ValueError, KeyError):
                continue  # replaced and pruned while we opened it: read CURRENT again
        return None

    @classmethod
    def _load_generation(cls, path: Path) -> LexicalIndex:
        stamp = (path / "stamp").read_text()
        tables = json.loads((path / "tables.json").read_text(encoding="utf-8"))

        def column(name: str) -> np.ndarray:
            return np.load(path / f"{name}.npy", mmap_mode="r")

        ids = ChunkIds(column("ids"), column("id_order"))
        bm25 = None
        if len(ids):
            bm25 = bm25s.BM25.load(str(path / "bm25"), mmap=True, show_progress=False)
        with (path / "records.bin").open("rb") as fh:
            blob: bytes | mmap.mmap = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if len(ids) else b""
        columns = {name: column(name) for name in ("chunk_doc", "head", "parties", "marks")}
        derived = Derived(
            place_tokens=list(tables["place_tokens"]),
            refs={k: list(v) for k, v in tables["refs"].items()},
            names=[(list(t), list(d)) for t, d in tables["names"]],
        )
        return cls(
            bm25,
            stamp,
            ids,
            Records(blob, column("record_offsets")),
            columns,
            tables["docs"],
            (list(tables["dnr_keys"]), column("dnr_indptr"), column("dnr_rows")),
            derived,
        )


def _prune(folder: Path, keep: str) -> None:
    """Remove generations beyond the newest `KEEP_GENERATIONS` (by modification time; `keep` always stays),
    and what an older layout left (chunks.jsonl, bm25/, stamp at the top)."""
    generations = sorted(
        (p for p in folder.iterdir() if p.is_dir() and p.name.startswith(GENERATION_PREFIX)),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in [p for p in generations[KEEP_GENERATIONS:] if p.name != keep]:
        shutil.rmtree(old, ignore_errors=True)
    for legacy in ("chunks.jsonl", "stamp"):
        (folder / legacy).unlink(missing_ok=True)
    shutil.rmtree(folder / "bm25", ignore_errors=True)
