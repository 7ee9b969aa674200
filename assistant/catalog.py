"""What retrieval needs in memory: the lexical index, per-chunk metadata as arrays for fast filter masks,
and a small cache of parsed documents for citations. Reloaded when the store's generation changes."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial

import numpy as np

from assistant import bodies as body_mod
from assistant.schemas import Filters
from ingest import dnr as dnr_mod
from ingest.analyzer import analyze
from ingest.chunk_meta import ChunkMeta
from ingest.dates import DATE, MONTHS, to_iso
from ingest.lexical import PARTY_BITS, LexicalIndex, RowSequence, party_bits
from ingest.models import Document
from ingest.pipeline import Ingestor

# Words every body name shares: they say nothing about which body it is.
BODY_WORDS = set(analyze("nämnden styrelsen förvaltningen kontoret utskottet fullmäktige"))


LETTERHEAD_CHARS = 1500  # the top of a document's head, where it says whose it is
SPEAKER_CANDIDATES = 5000  # head chunks the lexical index proposes for a place, checked for a letterhead
DATE_CANDIDATES = 50  # chunks the lexical index proposes for a date, checked for stating it
OWN_PLACE_MENTIONS = 3  # chunks of one document naming a place: the document is from (or about) that place
CHUNK_CACHE = 65_536  # decoded chunks kept (a question reads tens to a few thousand)


class Catalog:
    def __init__(self, ingestor: Ingestor, check_every: float = 2.0) -> None:
        self.ingestor = ingestor
        self.check_every = check_every
        self._lock = threading.Lock()
        self._checked = 0.0
        self._docs: OrderedDict[str, Document] = OrderedDict()
        self.index = self._load()
        self._arrays()

    # --- freshness -------------------------------------------------------------------------------
    def _load(self) -> LexicalIndex:
        stamp = self.ingestor.lexical_stamp()
        index = LexicalIndex.load(self.ingestor.lexical_dir)
        if index is None or index.stamp != stamp:
            index = self.ingestor.rebuild_lexical()
        return index

    def refresh(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._checked < self.check_every:
            return
        with self._lock:
            self._checked = now
            if force or self.ingestor.lexical_stamp() != self.index.stamp:
                fresh = Catalog.__new__(Catalog)
                fresh.index = self._load()
                fresh._arrays()
                # swap the whole state at once: a request never sees a new index with old arrays
                self.__dict__.update({k: v for k, v in fresh.__dict__.items()})
                self._docs.clear()

    def _arrays(self) -> None:
        """Arrays and look-ups over the loaded index: per-document columns broadcast to chunks through each
        chunk's document code (no Python object per chunk); chunk texts stay in the index's memory map."""
        index = self.index
        docs = index.docs
        self._codes = np.asarray(index.chunk_doc, dtype=np.int32)
        codes = self._codes
        self._doc_names = np.array(docs["doc_id"], dtype=object)
        self._doc_types = np.array(docs["doc_type"], dtype=object)
        self._doc_bodies = np.array([str(b or "") for b in docs["body"]], dtype=object)
        self._doc_units = np.array([str(u or "") for u in docs["unit"]], dtype=object)
        self._doc_orgs = np.array([str(o or "").casefold() for o in docs["organisation"]], dtype=object)
        self.doc_ids = self._doc_names[codes]
        self.years = np.asarray(docs["year"], dtype=np.int32)[codes]
        self.types = self._doc_types[codes]
        self.bodies = self._doc_bodies[codes]
        self.units = self._doc_units[codes]
        self._chunk_cache: dict[int, ChunkMeta] = {}
        self.chunks = RowSequence(self.chunk, len(index))
        self.by_dnr = _DnrRows(index)
        order = np.argsort(codes, kind="stable")
        starts = np.searchsorted(codes[order], np.arange(len(self._doc_names) + 1))
        self._doc_order, self._doc_starts = order, starts
        self.doc_fields = _DocFields(index.doc_code, lambda code: self.chunk(int(order[starts[code]])))
        self.body_names = sorted({b for b in self._doc_bodies if b} | {u for u in self._doc_units if u})
        self._mask_cache: dict[tuple[str, ...], np.ndarray] = {}
        derived = index.derived
        self.place_tokens = set(derived.place_tokens)
        self._ref_docs = {ref: {str(self._doc_names[d]) for d in found} for ref, found in derived.refs.items()}
        self.refs = set(self._ref_docs)
        # what names a document: its title, or a section heading (a § item's rubrik), for "riktlinjen för X"
        self._names = [(frozenset(t), {str(self._doc_names[d]) for d in found}) for t, found in derived.names]
        self._place_docs: dict[str, bool] = {}
        self._doc_dates = {str(d)[:10] for d in docs["date"] if d}
        # the chunk a document opens with (its letterhead): the head chunk holding the first paragraph
        self._head_mask = np.asarray(index.head, dtype=bool)
        self._who = {
            str(d): f"{t} {b or ''} {o or ''}".lower()
            for d, t, b, o in zip(docs["doc_id"], docs["title"], docs["body"], docs["organisation"], strict=True)
        }

    # --- chunks ----------------------------------------------------------------------------------
    def chunk(self, i: int) -> ChunkMeta:
        i = int(i)
        found = self._chunk_cache.get(i)
        if found is None:
            if len(self._chunk_cache) >= CHUNK_CACHE:
                self._chunk_cache.clear()
            found = self._chunk_cache[i] = ChunkMeta.decode(self.index.meta(i))
        return found

    def text(self, i: int) -> str:
        """A chunk's text, read from the index without decoding the rest of its metadata."""
        return str(self.index.records[int(i)].get("text", ""))

    def paragraph_ids(self, i: int) -> tuple[str, ...]:
        return self.chunk(i).paragraph_ids

    def chunks_of(self, doc_id: str) -> list[int]:
        code = self.index.doc_code.get(doc_id)
        if code is None:
            return []
        return [int(i) for i in self._doc_order[self._doc_starts[code] : self._doc_starts[code + 1]]]

    def docs_mask(self, doc_ids: Iterable[str]) -> np.ndarray:
        """Chunks of these documents (a mask through document codes: no comparison of strings per chunk)."""
        wanted = np.zeros(len(self._doc_names), dtype=bool)
        wanted[[c for d in doc_ids if (c := self.index.doc_code.get(d)) is not None]] = True
        return wanted[self._codes]

    # --- filters ---------------------------------------------------------------------------------
    def mask(
        self, filters: Filters, bodies: list[str] | None = None, dnr: list[str] | None = None
    ) -> np.ndarray | None:
        n = len(self.index.ids)
        if n == 0:
            return None
        mask = np.ones(n, dtype=bool)
        if filters.body:
            mask &= self._cached(("body", filters.body), partial(self._body_mask, filters.body))
        if bodies:  # bodies a question names: any of them ("vad föreslog nämnden kommunstyrelsen")
            mask &= np.logical_or.reduce([self._cached(("body", b), partial(self._body_mask, b)) for b in bodies])
        if filters.organisation:
            wanted = filters.organisation
            mask &= self._cached(("organisation", wanted), partial(self._organisation_mask, wanted))
        if filters.doc_type:
            mask &= self.type_mask(filters.doc_type)
        if filters.year_from:
            mask &= self.years >= filters.year_from
        if filters.year_to:
            mask &= (self.years <= filters.year_to) & (self.years > 0)
        for value in ([filters.dnr] if filters.dnr else []) + list(dnr or []):
            hit = np.zeros(n, dtype=bool)
            hit[self.index.dnr_rows(dnr_mod.key(value))] = True
            mask &= hit
        if filters.doc_id:
            mask &= self.docs_mask([filters.doc_id])
        return mask

    def type_mask(self, doc_types: Iterable[str]) -> np.ndarray:
        """Chunks of documents of these types (compared per document, broadcast to chunks; cached)."""
        wanted = sorted(doc_types)
        return self._cached(("type", *wanted), lambda: np.isin(self._doc_types, wanted)[self._codes])

    def _cached(self, key: tuple[str, ...], build: Callable[[], np.ndarray]) -> np.ndarray:
        if key not in self._mask_cache:
            if len(self._mask_cache) > 512:
                self._mask_cache.clear()
            self._mask_cache[key] = build()
        return self._mask_cache[key]

    def _body_mask(self, body: str) -> np.ndarray:
        names = [b for b in self.body_names if body_mod.matches(body, b)]
        return (np.isin(self._doc_bodies, names) | np.isin(self._doc_units, names))[self._codes]

    def _organisation_mask(self, organisation: str) -> np.ndarray:
        """Chunks of the documents of an organisation: each of its words begins a word of theirs."""
        words = organisation.casefold().split()
        hit = np.array(
            [all(any(h.startswith(w) for h in o.split()) for w in words) if o else False for o in self._doc_orgs],
            dtype=bool,
        )
        return hit[self._codes]

    def known_body(self, body: str) -> bool:
        return any(body_mod.matches(body, b) for b in self.body_names)

    def ref_mask(self, ref: str) -> np.ndarray:
        """Chunks of the documents that name a remiss reference (a betänkande or departementsserie)."""
        return self._cached(("ref", ref), lambda: self.docs_mask(self._ref_docs.get(ref, set())))

    def known_ref(self, ref: str) -> bool:
        return ref in self.refs

    def known_place(self, place: str) -> bool:
        """A place some document is from: named in a title, body or head, or written again and again in
        one document's text (as a document about its own municipality does, unlike a remiss list)."""
        tokens = analyze(place, split=False)
        if bool(tokens) and all(t in self.place_tokens for t in tokens):
            return True
        if place not in self._place_docs:
            self._place_docs[place] = self._repeated_in_one_document(place)
        return self._place_docs[place]

    def _repeated_in_one_document(self, place: str) -> bool:
        """Some document's text holds `place` in `OWN_PLACE_MENTIONS` chunks. Only the chunks the lexical
        index lists under all of the place's words are read."""
        tokens = analyze(place, split=False)
        if not tokens:
            return False
        rows = self.index.rows_with(tokens[0])
        for token in tokens[1:]:
            rows = np.intersect1d(rows, self.index.rows_with(token), assume_unique=True)
        counts: dict[int, int] = {}
        for i in rows:
            if place in self.text(int(i)):
                code = int(self._codes[i])
                counts[code] = counts.get(code, 0) + 1
                if counts[code] >= OWN_PLACE_MENTIONS:
                    return True
        return False

    def party_mask(self, parties: list[str], statements_only: bool = False) -> np.ndarray:
        """Chunks of party statements by any of these parties, or (unless `statements_only`) text naming
        them as `(S)`."""
        bits = party_bits(parties)
        mask = (np.asarray(self.index.party_bits) & bits) != 0
        if not statements_only:
            mask |= (np.asarray(self.index.mark_bits) & bits) != 0
        unknown = [p for p in parties if p not in PARTY_BITS]
        if unknown:  # a code outside the known parties: read the chunks (rare, and slow at scale)
            marks = [] if statements_only else [f"({p})" for p in unknown]
            mask |= np.array(
                [bool(set(unknown).intersection(c.parties)) or any(m in c.text for m in marks) for c in self.chunks],
                dtype=bool,
            )
        return mask

    def named_documents(self, words: str) -> set[str]:
        """Documents with a title or heading holding all these words ("riktlinje anhörigstöd")."""
        wanted = set(analyze(words))
        return {d for name, docs in self._names if wanted and wanted <= name for d in docs}

    def names_document(self, words: str) -> bool:
        return bool(self.named_documents(words))

    def named_mask(self, words: str) -> np.ndarray:
        """Chunks of the documents a question names by kind and subject."""
        return self._cached(("named", words), lambda: self.docs_mask(self.named_documents(words)))

    def speaker_mask(self, place: str) -> np.ndarray:
        """Chunks of the documents that speak for a place: their title, body or organisation names it, or
        the top of their head (the letterhead) does. Found through arrays and the lexical index, cached."""

        def build() -> np.ndarray:
            wanted = place.lower()
            docs = {d for d, who in self._who.items() if wanted in who}
            tokens = analyze(place, split=False)
            for i, _ in self.index.search(tokens, SPEAKER_CANDIDATES, self._head_mask):
                if wanted in self.text(i)[:LETTERHEAD_CHARS].lower():
                    docs.add(str(self._doc_names[self._codes[i]]))
            return self.docs_mask(docs)

        return self._cached(("speaker", place), build)

    def mentioned(self, name: str) -> bool:
        """The distinctive words of `name` (not "nämnd", "styrelse" …) all occur somewhere in the indexed text."""
        tokens = [t for t in analyze(name.replace("-", " ")) if t not in BODY_WORDS]
        return all(t in self.index.vocab for t in tokens)

    def known_date(self, iso: str) -> bool:
        """A document is dated `iso`, or some text states that date (in ISO or Swedish form). The texts
        are not scanned: the lexical index finds the few chunks holding the date's words, which are checked."""
        if iso in self._doc_dates:
            return True
        year, month, day = iso[:4], int(iso[5:7]), int(iso[8:10])
        name = next((m for m, n in MONTHS.items() if n == month), "")
        tokens = analyze(f"{iso} {day} {name} {year}")
        for i, _ in self.index.search(tokens, DATE_CANDIDATES):
            if any(to_iso(m.group(1)) == iso for m in DATE.finditer(self.text(i))):
                return True
        return False

    def known_dnr(self, value: str) -> bool:
        return len(self.index.dnr_rows(dnr_mod.key(value))) > 0

    # --- documents -------------------------------------------------------------------------------
    def document(self, doc_id: str) -> Document | None:
        with self._lock:
            if doc_id in self._docs:
                self._docs.move_to_end(doc_id)
                return self._docs[doc_id]
        doc = self.ingestor.store.get_document(doc_id)
        if doc is not None:
            with self._lock:
                self._docs[doc_id] = doc
                while len(self._docs) > 256:
                    self._docs.popitem(last=False)
        return doc


class _DocFields(Mapping[str, ChunkMeta]):
    """A document's fields (its first chunk), decoded when asked for."""

    def __init__(self, codes: dict[str, int], first: Callable[[int], ChunkMeta]) -> None:
        self._codes = codes
        self._first = first

    def __getitem__(self, doc_id: str) -> ChunkMeta:
        return self._first(self._codes[doc_id])

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._codes

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)


class _DnrRows(Mapping[str, set[int]]):
    """dnr key -> the chunks filed under it, read from the index's postings."""

    def __init__(self, index: LexicalIndex) -> None:
        self._index = index

    def __getitem__(self, key: str) -> set[int]:
        rows = self._index.dnr_rows(key)
        if not len(rows):
            raise KeyError(key)
        return {int(r) for r in rows}

    def __iter__(self) -> Iterator[str]:
        return iter(self._index.dnr_keys())

    def __len__(self) -> int:
        return len(list(self._index.dnr_keys()))
