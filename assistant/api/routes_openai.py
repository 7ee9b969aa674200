"""OpenAI-compatible endpoints, so chat front-ends and the `openai` client can talk to the archive."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse

from assistant.api import chat
from assistant.api.auth import require_reader
from assistant.api.errors import ApiError, error_body, responses
from assistant.api.models import MODEL_ID, ChatCompletion, ChatRequest, ModelCard, ModelList
from assistant.api.routes_assistant import SSE_HEADERS, sse_event_schema
from assistant.api.state import ApiState, get_state
from assistant.schemas import Filters, Turn

log = logging.getLogger("remiss.api")
router = APIRouter(prefix="/v1", tags=["openai"], dependencies=[Depends(require_reader)])

CHUNK_EXAMPLE = (
    'data: {"id": "chatcmpl-…", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": '
    '{"content": "Kommunstyrelsen tillstyrker [1]."}, "finish_reason": null}]}\n\n'
    'data: {"id": "chatcmpl-…", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {}, '
    '"finish_reason": "stop"}], "citations": [{"n": 1, "paragraph_id": "340b755911cc38c3#s5.p3"}]}\n\n'
    "data: [DONE]\n\n"
)


@router.get("/models", response_model=ModelList, summary="The one model this API serves", responses=responses(401))
def models() -> ModelList:
    return ModelList(data=[ModelCard(id=MODEL_ID)])


def _events(state: ApiState, question: str, filters: Filters | None, history: list[Turn]) -> Iterator[dict[str, Any]]:
    with state.reading() as service:
        yield from service.ask_stream(question, filters, history)


def _chunks(state: ApiState, body: ChatRequest, question: str, history: list[Turn]) -> Iterator[str]:
    try:
        yield from chat.stream_chunks(_events(state, question, body.filters, history), body.model)
    except ApiError as exc:
        yield f"data: {json.dumps(error_body(exc.code, exc.message, exc.details))}\n\n"
        yield "data: [DONE]\n\n"
    except Exception:
        log.exception("chat stream failed")
        yield f"data: {json.dumps(error_body('internal_error', 'The answer could not be completed.'))}\n\n"
        yield "data: [DONE]\n\n"


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    summary="OpenAI-compatible chat completion",
    description=(
        "The last user message is the question; earlier messages are the conversation (the most recent "
        "`max_history` are used). The reply holds the answer with its [n] markers and a `Källor:` list; the "
        "structured citations are in the extra field `citations` (on the response and on its message; when "
        "streaming, on the last chunk before `[DONE]`)."
    ),
    responses={
        200: {
            "content": {"text/event-stream": {"schema": sse_event_schema(), "example": CHUNK_EXAMPLE}},
            "description": "A chat.completion, or chat.completion.chunk events when `stream` is true.",
        },
        **responses(400, 401, 404, 413, 422, 503),
    },
)
def chat_completions(body: ChatRequest, state: ApiState = Depends(get_state)) -> Any:
    if body.model != MODEL_ID:
        raise ApiError(
            404,
            "model_not_found",
            f"The model {body.model!r} does not exist; use {MODEL_ID!r}.",
            {"models": [MODEL_ID]},
        )
    settings = state.settings
    try:
        question, history = chat.split_messages(body.messages, settings.max_history, settings.max_question_chars)
    except chat.NoQuestion as exc:
        return _guidance(body, exc.reply)
    if body.stream:
        state.service()  # 503 before the stream starts when the index is unreachable
        return StreamingResponse(
            _chunks(state, body, question, history), media_type="text/event-stream", headers=SSE_HEADERS
        )
    with state.reading() as service:
        answer = service.ask(question, body.filters, history)
    prompt = "\n".join([*(t.content for t in history), question])
    return chat.completion(answer, body.model, prompt)


def _guidance(body: ChatRequest, reply: str) -> Any:
    answer = chat.guidance(reply)
    if body.stream:
        events: list[dict[str, Any]] = [
            {"type": "delta", "text": reply},
            {"type": "final", "answer": answer.model_dump()},
        ]
        return StreamingResponse(chat.stream_chunks(events, body.model), media_type="text/event-stream")
    return chat.completion(answer, body.model, "")
