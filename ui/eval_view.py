"""Eval page: the latest runs side by side — a metrics table and a per-tag chart.

`render(runs_dir)` shows every run directory under `runs_dir` that has a summary.json (the folder itself
counts too, and so does the committed baseline next to it, `eval/baseline` for `eval/runs`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval import metrics as m

TABLE_METRICS = m.QUALITY_METRICS + m.LATENCY_METRICS


@dataclass
class RunInfo:
    path: Path
    summary: dict[str, Any]

    @property
    def created(self) -> str:
        return str(self.summary.get("config", {}).get("created") or "")

    @property
    def label(self) -> str:
        c = self.summary.get("config", {})
        when = self.created[:16].replace("T", " ")
        label = f"{self.path.name} · {c.get('retriever', '?')}/{c.get('embedder', '?')} · {when}"
        return label.replace(":", ".")  # chart column names must not contain ':' (Vega-Lite shorthand)


def find_runs(runs_dir: Path) -> list[RunInfo]:
    """Run directories with a readable summary.json, newest first."""
    candidates = [runs_dir] if (runs_dir / "summary.json").exists() else []
    if runs_dir.is_dir():
        candidates += sorted(p for p in runs_dir.iterdir() if (p / "summary.json").exists())
    baseline = runs_dir.parent / "baseline"
    if (baseline / "summary.json").exists() and baseline.resolve() != runs_dir.resolve():
        candidates.append(baseline)
    runs: list[RunInfo] = []
    for path in candidates:
        try:
            summary = json.loads((path / "summary.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(summary, dict) and isinstance(summary.get("overall"), dict):
            runs.append(RunInfo(path, summary))
    return sorted(runs, key=lambda r: (r.created, (r.path / "summary.json").stat().st_mtime), reverse=True)


def metrics_rows(runs: list[RunInfo]) -> list[dict[str, Any]]:
    """One row per metric, one column per run."""
    rows = []
    for metric in TABLE_METRICS:
        row: dict[str, Any] = {"metric": m.LABELS[metric]}
        for run in runs:
            value = run.summary["overall"].get(metric)
            row[run.label] = None if value is None else round(float(value), 3 if not metric.endswith("_ms") else 1)
        rows.append(row)
    return rows


def tag_rows(runs: list[RunInfo], metric: str) -> dict[str, dict[str, float | None]]:
    """tag -> {run label -> value of `metric` on that tag}."""
    tags = sorted({t for run in runs for t in run.summary.get("per_tag", {})})
    return {t: {run.label: run.summary.get("per_tag", {}).get(t, {}).get(metric) for run in runs} for t in tags}


def render(runs_dir: Path) -> None:
    import pandas as pd
    import streamlit as st

    st.header("Utvärdering")
    runs = find_runs(runs_dir)
    if not runs:
        st.info(f"Inga körningar i {runs_dir}. Kör `remiss eval run eval/sets/dev.yaml --out {runs_dir}/<namn>`.")
        return
    labels = [r.label for r in runs]
    chosen_labels = st.multiselect("Körningar", labels, default=labels[:3], key="eval_runs")
    chosen = [r for r in runs if r.label in chosen_labels]
    if not chosen:
        st.warning("Välj minst en körning.")
        return
    st.subheader("Mått")
    table = pd.DataFrame(metrics_rows(chosen)).set_index("metric")
    st.dataframe(table, width="stretch", height=36 * (len(table) + 1) + 4)
    st.caption("Kvalitetsmått 0–1 (högre är bättre); latens i ms på klientsidan. Definitioner: eval/metrics.py.")
    st.subheader("Per tagg")
    metric = st.selectbox("Mått", list(m.QUALITY_METRICS), format_func=lambda x: m.LABELS[x], key="eval_tag_metric")
    per_tag = pd.DataFrame.from_dict(tag_rows(chosen, metric), orient="index")
    if per_tag.dropna(how="all").empty:
        st.info("Måttet gäller inga frågor i de valda körningarna.")
    else:
        st.bar_chart(per_tag, stack=False, horizontal=True, height=max(300, 28 * len(per_tag)))
    with st.expander("Konfiguration"):
        st.json({r.label: r.summary.get("config", {}) for r in chosen}, expanded=False)
