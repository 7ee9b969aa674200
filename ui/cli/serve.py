"""`remiss serve`: the HTTP API under uvicorn, built by the app factory from Settings (REMISS_* variables)."""

from __future__ import annotations

import typer

from assistant.settings import Settings


def _serve(
    host: str | None = typer.Option(None, "--host", help="Interface to listen on (default: REMISS_HOST)."),
    port: int | None = typer.Option(None, "--port", help="Port (default: REMISS_PORT)."),
    workers: int | None = typer.Option(None, "--workers", help="Worker processes (default: REMISS_WORKERS)."),
    log_level: str = typer.Option("info", "--log-level", help="debug | info | warning | error."),
) -> None:
    """Serve the API (and its docs at /docs). Logs are JSON lines on stderr."""
    import uvicorn

    from assistant.api.logs import log_config
    from assistant.api.server import uvicorn_options

    settings = Settings()
    processes = max(1, workers or settings.workers)
    if processes > 1 and not settings.chroma_host:
        typer.echo(
            "warning: several workers on embedded Chroma; set REMISS_CHROMA_HOST to a Chroma server "
            "(`chroma run`) so that every worker sees the others' uploads.",
            err=True,
        )
    uvicorn.run(
        "assistant.api.app:app_from_env",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=processes,
        log_config=log_config(log_level.upper()),
        access_log=False,
        **uvicorn_options(),
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(_serve)
