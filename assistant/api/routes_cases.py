"""Ärendevy: the documents of one diarienummer in date order, each with its decision or stance."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from assistant import cases
from assistant.api.auth import require_reader
from assistant.api.errors import ApiError, responses
from assistant.api.state import ApiState, get_state

router = APIRouter(prefix="/v1/cases", tags=["assistant"], dependencies=[Depends(require_reader)])


@router.get(
    "/{dnr:path}",
    response_model=cases.Case,
    summary="One case: every document of a diarienummer, oldest first",
    description="Documents whose own dnr or whose protokoll § item carries the diarienummer (any spelling: "
    "`KS 2025/102`, `ks-2025-00102`), each with its type, body and date, and what it decided or said — a "
    "protokoll §'s Beslut, a förslag till beslut, a yttrande's stance or the first sentence of its "
    "Sammanfattning — quoted verbatim with the paragraph ids to cite.",
    responses=responses(401, 404, 503),
)
def case(dnr: str, state: ApiState = Depends(get_state)) -> cases.Case:
    with state.reading() as service:
        found = cases.case(service.catalog, dnr)
    if found is None:
        raise ApiError(404, "not_found", f"No document with diarienummer {dnr!r}.")
    return found
