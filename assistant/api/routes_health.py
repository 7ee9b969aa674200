"""Liveness and readiness probes (open: no key needed)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from assistant.api.errors import ApiError, responses
from assistant.api.library import document_count
from assistant.api.models import Health, Ready
from assistant.api.state import ApiState, get_state

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="The process is up")
def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Ready, summary="The index is reachable", responses=responses(503))
def readyz(state: ApiState = Depends(get_state)) -> Ready:
    try:
        count = document_count(state.service())
    except ApiError:
        raise
    except Exception as exc:  # whatever the Chroma client raises when its server is gone
        raise ApiError(503, "store_unavailable", f"The document index is not reachable: {type(exc).__name__}.") from exc
    mode = "server" if state.settings.chroma_host else "embedded"
    return Ready(status="ready", documents=count, chroma=mode)
