"""The outermost layer of the app: request id, body-size limit and read timeout, last-resort error handling,
JSON access log.

A pure ASGI middleware (no BaseHTTPMiddleware), so streaming responses pass through untouched."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.api.errors import ApiError, error_body
from ingest.errors import StoreUnavailable

access_log = logging.getLogger("remiss.access")
error_log = logging.getLogger("remiss.api")

BODY_READ_TIMEOUT = 30.0  # seconds a client may take to send the next part of its request body
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# What an unreachable index (a stopped Chroma server) raises when it escapes the store's own wrapping
UNAVAILABLE: tuple[type[BaseException], ...] = (
    StoreUnavailable,
    ConnectionError,
    httpx.ConnectError,
    httpx.ConnectTimeout,
)


def _unavailable(exc: BaseException) -> bool:
    """Whether an unexpected error is really the index (e.g. a Chroma server) being unreachable."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, UNAVAILABLE):
            return True
        current = current.__cause__ or current.__context__
    return False


class RequestContext:
    """Request id (`X-Request-ID`, echoed or generated), body limit, 500 in the error shape, access log."""

    def __init__(
        self, app: ASGIApp, body_limit: Callable[[Scope], int], read_timeout: float = BODY_READ_TIMEOUT
    ) -> None:
        self.app = app
        self.body_limit = body_limit
        self.read_timeout = read_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        given = headers.get("x-request-id", "")
        request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        status = {"code": 0, "bytes": 0}
        limit = self.body_limit(scope)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            elif message["type"] == "http.response.body":
                status["bytes"] += len(message.get("body", b""))
            await send(message)

        received = {"bytes": 0}

        async def receive_limited() -> Message:
            try:
                message = await asyncio.wait_for(receive(), self.read_timeout)
            except TimeoutError:
                raise too_slow(self.read_timeout) from None
            if message["type"] == "http.request":
                received["bytes"] += len(message.get("body", b""))
                if received["bytes"] > limit:
                    raise too_large(limit)
            return message

        try:
            declared = headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise too_large(limit)
            await self.app(scope, receive_limited, send_with_id)
        except ApiError as exc:  # raised before the app could handle it (e.g. Content-Length over the limit)
            if not status["code"]:
                await self._send_json(send_with_id, exc.status_code, error_body(exc.code, exc.message, exc.details))
        except Exception as exc:
            if _unavailable(exc):
                error_log.warning("index unavailable (request %s): %s", request_id, exc)
                body = error_body("store_unavailable", "The document index is not reachable right now. Try again.")
                code = 503
            else:
                error_log.exception("unhandled error (request %s)", request_id)
                body = error_body("internal_error", f"An internal error occurred (request id {request_id}).")
                code = 500
            if not status["code"]:
                await self._send_json(send_with_id, code, body)
            else:
                status["code"] = status["code"] or code
        finally:
            self._log(scope, headers, request_id, status, started)

    @staticmethod
    async def _send_json(send: Send, code: int, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        await send(
            {
                "type": "http.response.start",
                "status": code,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(data)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": data})

    @staticmethod
    def _log(scope: Scope, headers: dict[str, str], request_id: str, status: dict[str, int], started: float) -> None:
        if not access_log.isEnabledFor(logging.INFO):
            return
        client = scope.get("client")
        record = {
            "event": "access",
            "request_id": request_id,
            "method": scope.get("method"),
            "path": scope.get("path"),
            "query": scope.get("query_string", b"").decode("latin-1") or None,
            "status": status["code"],
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            "bytes": status["bytes"],
            "client": client[0] if client else None,
            "user_agent": headers.get("user-agent"),
        }
        access_log.info("%s %s %s", record["method"], record["path"], record["status"], extra={"fields": record})


def too_slow(seconds: float) -> ApiError:
    return ApiError(408, "request_timeout", f"The request body did not arrive within {seconds:g} s.")


def too_large(limit: int) -> ApiError:
    return ApiError(
        413,
        "payload_too_large",
        f"The request body is larger than the limit of {limit // 1_048_576} MB.",
        {"limit_bytes": limit},
    )
