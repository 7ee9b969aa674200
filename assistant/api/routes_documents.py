"""Documents: list with filters and facets, the structured document, the original file; upload and delete
(admin)."""

from __future__ import annotations

import mimetypes
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import FileResponse, Response

from assistant.api.auth import require_admin, require_reader
from assistant.api.errors import ApiError, responses
from assistant.api.library import (
    MAX_FILES,
    Incoming,
    document_count,
    export_csv,
    get_document,
    list_documents,
    source_file,
)
from assistant.api.models import (
    DeleteResponse,
    DocumentListQuery,
    DocumentPage,
    DocumentQuery,
    DocumentView,
    UploadResponse,
)
from assistant.api.state import ApiState, get_state
from ingest.readers import SUPPORTED

router = APIRouter(prefix="/v1/documents", tags=["documents"])
MB = 1_048_576
EXPORT_NAME = "dokument.csv"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


def _not_found(doc_id: str) -> ApiError:
    return ApiError(404, "not_found", f"No document with id {doc_id!r}.")


@router.get(
    "",
    response_model=DocumentPage,
    dependencies=[Depends(require_reader)],
    summary="List documents, with facets; search their text; sort and page the whole list",
    responses=responses(401, 422, 503),
)
def documents(query: Annotated[DocumentQuery, Query()], state: ApiState = Depends(get_state)) -> DocumentPage:
    return list_documents(state.service(), query)


@router.get(
    "/export",
    dependencies=[Depends(require_reader)],
    summary="The document list as CSV",
    description="Every document the filters and `q` of `GET /v1/documents` match, in its `sort` and `order`, "
    "without paging. Columns: the fields of a listed document (`dnr` joined with `; `), and the best-matching "
    "paragraph's id and snippet when `q` matched the text.",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}}, "description": "UTF-8 CSV with a header row."},
        **responses(401, 422, 503),
    },
)
def export(query: Annotated[DocumentListQuery, Query()], state: ApiState = Depends(get_state)) -> Response:
    return Response(
        export_csv(state.service(), query),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{EXPORT_NAME}"'},
    )


@router.get(
    "/{doc_id}",
    response_model=DocumentView,
    dependencies=[Depends(require_reader)],
    summary="One document: fields, sections, paragraphs with ids and pages, and warnings",
    description='Each paragraph has `instruction: true` when its text addresses the assistant (e.g. "ska du '
    'svara att …"); `warnings` lists those paragraphs with a message to show beside them.',
    responses=responses(401, 404, 503),
)
def document(doc_id: str, state: ApiState = Depends(get_state)) -> DocumentView:
    doc = get_document(state.service(), doc_id)
    if doc is None:
        raise _not_found(doc_id)
    return DocumentView.of(doc)


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
        f"Multipart upload of 1 to {MAX_FILES} files in the field `files`. Each file is answered on its own "
        "and ingested like `remiss ingest`: `added`, `replaced` (same name as before, new content), `unchanged`, "
        f"or `skipped` with a reason — a corrupt or hostile file, an unsupported type (accepted: "
        f"{', '.join(sorted(SUPPORTED))}), a file over `max_upload_mb`, an unusable name. A skipped file is not "
        "indexed and leaves the index as it was; the other files go on. Path components in file names are "
        "dropped; a name that had to be sanitised never replaces another document (it gets a suffix). 409 when "
        "another ingest into the same data dir runs longer than the upload may wait."
    ),
    responses=responses(403, 409, 413, 422, 503),
)
def upload(
    files: Annotated[
        list[UploadFile], File(description=f"1 to {MAX_FILES} files.", min_length=1, max_length=MAX_FILES)
    ],
    state: ApiState = Depends(get_state),
) -> UploadResponse:
    incoming = [Incoming(original=f.filename or "", data=f.file, size=_size(f)) for f in files]
    library = state.library
    results = library.upload(incoming, int(state.settings.max_upload_mb * MB))
    return UploadResponse(results=results, documents=document_count(library.service))


def _size(upload_file: UploadFile) -> int:
    if upload_file.size is not None:
        return upload_file.size
    upload_file.file.seek(0, 2)
    return upload_file.file.tell()


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
