"""`remiss eval`: check, run, report, compare, drafts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assistant.settings import RetrieverMode, Settings
from eval import metrics as m
from eval.schema import Question, check_file

if TYPE_CHECKING:  # imported when needed: the check and compare commands do not load the ingest stack
    from ingest.pipeline import Ingestor

console = Console(stderr=True)
out = Console()

eval_app = typer.Typer(help="Evaluate retrieval and answers on a question set.", no_args_is_help=True)


@eval_app.command("check")
def check_cmd(
    set_path: Path = typer.Argument(..., metavar="SET", help="A question-set YAML file."),
    corpus: Path | None = typer.Option(None, "--corpus", help="Also check that expected sources exist here."),
    verify_index: bool = typer.Option(
        False, "--verify-index", help="Also check that the phrases occur in the indexed expected sources."
    ),
    strict: bool = typer.Option(False, "--strict", help="Warnings count as errors."),
) -> None:
    """Validate a question set; problems are listed with their line numbers. Exit 1 on errors."""
    result = check_file(set_path, corpus)
    if verify_index and result.question_set is not None:
        from eval.verify import document_texts, phrase_issues
        from ingest.pipeline import Ingestor

        texts = document_texts(Ingestor(Settings()).store.iter_documents())
        result.issues.extend(phrase_issues(result, texts))
    for issue in result.issues:
        colour = "red" if issue.level == "error" else "yellow"
        who = f" [{issue.question_id}]" if issue.question_id else ""
        out.print(
            f"{escape(str(set_path))}:{issue.line or '-'}: [{colour}]{issue.level}[/{colour}]"
            f"{escape(who)} {escape(issue.message)}",
            highlight=False,
            soft_wrap=True,
        )
    failed = bool(result.errors) or (strict and bool(result.warnings))
    if result.question_set is not None and not failed:
        qs = result.question_set
        drafts = len(qs.questions) - len(qs.active())
        out.print(
            f"[green]ok[/green] {set_path}: {len(qs.questions)} questions"
            f"{f' ({drafts} drafts)' if drafts else ''}, {len(result.warnings)} warnings"
        )
    if failed:
        out.print(f"[red]{len(result.errors)} error(s)[/red], {len(result.warnings)} warning(s) in {set_path}")
        raise typer.Exit(code=1)


def _ingest(ingestor: Ingestor, corpus: Path) -> dict[str, Any]:
    from ingest.pipeline import FileResult, discover

    total = len(discover([corpus]))
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console, transient=True
    ) as bar:
        task = bar.add_task("Indexerar", total=total)

        def tick(result: FileResult) -> None:
            bar.update(task, advance=1, description=f"ingest {Path(result.path).name[:40]:40}")

        report = ingestor.ingest([corpus], progress=tick)
    summary = report.summary()
    for skipped in report.skipped:
        console.print(f"[yellow]skipped[/yellow] {Path(skipped.path).name}: {skipped.reason}")
    console.print(
        f"ingest {corpus}: added {summary['added']}, replaced {summary['replaced']}, "
        f"unchanged {summary['unchanged']}, skipped {summary['skipped']} ({summary['seconds']} s)"
    )
    return {**summary, "skipped_files": [Path(s.path).name for s in report.skipped]}


@eval_app.command("run")
def run_cmd(
    set_path: Path = typer.Argument(..., metavar="SET", help="A question-set YAML file."),
    out_dir: Path = typer.Option(..., "--out", help="Directory for results.jsonl, summary.json and the report."),
    api: str | None = typer.Option(None, "--api", help="Run against a running service at this URL."),
    retriever: str | None = typer.Option(None, "--retriever", help="lexical | dense | hybrid (default: settings)."),
    embedder: str | None = typer.Option(None, "--embedder", help="hash | e5 | … (default: settings)."),
    corpus: Path | None = typer.Option(
        None, "--corpus", help="Ingest this folder first (incremental). Default: ../shared/corpus if present."
    ),
    no_ingest: bool = typer.Option(False, "--no-ingest", help="Use the index as it is."),
    k: int = typer.Option(10, "--k", min=1, help="Search depth (recall@10/MRR@10/nDCG@10 need ≥ 10)."),
    tag: list[str] = typer.Option(None, "--tag", help="Only questions with this tag (repeatable)."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Only the first N questions."),
) -> None:
    """Run a set in-process (or against --api) and write the results, the summary and the report."""
    from eval.report import write_report
    from eval.runner import default_corpus, run_set, write_run
    from eval.schema import SetError, load_set

    if retriever is not None and retriever not in ("lexical", "dense", "hybrid"):
        raise typer.BadParameter("use lexical, dense or hybrid", param_hint="--retriever")
    try:
        qset = load_set(set_path)
    except SetError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(code=1) from exc
    overrides: dict[str, Any] = {}
    if retriever:
        overrides["retriever"] = retriever
    if embedder:
        overrides["embedder"] = embedder
    settings = Settings(**overrides)
    questions: list[Question] = qset.active()
    if tag:
        questions = [q for q in questions if set(tag) & set(q.tags)]
    if limit:
        questions = questions[:limit]
    config: dict[str, Any] = {"set_file": str(set_path)}
    mode: RetrieverMode | None = settings.retriever if retriever else None
    if api:
        from eval.backends import ApiBackend

        backend: Any = ApiBackend(api, settings, mode)
    else:
        from assistant.service import AssistantService
        from eval.backends import ServiceBackend
        from ingest.pipeline import Ingestor

        ingestor = Ingestor(settings)
        target = corpus if corpus is not None else default_corpus()
        if not no_ingest:
            if target.is_dir():
                config["corpus"] = str(target)
                config["ingest"] = _ingest(ingestor, target)
            elif corpus is not None:
                console.print(f"[red]corpus {corpus} is not a folder[/red]")
                raise typer.Exit(code=2)
            else:
                console.print(f"[yellow]no corpus at {target}: using the index in {settings.data_dir} as it is")
        service = AssistantService(settings, ingestor=ingestor)
        service.catalog.refresh(force=True)
        backend = ServiceBackend(service)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        task = bar.add_task(f"eval {qset.name}", total=len(questions))

        def tick(q: Question) -> None:
            bar.update(task, advance=1, description=f"{q.id[:40]:40}")

        rows, summary = run_set(qset, backend, k=k, config=config, questions=questions, progress=tick)
    write_run(out_dir, rows, summary)
    md_path, html_path = write_report(out_dir)
    _print_overall(summary["overall"])
    if summary["config"].get("unindexed_sources"):
        console.print(
            "[yellow]expected sources not in the index:[/yellow] " + ", ".join(summary["config"]["unindexed_sources"])
        )
    console.print(f"wrote {out_dir / 'results.jsonl'}, {out_dir / 'summary.json'}, {md_path.name}, {html_path.name}")
    overall = summary["overall"]
    if overall["questions"] and overall["errors"] == overall["questions"]:
        first = next(r["error"] for r in rows if r.get("error"))
        console.print(f"[red]every question failed[/red], e.g. {escape(first)}")
        raise typer.Exit(code=1)


def _print_overall(overall: dict[str, Any]) -> None:
    table = Table("metric", "value", "n", title=f"{overall['questions']} questions, {overall['errors']} errors")
    for metric in m.QUALITY_METRICS:
        value = overall.get(metric)
        table.add_row(m.LABELS[metric], "–" if value is None else f"{value:.3f}", str(overall["counts"][metric]))
    for metric in m.LATENCY_METRICS:
        value = overall.get(metric)
        table.add_row(m.LABELS[metric], "–" if value is None else f"{value:.0f}", "")
    out.print(table)


@eval_app.command("report")
def report_cmd(run_dir: Path = typer.Argument(..., metavar="DIR", help="A run directory.")) -> None:
    """(Re)write DIR/report.md and DIR/report.html from DIR/results.jsonl and DIR/summary.json."""
    from eval.report import write_report

    if not (run_dir / "summary.json").exists():
        console.print(f"[red]{run_dir} has no summary.json[/red]")
        raise typer.Exit(code=2)
    md_path, html_path = write_report(run_dir)
    out.print(f"wrote {md_path} and {html_path}")


@eval_app.command("compare")
def compare_cmd(
    base_dir: Path = typer.Argument(..., metavar="BASE_DIR"),
    new_dir: Path = typer.Argument(..., metavar="NEW_DIR"),
    threshold: float = typer.Option(0.02, "--threshold", min=0.0, help="Largest allowed drop of a gated metric."),
    as_json: bool = typer.Option(False, "--json", help="Print the comparison as JSON."),
) -> None:
    """Per-metric deltas and the questions that got worse. Exit 1 when a gated metric drops by > threshold."""
    from eval.compare import as_dict, compare_runs

    for run_dir in (base_dir, new_dir):
        if not (run_dir / "summary.json").exists():
            console.print(f"[red]{run_dir} has no summary.json[/red]")
            raise typer.Exit(code=2)
    c = compare_runs(base_dir, new_dir, threshold)
    if as_json:
        out.print_json(json.dumps(as_dict(c), ensure_ascii=False))
    else:
        table = Table("metric", "base", "new", "Δ", "gate", title=f"{base_dir} → {new_dir}")
        for d in c.deltas:
            ms = d.metric.endswith("_ms")
            delta = "–" if d.delta is None else (f"{d.delta:+.0f}" if ms else f"{d.delta:+.3f}")
            gate = "[red]FAIL[/red]" if d.failed else ("ok" if d.gated else "")
            table.add_row(m.LABELS[d.metric], _show(d.base, ms), _show(d.new, ms), delta, gate)
        out.print(table)
        for note in c.notes:
            out.print(f"[yellow]note:[/yellow] {note}")
        if c.worse:
            out.print(f"[bold]{len(c.worse)} question(s) got worse[/bold] ({len(c.better)} got better):")
            for w in c.worse:
                what = ", ".join(
                    f"{x} {'–' if b is None else f'{b:.2f}'}→{'–' if n is None else f'{n:.2f}'}"
                    for x, b, n in w.changes
                )
                out.print(f"  {w.id}: {what}", highlight=False)
        elif c.better:
            out.print(f"{len(c.better)} question(s) got better, none worse")
    if not c.passed:
        names = ", ".join(f"{d.metric} ({d.delta if d.delta is not None else 'gone'})" for d in c.failed)
        console.print(f"[red]regression beyond {threshold}:[/red] {names}")
        raise typer.Exit(code=1)
    console.print(f"[green]no gated metric dropped by more than {threshold}[/green]")


def _show(value: float | None, ms: bool) -> str:
    return "–" if value is None else (f"{value:.0f}" if ms else f"{value:.3f}")


@eval_app.command("drafts")
def drafts_cmd(
    feedback: Path = typer.Argument(..., metavar="FEEDBACK_JSONL", help="Feedback exported from the UI."),
    out_file: Path = typer.Option(..., "--out", help="YAML file for the draft entries."),
) -> None:
    """Turn 👎 feedback with a comment into draft question-set entries (draft: true, note = the comment)."""
    from eval.drafts import make_drafts

    if not feedback.is_file():
        console.print(f"[red]{feedback} is not a file[/red]")
        raise typer.Exit(code=2)
    result = make_drafts(feedback)
    for why in result.skipped:
        console.print(f"[yellow]skipped[/yellow] {why}")
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(result.text, encoding="utf-8")
    out.print(f"wrote {len(result.entries)} draft(s) to {out_file}")


def register(app: typer.Typer) -> None:
    app.add_typer(eval_app, name="eval")
