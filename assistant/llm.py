"""The optional language model: an OpenAI-compatible chat endpoint, created on first use.
Every failure to reach it or to read its reply becomes `LLMFailure`, so callers handle one error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

from assistant.settings import Settings
from ingest.errors import RemissError

MAX_RETRIES = 1  # one retry on a dropped connection; a slow model is not asked twice


def llm_errors() -> tuple[type[Exception], ...]:
    """What reaching the model can raise. The SDK is imported here, when a model is first asked: importing it
    costs every process ~1 s of its cold start (more under load), and most deployments configure no model."""
    import openai

    return (openai.OpenAIError, httpx.HTTPError)


class LLMFailure(RemissError):
    """The model could not be asked or gave no well-formed reply."""


class ChatModel:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client: Any = None  # openai.OpenAI; Any because the SDK types messages as TypedDicts

    @property
    def enabled(self) -> bool:
        return bool(self.settings.llm_base_url)

    def _openai(self) -> Any:
        if self._client is None:
            import openai

            self._client = openai.OpenAI(
                base_url=self.settings.llm_base_url,
                api_key=self.settings.llm_api_key.get_secret_value(),
                timeout=self.settings.llm_timeout,
                max_retries=MAX_RETRIES,
            )
        return self._client

    def complete(self, messages: list[dict[str, str]]) -> str:
        try:
            response = self._openai().chat.completions.create(
                model=self.settings.llm_model,
                messages=messages,
                temperature=0,
                stream=False,
            )
            content = response.choices[0].message.content
        except llm_errors() as exc:
            raise LLMFailure(f"{type(exc).__name__}: {exc}") from exc
        except (AttributeError, IndexError, TypeError) as exc:
            raise LLMFailure(f"malformed reply: {exc}") from exc
        return content if isinstance(content, str) else ""

    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
        """The reply's text pieces as they arrive; a broken stream raises LLMFailure midway."""
        try:
            stream: Any = self._openai().chat.completions.create(
                model=self.settings.llm_model,
                messages=messages,
                temperature=0,
                stream=True,
            )
        except llm_errors() as exc:
            raise LLMFailure(f"{type(exc).__name__}: {exc}") from exc
        try:
            for chunk in stream:
                text = _delta(chunk)
                if text:
                    yield text
        except llm_errors() as exc:
            raise LLMFailure(f"{type(exc).__name__}: {exc}") from exc
        finally:
            close = getattr(stream, "close", None)
            if callable(close):
                close()


def _delta(chunk: Any) -> str:
    choices = getattr(chunk, "choices", None) or []
    if not choices:
        return ""
    delta = getattr(choices[0], "delta", None)
    content = getattr(delta, "content", None)
    return content if isinstance(content, str) else ""
