"""`remiss case DNR`: the documents of one case in date order, with what each decided or said."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.console import Console

from assistant.settings import Settings

if TYPE_CHECKING:  # imported when the command runs: `remiss --help` loads no index
    from assistant.case_models import Case

out = Console(soft_wrap=True)
NOT_FOUND = 1

KIND_LABEL = {"beslut": "Beslut", "förslag till beslut": "Förslag till beslut", "sammanfattning": "Sammanfattning"}


def _find(dnr: str) -> Case | None:
    from assistant.cases import case
    from assistant.service import AssistantService

    return case(AssistantService(Settings()).catalog, dnr)


def _case(
    dnr: str = typer.Argument(..., help="A diarienummer in any common spelling, e.g. KS-2025-00102."),
    as_json: bool = typer.Option(False, "--json", help="Print the API's JSON."),
) -> None:
    """Every document of a case (one dnr) in date order, with its decision or stance and paragraph ids."""
    found = _find(dnr)
    if found is None:
        typer.echo(f"Inget dokument i arkivet har diarienummer {dnr}.", err=True)
        raise typer.Exit(NOT_FOUND)
    if as_json:
        print(found.model_dump_json(indent=2))
        return
    out.print(f"[bold]Ärende {found.dnr}[/bold] – {len(found.documents)} dokument", highlight=False)
    for n, d in enumerate(found.documents, 1):
        who = ", ".join(x for x in (d.organisation, d.body) if x) or "–"
        item = f" · {d.item}" if d.item else ""
        out.print(f"\n[bold]{n}. {d.date or 'odaterat'} · {d.type_label}{item}[/bold] · {who}", highlight=False)
        out.print(f"   {d.title}", highlight=False)
        if d.decision is not None:
            out.print(f"   {KIND_LABEL[d.decision.kind]}: {d.decision.text}", highlight=False)
        if d.paragraph_ids:
            out.print(f"   [dim]{', '.join(d.paragraph_ids)}[/dim]", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("case")(_case)
