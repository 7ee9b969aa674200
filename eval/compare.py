"""Compare two runs: per-metric deltas, the questions that got worse, and the regression gate."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval import metrics as m
from eval.runner import read_run

# Per question, these values getting lower means the question got worse.
QUESTION_METRICS = m.QUALITY_METRICS


@dataclass
class MetricDelta:
    metric: str
    base: float | None
    new: float | None
    gated: bool
    failed: bool

    @property
    def delta(self) -> float | None:
        return None if self.base is None or self.new is None else round(self.new - self.base, 4)


@dataclass
class Worse:
    id: str
    question: str
    changes: list[tuple[str, float | None, float | None]]


@dataclass
class Comparison:
    base_dir: Path
    new_dir: Path
    threshold: float
    deltas: list[MetricDelta] = field(default_factory=list)
    worse: list[Worse] = field(default_factory=list)
    better: list[str] = field(default_factory=list)
    only_base: list[str] = field(default_factory=list)
    only_new: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[MetricDelta]:
        return [d for d in self.deltas if d.failed]

    @property
    def passed(self) -> bool:
        return not self.failed


def _is_worse(base: float | None, new: float | None) -> bool:
    if base is None:
        return False
    return new is None or new < base - 1e-9


def compare_runs(base_dir: Path, new_dir: Path, threshold: float = 0.02) -> Comparison:
    base_summary, base_rows = read_run(base_dir)
    new_summary, new_rows = read_run(new_dir)
    out = Comparison(base_dir, new_dir, threshold)
    b, n = base_summary["overall"], new_summary["overall"]
    for metric in m.QUALITY_METRICS + m.LATENCY_METRICS:
        gated = metric in m.GATED_METRICS
        base_value, new_value = b.get(metric), n.get(metric)
        # a gated metric that had a value and lost it (e.g. no citations any more) fails too
        failed = gated and base_value is not None and (new_value is None or new_value < base_value - threshold)
        out.deltas.append(MetricDelta(metric, base_value, new_value, gated, failed))
    base_by_id = {r["id"]: r for r in base_rows}
    new_by_id = {r["id"]: r for r in new_rows}
    out.only_base = [i for i in base_by_id if i not in new_by_id]
    out.only_new = [i for i in new_by_id if i not in base_by_id]
    for qid, old in base_by_id.items():
        cur = new_by_id.get(qid)
        if cur is None:
            continue
        changes = [
            (x, old["metrics"].get(x), cur["metrics"].get(x))
            for x in QUESTION_METRICS
            if _is_worse(old["metrics"].get(x), cur["metrics"].get(x))
        ]
        if changes:
            out.worse.append(Worse(qid, cur["question"], changes))
        elif any(_is_worse(cur["metrics"].get(x), old["metrics"].get(x)) for x in QUESTION_METRICS):
            out.better.append(qid)
    bc, nc = base_summary.get("config", {}), new_summary.get("config", {})
    for key in ("set", "retriever", "embedder", "k", "backend"):
        if bc.get(key) != nc.get(key):
            out.notes.append(f"{key} differs: {bc.get(key)!r} → {nc.get(key)!r}")
    if bc.get("documents") != nc.get("documents"):
        out.notes.append(f"indexed documents differ: {bc.get('documents')} → {nc.get('documents')}")
    skipped_base = set((bc.get("ingest") or {}).get("skipped_files", []))
    skipped_new = set((nc.get("ingest") or {}).get("skipped_files", []))
    if skipped_base != skipped_new:
        out.notes.append(
            "ingest skipped different files (OCR available?): "
            f"only base: {sorted(skipped_base - skipped_new)}, only new: {sorted(skipped_new - skipped_base)}"
        )
    if out.only_base or out.only_new:
        out.notes.append(f"question ids differ: {len(out.only_base)} only in base, {len(out.only_new)} only in new")
    return out


def as_dict(c: Comparison) -> dict[str, Any]:
    return {
        "base": str(c.base_dir),
        "new": str(c.new_dir),
        "threshold": c.threshold,
        "passed": c.passed,
        "metrics": [
            {
                "metric": d.metric,
                "base": d.base,
                "new": d.new,
                "delta": d.delta,
                "gated": d.gated,
                "failed": d.failed,
            }
            for d in c.deltas
        ],
        "worse": [
            {"id": w.id, "changes": [{"metric": x, "base": bv, "new": nv} for x, bv, nv in w.changes]} for w in c.worse
        ],
        "better": c.better,
        "only_base": c.only_base,
        "only_new": c.only_new,
        "notes": c.notes,
    }
