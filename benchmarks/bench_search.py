"""Latency of `search` and extractive `ask` at scale: p50/p95 with and without filters, and peak memory.

Builds an index of N chunks (default 100,000): the real corpus in ../shared/corpus plus the 3,500 short
government pages in ../shared/scale as distractors, their chunks replicated (with new ids and the same
vectors) until N is reached. Then runs the eval dev questions through search and ask.

    .venv/bin/python benchmarks/bench_search.py [--chunks 100000] [--data /tmp/remiss-bench]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

import yaml

from assistant.schemas import Filters
from assistant.service import AssistantService
from assistant.settings import Settings
from ingest.pipeline import Ingestor

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def grow(ingestor: Ingestor, target: int) -> int:
    """Replicate committed chunks under new ids (a copy document per round) until `target` chunks."""
    store = ingestor.store
    rows = list(store.iter_chunks())
    count = store.chunks.count()
    copy = 0
    while count < target:
        copy += 1
        got = store.chunks.get(ids=[r[0] for r in rows[:5000]], include=["embeddings", "documents", "metadatas"])
        for start in range(0, len(rows), 5000):
            part = rows[start : start + 5000]
            got = store.chunks.get(ids=[r[0] for r in part], include=["embeddings", "documents", "metadatas"])
            ids = [f"{i}@copy{copy}" for i in got["ids"]]
            store.chunks.upsert(
                ids=ids, embeddings=got["embeddings"], documents=got["documents"], metadatas=got["metadatas"]
            )
            count += len(ids)
            if count >= target:
                break
    return count


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--data", type=Path, default=Path("/tmp/remiss-bench-search"))
    args = parser.parse_args()
    settings = Settings(data_dir=args.data)
    ingestor = Ingestor(settings)
    t = time.perf_counter()
    ingestor.ingest([SHARED / "corpus", SHARED / "scale"])
    total = grow(ingestor, args.chunks)
    ingestor.rebuild_lexical()
    print(f"index: {total} chunks, built in {time.perf_counter() - t:.0f} s")
    service = AssistantService(settings, ingestor=ingestor)
    questions = [q for q in yaml.safe_load((ROOT / "eval/sets/dev.yaml").read_text())["questions"]]
    filters = Filters(doc_type=["yttrande", "tjänsteutlåtande"], year_from=2015)
    rows = []
    for label, flt in (("no filter", None), ("type+year filter", filters)):
        for name, call in (("search", lambda q, f: service.search(q, f, k=10)), ("ask", service.ask)):
            times = []
            for q in questions:
                start = time.perf_counter()
                call(q["question"], flt)
                times.append((time.perf_counter() - start) * 1000)
            rows.append((name, label, statistics.median(times), percentile(times, 0.95)))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("\n| operation | filters | p50 ms | p95 ms |\n|---|---|---|---|")
    for name, label, p50, p95 in rows:
        print(f"| {name} | {label} | {p50:.1f} | {p95:.1f} |")
    print(f"\npeak memory (RSS): {peak:.0f} MiB over {total} chunks, {len(questions)} questions")


if __name__ == "__main__":
    main()
