"""`remiss ask` and `remiss search`: the assistant from the terminal (`--json` prints what the API returns)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from assistant.schemas import Filters
from assistant.settings import Settings

if TYPE_CHECKING:  # imported by the commands that use it: `remiss --help` loads no index
    from assistant.service import AssistantService

out = Console(soft_wrap=True)


def _filters(
    body: str | None, doc_type: list[str] | None, year_from: int | None, year_to: int | None, dnr: str | None
) -> Filters:
    return Filters(body=body, doc_type=doc_type or None, year_from=year_from, year_to=year_to, dnr=dnr)


def _service() -> AssistantService:
    from assistant.service import AssistantService

    return AssistantService(Settings())


def _ask(
    question: str = typer.Argument(..., help="A question in Swedish."),
    body: str | None = typer.Option(None, help="Only documents from this body."),
    doc_type: list[str] | None = typer.Option(None, "--type", help="Only these document types."),
    year_from: int | None = typer.Option(None),
    year_to: int | None = typer.Option(None),
    dnr: str | None = typer.Option(None, help="Only this diarienummer."),
    retriever: str | None = typer.Option(None, help="lexical | dense | hybrid (default from settings)."),
    as_json: bool = typer.Option(False, "--json", help="Print the API's JSON."),
    explain: bool = typer.Option(False, "--explain", help="Also show how the question was read."),
) -> None:
    """Answer a question with citations to paragraph and dnr."""
    service = _service()
    answer = service.ask(question, _filters(body, doc_type, year_from, year_to, dnr), mode=retriever)  # type: ignore[arg-type]
    if as_json:
        print(answer.model_dump_json(indent=2))
        return
    if explain:
        out.print(_reading(answer.reading), highlight=False)
    out.print(answer.answer, highlight=False)
    if answer.citations:
        out.print("\n[bold]Källor[/bold]")
    for c in answer.citations:
        pages = f", s. {', '.join(map(str, c.pages))}" if c.pages else ""
        dnr_text = f", {', '.join(c.dnr)}" if c.dnr else ""
        out.print(
            f"[{c.n}] {c.title} — {c.body or c.doc_type}{dnr_text}, {c.date or 'odaterat'}, {c.section}{pages} "
            f"[dim]{c.paragraph_id}[/dim]",
            highlight=False,
        )


def _search(
    query: str = typer.Argument(..., help="What to look for."),
    k: int = typer.Option(10, "-k", help="Number of passages."),
    body: str | None = typer.Option(None),
    doc_type: list[str] | None = typer.Option(None, "--type"),
    year_from: int | None = typer.Option(None),
    year_to: int | None = typer.Option(None),
    dnr: str | None = typer.Option(None),
    retriever: str | None = typer.Option(None, help="lexical | dense | hybrid."),
    as_json: bool = typer.Option(False, "--json", help="Print the API's JSON."),
) -> None:
    """Ranked passages with their document, section, paragraph ids and pages."""
    service = _service()
    hits = service.search(query, _filters(body, doc_type, year_from, year_to, dnr), k=k, mode=retriever)  # type: ignore[arg-type]
    if as_json:
        print(json.dumps({"results": [h.model_dump() for h in hits]}, ensure_ascii=False, indent=2))
        return
    for h in hits:
        out.print(
            f"[bold]{h.rank}.[/bold] {h.title} — {h.body or h.doc_type}, {h.date or 'odaterat'} — {h.section} "
            f"[dim]{', '.join(h.paragraph_ids)}[/dim]",
            highlight=False,
        )
        out.print(f"   {h.text[:300]}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("ask")(_ask)
    app.command("search")(_search)


def _reading(reading: dict[str, object]) -> str:
    """The question reading as a few Swedish lines: answer type, topic, terms, follow-up, evidence."""
    topic = reading.get("topic") or {}
    lines = [f"[bold]Tolkning[/bold] svarstyp: {reading.get('answer_type', '?')}"]
    if isinstance(topic, dict):
        parts = [f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in topic.items() if v]
        lines.append("ämne: " + ("; ".join(parts) or "–"))
    terms = reading.get("terms")
    lines.append("termer: " + (", ".join(str(t) for t in terms) if isinstance(terms, list) else "–"))
    if reading.get("follow_up_of"):
        lines.append(f"följdfråga till: {reading['follow_up_of']}")
    if reading.get("filters"):
        lines.append(f"filter: {reading['filters']}")
    if reading.get("evidence"):
        lines.append(f"stöd: {reading['evidence']}")
    return "\n".join(lines) + "\n"
