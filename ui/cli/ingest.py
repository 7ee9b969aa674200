"""`remiss ingest`, `remiss docs`, `remiss show`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from assistant.settings import Settings

if TYPE_CHECKING:  # imported by the commands that use them: `remiss --help` loads no Chroma
    from ingest.models import Document
    from ingest.pipeline import FileResult, Ingestor

console = Console(stderr=True)
out = Console(soft_wrap=True)


def _ingest(
    paths: list[Path] = typer.Argument(None, help="Files or folders; default: the bundled corpus."),
    prune: bool = typer.Option(False, "--prune", help="Remove documents whose files are gone."),
    wait: bool = typer.Option(False, "--wait", help="Wait for another ingest into the same data dir to finish."),
    timeout: float | None = typer.Option(None, "--timeout", help="With --wait: give up after this many seconds."),
) -> None:
    """Parse, chunk and index documents. Unchanged files are skipped; changed files replace their chunks.
    One ingest at a time per data dir: another one running gives exit code 4, or is waited for with --wait."""
    from ingest.lock import IngestBusy
    from ingest.pipeline import Ingestor, discover

    settings = Settings()
    targets = list(paths) if paths else [settings.corpus_dir]
    ingestor = Ingestor(settings)
    total = len(discover(targets))
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console) as bar:
        task = bar.add_task("Indexerar", total=total)

        def tick(result: FileResult) -> None:
            bar.update(task, advance=1, description=f"{Path(result.path).name[:40]:40}")

        def waiting() -> None:
            console.print("väntar på en annan inläsning i samma datakatalog …")

        try:
            report = ingestor.ingest(targets, prune=prune, progress=tick, wait=wait, timeout=timeout, waiting=waiting)
        except IngestBusy as exc:
            console.print(f"[red]{exc.message}[/red]")
            raise typer.Exit(code=4) from exc
    summary = report.summary()
    docs = len(ingestor.store.manifest())
    console.print(
        f"[bold]{docs} documents in the index[/bold] — added {summary['added']}, replaced {summary['replaced']}, "
        f"unchanged {summary['unchanged']}, variants {summary['variant']}, ignored {summary['ignored']}, "
        f"pruned {summary['pruned']}, skipped {summary['skipped']}; "
        f"{summary['paragraphs']} paragraphs, {summary['chunks']} chunks, {summary['pages']} pages in "
        f"{summary['seconds']} s"
    )
    for noted in report.files:
        if noted.status in ("variant", "ignored") or (noted.status == "added" and noted.reason):
            console.print(f"[cyan]{noted.status}[/cyan] {noted.path}: {noted.reason}", highlight=False)
    for skipped in report.skipped:
        console.print(f"[yellow]skipped[/yellow] {skipped.path}: {skipped.reason}")
    if report.skipped:
        raise typer.Exit(code=3)


def _ingestor() -> Ingestor:
    from ingest.pipeline import Ingestor

    return Ingestor(Settings())


def doc_summary(doc: Document) -> dict[str, object]:
    return {
        "id": doc.id,
        "title": doc.title,
        "doc_type": doc.doc_type,
        "body": doc.body,
        "dnr": doc.dnr,
        "date": doc.date,
        "source_file": doc.source_file,
        "variants": [v.source_file for v in doc.variants],
        "pages": doc.pages,
        "paragraphs": len(doc.paragraphs()),
        "organisation": doc.organisation,
        "remitting_body": doc.remitting_body,
        "remisstid": doc.remisstid,
        "remiss_ref": doc.remiss_ref,
        "handlaggare": doc.handlaggare,
    }


def _docs(as_json: bool = typer.Option(False, "--json", help="Print a JSON list.")) -> None:
    """List the indexed documents with their fields."""
    ingestor = _ingestor()
    docs = [doc_summary(d) for d in ingestor.store.iter_documents()]
    if as_json:
        out.print_json(json.dumps(docs, ensure_ascii=False))
        return
    table = Table("id", "typ", "instans", "dnr", "datum", "titel", "stycken")
    for d in docs:
        dnr = d["dnr"] if isinstance(d["dnr"], list) else []
        table.add_row(
            str(d["id"]),
            str(d["doc_type"]),
            str(d["body"] or "–"),
            ", ".join(dnr) or "–",
            str(d["date"] or "–"),
            str(d["title"])[:60],
            str(d["paragraphs"]),
        )
    out.print(table)


def _show(
    doc_id: str = typer.Argument(..., help="Document id (or a unique prefix, or a file name)."),
) -> None:
    """Print a document's fields and structure with paragraph ids — what a citation points to."""
    ingestor = _ingestor()
    manifest = ingestor.store.manifest()
    matches = [i for i, m in manifest.items() if i.startswith(doc_id) or m.get("source_file") == doc_id]
    if len(matches) != 1:
        console.print(f"[red]{'No' if not matches else 'More than one'} document matches {doc_id!r}[/red]")
        raise typer.Exit(code=1)
    doc = ingestor.store.get_document(matches[0])
    assert doc is not None
    for key, value in doc_summary(doc).items():
        out.print(f"[bold]{key}[/bold]: {value}")
    for section in doc.sections:
        indent = "  " * max(section.level - 1, 0)
        extra = f" [{', '.join(section.parties)}]" if section.parties else ""
        out.print(f"\n{indent}[bold cyan]{section.id}[/bold cyan] {section.heading}{extra}")
        for p in section.paragraphs:
            pages = f" (s. {', '.join(map(str, p.pages))})" if p.pages else ""
            out.print(f"{indent}  [green]{doc.id}#{p.id}[/green]{pages} {p.text[:160]}", highlight=False)


def _reindex() -> None:
    """Rebuild the lexical index from Chroma alone and publish it for every process sharing the data dir."""
    ingestor = _ingestor()
    with ingestor.session(wait=True):
        index = ingestor.rebuild_lexical()
    console.print(f"lexical index rebuilt: {len(index.ids)} chunks")


def register(app: typer.Typer) -> None:
    app.command("ingest")(_ingest)
    app.command("reindex")(_reindex)
    app.command("docs")(_docs)
    app.command("show")(_show)
