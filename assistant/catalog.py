"""What retrieval needs in memory: the lexical index, per-chunk metadata as arrays for fast filter masks,
and a small cache of parsed documents for citations. Reloaded when the store's generation changes."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import partial

import numpy as np

from assistant import bodies as body_mod
from assistant import mentions
from assistant.schemas import Filters
from ingest import dnr as dnr_mod
from ingest.analyzer import analyze
from ingest.chunk_meta import ChunkMeta
from ingest.dates import DATE, MONTHS, to_iso
from ingest.lexical import LexicalIndex
from ingest.models import Document
from ingest.pipeline import Ingestor

# Words every body name shares: they say nothing about which body it is.
BODY_WORDS = set(analyze("nämnden styrelsen förvaltningen kontoret utskottet fullmäktige"))


LETTERHEAD_CHARS = 1500  # the top of a document's head, where it says whose it is
SPEAKER_CANDIDATES = 5000  # head chunks the lexical index proposes for a place, checked for a letterhead
DATE_CANDIDATES = 50  # chunks the lexical index proposes for a date, checked for stating it
OWN_PLACE_MENTIONS = 3  # chunks of one document naming a place: the document is from (or about) that place


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
        self.chunks = [ChunkMeta.decode(m) for m in self.index.metas]
        chunks = self.chunks
        self.doc_ids = np.array([c.doc_id for c in chunks], dtype=object)
        self.years = np.array([c.year for c in chunks], dtype=np.int32)
        self.types = np.array([c.doc_type for c in chunks], dtype=object)
        self.bodies = np.array([c.body for c in chunks], dtype=object)
        self.units = np.array([c.unit for c in chunks], dtype=object)
        self.by_dnr: dict[str, set[int]] = {}
        self.doc_fields: dict[str, ChunkMeta] = {}  # a document's fields, read from its first chunk
        self._doc_chunks: dict[str, list[int]] = {}
        for i, c in enumerate(chunks):
            for value in c.dnr + c.doc_dnr:
                self.by_dnr.setdefault(dnr_mod.key(value), set()).add(i)
            self.doc_fields.setdefault(c.doc_id, c)
            self._doc_chunks.setdefault(c.doc_id, []).append(i)
        self.body_names = sorted({b for b in self.bodies if b} | {u for u in self.units if u})
        self._mask_cache: dict[tuple[str, ...], np.ndarray] = {}
        heads = (c.text for c in chunks if c.section_kind == "head")  # a document's head names its organisation
        names = " ".join({f"{c.title} {c.body} {c.organisation}" for c in chunks} | set(heads))
        self.place_tokens = set(analyze(names, split=False))
        self._ref_docs: dict[str, set[str]] = {}  # "SOU 2025:7" -> documents whose text names it
        for c in chunks:
            for r in mentions.REF.finditer(f"{c.title} {c.text}"):
                self._ref_docs.setdefault(mentions.normalize_ref(*r.groups()), set()).add(c.doc_id)
        self.refs = set(self._ref_docs)
        # what names a document: its title, or a section heading (a § item's rubrik), for "riktlinjen för X"
        named: dict[str, set[str]] = {}
        for c in chunks:
            for name in (c.title, c.section_heading):
                if name:
                    named.setdefault(name, set()).add(c.doc_id)
        self._names = [(frozenset(analyze(n)), docs) for n, docs in named.items()]
        self._place_docs: dict[str, bool] = {}
        self._doc_dates = {c.date[:10] for c in chunks if c.date}
        # the chunk a document opens with (its letterhead): the head chunk holding the first paragraph
        self._head_mask = np.array(
            [c.section_kind == "head" and "s0.p1" in c.paragraph_ids for c in chunks], dtype=bool
        )
        self._who = {d: f"{c.title} {c.body} {c.organisation}".lower() for d, c in self.doc_fields.items()}

    # --- chunks ----------------------------------------------------------------------------------
    def chunk(self, i: int) -> ChunkMeta:
        return self.chunks[i]

    def paragraph_ids(self, i: int) -> tuple[str, ...]:
        return self.chunks[i].paragraph_ids

    def chunks_of(self, doc_id: str) -> list[int]:
        return self._doc_chunks.get(doc_id, [])

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
        if filters.doc_type:
            key = ("type", *sorted(filters.doc_type))
            mask &= self._cached(key, lambda: np.isin(self.types, list(filters.doc_type or [])))
        if filters.year_from:
            mask &= self.years >= filters.year_from
        if filters.year_to:
            mask &= (self.years <= filters.year_to) & (self.years > 0)
        for value in ([filters.dnr] if filters.dnr else []) + list(dnr or []):
            hit = np.zeros(n, dtype=bool)
            hit[list(self.by_dnr.get(dnr_mod.key(value), set()))] = True
            mask &= hit
        if filters.doc_id:
            mask &= self.doc_ids == filters.doc_id
        return mask

    def _cached(self, key: tuple[str, ...], build: Callable[[], np.ndarray]) -> np.ndarray:
        if key not in self._mask_cache:
            if len(self._mask_cache) > 512:
                self._mask_cache.clear()
            self._mask_cache[key] = build()
        return self._mask_cache[key]

    def _body_mask(self, body: str) -> np.ndarray:
        names = [b for b in self.body_names if body_mod.matches(body, b)]
        return np.isin(self.bodies, names) | np.isin(self.units, names)

    def known_body(self, body: str) -> bool:
        return any(body_mod.matches(body, b) for b in self.body_names)

    def ref_mask(self, ref: str) -> np.ndarray:
        """Chunks of the documents that name a remiss reference (a betänkande or departementsserie)."""
        return self._cached(("ref", ref), lambda: np.isin(self.doc_ids, sorted(self._ref_docs.get(ref, set()))))

    def known_ref(self, ref: str) -> bool:
        return ref in self.refs

    def known_place(self, place: str) -> bool:
        """A place some document is from: named in a title, body or head, or written again and again in
        one document's text (as a document about its own municipality does, unlike a remiss list)."""
        tokens = analyze(place, split=False)
        if bool(tokens) and all(t in self.place_tokens for t in tokens):
            return True
        if place not in self._place_docs:
            counts: dict[str, int] = {}
            for c in self.chunks:
                if place in c.text:
                    counts[c.doc_id] = counts.get(c.doc_id, 0) + 1
            self._place_docs[place] = max(counts.values(), default=0) >= OWN_PLACE_MENTIONS
        return self._place_docs[place]

    def party_mask(self, parties: list[str], statements_only: bool = False) -> np.ndarray:
        """Chunks of party statements by any of these parties, or (unless `statements_only`) text naming
        them as `(S)`."""
        marks = [] if statements_only else [f"({p})" for p in parties]
        wanted = set(parties)
        return np.array(
            [bool(wanted.intersection(c.parties)) or any(mark in c.text for mark in marks) for c in self.chunks],
            dtype=bool,
        )

    def named_documents(self, words: str) -> set[str]:
        """Documents with a title or heading holding all these words ("riktlinje anhörigstöd")."""
        wanted = set(analyze(words))
        return {d for name, docs in self._names if wanted and wanted <= name for d in docs}

    def names_document(self, words: str) -> bool:
        return bool(self.named_documents(words))

    def named_mask(self, words: str) -> np.ndarray:
        """Chunks of the documents a question names by kind and subject."""
        return self._cached(("named", words), lambda: np.isin(self.doc_ids, sorted(self.named_documents(words))))

    def speaker_mask(self, place: str) -> np.ndarray:
        """Chunks of the documents that speak for a place: their title, body or organisation names it, or
        the top of their head (the letterhead) does. Found through arrays and the lexical index, cached."""

        def build() -> np.ndarray:
            wanted = place.lower()
            docs = {d for d, who in self._who.items() if wanted in who}
            tokens = analyze(place, split=False)
            for i, _ in self.index.search(tokens, SPEAKER_CANDIDATES, self._head_mask):
                if wanted in self.chunks[i].text[:LETTERHEAD_CHARS].lower():
                    docs.add(self.chunks[i].doc_id)
            return np.isin(self.doc_ids, sorted(docs))

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
            if any(to_iso(m.group(1)) == iso for m in DATE.finditer(self.chunks[i].text)):
                return True
        return False

    def known_dnr(self, value: str) -> bool:
        return dnr_mod.key(value) in self.by_dnr

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
