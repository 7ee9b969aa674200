"""Scale: ingest, index size, cold start, memory and latency at 100k / 300k / 1M chunks.

Ingests the real corpus (../shared/corpus) and ../shared/scale once (ingest pages/s), then grows the store to
each size with varied copies: every copy is a new document (own id, own chunk ids) whose text, dates and
years are shifted by the copy's number of years (so tokens and dates differ from the original), written to
Chroma with its own document record and the original's vector plus noise. The lexical index is rebuilt from
Chroma and published, then a fresh process (the API's path: `AssistantService` over the data dir) measures
its cold start, RSS and search / extractive ask p50/p95 over the dev questions with no filter, type+year and
body filters.

    nice -n 10 .venv/bin/python benchmarks/bench_scale.py [--sizes 100000,300000,1000000] [--data DIR]
"""

from __future__ import annotations

import argparse
import json
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

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
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
    count = store.chunks.count()
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
    store._bump()
    return count


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def measure(data: Path, retriever: str) -> dict[str, Any]:
    """In this (fresh) process: cold start of the service over `data`, then latencies and peak RSS."""
    import yaml

    from assistant.schemas import Filters
    from assistant.service import AssistantService
    from assistant.settings import Settings

    started = time.perf_counter()
    service = AssistantService(Settings(data_dir=data, retriever=retriever))
    cold = time.perf_counter() - started
    questions = [q["question"] for q in yaml.safe_load((ROOT / "eval/sets/dev.yaml").read_text())["questions"]]
    filters = {
        "none": None,
        "type+year": Filters(doc_type=["yttrande", "tjänsteutlåtande"], year_from=2015),
        "body": Filters(body=BODY_FILTER),
    }
    rows: dict[str, Any] = {}
    for label, flt in filters.items():
        for name, call in (("search", lambda q, f: service.search(q, f, k=10)), ("ask", service.ask)):
            times = []
            for q in questions:
                t = time.perf_counter()
                call(q, flt)
                times.append((time.perf_counter() - t) * 1000)
            rows[f"{name} {label}"] = (round(statistics.median(times), 1), round(percentile(times, 0.95), 1))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"cold_start_s": round(cold, 2), "rss_mib": round(rss), "latency_ms": rows}


def disk_size(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--measure", type=Path, default=None, help="(internal) measure a built data dir")
    parser.add_argument("--retriever", default="lexical")
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.retriever)))
        return
    from assistant.settings import Settings
    from ingest.pipeline import Ingestor

    data = args.data or Path(tempfile.mkdtemp(prefix="remiss-scale-"))
    ingestor = Ingestor(Settings(data_dir=data))
    t = time.perf_counter()
    report = ingestor.ingest([SHARED / "corpus", SHARED / "scale"])
    seconds = time.perf_counter() - t
    pages = report.summary()["pages"]
    print(f"data dir {data}")
    print(f"ingest of the real corpus + scale: {pages} pages, {report.summary()['chunks']} chunks in {seconds:.0f} s")
    for size in [int(s) for s in args.sizes.split(",")]:
        t = time.perf_counter()
        total = grow(ingestor, size)
        grown = time.perf_counter() - t
        t = time.perf_counter()
        ingestor.rebuild_lexical()
        indexed = time.perf_counter() - t
        out = subprocess.run(
            [sys.executable, __file__, "--measure", str(data), "--retriever", args.retriever],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        result.update(
            chunks=total,
            grow_s=round(grown),
            lexical_build_s=round(indexed),
            lexical_mib=round(disk_size(ingestor.lexical_dir)),
            chroma_mib=round(disk_size(data / "chroma")),
        )
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
