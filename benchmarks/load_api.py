"""Loopback load test of the HTTP API: p50/p95 latency, throughput and error rate of /v1/ask and /v1/search at
1, 8 and 32 concurrent clients.

Builds an index from ../shared/corpus (the .txt files by default; `--all` adds the PDFs) in a temporary data
dir, starts its own `remiss serve` on a free 127.0.0.1 port, warms it up, runs a bounded number of requests
per level (httpx async clients), stops the server and prints a table (also as JSON in benchmarks/out/).
Exits 1 if any request failed at the highest concurrency.

`--chroma-server` starts a `chroma run` on a free port and indexes into it; `--replicas N` starts N
`remiss serve` processes (each its own port, one data dir, one Chroma server), the clients spread over
them round-robin. `--data DIR` serves an existing data dir (e.g. one `bench_scale.py` grew) instead of
building one: with `--chroma-server` the Chroma server serves `DIR/chroma`.

    .venv/bin/python benchmarks/load_api.py [--requests 96] [--levels 1,8,32] [--workers 1] [--all]
        [--chroma-server] [--replicas 2] [--data DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"

QUESTIONS = [
    "Vad anser kommunstyrelsen om ny kärnkraft?",
    "Vad är syftet med anhörigstöd?",
    "Vad anser kommunstyrelsen om områdessamverkan?",
    "Hur ska handläggningen enligt socialtjänstlagen gå till?",
    "Vilka lokalbehov har individ- och familjeomsorgen?",
    "Vad säger regionen om strategin för innovation?",
    "Hur ska trygghet och studiero stärkas i skolan?",
    "Vad föreslås om vård i glesbygd?",
]
QUERIES = [
    "kärnkraft",
    "anhörigstöd",
    "områdessamverkan",
    "budget 2026",
    "innovation",
    "detaljplan",
    "studiero",
    "socialtjänst barn",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build_index(data_dir: Path, include_pdf: bool, chroma: dict[str, str]) -> int:
    corpus = data_dir.parent / "corpus"
    corpus.mkdir()
    suffixes = {".txt", ".pdf"} if include_pdf else {".txt"}
    for path in sorted(CORPUS.iterdir()):
        if path.suffix.lower() in suffixes and path.name != "README.md":
            shutil.copy(path, corpus / path.name)
    code = (
        "import sys; from pathlib import Path; from assistant.settings import Settings; "
        "from ingest.pipeline import Ingestor; "
        "r = Ingestor(Settings(data_dir=Path(sys.argv[1]), ocr=False)).ingest([Path(sys.argv[2])]); "
        "print(r.count('added') + r.count('replaced'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(data_dir), str(corpus)],
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=_env(chroma),
    )
    return int(out.stdout.strip().splitlines()[-1])


def start_chroma(path: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """`chroma run` over `path` on 127.0.0.1:`port`, waited for on its heartbeat."""
    chroma = Path(sys.executable).parent / "chroma"
    cmd = [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, env=_env({}), stdout=out, stderr=subprocess.STDOUT)
    _wait(process, f"http://127.0.0.1:{port}/api/v2/heartbeat", log, 60)
    return process


def _wait(process: subprocess.Popen[bytes], url: str, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{process.args!r} exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(url, timeout=2, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REMISS_")}
    env.update(extra)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


def start_server(
    data_dir: Path, port: int, workers: int, log: Path, chroma: dict[str, str]
) -> tuple[subprocess.Popen[bytes], float]:
    """A `remiss serve` over `data_dir`; returns it and the seconds until /readyz answered 200."""
    env = _env({"REMISS_DATA_DIR": str(data_dir), "REMISS_WORKERS": str(workers), **chroma})
    cmd = [
        sys.executable,
        "-c",
        "from ui.cli.main import main; main()",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, cwd=data_dir.parent, env=env, stdout=out, stderr=subprocess.STDOUT)
    _wait(process, f"http://127.0.0.1:{port}/readyz", log, 300)
    return process, time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p * (len(ordered) - 1))))
    return ordered[index]


async def run_level(bases: list[str], endpoint: str, clients: int, total: int) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[str] = []
    counter = iter(range(total))

    async def client_loop(client: httpx.AsyncClient) -> None:
        for i in counter:
            body = (
                {"question": QUESTIONS[i % len(QUESTIONS)]}
                if endpoint == "ask"
                else {"query": QUERIES[i % len(QUERIES)], "k": 10}
            )
            started = time.perf_counter()
            try:
                response = await client.post(f"/v1/{endpoint}", json=body)
                ok = response.status_code == 200 and ("answer" in response.json() or "results" in response.json())
                if not ok:
                    errors.append(f"{response.status_code} {response.text[:200]}")
            except httpx.HTTPError as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
            latencies.append((time.perf_counter() - started) * 1000)

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    pool = [
        httpx.AsyncClient(base_url=base, timeout=120, limits=limits, trust_env=False) for base in bases
    ]  # client i talks to server i mod N
    try:
        started = time.perf_counter()
        await asyncio.gather(*(client_loop(pool[i % len(pool)]) for i in range(clients)))
        wall = time.perf_counter() - started
    finally:
        for client in pool:
            await client.aclose()
    return {
        "endpoint": f"/v1/{endpoint}",
        "clients": clients,
        "requests": len(latencies),
        "errors": len(errors),
        "error_rate": len(errors) / max(1, len(latencies)),
        "p50_ms": round(percentile(latencies, 0.5), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "rps": round(len(latencies) / wall, 1),
        "first_errors": errors[:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=96, help="Requests per endpoint and level (bounded).")
    parser.add_argument("--levels", default="1,8,32", help="Concurrent clients, comma-separated.")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes per server.")
    parser.add_argument("--replicas", type=int, default=1, help="`remiss serve` processes on one data dir.")
    parser.add_argument("--chroma-server", action="store_true", help="Chroma in a `chroma run` server.")
    parser.add_argument("--data", type=Path, default=None, help="Serve this data dir instead of building one.")
    parser.add_argument("--all", action="store_true", help="Index the PDFs too (slower to build).")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "load_api.json")
    args = parser.parse_args()
    if not CORPUS.is_dir() and args.data is None:
        raise SystemExit(f"no corpus at {CORPUS}")
    levels = [int(v) for v in args.levels.split(",") if v.strip()]
    requests = max(1, min(args.requests, 2000))

    with tempfile.TemporaryDirectory(prefix="remiss-load-") as tmp:
        data_dir = args.data.resolve() if args.data else Path(tmp) / "data"
        processes: list[subprocess.Popen[bytes]] = []
        chroma: dict[str, str] = {}
        try:
            if args.chroma_server:
                chroma_port = free_port()
                processes.append(start_chroma(data_dir / "chroma", chroma_port, Path(tmp) / "chroma.log"))
                chroma = {"REMISS_CHROMA_HOST": "127.0.0.1", "REMISS_CHROMA_PORT": str(chroma_port)}
            started = time.perf_counter()
            if args.data is None:
                documents = build_index(data_dir, args.all, chroma)
                print(f"indexed {documents} documents in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            bases, ready = [], []
            for replica in range(max(1, args.replicas)):
                port = free_port()
                server, seconds = start_server(
                    data_dir, port, args.workers, Path(tmp) / f"server-{replica}.log", chroma
                )
                processes.append(server)
                bases.append(f"http://127.0.0.1:{port}")
                ready.append(round(seconds, 1))
            print(f"servers ready after {ready} s", file=sys.stderr)
            documents = httpx.get(f"{bases[0]}/readyz", timeout=30, trust_env=False).json()["documents"]
            asyncio.run(run_level(bases, "ask", 2 * len(bases), 2 * len(QUESTIONS)))  # warm-up
            asyncio.run(run_level(bases, "search", 2 * len(bases), 2 * len(QUERIES)))
            load = os.getloadavg()
            rows = [
                asyncio.run(run_level(bases, endpoint, clients, requests))
                for clients in levels
                for endpoint in ("ask", "search")
            ]
            load_after = os.getloadavg()
        finally:
            for process in reversed(processes):
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()

    setup = (
        f"{documents} documents, {len(bases)} server process(es) × {args.workers} worker(s), "
        f"Chroma {'server (chroma run)' if args.chroma_server else 'embedded'}, {requests} requests per row, "
        f"loopback; load average {load[0]:.1f} before, {load_after[0]:.1f} after, {os.cpu_count()} CPUs"
    )
    print(f"\n{setup}\n")
    head = ("endpoint", "clients", "p50 ms", "p95 ms", "req/s", "errors")
    print("| {:<11} | {:>7} | {:>8} | {:>8} | {:>7} | {:>6} |".format(*head))
    print(f"|{'-' * 13}|{'-' * 9}|{'-' * 10}|{'-' * 10}|{'-' * 9}|{'-' * 8}|")
    for row in rows:
        values = (
            row["endpoint"],
            row["clients"],
            row["p50_ms"],
            row["p95_ms"],
            row["rps"],
            row["errors"],
        )
        print("| {:<11} | {:>7} | {:>8.1f} | {:>8.1f} | {:>7.1f} | {:>6} |".format(*values))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "documents": documents,
                "servers": len(bases),
                "workers": args.workers,
                "chroma": "server" if args.chroma_server else "embedded",
                "ready_s": ready,
                "load_average": [round(load[0], 2), round(load_after[0], 2)],
                "rows": rows,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    worst = [r for r in rows if r["clients"] == max(levels) and r["errors"]]
    if worst:
        print(f"errors at {max(levels)} clients: {worst[0]['first_errors']}", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
