"""A small OpenAI-compatible chat server for tests: the one stand-in allowed, in place of the LLM.

It serves POST /v1/chat/completions (plain JSON, or SSE chunks in OpenAI's format when `stream` is true) on
127.0.0.1 at a free port, from a uvicorn thread. Each reply is scripted: a queue of replies consumed one per
request, then `default`. A reply is a string, a function of the request body returning a string (to build an
answer from the passages the server was sent), `Fail(status)`, `Stall(seconds)` or `Break(text)` (streams
`text`, then drops the connection). Every request body is recorded in `requests`.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse


@dataclass(frozen=True)
class Fail:
    status: int = 500
    message: str = "scripted failure"


@dataclass(frozen=True)
class Stall:
    seconds: float
    then: str = "För sent."


@dataclass(frozen=True)
class Break:
    text: str


Reply = str | Callable[[dict[str, Any]], str] | Fail | Stall | Break

PASSAGE = re.compile(r'<passage id="(\d+)">\n(.*?)\n</passage>', re.DOTALL)


def messages_of(request: dict[str, Any]) -> list[dict[str, str]]:
    return [{"role": str(m.get("role")), "content": str(m.get("content"))} for m in request.get("messages", [])]


def user_text(request: dict[str, Any]) -> str:
    return "\n".join(m["content"] for m in messages_of(request) if m["role"] == "user")


def passages_of(request: dict[str, Any]) -> dict[int, str]:
    """The passages the server was sent, by number: header line ("Källa: …") and text."""
    return {int(n): body for n, body in PASSAGE.findall(user_text(request))}


def passage_with(request: dict[str, Any], needle: str) -> int:
    """The number of the first passage whose text contains `needle` (AssertionError if none)."""
    found = [n for n, body in sorted(passages_of(request).items()) if needle in body]
    assert found, f"no passage sent contains {needle!r}"
    return found[0]


def _pieces(text: str) -> list[str]:
    """How a reply is streamed: a word (with its trailing space) per chunk."""
    return re.findall(r"\S+\s*|\s+", text)


class LLMServer:
    def __init__(self, model: str = "test-model") -> None:
        self.model = model
        self.requests: list[dict[str, Any]] = []
        self.default: Reply = "Underlaget besvarar inte frågan."
        self._script: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0
        self.app = self._app()

    # --- scripting ---------------------------------------------------------------------------------
    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._script.extend(replies)

    def reset(self) -> None:
        with self._lock:
            self._script.clear()
            self.requests.clear()
            self.default = "Underlaget besvarar inte frågan."

    def _next(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append(body)
            return self._script.popleft() if self._script else self.default

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # --- the API -----------------------------------------------------------------------------------
    def _app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/v1/models")
        async def models() -> dict[str, Any]:
            return {"object": "list", "data": [{"id": self.model, "object": "model", "owned_by": "tests"}]}

        @app.post("/v1/chat/completions")
        async def chat(request: Request) -> Response:
            body = await request.json()
            reply = self._next(body)
            if isinstance(reply, Fail):
                error = {"message": reply.message, "type": "server_error", "code": reply.status}
                return JSONResponse({"error": error}, status_code=reply.status)
            if isinstance(reply, Stall):
                await asyncio.sleep(reply.seconds)
                reply = reply.then
            if isinstance(reply, Break):
                return StreamingResponse(self._broken(reply.text), media_type="text/event-stream")
            text = reply(body) if callable(reply) else reply
            if body.get("stream"):
                return StreamingResponse(self._sse(text), media_type="text/event-stream")
            return JSONResponse(self._completion(text))

        return app

    def _completion(self, text: str) -> dict[str, Any]:
        return {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        }

    def _chunk(self, delta: dict[str, Any], finish: str | None = None) -> str:
        chunk = {
            "id": "chatcmpl-test",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": self.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"

    async def _sse(self, text: str) -> AsyncIterator[str]:
        yield self._chunk({"role": "assistant", "content": ""})
        for piece in _pieces(text):
            yield self._chunk({"content": piece})
            await asyncio.sleep(0)
        yield self._chunk({}, finish="stop")
        yield "data: [DONE]\n\n"

    async def _broken(self, text: str) -> AsyncIterator[str]:
        yield self._chunk({"role": "assistant", "content": ""})
        for piece in _pieces(text):
            yield self._chunk({"content": piece})
        await asyncio.sleep(0.05)
        raise RuntimeError("scripted broken stream")

    # --- lifecycle ---------------------------------------------------------------------------------
    def start(self) -> LLMServer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="critical", lifespan="off", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("test LLM server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
