"""Start-up time of the `remiss` command: the median wall time of `remiss --help` and of `remiss docs` (over
an index of the bundled corpus, built first in a temporary folder), each run as a fresh process.

    .venv/bin/python benchmarks/bench_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REMISS = ROOT / ".venv" / "bin" / "remiss"


def wall_time(command: Sequence[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(list(command), env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def median_time(command: Sequence[str], env: dict[str, str], runs: int) -> float:
    return statistics.median(wall_time(command, env) for _ in range(runs))


def environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REMISS_")}
    return {**env, "REMISS_DATA_DIR": str(data_dir)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    remiss = str(REMISS) if REMISS.exists() else "remiss"
    with tempfile.TemporaryDirectory(prefix="remiss-startup-") as tmp:
        env = environment(Path(tmp) / "data")
        subprocess.run([remiss, "ingest", str(ROOT / "corpus")], env=env, cwd=ROOT, check=True, capture_output=True)
        for name, command in (("remiss --help", [remiss, "--help"]), ("remiss docs", [remiss, "docs"])):
            print(f"{name:14} median {median_time(command, env, args.runs):.2f} s over {args.runs} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
