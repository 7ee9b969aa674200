"""The `remiss` command. Sub-commands live in small modules; this file only assembles them."""

from __future__ import annotations

import typer

from assistant.cli_ingest import register as register_ingest

app = typer.Typer(help="Remissarkivet: Swedish municipal documents, answered with citations.", no_args_is_help=True)
register_ingest(app)

for module_name in ("assistant.cli_ask", "assistant.cli_serve", "assistant.cli_ui", "eval.cli"):
    try:
        module = __import__(module_name, fromlist=["register"])
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        continue
    module.register(app)


def main() -> None:
    app()
