"""Feedback on answers: the UI posts a rating, the eval and admins read them back."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from assistant.api.auth import require_reader
from assistant.api.errors import responses
from assistant.api.models import FeedbackIn, FeedbackList, FeedbackRecord
from assistant.api.state import ApiState, get_state, request_id

router = APIRouter(prefix="/v1/feedback", tags=["feedback"], dependencies=[Depends(require_reader)])


@router.post(
    "",
    response_model=FeedbackRecord,
    status_code=201,
    summary="Rate an answer",
    description="Stored as one JSON line in `data_dir/feedback.jsonl`.",
    responses=responses(400, 401, 413, 422),
)
def add_feedback(body: FeedbackIn, request: Request, state: ApiState = Depends(get_state)) -> FeedbackRecord:
    return state.feedback.add(body, request_id(request))


@router.get("", response_model=FeedbackList, summary="All feedback, oldest first", responses=responses(401))
def list_feedback(state: ApiState = Depends(get_state)) -> FeedbackList:
    items = state.feedback.all()
    return FeedbackList(total=len(items), results=items)
