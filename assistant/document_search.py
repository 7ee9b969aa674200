"""Full-text search for the document list: which documents hold every word of a query — in their fields
(title, body, type, dnr, file name) or in their text, through the lexical index with the same Swedish
analysis as search — and each one's best-matching paragraph as a snippet.

A word matches a document's text when some chunk of the document holds the word's stem
(`pulsmätningarna` -> `pulsmätning`), or, for a compound, every one of its parts (`kärnkraftsfrågor` ->
`kärnkraft` + `fråg`). Words that analyse to nothing (stop words) need not match, unless every word does.
The chunks are found through `LexicalIndex.search` under a mask, never by reading the texts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from assistant.catalog import Catalog
from ingest.analyzer import TOKEN, analyze

SNIPPET_CHARS = 240  # length of a snippet, cut at word boundaries
SNIPPET_LEAD = 60  # characters kept before the first matching word
ELLIPSIS = "…"
PARAGRAPH_BREAK = "\n\n"  # how a chunk's text joins its paragraphs (ingest.chunking)


@dataclass(frozen=True)
class QueryWord:
    """One whitespace-separated word of a query: its casefolded form (matched against fields) and the
    token sets that match it in a text: its stems, or its compound parts."""

    text: str
    whole: tuple[str, ...]
    parts: tuple[str, ...]

    @property
    def analysed(self) -> bool:
        return bool(self.whole)


@dataclass(frozen=True)
class TextMatch:
    """A document's best paragraph for a query."""

    score: float
    paragraph_id: str  # full id: <doc>#<section>.p<n>
    section: str
    pages: tuple[int, ...]
    snippet: str


def query_words(q: str) -> list[QueryWord]:
    out: list[QueryWord] = []
    for raw in q.casefold().split():
        whole = tuple(analyze(raw, split=False))
        every = analyze(raw)
        parts = tuple(t for t in every if t not in whole)
        out.append(QueryWord(raw, whole, parts))
    return out


def _docs_with(catalog: Catalog, token: str, cache: dict[str, set[str]]) -> set[str]:
    """Documents with a chunk whose analysed text holds `token`."""
    if token not in cache:
        rows = [i for i, _ in catalog.index.search([token], len(catalog.index.ids))]
        cache[token] = {str(d) for d in catalog.doc_ids[rows]} if rows else set()
    return cache[token]


def _all_of(catalog: Catalog, tokens: Iterable[str], cache: dict[str, set[str]]) -> set[str]:
    found: set[str] | None = None
    for token in tokens:
        docs = _docs_with(catalog, token, cache)
        found = set(docs) if found is None else found & docs
        if not found:
            return set()
    return found or set()


def matching_documents(catalog: Catalog, q: str, fields: Mapping[str, str]) -> dict[str, TextMatch | None]:
    """The documents of `fields` (doc id -> its searchable field text) holding every word of `q`, each with
    its best paragraph when the words occur in its text (None when only its fields hold them)."""
    words = query_words(q)
    if not words:
        return dict.fromkeys(fields)
    needed = [w for w in words if w.analysed] or words
    cache: dict[str, set[str]] = {}
    in_text = {
        w.text: _all_of(catalog, w.whole, cache) | (_all_of(catalog, w.parts, cache) if w.parts else set())
        for w in needed
    }
    folded = {doc_id: text.casefold() for doc_id, text in fields.items()}
    matched = [d for d, text in folded.items() if all(w.text in text or d in in_text[w.text] for w in needed)]
    in_any_text = {d for d in matched if any(d in in_text[w.text] for w in needed)}
    best = best_paragraphs(catalog, [t for w in needed for t in (*w.whole, *w.parts)], in_any_text)
    return {d: best.get(d) for d in matched}


def best_paragraphs(catalog: Catalog, tokens: list[str], doc_ids: set[str]) -> dict[str, TextMatch]:
    """Each document's best chunk for `tokens` (BM25 over the chunks of these documents only), read down to
    the paragraph that holds most of the tokens."""
    if not doc_ids or not tokens:
        return {}
    mask = catalog.docs_mask(doc_ids)
    ranked = catalog.index.search(tokens, int(mask.sum()), mask)
    wanted = set(tokens)
    out: dict[str, TextMatch] = {}
    for i, score in ranked:
        doc_id = str(catalog.doc_ids[i])
        if doc_id in out:
            continue
        out[doc_id] = _paragraph_match(catalog, i, score, wanted)
        if len(out) == len(doc_ids):
            break
    return out


def _paragraph_match(catalog: Catalog, i: int, score: float, wanted: set[str]) -> TextMatch:
    chunk = catalog.chunk(i)
    texts = chunk.text.split(PARAGRAPH_BREAK)
    ids = list(chunk.paragraph_ids)
    if len(texts) != len(ids):  # a long paragraph split over chunks: the chunk is one piece of it
        texts = [chunk.text]
        ids = ids[:1]
    scored = [(len(wanted.intersection(analyze(text))), -n) for n, text in enumerate(texts)]
    n = -max(scored)[1]
    paragraph = ids[n] if ids else ""
    return TextMatch(
        score=round(float(score), 5),
        paragraph_id=f"{chunk.doc_id}#{paragraph}" if paragraph else chunk.doc_id,
        section=chunk.section_heading,
        pages=chunk.pages,
        snippet=snippet(texts[n], wanted),
    )


def snippet(text: str, wanted: set[str], length: int = SNIPPET_CHARS) -> str:
    """`text` on one line, cut to about `length` characters around the first word whose tokens are wanted."""
    flat = " ".join(text.split())
    if len(flat) <= length:
        return flat
    first = next((m.start() for m in TOKEN.finditer(flat) if wanted.intersection(analyze(m.group()))), 0)
    start = max(0, first - SNIPPET_LEAD)
    if start:
        space = flat.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(flat), start + length)
    if end < len(flat):
        space = flat.rfind(" ", start, end)
        end = space if space > first else end
    head = ELLIPSIS + " " if start else ""
    tail = " " + ELLIPSIS if end < len(flat) else ""
    return f"{head}{flat[start:end].strip()}{tail}"
