"""One error shape for every error the API returns: `{"error": {"code", "message", "details"}}`.

Handlers for our own `ApiError`, Starlette's HTTP errors (404, 405, …), request validation (malformed JSON,
unknown keys, bad values) and anything unexpected (500, logged with its request id, never sent to clients)."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from ingest.errors import StoreUnavailable
from ingest.lock import IngestBusy

log = logging.getLogger("remiss.api")

STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    408: "request_timeout",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "internal_error",
    503: "service_unavailable",
}


class ErrorDetail(BaseModel):
    code: str = Field(..., description="Stable machine-readable code, e.g. `validation_error`, `not_found`.")
    message: str = Field(..., description="What went wrong, for a person.")
    details: Any = Field(None, description="Extra structure, e.g. the invalid fields of a validation error.")


class ErrorResponse(BaseModel):
    error: ErrorDetail

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "error": {
                        "code": "validation_error",
                        "message": "body.filters.color: Unknown key. Allowed keys: body, doc_type, "
                        "year_from, year_to, dnr, doc_id.",
                        "details": [
                            {
                                "loc": "body.filters.color",
                                "message": "Extra inputs are not permitted",
                                "type": "extra_forbidden",
                            }
                        ],
                    }
                }
            ]
        }
    }


class ApiError(StarletteHTTPException):
    """An error with our code and details. A subclass of Starlette's HTTPException so that FastAPI passes it
    through unchanged even when it is raised while the request body is being read."""

    def __init__(
        self,
        status_code: int,
        code: str,
        message: str,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status_code=status_code, detail=message, headers=headers)
        self.code = code
        self.message = message
        self.details = details


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def error_response(
    status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(code, message, details), status_code=status, headers=headers)


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error statuses a route can return, all with the one error shape."""
    text = {
        400: "Malformed request (e.g. invalid JSON).",
        401: "Missing or wrong API key.",
        403: "Not allowed: admin endpoints need the admin key.",
        404: "Not found.",
        409: "Another ingest into the same data dir is running (code `ingest_busy`); try again later.",
        413: "Upload or request body too large (the body limit applies to every POST).",
        415: "Unsupported file type.",
        422: "Invalid input (unknown keys, values out of range, too long).",
        503: "The index (Chroma) is not reachable.",
    }
    return {code: {"model": ErrorResponse, "description": text.get(code, "Error.")} for code in codes}


# --- validation errors --------------------------------------------------------------------------------------
def _loc(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc)


def _root_model(request: Request, where: str) -> type[BaseModel] | None:
    """The Pydantic model behind a route's body or query parameters, for naming allowed keys."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return None
    fields = dependant.body_params if where == "body" else dependant.query_params
    for field in fields:
        annotation = getattr(getattr(field, "field_info", None), "annotation", None)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return annotation
    return None


def _model_at(model: type[BaseModel], path: list[Any]) -> type[BaseModel] | None:
    """Follow field names (skipping list indexes) through nested models."""
    current: type[BaseModel] | None = model
    for part in path:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        field = current.model_fields.get(str(part))
        if field is None:
            return None
        current = _first_model(field.annotation)
    return current


def _first_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _first_model(arg)
        if found is not None:
            return found
    return None


def _allowed_keys(request: Request, loc: tuple[Any, ...]) -> list[str] | None:
    if len(loc) < 2 or loc[0] not in ("body", "query"):
        return None
    root = _root_model(request, str(loc[0]))
    if root is None:
        return None
    if loc[0] == "query" and len(loc) == 2:
        model: type[BaseModel] | None = root
    else:
        model = _model_at(root, list(loc[1:-1]))
    return list(model.model_fields) if model is not None else None


def describe_validation(request: Request, errors: list[dict[str, Any]]) -> tuple[int, str, str, list[dict[str, Any]]]:
    """(status, code, message, details) for a list of Pydantic/FastAPI validation errors."""
    details: list[dict[str, Any]] = []
    for err in errors:
        loc = tuple(err.get("loc", ()))
        item: dict[str, Any] = {
            "loc": _loc(loc),
            "message": str(err.get("msg", "")),
            "type": str(err.get("type", "")),
        }
        if err.get("type") == "extra_forbidden":
            allowed = _allowed_keys(request, loc)
            item["message"] = "Unknown key." + (f" Allowed keys: {', '.join(allowed)}." if allowed else "")
        details.append(item)
    if any(err.get("type") == "json_invalid" for err in errors):
        ctx = next((e.get("ctx") or {} for e in errors if e.get("type") == "json_invalid"), {})
        reason = ctx.get("error") if isinstance(ctx, dict) else None
        message = "The request body is not valid JSON" + (f" ({reason})." if reason else ".")
        return 400, "malformed_json", message, details
    if not details:
        return 422, "validation_error", "Invalid request.", details
    first = details[0]
    more = f" (and {len(details) - 1} more)" if len(details) > 1 else ""
    return 422, "validation_error", f"{first['loc']}: {first['message']}{more}", details


def validation_error(loc: str, message: str, kind: str = "value_error") -> ApiError:
    """A 422 for a limit checked outside the schema (limits come from settings)."""
    return ApiError(422, "validation_error", f"{loc}: {message}", [{"loc": loc, "message": message, "type": kind}])


# --- handlers -----------------------------------------------------------------------------------------------
def _request_id(request: Request) -> str:
    return str(request.scope.get("state", {}).get("request_id", ""))


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if isinstance(exc, ApiError):
        return error_response(exc.status_code, exc.code, exc.message, exc.details, headers)
    code = STATUS_CODES.get(exc.status_code, "http_error")
    message = str(exc.detail) if exc.detail else code.replace("_", " ")
    if exc.status_code == 400 and _is_json(request):  # e.g. a body that is not UTF-8: still malformed JSON
        return error_response(400, "malformed_json", "The request body is not valid JSON (UTF-8 text).", None, headers)
    if exc.status_code == 404 and message == "Not Found":
        message = f"No such endpoint: {request.method} {request.url.path}"
    elif exc.status_code == 405:
        message = f"Method {request.method} is not allowed on {request.url.path}."
        headers["Allow"] = ", ".join(allowed_methods(request))
    return error_response(exc.status_code, code, message, None, headers)


def _is_json(request: Request) -> bool:
    return "json" in request.headers.get("content-type", "").lower()


def allowed_methods(request: Request) -> list[str]:
    """The methods the OpenAPI document lists for this path (routers sharing a path each know only their own,
    so Starlette's own `Allow` names one router's methods)."""
    path = request.scope.get("path", "")
    for pattern, methods in _path_methods(request.app):
        if pattern.fullmatch(path):
            return methods
    return []


def _path_methods(app: Any) -> list[tuple[re.Pattern[str], list[str]]]:
    cached = getattr(app.state, "path_methods", None)
    if cached is None:
        cached = [
            (re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))), sorted(m.upper() for m in item))
            for template, item in app.openapi().get("paths", {}).items()
        ]
        app.state.path_methods = cached
    return list(cached)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    status, code, message, details = describe_validation(request, list(exc.errors()))
    return error_response(status, code, message, details)


async def _store_unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.warning("store unavailable (request %s): %s", _request_id(request), exc)
    return error_response(503, "store_unavailable", "The document index is not reachable right now. Try again shortly.")


async def _ingest_busy(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, IngestBusy)
    return error_response(409, "ingest_busy", exc.message, None, {"Retry-After": "30"})


def install(app: FastAPI) -> None:
    app.add_exception_handler(IngestBusy, _ingest_busy)
    app.add_exception_handler(StarletteHTTPException, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StoreUnavailable, _store_unavailable)
