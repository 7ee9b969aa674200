"""Loopback load test of the HTTP API: p50/p95 latency, throughput and error rate of /v1/ask and /v1/search at
1, 8 and 32 concurrent clients.

Builds an index from ../shared/corpus (the .txt files by default; `--all` adds the PDFs) in a temporary data
dir, starts its own `remiss serve` on a free 127.0.0.1 port, warms it up, runs a bounded number of requests
per level (httpx async clients), stops the server and prints a table (also as JSON in benchmarks/out/).
Exits 1 if any request failed at the highest concurrency.

    .venv/bin/python benchmarks/load_api.py [--requests 96] [--levels 1,8,32] [--workers 1] [--all]
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


def build_index(data_dir: Path, include_pdf: bool) -> int:
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
        env=_env({}),
    )
    return int(out.stdout.strip().splitlines()[-1])


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REMISS_")}
    env.update(extra)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


def start_server(data_dir: Path, port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    env = _env({"REMISS_DATA_DIR": str(data_dir), "REMISS_WORKERS": str(workers)})
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
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, cwd=data_dir.parent, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2, trust_env=False).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("server did not become ready")


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p * (len(ordered) - 1))))
    return ordered[index]


async def run_level(base: str, endpoint: str, clients: int, total: int) -> dict[str, Any]:
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
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits, trust_env=False) as client:
        started = time.perf_counter()
        await asyncio.gather(*(client_loop(client) for _ in range(clients)))
        wall = time.perf_counter() - started
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
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes.")
    parser.add_argument("--all", action="store_true", help="Index the PDFs too (slower to build).")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "load_api.json")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        raise SystemExit(f"no corpus at {CORPUS}")
    levels = [int(v) for v in args.levels.split(",") if v.strip()]
    requests = max(1, min(args.requests, 2000))

    with tempfile.TemporaryDirectory(prefix="remiss-load-") as tmp:
        data_dir = Path(tmp) / "data"
        started = time.perf_counter()
        documents = build_index(data_dir, args.all)
        print(f"indexed {documents} documents in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        port = free_port()
        server = start_server(data_dir, port, args.workers, Path(tmp) / "server.log")
        base = f"http://127.0.0.1:{port}"
        try:
            asyncio.run(run_level(base, "ask", 2, 2 * len(QUESTIONS)))  # warm-up
            asyncio.run(run_level(base, "search", 2, 2 * len(QUERIES)))
            rows = [
                asyncio.run(run_level(base, endpoint, clients, requests))
                for clients in levels
                for endpoint in ("ask", "search")
            ]
        finally:
            server.terminate()
            server.wait(timeout=30)

    print(f"\n{documents} documents, {args.workers} worker(s), {requests} requests per row, loopback\n")
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
            row["error_rate"],
        )
        print("| {:<11} | {:>7} | {:>8.1f} | {:>8.1f} | {:>7.1f} | {:>6.1%} |".format(*values))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps({"documents": documents, "workers": args.workers, "rows": rows}, indent=2, ensure_ascii=False)
    )
    worst = [r for r in rows if r["clients"] == max(levels) and r["errors"]]
    if worst:
        print(f"errors at {max(levels)} clients: {worst[0]['first_errors']}", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
