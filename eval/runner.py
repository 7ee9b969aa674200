"""Run a question set against a backend and write DIR/results.jsonl and DIR/summary.json."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.schemas import Answer, SearchHit
from eval import metrics as m
from eval.backends import Backend
from eval.schema import Question, QuestionSet

ANSWER_CHARS = 500  # results.jsonl stays small: texts are cut to these lengths (metrics use the full text)
QUOTE_CHARS = 120
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def default_corpus() -> Path:
    """../shared/corpus next to the project root."""
    return (PROJECT_ROOT / ".." / "shared" / "corpus").resolve()


def git_commit(root: Path = PROJECT_ROOT) -> str | None:
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
        if sha.returncode != 0:
            return None
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        )
        return sha.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def search_query(q: Question) -> str:
    """Search has no conversation state: a follow-up is searched together with the previous user turn."""
    previous = [t.content for t in q.history if t.role == "user"]
    return f"{previous[-1]} {q.question}" if previous else q.question


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def ranked_documents(hits: list[SearchHit]) -> list[dict[str, str]]:
    """Search hits deduplicated to documents, best rank first."""
    seen: dict[str, dict[str, str]] = {}
    for hit in sorted(hits, key=lambda h: h.rank):
        seen.setdefault(hit.doc_id, {"doc_id": hit.doc_id, "source_file": hit.source_file})
    return list(seen.values())


def _error(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"[:300]


@dataclass
class Outcome:
    question: Question
    hits: list[SearchHit]
    answer: Answer | None
    search_ms: float | None
    ask_ms: float | None
    error: str | None


def run_question(backend: Backend, q: Question, k: int) -> Outcome:
    filters = q.search_filters
    errors: list[str] = []
    hits: list[SearchHit] = []
    answer: Answer | None = None
    search_ms = ask_ms = None
    started = time.perf_counter()
    try:
        hits = backend.search(search_query(q), filters, k)
        search_ms = round((time.perf_counter() - started) * 1000, 2)
    except Exception as exc:  # a failing question is a result, not a crash of the run
        errors.append(f"search: {_error(exc)}")
    started = time.perf_counter()
    try:
        answer = backend.ask(q.question, filters, q.history)
        ask_ms = round((time.perf_counter() - started) * 1000, 2)
    except Exception as exc:
        errors.append(f"ask: {_error(exc)}")
    return Outcome(q, hits, answer, search_ms, ask_ms, "; ".join(errors) or None)


def judge(outcome: Outcome, backend: Backend, source_map: dict[str, str]) -> dict[str, Any]:
    """One results.jsonl row, without the retrieval metrics (they need the whole run: see score_retrieval)."""
    q = outcome.question
    e = q.expect
    expected_order = [source_map.get(name, f"missing:{name}") for name in e.sources]  # aligned with sources
    answer = outcome.answer
    citations: list[dict[str, Any]] = []
    texts: list[str] = []
    for c in answer.citations if answer else []:
        paragraph = backend.paragraph_text(c)
        text = paragraph if paragraph is not None else c.quote
        texts.append(text)
        supports = m.matched_entries([text], e.cited_phrases)
        record: dict[str, Any] = {
            "n": c.n,
            "paragraph_id": c.paragraph_id,
            "source_file": c.source_file,
            "quote": _cut(c.quote, QUOTE_CHARS),
            "supports": supports,  # indexes of the cited_phrases entries its paragraph contains
            "quote_supports": m.matched_entries([c.quote], e.cited_phrases),  # ... its quote contains
            "supported": m.citation_supported(text, c.quote, e.cited_phrases, e.answer_phrases),
        }
        if paragraph is None:
            record["judged_on"] = "quote"  # the paragraph could not be looked up
        citations.append(record)
    flags = [bool(c["supported"]) for c in citations]
    quotes = [c.quote for c in answer.citations] if answer else []
    abstained = answer.abstained if answer else False
    values = m.answer_metrics(
        answerable=q.answerable,
        abstained=abstained,
        answer=answer.answer if answer else "",
        citation_texts=texts,
        quotes=quotes,
        citation_supported_flags=flags,
        cited_phrases=e.cited_phrases,
        answer_phrases=e.answer_phrases,
    )
    if q.answerable:
        values["passage_hit@5"] = m.passage_hit([h.text for h in outcome.hits], e.cited_phrases)
    answer_text = answer.answer if answer else ""
    return {
        "id": q.id,
        "tags": q.tags,
        "answer_type": q.answer_type,
        "read_type": (answer.reading.get("answer_type") if answer else None),
        "question": q.question,
        "answerable": q.answerable,
        "expected": {
            "sources": e.sources,
            "doc_ids": expected_order,
            "dnr": e.dnr,
            "cited_phrases": e.cited_phrases,
            "answer_phrases": e.answer_phrases,
        },
        "retrieved": ranked_documents(outcome.hits),
        "answer": _cut(answer_text, ANSWER_CHARS),
        "answer_phrases_found": [] if abstained else m.matched_entries([answer_text], e.answer_phrases),
        "cited_phrases_found": [] if abstained else m.matched_entries(texts, e.cited_phrases),
        "abstained": abstained,
        "citations": citations,
        "metrics": {**dict.fromkeys(m.RETRIEVAL_METRICS), "passage_hit@5": None, **values},
        "latency": {"search_ms": outcome.search_ms, "ask_ms": outcome.ask_ms},
        "error": outcome.error,
    }


def score_retrieval(rows: list[dict[str, Any]]) -> None:
    """Fill recall/MRR/nDCG in each answerable row with expected sources (ranx over the whole run)."""
    qrels = {
        r["id"]: dict.fromkeys(r["expected"]["doc_ids"], 1)
        for r in rows
        if r["answerable"] and r["expected"]["doc_ids"]
    }
    ranked = {r["id"]: [d["doc_id"] for d in r["retrieved"]] for r in rows}
    scores = m.retrieval_scores(qrels, ranked)
    for r in rows:
        if r["id"] in scores:
            r["metrics"].update({k: round(v, 4) for k, v in scores[r["id"]].items()})


def summarize(rows: list[dict[str, Any]], config: dict[str, Any]) -> dict[str, Any]:
    return {
        "config": config,
        "overall": m.aggregate(rows),
        "per_answer_type": m.per_answer_type(rows),
        "per_tag": m.per_tag(rows),
    }


def write_run(out: Path, rows: list[dict[str, Any]], summary: dict[str, Any]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "results.jsonl").open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def read_run(run_dir: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    results_path = run_dir / "results.jsonl"
    rows = []
    if results_path.exists():
        rows = [json.loads(line) for line in results_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return summary, rows


def run_set(
    qset: QuestionSet,
    backend: Backend,
    *,
    k: int = 10,
    config: dict[str, Any] | None = None,
    questions: list[Question] | None = None,
    progress: Callable[[Question], None] | None = None,
    warm_up: bool = True,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Run the set's questions (drafts skipped) and score them. Returns (rows, summary)."""
    chosen = questions if questions is not None else qset.active()
    started = time.perf_counter()
    if warm_up and chosen:  # load indexes and models before the clock starts
        try:
            backend.search(chosen[0].question, None, k)
            backend.ask(chosen[0].question, None, [])
        except Exception:  # the question itself will report the failure
            pass
    outcomes = []
    for q in chosen:
        outcomes.append(run_question(backend, q, k))
        if progress:
            progress(q)
    source_map = backend.source_map()
    rows = [judge(o, backend, source_map) for o in outcomes]
    score_retrieval(rows)
    expected_files = sorted({name for q in chosen for name in q.expect.sources})
    run_config = {
        "set": qset.name,
        "k": k,
        **backend.describe(),
        **(config or {}),
        "git_commit": git_commit(),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "duration_s": round(time.perf_counter() - started, 2),
        "documents": len(set(source_map.values())),
        "unindexed_sources": [name for name in expected_files if name not in source_map],
    }
    return rows, summarize(rows, run_config)
