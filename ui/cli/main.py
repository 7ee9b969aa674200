"""The `remiss` command: assembles the sub-commands of ui/cli/ and eval's. Each command imports its heavy
modules (Chroma, the assistant service, uvicorn) when it runs, so `remiss --help` starts at once."""

from __future__ import annotations

import typer

from eval.cli import register as register_eval
from ui.cli.ask import register as register_ask
from ui.cli.case import register as register_case
from ui.cli.ingest import register as register_ingest
from ui.cli.serve import register as register_serve
from ui.cli.up import register as register_up


def build_app() -> typer.Typer:
    app = typer.Typer(help="Remissarkivet: Swedish municipal documents, answered with citations.", no_args_is_help=True)
    for register in (register_ingest, register_ask, register_case, register_serve, register_up, register_eval):
        register(app)
    return app


def main() -> None:
    build_app()()
