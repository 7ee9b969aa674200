"""Document operations behind the API, without HTTP: list with filters, full-text search (assistant.document_search),
facets, order and export over the whole list; fetch, upload, delete.

Uploads go through the same `Ingestor` as `remiss ingest`, in one writer session (the data dir's ingest lock).
An uploaded file is kept under `data_dir/uploads/<name>`, which is its source path: uploading a new version
under the same name replaces the old document, and `remiss ingest --prune` keeps it (its file exists). A name
that had to be sanitised, or that another file of the same upload already took, never replaces a different
document: it gets a suffix from its content. Each file is answered on its own: added, replaced, unchanged or
skipped with a reason — one file's failure never fails the others."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from assistant import bodies as body_mod
from assistant.api.guard import IndexGuard
from assistant.api.models import (
    DocumentListQuery,
    DocumentMatch,
    DocumentPage,
    DocumentQuery,
    DocumentSort,
    DocumentSummary,
    FacetCount,
    Facets,
    SortOrder,
    UploadResult,
)
from assistant.document_search import TextMatch, matching_documents
from assistant.service import AssistantService
from ingest import dnr as dnr_mod
from ingest.models import Document
from ingest.readers import SUPPORTED
from ingest.store import manifest_variants

log = logging.getLogger("remiss.api")
DOC_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
MAX_FILES = 10
UNSAFE = re.compile(r'[<>:"|?*\x00-\x1f\x7f]')


def valid_id(doc_id: str) -> bool:
    return bool(DOC_ID.match(doc_id))


# --- listing ------------------------------------------------------------------------------------------------
def _summary(doc_id: str, meta: dict[str, Any]) -> DocumentSummary:
    try:
        dnr = [str(v) for v in json.loads(meta.get("dnr") or "[]")]
    except (TypeError, ValueError):
        dnr = []
    year = int(meta.get("year") or 0)
    return DocumentSummary(
        id=doc_id,
        title=str(meta.get("title") or ""),
        doc_type=str(meta.get("doc_type") or "other"),
        body=meta.get("body") or None,
        organisation=meta.get("organisation") or None,
        date=meta.get("date") or None,
        year=year or None,
        dnr=dnr,
        paragraphs=int(meta.get("paragraphs") or 0),
        pages=int(meta.get("pages") or 0),
        source_file=str(meta.get("source_file") or ""),
        variants=[v["file"] for v in manifest_variants(meta) if v.get("file")],
    )


def _fields(d: DocumentSummary) -> str:
    """What the list's `q` matches besides the text: title, body, type, file name and dnr."""
    return " ".join([d.title, d.body or "", d.organisation or "", d.doc_type, d.source_file, *d.dnr])


def _predicates(
    query: DocumentListQuery, found: Mapping[str, TextMatch | None] | None
) -> dict[str, Callable[[DocumentSummary], bool]]:
    """One test per filter, keyed by the facet it narrows (so facets can leave their own filter out)."""
    tests: dict[str, Callable[[DocumentSummary], bool]] = {}
    if query.body:
        wanted_body = query.body
        tests["bodies"] = lambda d: body_mod.matches(wanted_body, d.body)
    if query.organisation:
        wanted_org = query.organisation
        tests["organisations"] = lambda d: organisation_matches(wanted_org, d.organisation)
    if query.doc_type:
        types = {t.casefold() for t in query.doc_type}
        tests["types"] = lambda d: d.doc_type.casefold() in types
    if query.year_from or query.year_to:
        low, high = query.year_from or 0, query.year_to or 9999
        tests["years"] = lambda d: d.year is not None and low <= d.year <= high
    if query.dnr:
        wanted = dnr_mod.key(query.dnr)
        tests["dnr"] = lambda d: any(dnr_mod.key(v) == wanted for v in d.dnr)
    if found is not None:
        tests["q"] = lambda d: d.id in found
    return tests


def organisation_matches(wanted: str, organisation: str | None) -> bool:
    """'Kungsbacka kommun', 'kungsbacka' and 'Kungsbacka' all name Kungsbacka kommun; every word must match."""
    have = (organisation or "").casefold().split()
    return bool(have) and all(any(h.startswith(w) for h in have) for w in wanted.casefold().split())


def _body_facet(docs: list[DocumentSummary]) -> list[FacetCount]:
    """One entry per organisation and body, the body spelled as most of its documents spell it."""
    counts: Counter[tuple[str, str]] = Counter()
    spellings: dict[tuple[str, str], Counter[str]] = {}
    for d in docs:
        if d.body:
            key = ((d.organisation or "").casefold(), d.body.casefold())
            counts[key] += 1
            spellings.setdefault(key, Counter())[d.body] += 1
    orgs = {(d.organisation or "").casefold(): d.organisation for d in docs}
    entries = [
        FacetCount(value=spellings[k].most_common(1)[0][0], organisation=orgs.get(k[0]) or None, count=c)
        for k, c in counts.items()
    ]
    return sorted(entries, key=lambda f: (-f.count, f.value, f.organisation or ""))


def _facet(docs: list[DocumentSummary], key: Callable[[DocumentSummary], str | None]) -> list[FacetCount]:
    counts = Counter(v for v in (key(d) for d in docs) if v)
    return [FacetCount(value=v, count=c) for v, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


# Swedish alphabetical order: å, ä, ö after z (code points put ä before å).
_SWEDISH = str.maketrans({"å": "{", "ä": "|", "ö": "}", "æ": "|", "ø": "}"})
SORT_KEYS: dict[DocumentSort, Callable[[DocumentSummary], str | float | None]] = {
    "relevance": lambda d: d.match.score if d.match else None,
    "date": lambda d: d.date,
    "title": lambda d: d.title or d.source_file,
    "doc_type": lambda d: d.doc_type,
    "body": lambda d: d.body,
}
DESCENDING_BY_DEFAULT = {"relevance", "date"}


def _ordering(query: DocumentListQuery) -> tuple[DocumentSort, SortOrder]:
    sort: DocumentSort = query.sort or ("relevance" if query.q and query.q.strip() else "date")
    order: SortOrder = query.order or ("desc" if sort in DESCENDING_BY_DEFAULT else "asc")
    return sort, order


def _sortable(value: str | float) -> str | float:
    return value.casefold().translate(_SWEDISH) if isinstance(value, str) else value


def sort_documents(docs: list[DocumentSummary], sort: DocumentSort, order: SortOrder) -> list[DocumentSummary]:
    """The whole list in order; documents without the value last either way, ties by date (newest first),
    then title and id, so that pages never overlap."""
    key = SORT_KEYS[sort]
    ties = sorted(docs, key=lambda d: (_sortable(d.title or d.source_file), d.id))
    ties.sort(key=lambda d: d.date or "", reverse=True)
    present = [d for d in ties if key(d) not in (None, "")]
    missing = [d for d in ties if key(d) in (None, "")]
    present.sort(key=lambda d: _sortable(key(d) or ""), reverse=order == "desc")
    return present + missing


def _matched(service: AssistantService, query: DocumentListQuery) -> tuple[list[DocumentSummary], Facets]:
    manifest = service.ingestor.store.manifest()
    docs = [_summary(i, m) for i, m in manifest.items()]
    found: dict[str, TextMatch | None] | None = None
    if query.q and query.q.strip():
        service.catalog.refresh()
        found = matching_documents(service.catalog, query.q, {d.id: _fields(d) for d in docs})
        docs = [d.model_copy(update={"match": _match(found.get(d.id))}) for d in docs]
    tests = _predicates(query, found)

    def passing(skip: str | None) -> list[DocumentSummary]:
        return [d for d in docs if all(test(d) for name, test in tests.items() if name != skip)]

    facets = Facets(
        organisations=_facet(passing("organisations"), lambda d: d.organisation),
        bodies=_body_facet(passing("bodies")),
        types=_facet(passing("types"), lambda d: d.doc_type),
        years=_facet(passing("years"), lambda d: str(d.year) if d.year else None),
    )
    return sort_documents(passing(None), *_ordering(query)), facets


def _match(found: TextMatch | None) -> DocumentMatch | None:
    if found is None:
        return None
    return DocumentMatch(
        paragraph_id=found.paragraph_id,
        section=found.section,
        pages=list(found.pages),
        snippet=found.snippet,
        score=found.score,
    )


def list_documents(service: AssistantService, query: DocumentQuery) -> DocumentPage:
    matched, facets = _matched(service, query)
    sort, order = _ordering(query)
    page = matched[query.offset : query.offset + query.limit]
    return DocumentPage(
        total=len(matched),
        offset=query.offset,
        limit=query.limit,
        results=page,
        facets=facets,
        sort=sort,
        order=order,
    )


EXPORT_COLUMNS = (
    "id",
    "title",
    "doc_type",
    "body",
    "date",
    "year",
    "dnr",
    "pages",
    "paragraphs",
    "source_file",
    "match_paragraph_id",
    "match_snippet",
)
DNR_SEPARATOR = "; "


def export_csv(service: AssistantService, query: DocumentListQuery) -> str:
    """The whole list (every page) in its order as CSV: one row per document, the columns of
    `EXPORT_COLUMNS` (the JSON fields; `dnr` joined with `; `, the match as two columns)."""
    matched, _ = _matched(service, query)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for d in matched:
        writer.writerow(
            [
                d.id,
                d.title,
                d.doc_type,
                d.body or "",
                d.date or "",
                d.year or "",
                DNR_SEPARATOR.join(d.dnr),
                d.pages,
                d.paragraphs,
                d.source_file,
                d.match.paragraph_id if d.match else "",
                d.match.snippet if d.match else "",
            ]
        )
    return buffer.getvalue()


def get_document(service: AssistantService, doc_id: str) -> Document | None:
    return service.ingestor.store.get_document(doc_id) if valid_id(doc_id) else None


def source_file(service: AssistantService, doc_id: str) -> tuple[Path, str] | None:
    """The original file and the name to offer it under. Checks the id against the index first: the id is
    used in a file-name pattern."""
    doc = get_document(service, doc_id)
    if doc is None:
        return None
    path = service.ingestor.source_file(doc.id)
    if path is None or not path.is_file():
        return None
    return path, doc.source_file or path.name


def document_count(service: AssistantService) -> int:
    return service.ingestor.store.document_count()


# --- upload -------------------------------------------------------------------------------------------------
def safe_filename(name: str | None) -> str | None:
    """The last path component, without control or reserved characters; None when nothing usable is left."""
    if not name:
        return None
    base = unicodedata.normalize("NFC", name).replace("\\", "/").split("/")[-1]
    base = UNSAFE.sub("", base).strip().lstrip(".").rstrip(". ")
    if not base or base in (".", ".."):
        return None
    if len(base) > 180:
        stem, suffix = Path(base).stem, Path(base).suffix
        base = stem[: 180 - len(suffix)] + suffix
    return base


def supported(name: str) -> bool:
    return Path(name).suffix.lower() in SUPPORTED


@dataclass
class Incoming:
    original: str
    data: BinaryIO
    size: int


def _skipped(filename: str, item: Incoming, reason: str) -> UploadResult:
    return UploadResult(filename=filename, original_filename=None, status="skipped", reason=reason, bytes=item.size)


def check_incoming(item: Incoming, limit: int) -> tuple[str | None, str]:
    """(sanitised name, "") for a file that may be ingested, else (name or None, the reason it is skipped)."""
    name = safe_filename(item.original)
    if name is None:
        return None, f"unusable file name {item.original!r}"
    if not supported(name):
        return name, f"unsupported file type; accepted: {', '.join(sorted(SUPPORTED))}"
    if item.size > limit:
        return name, f"{item.size / 1_048_576:.2f} MB is over the limit of {limit / 1_048_576:.3g} MB"
    return name, ""


class Library:
    """Upload and delete, serialised through the index guard."""

    def __init__(self, service: AssistantService, guard: IndexGuard) -> None:
        self.service = service
        self.guard = guard

    @property
    def uploads_dir(self) -> Path:
        return (self.service.settings.ensure_data_dir() / "uploads").resolve()

    def _target(self, filename: str) -> Path:
        target = (self.uploads_dir / filename).resolve()
        if target.parent != self.uploads_dir:  # safe_filename makes this impossible; keep the check anyway
            raise ValueError(f"unsafe file name {filename!r}")
        return target

    def _unique_name(self, name: str, original: str, data: bytes, taken: set[str]) -> str:
        """`name`, unless that would replace a different file it has no claim to: a name that was sanitised,
        or one already used in this upload. Then a suffix from the content (the same bytes, the same name)."""
        target = self._target(name)
        if target.is_file() and target.read_bytes() == data and name not in taken:
            return name
        if name in taken or (name != original and target.exists()):
            stem, suffix = Path(name).stem, Path(name).suffix
            return f"{stem}-{hashlib.sha256(data).hexdigest()[:10]}{suffix}"
        return name

    def upload(self, files: list[Incoming], limit: int) -> list[UploadResult]:
        results: list[UploadResult] = []
        with self.guard.writing() as batch:
            manifest = self.service.ingestor.store.manifest()
            taken: set[str] = set()
            for item in files:
                result = self._upload_one(item, limit, manifest, taken)
                batch.changed = batch.changed or result.status in ("added", "replaced")
                results.append(result)
        return results

    def _upload_one(
        self, item: Incoming, limit: int, manifest: dict[str, dict[str, Any]], taken: set[str]
    ) -> UploadResult:
        name, reason = check_incoming(item, limit)
        if name is None or reason:
            return _skipped(name or item.original, item, reason)
        item.data.seek(0)
        data = item.data.read()
        name = self._unique_name(name, item.original, data, taken)
        taken.add(name)
        target = self._target(name)
        try:
            got = self.service.ingestor.ingest_bytes(data, name, str(target), manifest=manifest)
        except Exception:  # one file's failure must not fail the files already committed
            log.exception("upload of %s failed", name)
            return _skipped(name, item, "could not be indexed (an internal error; see the server log)")
        if got.status in ("added", "replaced"):
            self._keep(target, data)
        return UploadResult(
            filename=name,
            original_filename=item.original if item.original != name else None,
            status=got.status if got.status in ("added", "replaced", "unchanged", "variant") else "skipped",
            reason=got.reason,
            doc_id=got.doc_id or None,
            doc_type=got.doc_type or None,
            title=got.title or None,
            organisation=got.organisation or None,
            body=got.body or None,
            dnr=got.dnr,
            date=got.date or None,
            paragraphs=got.paragraphs,
            chunks=got.chunks,
            pages=got.pages,
            bytes=len(data),
        )

    @staticmethod
    def _keep(target: Path, data: bytes) -> None:
        tmp = target.with_name(target.name + ".part")
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        tmp.replace(target)

    def delete(self, doc_id: str) -> bool:
        if not valid_id(doc_id):
            return False
        ingestor = self.service.ingestor
        with self.guard.writing() as batch:
            meta = ingestor.store.manifest().get(doc_id)
            if meta is None or not ingestor.delete(doc_id):
                return False
            batch.changed = True
            source = Path(str(meta.get("source_path") or ""))
            if source.name and source.resolve().parent == self.uploads_dir:
                source.unlink(missing_ok=True)
        return True
