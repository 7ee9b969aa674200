"""What the app keeps between requests: the settings, the service (Ingestor + Chroma + catalog), the guard
that keeps requests consistent while the index changes, the document library and the feedback store.

The service is made in the lifespan. When Chroma cannot be reached then (a server not up yet), the app still
starts: /healthz answers, /readyz and the endpoints that need the index say 503, and the service is made on
the first request after Chroma is back."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request

from assistant.api.errors import ApiError
from assistant.api.feedback import FeedbackStore
from assistant.api.guard import IndexGuard
from assistant.api.library import Library
from assistant.service import AssistantService
from assistant.settings import Settings
from ingest.errors import StoreUnavailable

log = logging.getLogger("remiss.api")


class ApiState:
    def __init__(self, settings: Settings, service: AssistantService | None = None) -> None:
        self.settings = settings
        self.feedback = FeedbackStore(settings.data_dir / "feedback.jsonl")
        self._lock = threading.Lock()
        self._service: AssistantService | None = None
        self._guard: IndexGuard | None = None
        self._library: Library | None = None
        if service is not None:
            self._attach(service)

    def _attach(self, service: AssistantService) -> None:
        guard = IndexGuard(service.catalog, service.ingestor)
        self._library = Library(service, guard)
        self._guard = guard
        self._service = service

    def start(self) -> None:
        """Make the service now if Chroma is reachable (called from the lifespan)."""
        try:
            self.service()
        except ApiError as exc:
            log.warning("starting without the index: %s", exc.message)

    def service(self) -> AssistantService:
        if self._service is not None:
            return self._service
        with self._lock:
            if self._service is None:
                try:
                    self._attach(AssistantService(self.settings))
                except StoreUnavailable as exc:
                    raise ApiError(503, "store_unavailable", f"The document index is not reachable: {exc}") from exc
        assert self._service is not None
        return self._service

    @property
    def guard(self) -> IndexGuard:
        self.service()
        assert self._guard is not None
        return self._guard

    @property
    def library(self) -> Library:
        self.service()
        assert self._library is not None
        return self._library

    @contextmanager
    def reading(self) -> Iterator[AssistantService]:
        """The service, with the catalog held steady for the duration."""
        service = self.service()
        with self.guard.reading():
            yield service


def get_state(request: Request) -> ApiState:
    state: ApiState = request.app.state.api
    return state


def request_id(request: Request) -> str | None:
    value = request.scope.get("state", {}).get("request_id")
    return str(value) if value else None
