"""Eval page: the latest runs side by side — a metrics table and a per-tag chart.

`render(client)` lists the runs the API serves (`/v1/eval/runs`: the run folders of `REMISS_EVAL_RUNS_DIR`
and the committed baseline) and fetches the summaries of the runs chosen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eval import metrics as m
from ui.client import ApiClient

TABLE_METRICS = m.QUALITY_METRICS + m.LATENCY_METRICS
# The metrics' names on the page, in Swedish (eval's own labels are English, for its reports).
LABELS = {
    "recall@5": "Täckning R@5",
    "recall@10": "Täckning R@10",
    "mrr@10": "MRR@10",
    "ndcg@10": "nDCG@10",
    "passage_hit@5": "Rätt stycke bland 5",
    "quote_hit": "Rätt citat",
    "citation_precision": "Källprecision",
    "citation_recall": "Källtäckning",
    "answer_phrase_recall": "Svarsfraser som kommer med",
    "abstention_unanswerable": "Avstår när arkivet saknar svar",
    "abstention_answerable": "Svarar när arkivet har svar",
    "search_p50_ms": "Sökning p50 (ms)",
    "search_p95_ms": "Sökning p95 (ms)",
    "ask_p50_ms": "Fråga p50 (ms)",
    "ask_p95_ms": "Fråga p95 (ms)",
}


def label(metric: str) -> str:
    return LABELS.get(metric, m.LABELS.get(metric, metric))


@dataclass
class RunInfo:
    """A run as the API lists it (`info`), with its summary (config, overall, per_tag) once fetched."""

    info: dict[str, Any]
    summary: dict[str, Any]

    @property
    def label(self) -> str:
        return run_label(self.info)


def run_label(info: dict[str, Any]) -> str:
    when = str(info.get("created") or "")[:16].replace("T", " ")
    label = f"{info.get('id')} · {info.get('retriever') or '?'}/{info.get('embedder') or '?'} · {when}"
    return label.replace(":", ".")  # chart column names must not contain ':' (Vega-Lite shorthand)


def fetch_runs(client: ApiClient, infos: list[dict[str, Any]]) -> list[RunInfo]:
    return [RunInfo(info, client.eval_run(str(info["id"]))) for info in infos]


def metrics_rows(runs: list[RunInfo]) -> list[dict[str, Any]]:
    """One row per metric, one column per run."""
    rows = []
    for metric in TABLE_METRICS:
        row: dict[str, Any] = {"Mått": label(metric)}
        for run in runs:
            value = run.summary["overall"].get(metric)
            row[run.label] = None if value is None else round(float(value), 3 if not metric.endswith("_ms") else 1)
        rows.append(row)
    return rows


def tag_rows(runs: list[RunInfo], metric: str) -> dict[str, dict[str, float | None]]:
    """tag -> {run label -> value of `metric` on that tag}."""
    tags = sorted({t for run in runs for t in run.summary.get("per_tag", {})})
    return {t: {run.label: run.summary.get("per_tag", {}).get(t, {}).get(metric) for run in runs} for t in tags}


def render(client: ApiClient) -> None:
    import pandas as pd
    import streamlit as st

    st.header("Utvärdering")
    infos = client.eval_runs()
    if not infos:
        st.info("Inga körningar. Kör `remiss eval run eval/sets/dev.yaml --out eval/runs/<namn>`.")
        return
    by_label = {run_label(info): info for info in infos}
    labels = list(by_label)
    chosen_labels = st.multiselect(
        "Körningar", labels, default=labels[:3], key="eval_runs", placeholder="Välj körningar", select_all=False
    )
    if not chosen_labels:
        st.warning("Välj minst en körning.")
        return
    chosen = fetch_runs(client, [by_label[label] for label in chosen_labels])
    st.subheader("Mått")
    table = pd.DataFrame(metrics_rows(chosen)).set_index("Mått")
    st.dataframe(table, width="stretch", height=36 * (len(table) + 1) + 4)
    st.caption("Kvalitetsmått 0–1 (högre är bättre); latens i ms på klientsidan. Definitioner: `eval/metrics.py`.")
    st.subheader("Per tagg")
    metric = st.selectbox("Mått", list(m.QUALITY_METRICS), format_func=label, key="eval_tag_metric")
    per_tag = pd.DataFrame.from_dict(tag_rows(chosen, metric), orient="index")
    if per_tag.dropna(how="all").empty:
        st.info("Måttet gäller inga frågor i de valda körningarna.")
    else:
        st.bar_chart(
            per_tag,
            stack=False,
            horizontal=True,
            height=max(300, 28 * len(per_tag)),
            x_label=label(metric),
            y_label="Tagg",
        )
    with st.expander("Konfiguration"):
        st.json({r.label: r.summary.get("config", {}) for r in chosen}, expanded=False)
