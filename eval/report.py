"""DIR/report.md and a self-contained DIR/report.html (inline SVG charts, inline CSS, no external assets)."""

from __future__ import annotations

import html
import io
from pathlib import Path
from typing import Any

from eval import metrics as m
from eval.runner import read_run

TAG_CHART_METRICS = (
    "recall@5",
    "passage_hit@5",
    "quote_hit",
    "citation_precision",
    "answer_phrase_recall",
    "abstention_unanswerable",
    "abstention_answerable",
)


def fmt(value: Any, metric: str = "") -> str:
    if value is None:
        return "–"
    if metric.endswith("_ms"):
        return f"{value:.0f}"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _alts(entry: list[str]) -> str:
    return " | ".join(f"“{a}”" for a in entry)


def failure_reasons(row: dict[str, Any]) -> list[str]:
    """Why a question counts as failing; empty when it passed everything that applies to it."""
    reasons: list[str] = []
    mt = row["metrics"]
    if row.get("error"):
        reasons.append(f"error — {row['error']}")
    if row["answerable"] and row["abstained"]:
        reasons.append("abstained on an answerable question")
    if not row["answerable"] and not row["abstained"]:
        reasons.append("answered an unanswerable question")
    if mt.get("recall@5") is not None and mt["recall@5"] < 1:
        top = {d["doc_id"] for d in row["retrieved"][:5]}
        pairs = zip(row["expected"]["sources"], row["expected"]["doc_ids"], strict=False)
        missing = [name for name, doc_id in pairs if doc_id not in top]
        reasons.append("expected source not in search top 5: " + ", ".join(missing or row["expected"]["sources"]))
    if row["answerable"] and not row["abstained"]:
        entries = row["expected"]["answer_phrases"]
        lacking = [e for i, e in enumerate(entries) if i not in row.get("answer_phrases_found", [])]
        if lacking:
            reasons.append("answer lacks " + "; ".join(_alts(e) for e in lacking))
        cited = row["expected"]["cited_phrases"]
        uncited = [e for i, e in enumerate(cited) if i not in row.get("cited_phrases_found", [])]
        if uncited:
            reasons.append("no cited paragraph contains " + "; ".join(_alts(e) for e in uncited))
        elif mt.get("quote_hit") is not None and mt["quote_hit"] < 1:
            reasons.append("the cited paragraph holds the expected sentence, but the quote does not")
        if mt.get("passage_hit@5") == 0:
            reasons.append("expected sentence not in the top 5 search passages")
        if mt.get("citation_precision") is not None and mt["citation_precision"] < 0.5:
            reasons.append(f"citation precision {mt['citation_precision']:.2f}")
    return reasons


def _config_lines(config: dict[str, Any]) -> list[tuple[str, str]]:
    keys = (
        "set",
        "backend",
        "retriever",
        "embedder",
        "k",
        "api_url",
        "corpus",
        "documents",
        "data_dir",
        "generative",
        "git_commit",
        "created",
        "duration_s",
    )
    out = [(key, str(config[key])) for key in keys if key in config and config[key] not in (None, "")]
    if config.get("unindexed_sources"):
        out.append(("expected sources not in the index", ", ".join(config["unindexed_sources"])))
    if config.get("ingest"):
        out.append(("ingest", ", ".join(f"{k} {v}" for k, v in config["ingest"].items() if k != "skipped_files")))
        if config["ingest"].get("skipped_files"):
            out.append(("skipped by ingest", ", ".join(config["ingest"]["skipped_files"])))
    return out


# --- Markdown ----------------------------------------------------------------------------------------
def _markdown_table(title: str, label: str, groups: dict[str, dict[str, Any]]) -> list[str]:
    if not groups:
        return []
    lines = [
        "",
        f"## {title}",
        "",
        f"| {label} | n | " + " | ".join(m.LABELS[x] for x in TAG_CHART_METRICS) + " |",
        "|---|---:|" + "---:|" * len(TAG_CHART_METRICS),
    ]
    for name, agg in groups.items():
        lines.append(
            f"| {name} | {agg['questions']} | " + " | ".join(fmt(agg.get(x)) for x in TAG_CHART_METRICS) + " |"
        )
    return lines


def markdown(summary: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    overall = summary["overall"]
    config = summary.get("config", {})
    lines = [f"# Eval report — {config.get('set', '?')}", ""]
    lines += [f"- **{k}**: {v}" for k, v in _config_lines(config)]
    lines += ["", "## Overall", "", "| metric | value | questions |", "|---|---:|---:|"]
    for metric in m.QUALITY_METRICS:
        lines.append(f"| {m.LABELS[metric]} | {fmt(overall.get(metric))} | {overall['counts'].get(metric, 0)} |")
    for metric in m.LATENCY_METRICS:
        lines.append(f"| {m.LABELS[metric]} | {fmt(overall.get(metric), metric)} | {overall['questions']} |")
    lines += ["", f"{overall['questions']} questions, {overall.get('errors', 0)} with errors.", ""]
    lines += [
        "## Per tag",
        "",
        "| tag | n | " + " | ".join(m.LABELS[x] for x in TAG_CHART_METRICS) + " |",
        "|---|---:|" + "---:|" * len(TAG_CHART_METRICS),
    ]
    for tag, agg in summary["per_tag"].items():
        lines.append(f"| {tag} | {agg['questions']} | " + " | ".join(fmt(agg.get(x)) for x in TAG_CHART_METRICS) + " |")
    lines += _markdown_table("Per answer type", "answer type", summary.get("per_answer_type", {}))
    failing = [(r, failure_reasons(r)) for r in rows]
    failing = [(r, why) for r, why in failing if why]
    lines += ["", f"## Failing questions ({len(failing)} of {len(rows)})", ""]
    for r, why in failing:
        lines += [f"### {r['id']} — {', '.join(r['tags'])}", "", f"> {r['question']}", ""]
        lines += [f"- ✗ {w}" for w in why]
        lines.append(f"- expected sources: {', '.join(r['expected']['sources']) or '– (unanswerable)'}")
        lines.append("- retrieved: " + (", ".join(d["source_file"] for d in r["retrieved"][:5]) or "–"))
        cited = ", ".join(f"[{c['n']}] {c['paragraph_id'].split('#')[-1]} {c['source_file']}" for c in r["citations"])
        lines.append(f"- cited: {cited or '–'}")
        answer = r["answer"].replace("\n", " ")
        lines += [f"- answer{' (abstained)' if r['abstained'] else ''}: {answer}", ""]
    return "\n".join(lines) + "\n"


# --- charts ------------------------------------------------------------------------------------------
def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    text = buf.getvalue()
    return text[text.index("<svg") :]


def tag_chart(per_tag: dict[str, dict[str, Any]]) -> str:
    """A heatmap: tags × metrics, each cell annotated (blank where the metric does not apply)."""
    import numpy as np
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    tags = list(per_tag)
    if not tags:
        return ""
    grid = np.array(
        [[np.nan if per_tag[t].get(x) is None else per_tag[t][x] for x in TAG_CHART_METRICS] for t in tags],
        dtype=float,
    )
    with rc_context({"svg.fonttype": "none", "font.size": 9}):
        fig = Figure(figsize=(1.1 * len(TAG_CHART_METRICS) + 2.2, 0.34 * len(tags) + 1.6))
        ax = fig.subplots()
        ax.imshow(np.ma.masked_invalid(grid), cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
        ax.set_xticks(range(len(TAG_CHART_METRICS)), [m.LABELS[x] for x in TAG_CHART_METRICS], rotation=30, ha="right")
        ax.set_yticks(range(len(tags)), [f"{t} ({per_tag[t]['questions']})" for t in tags])
        for (i, j), value in np.ndenumerate(grid):
            if not np.isnan(value):
                ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=8)
        ax.set_title("Metric per tag (n questions)")
        return _svg(fig)


def latency_chart(rows: list[dict[str, Any]]) -> str:
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    search = [r["latency"]["search_ms"] for r in rows if r["latency"].get("search_ms") is not None]
    ask = [r["latency"]["ask_ms"] for r in rows if r["latency"].get("ask_ms") is not None]
    if not search and not ask:
        return ""
    with rc_context({"svg.fonttype": "none", "font.size": 9}):
        fig = Figure(figsize=(7, 3.2))
        ax = fig.subplots()
        ax.hist([search, ask], bins=20, label=["search", "ask"], color=["#4c78a8", "#f58518"])
        ax.set_xlabel("ms (client side)")
        ax.set_ylabel("questions")
        ax.set_title("Latency")
        ax.legend()
        return _svg(fig)


# --- HTML --------------------------------------------------------------------------------------------
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ddd;padding:.25rem .5rem}
td.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#f4f4f4}
.fail{border-left:4px solid #d62728;padding:.2rem .8rem;margin:1rem 0;background:#fcf6f6}
.fail h3{margin:.3rem 0}.why{color:#b00}.muted{color:#666}blockquote{margin:.3rem 0;color:#333}
svg{max-width:100%;height:auto}
"""


def _cell(value: Any) -> str:
    if not isinstance(value, float):
        return f'<td class="num">{fmt(value)}</td>'
    hue = int(120 * max(0.0, min(1.0, value)))
    return f'<td class="num" style="background:hsl({hue},70%,85%)">{fmt(value)}</td>'


def _html_table(label: str, groups: dict[str, dict[str, Any]]) -> str:
    e = html.escape
    head = f"<table><tr><th>{e(label)}</th><th>n</th>" + "".join(
        f"<th>{e(m.LABELS[x])}</th>" for x in TAG_CHART_METRICS
    )
    rows = [
        f"<tr><td>{e(name)}</td><td class='num'>{agg['questions']}</td>"
        + "".join(_cell(agg.get(x)) for x in TAG_CHART_METRICS)
        + "</tr>"
        for name, agg in groups.items()
    ]
    return head + "</tr>" + "".join(rows) + "</table>"


def html_report(summary: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    e = html.escape
    overall = summary["overall"]
    config = summary.get("config", {})
    parts = [
        f"<!doctype html><html lang='sv'><head><meta charset='utf-8'><title>Eval {e(str(config.get('set')))}"
        f"</title><style>{CSS}</style></head><body><h1>Eval report — {e(str(config.get('set', '?')))}</h1>"
    ]
    parts.append(
        "<table>" + "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in _config_lines(config)) + "</table>"
    )
    parts.append("<h2>Overall</h2><table><tr><th>metric</th><th>value</th><th>questions</th></tr>")
    for metric in m.QUALITY_METRICS:
        parts.append(
            f"<tr><td>{e(m.LABELS[metric])}</td>{_cell(overall.get(metric))}"
            f"<td class='num'>{overall['counts'].get(metric, 0)}</td></tr>"
        )
    for metric in m.LATENCY_METRICS:
        parts.append(
            f"<tr><td>{e(m.LABELS[metric])}</td><td class='num'>{fmt(overall.get(metric), metric)}</td>"
            f"<td class='num'>{overall['questions']}</td></tr>"
        )
    parts.append("</table>")
    if summary.get("per_answer_type"):
        parts.append("<h2>Per answer type</h2>" + tag_chart(summary["per_answer_type"]))
        parts.append(_html_table("answer type", summary["per_answer_type"]))
    parts.append("<h2>Per tag</h2>" + tag_chart(summary["per_tag"]))
    parts.append(_html_table("tag", summary["per_tag"]))
    parts.append("<h2>Latency</h2>" + latency_chart(rows))
    failing = [(r, failure_reasons(r)) for r in rows]
    failing = [(r, why) for r, why in failing if why]
    parts.append(f"<h2>Failing questions ({len(failing)} of {len(rows)})</h2>")
    for r, why in failing:
        cited = "".join(
            f"<li>[{c['n']}] <code>{e(c['paragraph_id'].split('#')[-1])}</code> {e(c['source_file'])}"
            f" — <span class='muted'>{e(c['quote'])}</span></li>"
            for c in r["citations"]
        )
        parts.append(
            f"<div class='fail'><h3>{e(r['id'])} <span class='muted'>{e(', '.join(r['tags']))}</span></h3>"
            f"<blockquote>{e(r['question'])}</blockquote><ul class='why'>"
            + "".join(f"<li>{e(w)}</li>" for w in why)
            + "</ul>"
            f"<p><b>Expected sources:</b> {e(', '.join(r['expected']['sources']) or '– (unanswerable)')}<br>"
            f"<b>Retrieved:</b> {e(', '.join(d['source_file'] for d in r['retrieved'][:5]) or '–')}</p>"
            f"<p><b>Answer{' (abstained)' if r['abstained'] else ''}:</b></p>"
            f"<pre style='white-space:pre-wrap'>{e(r['answer'])}</pre>"
            + (f"<ul>{cited}</ul>" if cited else "")
            + "</div>"
        )
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(run_dir: Path) -> tuple[Path, Path]:
    summary, rows = read_run(run_dir)
    md_path, html_path = run_dir / "report.md", run_dir / "report.html"
    md_path.write_text(markdown(summary, rows), encoding="utf-8")
    html_path.write_text(html_report(summary, rows), encoding="utf-8")
    return md_path, html_path
