"""Eval runs for the UI's Utvärdering page: the list of runs and one run's summary, read from the JSON files
under `settings.eval_runs_dir` (assistant/eval_runs.py; the eval package is not imported)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field

from assistant.api.auth import require_reader
from assistant.api.errors import responses
from assistant.api.state import ApiState, get_state
from assistant.eval_runs import RunSummary, find_run, list_runs

router = APIRouter(prefix="/v1/eval", tags=["eval"], dependencies=[Depends(require_reader)])


class EvalRunInfo(BaseModel):
    id: str = Field(description="The run's folder name; `baseline` is the committed baseline.")
    created: str = Field(description="When the run was made (ISO 8601), as its summary records it.")
    retriever: str | None = None
    embedder: str | None = None
    set: str | None = Field(None, description="The question set the run used.")
    questions: int | None = None


class EvalRunList(BaseModel):
    total: int
    results: list[EvalRunInfo]


class EvalRun(EvalRunInfo):
    config: dict[str, Any] = Field(description="How the run was made (retriever, embedder, set, corpus, …).")
    overall: dict[str, Any] = Field(description="Metric -> value over all questions, with counts.")
    per_tag: dict[str, dict[str, Any]] = Field(description="Question tag -> metric -> value.")


def _info(run: RunSummary) -> dict[str, Any]:
    config, overall = run.config, run.summary["overall"]
    questions = overall.get("questions")
    return {
        "id": run.id,
        "created": run.created,
        "retriever": _text(config.get("retriever")),
        "embedder": _text(config.get("embedder")),
        "set": _text(config.get("set")),
        "questions": questions if isinstance(questions, int) else None,
    }


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


@router.get("/runs", response_model=EvalRunList, summary="The eval runs, newest first", responses=responses(401))
def eval_runs(state: ApiState = Depends(get_state)) -> EvalRunList:
    runs = [EvalRunInfo(**_info(run)) for run in list_runs(state.settings.eval_runs_dir)]
    return EvalRunList(total=len(runs), results=runs)


@router.get("/runs/{run_id}", response_model=EvalRun, summary="One eval run's summary", responses=responses(401, 404))
def eval_run(run_id: str, state: ApiState = Depends(get_state)) -> EvalRun:
    run = find_run(state.settings.eval_runs_dir, run_id)
    if run is None:
        raise HTTPException(status_code=404, detail=f"No eval run {run_id!r}.")
    per_tag = run.summary.get("per_tag")
    return EvalRun(
        **_info(run),
        config=run.config,
        overall=run.summary["overall"],
        per_tag=per_tag if isinstance(per_tag, dict) else {},
    )
