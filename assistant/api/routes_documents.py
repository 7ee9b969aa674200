"""Documents: list with filters and facets, the structured document, the original file; upload and delete
(admin)."""

from __future__ import annotations

import mimetypes
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import FileResponse

from assistant.api.auth import require_admin, require_reader
from assistant.api.errors import ApiError, responses
from assistant.api.library import (
    MAX_FILES,
    Incoming,
    document_count,
    get_document,
    list_documents,
    safe_filename,
    source_file,
    supported,
)
from assistant.api.models import DeleteResponse, DocumentPage, DocumentQuery, UploadResponse
from assistant.api.state import ApiState, get_state
from ingest.models import Document
from ingest.readers import SUPPORTED

router = APIRouter(prefix="/v1/documents", tags=["documents"])
MB = 1_048_576


def _not_found(doc_id: str) -> ApiError:
    return ApiError(404, "not_found", f"No document with id {doc_id!r}.")


@router.get(
    "",
    response_model=DocumentPage,
    dependencies=[Depends(require_reader)],
    summary="List documents, with facets",
    responses=responses(401, 422, 503),
)
def documents(query: Annotated[DocumentQuery, Query()], state: ApiState = Depends(get_state)) -> DocumentPage:
    return list_documents(state.service(), query)


@router.get(
    "/{doc_id}",
    response_model=Document,
    dependencies=[Depends(require_reader)],
    summary="One document: fields, sections, paragraphs with ids and pages",
    responses=responses(401, 404, 503),
)
def document(doc_id: str, state: ApiState = Depends(get_state)) -> Document:
    doc = get_document(state.service(), doc_id)
    if doc is None:
        raise _not_found(doc_id)
    return doc


@router.get(
    "/{doc_id}/source",
    dependencies=[Depends(require_reader)],
    summary="The original file",
    response_class=FileResponse,
    responses={
        200: {
            "content": {
                "application/pdf": {},
                "text/plain": {},
                "text/markdown": {},
                "application/octet-stream": {},
            },
            "description": "The file as it was ingested.",
        },
        **responses(401, 404, 503),
    },
)
def source(doc_id: str, state: ApiState = Depends(get_state)) -> FileResponse:
    found = source_file(state.service(), doc_id)
    if found is None:
        raise ApiError(404, "not_found", f"No original file for document {doc_id!r}.")
    path, name = found
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if media_type.startswith("text/"):
        media_type = "text/plain" if media_type != "text/markdown" else media_type
    return FileResponse(path, media_type=media_type, filename=name, content_disposition_type="inline")


@router.post(
    "",
    response_model=UploadResponse,
    dependencies=[Depends(require_admin)],
    summary="Upload and ingest documents (admin)",
    description=(
        f"Multipart upload of up to {MAX_FILES} files in the field `files` "
        f"({', '.join(sorted(SUPPORTED))}), each at most `max_upload_mb`. Each file is ingested like "
        "`remiss ingest` and reported with its status (`added`, `replaced` — same name as before, new "
        "content —, `unchanged`, or `skipped` with a reason, e.g. a corrupt PDF; a skipped file is not "
        "indexed and the index is left as it was). Path components in file names are dropped."
    ),
    responses=responses(400, 403, 413, 415, 422, 503),
)
def upload(
    files: Annotated[list[UploadFile], File(description="One or more files.")],
    state: ApiState = Depends(get_state),
) -> UploadResponse:
    limit = int(state.settings.max_upload_mb * MB)
    if not files:
        raise ApiError(400, "bad_request", "No files in the upload (use the multipart field `files`).")
    if len(files) > MAX_FILES:
        raise ApiError(400, "bad_request", f"At most {MAX_FILES} files per upload.")
    incoming: list[Incoming] = []
    for upload_file in files:
        original = upload_file.filename or ""
        name = safe_filename(original)
        if name is None:
            raise ApiError(400, "bad_request", f"Unusable file name {original!r}.", {"filename": original})
        if not supported(name):
            raise ApiError(
                415,
                "unsupported_media_type",
                f"{name}: unsupported file type; accepted: {', '.join(sorted(SUPPORTED))}.",
                {"filename": name, "accepted": sorted(SUPPORTED)},
            )
        size = upload_file.size
        if size is None:
            upload_file.file.seek(0, 2)
            size = upload_file.file.tell()
        if size > limit:
            raise ApiError(
                413,
                "payload_too_large",
                f"{name}: {size / MB:.1f} MB is over the limit of {state.settings.max_upload_mb:g} MB.",
                {"filename": name, "bytes": size, "limit_bytes": limit},
            )
        incoming.append(Incoming(filename=name, original=original, data=upload_file.file, size=size))
    library = state.library
    results = library.upload(incoming)
    return UploadResponse(results=results, documents=document_count(library.service))


@router.delete(
    "/{doc_id}",
    response_model=DeleteResponse,
    dependencies=[Depends(require_admin)],
    summary="Remove a document from the index (admin)",
    responses=responses(403, 404, 503),
)
def delete(doc_id: str, state: ApiState = Depends(get_state)) -> DeleteResponse:
    library = state.library
    if not library.delete(doc_id):
        raise _not_found(doc_id)
    return DeleteResponse(deleted=doc_id, documents=document_count(library.service))
