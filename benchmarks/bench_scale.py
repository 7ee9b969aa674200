"""Scale: ingest, index size, cold start, memory and latency at 100k / 300k / 1M chunks.

Ingests the real corpus (../shared/corpus) and ../shared/scale once (ingest pages/s), then grows the store to
each size with varied copies: every copy is a new document (own id, own chunk ids) whose text, dates and
years are shifted by the copy's number of years (so tokens and dates differ from the original), written to
Chroma with its own document record and the original's vector plus noise. The lexical index is rebuilt from
Chroma and published, then a fresh process (the API's path: `AssistantService` over the data dir) measures
its cold start, RSS and search / extractive ask p50/p95 over the dev questions with no filter, type+year and
body filters. Each size's figures are printed as one JSON line and appended to benchmarks/out/scale.jsonl;
`--table` prints them as the tables in docs/scaling.md.

A `--data` dir that already holds the ingested corpus is grown further (the corpus is not ingested again), so
the sizes can be run one at a time: `--sizes 100000`, then `--sizes 300000` on the same dir.

    nice -n 10 .venv/bin/python benchmarks/bench_scale.py [--sizes 100000,300000,1000000] [--data DIR]
    .venv/bin/python benchmarks/bench_scale.py --table
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

STARTED = time.perf_counter()  # the measuring child's start: its imports count towards its cold start
ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
OUT = ROOT / "benchmarks" / "out" / "scale.jsonl"
PAGE = 4000  # chunks per Chroma write
YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
NOISE = 0.05
BODY_FILTER = "kommunstyrelsen"
COPY = "-c"  # marks a copy's document id


def vary(text: str, shift: int) -> str:
    """The copy's text: every year moved by `shift` (dates, dnr and years then differ from the original)."""
    return YEAR.sub(lambda m: str(int(m.group(1)) + shift), text)


def grow(ingestor: Any, target: int) -> int:
    """Add varied copies of the committed documents until the store holds `target` chunks."""
    store = ingestor.store
    base = sorted(d for d in store.manifest() if COPY not in d)
    count = start_count = store.chunks.count()
    started = time.perf_counter()
    copy = int(store.documents.count() // max(1, len(base)))
    rng = np.random.default_rng(copy)
    while count < target:
        shift = copy % 9 + 1
        for start in range(0, len(base), 200):
            ids = base[start : start + 200]
            docs = store.documents.get(ids=ids, include=["documents", "metadatas"])
            new_docs = [f"{d}{COPY}{copy:03d}" for d in docs["ids"]]
            store.documents.upsert(
                ids=new_docs,
                embeddings=[[1.0]] * len(new_docs),
                documents=[
                    vary(text, shift).replace(old, new)
                    for text, old, new in zip(docs["documents"] or [], docs["ids"], new_docs, strict=True)
                ],
                metadatas=[
                    {
                        **m,
                        "year": int(m.get("year") or 0) + shift if m.get("year") else 0,
                        # its own path: an ingest of the original would otherwise retire copies as old versions
                        "source_path": f"{m.get('source_path', '')}{COPY}{copy:03d}",
                    }
                    for m in docs["metadatas"] or []
                ],
            )
            renamed = dict(zip(docs["ids"], new_docs, strict=True))
            got = store.chunks.get(where={"doc_id": {"$in": ids}}, include=["embeddings", "metadatas"])
            metas = []
            for m in got["metadatas"] or []:
                m = {k: vary(v, shift) if isinstance(v, str) else v for k, v in m.items()}
                m["doc_id"] = renamed[str(m["doc_id"])]
                m["year"] = int(m.get("year") or 0) + shift if m.get("year") else 0
                metas.append(m)
            vectors = np.asarray(got["embeddings"], dtype=np.float32)
            vectors = vectors + rng.normal(0, NOISE, vectors.shape).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
            for at in range(0, len(metas), PAGE):
                store.chunks.upsert(
                    ids=[f"{renamed[i.split('#', 1)[0]]}#{i.split('#', 1)[1]}" for i in got["ids"][at : at + PAGE]],
                    embeddings=vectors[at : at + PAGE],
                    metadatas=metas[at : at + PAGE],
                )
            count += len(metas)
            if count >= target:
                break
        copy += 1
        rate = (count - start_count) / max(1e-9, time.perf_counter() - started)
        print(
            f"  grown to {count} chunks ({rate:.0f} chunks/s, load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    store._bump()
    return count


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def rss_mib() -> float:
    """This process's resident memory now (VmRSS)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(data: Path, retriever: str) -> dict[str, Any]:
    """In this (fresh) process: cold start of the service over `data`, then latencies and peak RSS."""
    import yaml

    from assistant.schemas import Filters
    from assistant.service import AssistantService
    from assistant.settings import Settings

    imported = time.perf_counter()
    service = AssistantService(Settings(data_dir=data, retriever=retriever))
    ready = time.perf_counter()
    rss_ready = rss_mib()
    questions = [q["question"] for q in yaml.safe_load((ROOT / "eval/sets/dev.yaml").read_text())["questions"]]
    t = time.perf_counter()
    service.ask(questions[0])
    first_ask = (time.perf_counter() - t) * 1000
    filters = {
        "none": None,
        "type+year": Filters(doc_type=["yttrande", "tjänsteutlåtande"], year_from=2015),
        "body": Filters(body=BODY_FILTER),
    }
    rows: dict[str, Any] = {}
    cpu_rows: dict[str, Any] = {}
    load = os.getloadavg()[0]
    passes = [*filters.items(), ("none, again", None)]  # the last pass with the caches warm
    for label, flt in passes:
        for name, call in (("search", lambda q, f: service.search(q, f, k=10)), ("ask", service.ask)):
            times, cpu = [], []
            for q in questions:
                t, c = time.perf_counter(), time.process_time()
                call(q, flt)
                times.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
            rows[f"{name} {label}"] = (round(statistics.median(times), 1), round(percentile(times, 0.95), 1))
            cpu_rows[f"{name} {label}"] = (round(statistics.median(cpu), 1), round(percentile(cpu, 0.95), 1))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "import_s": round(imported - STARTED, 2),
        "service_s": round(ready - imported, 2),
        "cold_start_s": round(ready - STARTED, 2),
        "first_ask_ms": round(first_ask),
        "rss_ready_mib": round(rss_ready),
        "rss_mib": round(rss),
        "questions": len(questions),
        "load_average": [round(load, 1), round(os.getloadavg()[0], 1)],
        "latency_ms": rows,
        "cpu_ms": cpu_rows,  # the process's own CPU time per call: less sensitive to other jobs than wall time
    }


def disk_size(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def print_table(path: Path = OUT) -> None:
    results = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    print(
        "| chunks | documents | grow chunks/s | lexical build s | lexical MiB | Chroma MiB | cold start s "
        "(imports + service) | RSS ready / peak MiB | load |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['chunks']:,} | {r.get('documents', 0):,} | {r.get('grow_chunks_per_s', '–')} "
            f"| {r['lexical_build_s']} | {r['lexical_mib']:,} | {r['chroma_mib']:,} "
            f"| {r['cold_start_s']} ({r.get('import_s', '–')} + {r.get('service_s', '–')}) "
            f"| {r.get('rss_ready_mib', '–')} / {r['rss_mib']} "
            f"| {r.get('load_average', ['–'])[0]} |"
        )
    print()
    labels = list(results[0]["latency_ms"]) if results else []
    print("| chunks | " + " | ".join(f"{label} p50 / p95 ms" for label in labels) + " |")
    print("|---:|" + "---:|" * len(labels))
    for r in results:
        cells = [f"{r['latency_ms'][label][0]} / {r['latency_ms'][label][1]}" for label in labels]
        print(f"| {r['chunks']:,} | " + " | ".join(cells) + " |")
    measured = [r for r in results if "cpu_ms" in r]
    labels = list(measured[0]["cpu_ms"]) if measured else []
    print("\nCPU time of the measuring process per call, ms (p50 / p95):\n")
    print("| chunks | " + " | ".join(labels) + " |")
    print("|---:|" + "---:|" * len(labels))
    for r in measured:
        print(f"| {r['chunks']:,} | " + " | ".join(f"{r['cpu_ms'][x][0]} / {r['cpu_ms'][x][1]}" for x in labels) + " |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--measure", type=Path, default=None, help="(internal) measure a built data dir")
    parser.add_argument("--retriever", default="lexical")
    parser.add_argument(
        "--table",
        action="store_true",
        help="print benchmarks/out/scale.jsonl as tables",
    )
    args = parser.parse_args()
    if args.table:
        print_table()
        return
    if args.measure:
        print(json.dumps(measure(args.measure, args.retriever)))
        return
    from assistant.settings import Settings
    from ingest.pipeline import Ingestor

    data = args.data or Path(tempfile.mkdtemp(prefix="remiss-scale-"))
    ingestor = Ingestor(Settings(data_dir=data))
    print(f"data dir {data}")
    if ingestor.store.documents.count() == 0:
        t = time.perf_counter()
        report = ingestor.ingest([SHARED / "corpus", SHARED / "scale"])
        seconds = time.perf_counter() - t
        s = report.summary()
        print(
            f"ingest of the real corpus + scale: {s['added']} files, {s['pages']} pages, {s['chunks']} chunks in "
            f"{seconds:.0f} s ({s['chunks'] / seconds:.1f} chunks/s; load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    else:
        print(f"reusing the store: {ingestor.store.chunks.count()} chunks", flush=True)
    for size in [int(s) for s in args.sizes.split(",")]:
        before = ingestor.store.chunks.count()
        t = time.perf_counter()
        total = grow(ingestor, size)
        grown = time.perf_counter() - t
        t = time.perf_counter()
        index = ingestor.rebuild_lexical()
        indexed = time.perf_counter() - t
        documents = len(index.docs["doc_id"])
        total = len(index)  # what the store holds: grow's running count also counts re-written copies
        del index
        print(
            f"  lexical index of {total} chunks built and published in {indexed:.0f} s",
            flush=True,
        )
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--measure",
                str(data),
                "--retriever",
                args.retriever,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            raise SystemExit(f"measuring failed:\n{out.stderr[-3000:]}")
        result = json.loads(out.stdout.strip().splitlines()[-1])
        result.update(
            chunks=total,
            documents=documents,
            grow_s=round(grown),
            grow_chunks_per_s=round((total - before) / max(grown, 1e-9)),
            lexical_build_s=round(indexed),
            lexical_mib=round(disk_size(ingestor.lexical_dir)),
            chroma_mib=round(disk_size(data / "chroma")),
            retriever=args.retriever,
        )
        print(json.dumps(result), flush=True)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        with OUT.open("a") as fh:
            fh.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
