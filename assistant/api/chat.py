"""The OpenAI-compatible chat surface: messages in, answer with [n] markers and a Swedish "Källor:" list out.
Structured citations ride along in an extra `citations` field (on the response and its message, and on the
last chunk when streaming). Pure functions; the router wires them to the service."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from assistant.api.models import ChatChoice, ChatCompletion, ChatMessage, ChatReply, Usage
from assistant.schemas import Answer, Citation, Turn

ROLES = {"user": "user", "assistant": "assistant", "system": "system", "developer": "system"}


def message_text(message: ChatMessage) -> str:
    content = message.content
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    parts = [str(part.get("text", "")) for part in content if isinstance(part, dict) and part.get("type") == "text"]
    return "\n".join(p for p in parts if p)


class NoQuestion(Exception):
    """The conversation has no usable question; `reply` says so to the user, in Swedish."""

    def __init__(self, reply: str) -> None:
        super().__init__(reply)
        self.reply = reply


def split_messages(messages: list[ChatMessage], max_history: int, max_chars: int) -> tuple[str, list[Turn]]:
    """The last user message is the question; earlier user/assistant/system turns are the history
    (the most recent `max_history` of them). `NoQuestion` when the last message is not a usable question."""
    last = len(messages) - 1
    if messages[last].role != "user":
        raise NoQuestion("Skriv en fråga till arkivet — det sista meddelandet ska komma från dig.")
    question = message_text(messages[last]).strip()
    if not question:
        raise NoQuestion("Frågan är tom — skriv vad du vill veta om dokumenten i arkivet.")
    if len(question) > max_chars:
        raise NoQuestion(f"Frågan är för lång (högst {max_chars} tecken) — korta den och fråga igen.")
    history = [
        Turn(role=ROLES[m.role], content=message_text(m)[:20_000])
        for m in messages[:last]
        if m.role in ROLES and message_text(m).strip()
    ]
    return question, history[-max_history:] if max_history > 0 else []


def guidance(reply: str) -> Answer:
    """An answer that is only a reply to the user (no question to look up)."""
    return Answer(answer=reply, citations=[], abstained=True, mode="extractive")


def _unique(citations: Iterable[Citation]) -> list[Citation]:
    seen: set[int] = set()
    out: list[Citation] = []
    for c in citations:
        if c.n not in seen:
            seen.add(c.n)
            out.append(c)
    return sorted(out, key=lambda c: c.n)


def source_line(c: Citation) -> str:
    parts = [
        p
        for p in (
            c.body or c.doc_type,
            c.date,
            f"dnr {', '.join(c.dnr)}" if c.dnr else None,
            f"s. {', '.join(map(str, c.pages))}" if c.pages else None,
        )
        if p
    ]
    where = f" — {', '.join(parts)}" if parts else ""
    section = f", {c.section}" if c.section else ""
    return f"[{c.n}] {c.title}{where}{section} ({c.paragraph_id})"


def sources_block(citations: list[Citation]) -> str:
    unique = _unique(citations)
    if not unique:
        return ""
    return "Källor:\n" + "\n".join(source_line(c) for c in unique)


def reply_text(answer: Answer) -> str:
    text = answer.answer.rstrip()
    block = sources_block(answer.citations)
    return f"{text}\n\n{block}" if block else text


def _tokens(text: str) -> int:
    return len(text.split())


def completion(answer: Answer, model: str, prompt: str) -> ChatCompletion:
    text = reply_text(answer)
    prompt_tokens, completion_tokens = _tokens(prompt), _tokens(text)
    return ChatCompletion(
        id=f"chatcmpl-{uuid.uuid4().hex}",
        created=int(time.time()),
        model=model,
        choices=[ChatChoice(message=ChatReply(content=text, citations=answer.citations))],
        usage=Usage(
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            total_tokens=prompt_tokens + completion_tokens,
        ),
        citations=answer.citations,
        abstained=answer.abstained,
    )


def _chunk(cid: str, created: int, model: str, delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
    body = {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        **extra,
    }
    return f"data: {json.dumps(body)}\n\n"


def stream_chunks(events: Iterable[dict[str, Any]], model: str) -> Iterator[str]:
    """Service events (`citations`, `delta`…, `final`) as OpenAI `chat.completion.chunk` SSE lines."""
    cid, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
    yield _chunk(cid, created, model, {"role": "assistant", "content": ""})
    written = ""
    answer: Answer | None = None
    for event in events:
        if event.get("type") == "delta" and event.get("text"):
            written += str(event["text"])
            yield _chunk(cid, created, model, {"content": str(event["text"])})
        elif event.get("type") == "final":
            answer = Answer.model_validate(event["answer"])
    citations = answer.citations if answer else []
    block = sources_block(citations)
    if block:
        glue = "\n" if written.endswith("\n") else "\n\n"
        yield _chunk(cid, created, model, {"content": glue + block})
    yield _chunk(
        cid,
        created,
        model,
        {},
        "stop",
        citations=[c.model_dump() for c in citations],
        abstained=bool(answer.abstained) if answer else True,
    )
    yield "data: [DONE]\n\n"
