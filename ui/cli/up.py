"""`remiss ui` (the Streamlit UI) and `remiss up` (ingest the corpus, start the API and the UI; Ctrl-C stops).

Everything runs as subprocesses of the same Python: `remiss ingest`, `remiss serve` and `streamlit run`.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import typer
from rich.console import Console

from assistant.settings import Settings

console = Console(stderr=True)
out = Console()

REMISS = "from ui.cli.main import main; main()"
STARTUP_SECONDS = 90.0


def ui_script() -> Path:
    import ui

    return Path(ui.__file__).resolve().parent / "app.py"


def connect_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def remiss_command(*args: str) -> list[str]:
    return [sys.executable, "-c", REMISS, *args]


def streamlit_command(port: int, address: str, max_upload_mb: float = 25.0) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ui_script()),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "minimal",
        "--client.showErrorDetails",
        "none",
        "--theme.base",
        "light",
        "--server.maxUploadSize",
        str(max(1, round(max_upload_mb))),
    ]


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((connect_host(host), port))
        except OSError:
            return False
    return True


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    ready_url: str

    def answers(self) -> bool:
        try:
            return httpx.get(self.ready_url, timeout=2.0).status_code < 500
        except httpx.HTTPError:
            return False


def start(name: str, command: Sequence[str], env: dict[str, str], ready_url: str) -> Child:
    return Child(name, subprocess.Popen(list(command), env=env), ready_url)


def wait_ready(children: Sequence[Child], timeout: float = STARTUP_SECONDS) -> Child | None:
    """Wait until every child answers over HTTP. Returns the child that died or timed out, or None."""
    deadline = time.monotonic() + timeout
    pending = list(children)
    while pending:
        for child in list(pending):
            if child.process.poll() is not None:
                return child
            if child.answers():
                pending.remove(child)
        if time.monotonic() > deadline:
            return pending[0]
        if pending:
            time.sleep(0.3)
    return None


def stop(children: Sequence[Child], grace: float = 10.0) -> None:
    """SIGTERM each child still running, then SIGKILL what has not exited after `grace` seconds."""
    for child in children:
        if child.process.poll() is None:
            child.process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for child in children:
        try:
            child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.process.kill()
            child.process.wait()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def stop_on_signals() -> None:
    """Ctrl-C and SIGTERM both end `up` through its clean-up (background jobs start with SIGINT ignored)."""
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)


def _ui(
    port: int | None = typer.Option(None, "--port", help="Port of the UI (default: settings.ui_port)."),
    address: str | None = typer.Option(None, "--address", help="Interface to listen on (default: settings.host)."),
) -> None:
    """Start the Streamlit UI against the API at REMISS_API_URL."""
    settings = Settings()
    command = streamlit_command(port or settings.ui_port, address or settings.host, settings.max_upload_mb)
    console.print(
        f"UI on http://{connect_host(address or settings.host)}:{port or settings.ui_port} (API: {settings.api_url})"
    )
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(command[0], command)  # streamlit takes over this process: Ctrl-C and SIGTERM reach it directly


def _check_ports(host: str, api_port: int, web_port: int) -> None:
    for name, number, option in (("API", api_port, "--port"), ("UI", web_port, "--ui-port")):
        if not port_free(host, number):
            console.print(f"[red]Port {number} for the {name} is in use.[/red] Choose another with {option}.")
            raise typer.Exit(code=2)


def _ingest(target: Path) -> None:
    """`remiss ingest TARGET` in a subprocess, so this process never holds the index open."""
    if not target.exists():
        console.print(f"[red]Nothing to ingest: {target} does not exist.[/red]")
        raise typer.Exit(code=2)
    console.print(f"[bold]Ingesting[/bold] {target}")
    code = subprocess.call(remiss_command("ingest", str(target)))
    if code not in (0, 3):  # 3: some files were skipped, the rest is indexed
        console.print(f"[red]Ingest failed (exit code {code}).[/red]")
        raise typer.Exit(code=code or 1)


def _serve(children: list[Child], settings: Settings, api_port: int, web_port: int) -> None:
    """Start the API and the UI, report where they are once both answer, return when one of them stops."""
    host = connect_host(settings.host)
    api_url, ui_url = f"http://{host}:{api_port}", f"http://{host}:{web_port}"
    env = {**os.environ, "REMISS_PORT": str(api_port), "REMISS_API_URL": api_url}
    children.append(start("API", remiss_command("serve"), env, f"{api_url}/readyz"))
    ui_command = streamlit_command(web_port, settings.host, settings.max_upload_mb)
    children.append(start("UI", ui_command, env, f"{ui_url}/_stcore/health"))
    failed = wait_ready(children)
    if failed is not None:
        state = "exited" if failed.process.poll() is not None else "did not answer in time"
        console.print(f"[red]The {failed.name} {state}; stopping.[/red]")
        raise typer.Exit(code=1)
    out.print(
        f"\n[bold green]Remissarkivet is running[/bold green]\n  UI:       {ui_url}\n"
        f"  API docs: {api_url}/docs\nPress Ctrl-C to stop."
    )
    while all(child.process.poll() is None for child in children):
        time.sleep(0.5)
    gone = next(child for child in children if child.process.poll() is not None)
    console.print(f"[red]The {gone.name} stopped (exit code {gone.process.returncode}); stopping.[/red]")
    raise typer.Exit(code=1)


def _up(
    path: Path | None = typer.Argument(None, help="Folder or file to ingest (default: settings.corpus_dir)."),
    port: int | None = typer.Option(None, "--port", help="Port of the API (default: settings.port)."),
    ui_port: int | None = typer.Option(None, "--ui-port", help="Port of the UI (default: settings.ui_port)."),
    skip_ingest: bool = typer.Option(False, "--skip-ingest", help="Serve the index as it is."),
) -> None:
    """The main job: ingest the corpus, start the API and the UI and wait until both answer. Ctrl-C stops."""
    settings = Settings()
    api_port, web_port = port or settings.port, ui_port or settings.ui_port
    _check_ports(settings.host, api_port, web_port)
    stop_on_signals()
    children: list[Child] = []
    try:
        if not skip_ingest:
            _ingest(path or settings.corpus_dir)
        _serve(children, settings, api_port, web_port)
    except KeyboardInterrupt:
        console.print("\nStopping …")
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop(children)
    console.print("Stopped.")


def register(app: typer.Typer) -> None:
    app.command("ui")(_ui)
    app.command("up")(_up)
