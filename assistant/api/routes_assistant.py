"""Ask, search, precedents and remisser: thin wrappers over `AssistantService`."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.sse import EventSourceResponse, format_sse_event

from assistant.api.auth import require_reader
from assistant.api.errors import ApiError, error_body, responses, validation_error
from assistant.api.models import (
    AskRequest,
    PrecedentRequest,
    PrecedentResponse,
    RemisserResponse,
    SearchRequest,
    SearchResponse,
)
from assistant.api.state import ApiState, get_state
from assistant.schemas import Answer, RemissOverview, Turn
from assistant.settings import Settings

log = logging.getLogger("remiss.api")
router = APIRouter(prefix="/v1", dependencies=[Depends(require_reader)], tags=["assistant"])

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def sse_event_schema(*events: str) -> dict[str, Any]:
    """OpenAPI schema of one Server-Sent Event (`schema` of a text/event-stream describes each event)."""
    event: dict[str, Any] = {"type": "string", "enum": list(events)} if events else {"type": "string"}
    return {
        "type": "object",
        "required": ["data"],
        "properties": {
            "event": event,
            "data": {"type": "string", "description": "JSON text (or `[DONE]`)."},
            "id": {"type": "string"},
            "retry": {"type": "integer"},
        },
    }


ANSWER_EXAMPLE = {
    "answer": "Kommunstyrelsen, yttrande ”Yttrande över … (SOU 2025:7)” 2025-02-05 (KS-2025-00102):\n"
    "– Sammanfattning: ”Kungsbacka kommun ställer sig positiv till en effektivare tillståndsprövning.” [1]",
    "citations": [
        {
            "n": 1,
            "doc_id": "340b755911cc38c3",
            "paragraph_id": "340b755911cc38c3#s2.p1",
            "title": "Yttrande över … (SOU 2025:7)",
            "doc_type": "yttrande",
            "body": "Kommunstyrelsen",
            "dnr": ["KS-2025-00102"],
            "date": "2025-02-05",
            "section": "Sammanfattning",
            "section_id": "s2",
            "pages": [1],
            "quote": "Kungsbacka kommun ställer sig positiv till en effektivare tillståndsprövning.",
            "start": 0,
            "end": 72,
            "score": 1.0,
            "source_file": "kungsbacka_ks_yttrande_sou-2025-7-ny-karnkraft_2025-02-05.txt",
        }
    ],
    "abstained": False,
    "mode": "extractive",
    "timings": {"retrieve_ms": 3.1, "total_ms": 9.8},
    "nearest": [],
    "flagged": [],
    "filters": {"bodies": ["kommunstyrelsen"]},
}
SSE_EXAMPLE = (
    'event: citations\ndata: {"citations": [{"n": 1, "doc_id": "340b755911cc38c3", "paragraph_id": '
    '"340b755911cc38c3#s5.p3", "quote": "…"}]}\n\n'
    'event: delta\ndata: {"text": "Kommunstyrelsen tillstyrker förslagen [1].\\n"}\n\n'
    'event: final\ndata: {"answer": "Kommunstyrelsen tillstyrker förslagen [1].", "citations": [...], '
    '"abstained": false, "mode": "extractive", "timings": {"total_ms": 12.3}}\n\n'
)


def check_text(settings: Settings, loc: str, text: str) -> str:
    text = text.strip()
    if not text:
        raise validation_error(loc, "Must not be empty.", "missing")
    if len(text) > settings.max_question_chars:
        raise validation_error(loc, f"Longer than {settings.max_question_chars} characters.", "string_too_long")
    return text


def check_k(settings: Settings, k: int) -> int:
    if k > settings.max_k:
        raise validation_error("body.k", f"Must be between 1 and {settings.max_k}.", "less_than_equal")
    return k


def sse(event: str, data: Any) -> bytes:
    """One event, its data as JSON. Text that cannot be encoded as UTF-8 is escaped, never a broken stream."""
    text = json.dumps(data, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(data)
    return format_sse_event(data_str=text, event=event)


def _answer_events(state: ApiState, body: AskRequest, question: str) -> Iterator[bytes]:
    """citations, delta…, then always exactly one `final` or `error` event last."""
    started = time.perf_counter()
    try:
        with state.reading() as service:
            for event in service.ask_stream(question, body.filters, list[Turn](body.history)):
                kind = event.get("type")
                if kind == "citations":
                    yield sse("citations", {"citations": event.get("citations", [])})
                elif kind == "delta":
                    yield sse("delta", {"text": event.get("text", "")})
                elif kind == "final":
                    answer = dict(event["answer"])
                    if not answer.get("timings"):
                        answer["timings"] = {"total_ms": round((time.perf_counter() - started) * 1000, 2)}
                    yield sse("final", answer)
                    return
        yield sse("error", error_body("internal_error", "The answer ended without a result."))
    except ApiError as exc:
        yield sse("error", error_body(exc.code, exc.message, exc.details))
    except Exception:
        log.exception("stream failed")
        yield sse("error", error_body("internal_error", "The answer could not be completed."))


@router.post(
    "/ask",
    response_model=Answer,
    summary="Answer a question with citations",
    description=(
        "Answers from the archive, every claim cited as [n] with the paragraph it quotes; abstains (with "
        "the nearest documents) when the archive does not support an answer. With `stream: true` the answer "
        "comes as Server-Sent Events: one `citations` event, then `delta` events with answer text, then a "
        "`final` event whose data is the full Answer (an `error` event replaces `final` if something fails "
        "mid-way)."
    ),
    responses={
        200: {
            "content": {
                "application/json": {"example": ANSWER_EXAMPLE},
                "text/event-stream": {
                    "schema": sse_event_schema("citations", "delta", "final", "error"),
                    "example": SSE_EXAMPLE,
                },
            },
            "description": "The Answer (JSON), or an event stream when `stream` is true.",
        },
        **responses(400, 401, 413, 422, 503),
    },
)
def ask(body: AskRequest, state: ApiState = Depends(get_state)) -> Any:
    settings = state.settings
    question = check_text(settings, "body.question", body.question)
    if len(body.history) > settings.max_history:
        raise validation_error("body.history", f"At most {settings.max_history} turns.", "too_long")
    if body.stream:
        state.service()  # 503 now, before the stream starts, when the index is unreachable
        return EventSourceResponse(_answer_events(state, body, question), headers=SSE_HEADERS)
    with state.reading() as service:
        return service.ask(question, body.filters, list[Turn](body.history))


@router.post(
    "/search",
    response_model=SearchResponse,
    summary="Ranked passages for a query",
    responses=responses(400, 401, 413, 422, 503),
)
def search(body: SearchRequest, state: ApiState = Depends(get_state)) -> SearchResponse:
    query = check_text(state.settings, "body.query", body.query)
    k = check_k(state.settings, body.k)
    with state.reading() as service:
        return SearchResponse(results=service.search(query, body.filters, k, body.mode))


@router.post(
    "/precedents",
    response_model=PrecedentResponse,
    summary="Earlier documents on a similar matter",
    description="Given the text of a new remiss (or a question), the most similar earlier documents, "
    "with the passages that match and their förslag till beslut.",
    responses=responses(400, 401, 413, 422, 503),
)
def precedents(body: PrecedentRequest, state: ApiState = Depends(get_state)) -> PrecedentResponse:
    text = body.text.strip()
    if not text:
        raise validation_error("body.text", "Must not be empty.", "missing")
    k = check_k(state.settings, body.k)
    with state.reading() as service:
        return PrecedentResponse(results=service.precedents(text, k, body.filters))


@router.get(
    "/remisser",
    response_model=RemisserResponse,
    summary="Remisser in the archive",
    description="Each remiss with its remitting body, remisstid and the number of answers in the archive.",
    responses=responses(401, 503),
)
def remisser(state: ApiState = Depends(get_state)) -> RemisserResponse:
    with state.reading() as service:
        return RemisserResponse(results=service.remisser())


@router.get(
    "/remisser/{remiss_id}",
    response_model=RemissOverview,
    summary="One remiss and the answers to it",
    responses=responses(401, 404, 503),
)
def remiss(remiss_id: str, state: ApiState = Depends(get_state)) -> RemissOverview:
    with state.reading() as service:
        overview = service.remiss_overview(remiss_id)
    if overview is None:
        raise ApiError(404, "not_found", f"No remiss with id {remiss_id!r}.")
    return overview
