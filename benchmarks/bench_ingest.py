"""Ingest throughput on 1,000+ PDF pages, against bare text extraction.

Typesets the corpus texts (../shared/corpus, else the seed documents in corpus/) as multi-page PDFs with
fpdf2 (a running header, `Sida N av M` footers), cached in benchmarks/out/pdfs/. Then measures:

- bare text extraction with pypdf and with pypdfium2 (pages/s), no parsing;
- for each embedder, a full `Ingestor.ingest` (parse, chunk, embed, write to embedded Chroma, lexical index)
  in a fresh subprocess, so that its peak RSS is its own: pages/s, chunks/s, peak memory, and the speed
  as a share of bare pypdf extraction. e5 is slow on CPU: `--e5-pages` limits it to a subset.

    .venv/bin/python benchmarks/bench_ingest.py [--pages 1000] [--embedders hash,e5] [--e5-pages 150]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
GENERATOR_VERSION = 2
PAGE_MARKER = re.compile(r"^\s*<!--.*?-->\s*$", re.MULTILINE)


# --- the PDFs --------------------------------------------------------------------------------------
def corpus_texts(corpus: Path) -> list[tuple[str, list[str]]]:
    """(name, paragraphs) of each text file: blocks between blank lines, page markers dropped."""
    texts = []
    for path in sorted(corpus.glob("*.txt")):
        raw = PAGE_MARKER.sub("", path.read_text(encoding="utf-8"))
        raw = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", raw)
        blocks = [" ".join(b.split()) for b in re.split(r"\n\s*\n", raw)]
        texts.append((path.stem, [b for b in blocks if b]))
    return texts


def _latin1(text: str) -> str:
    """Without a Unicode font the core font takes latin-1 only (åäö fit; dashes and quotes do not)."""
    return text.replace("–", "-").replace("”", '"').encode("latin-1", "replace").decode("latin-1")


def typeset(paragraphs: list[str], header: str, path: Path) -> int:
    from fpdf import FPDF

    unicode_font = DEJAVU.is_file()
    font = "DejaVu" if unicode_font else "Helvetica"
    clean = str if unicode_font else _latin1

    class Document(FPDF):
        def header(self) -> None:
            if self.page_no() > 1:
                self.set_font(font, size=8)
                self.cell(0, 6, clean(header))
                self.ln(10)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font(font, size=8)
            self.cell(0, 6, f"Sida {self.page_no()} av {{nb}}", align="R")

    pdf = Document(format="A4", unit="mm")
    if unicode_font:
        pdf.add_font("DejaVu", fname=str(DEJAVU))
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    for paragraph in paragraphs:
        pdf.set_font(font, size=10)
        pdf.multi_cell(0, 5, clean(paragraph))
        pdf.ln(3)
    pdf.output(str(path))
    return int(pdf.page_no())


def make_pdfs(corpus: Path, target_pages: int) -> dict[str, int]:
    """PDF name -> pages, at least `target_pages` in all; each round of copies is a distinct document."""
    folder = OUT / "pdfs"
    manifest_path = folder / "manifest.json"
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text())
        if (
            manifest.get("version") == GENERATOR_VERSION
            and manifest.get("corpus") == str(corpus)
            and sum(manifest["files"].values()) >= target_pages
            and all((folder / name).is_file() for name in manifest["files"])
        ):
            return dict(manifest["files"])
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.pdf"):
        old.unlink()
    texts = corpus_texts(corpus)
    files: dict[str, int] = {}
    started = time.perf_counter()
    copy = 0
    while sum(files.values()) < target_pages:
        for stem, paragraphs in texts:
            name = f"{copy:02d}_{stem}.pdf"
            files[name] = typeset(paragraphs, f"{stem[:60]}  exemplar {copy}", folder / name)
            if sum(files.values()) >= target_pages:
                break
        copy += 1
    manifest_path.write_text(json.dumps({"version": GENERATOR_VERSION, "corpus": str(corpus), "files": files}))
    print(f"typeset {sum(files.values())} pages in {len(files)} PDFs in {time.perf_counter() - started:.1f} s")
    return files


def subset(files: dict[str, int], pages: int) -> list[str]:
    chosen: list[str] = []
    total = 0
    for name in sorted(files):
        if total >= pages:
            break
        chosen.append(name)
        total += files[name]
    return chosen


# --- bare extraction -------------------------------------------------------------------------------
def bare_pypdf(paths: list[Path]) -> dict[str, Any]:
    from pypdf import PdfReader

    started, cpu = time.perf_counter(), time.process_time()
    pages = 0
    for path in paths:
        for page in PdfReader(path).pages:
            page.extract_text()
            pages += 1
    return {
        "pages": pages,
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
    }


def bare_pdfium(paths: list[Path]) -> dict[str, Any]:
    import pypdfium2 as pdfium

    started, cpu = time.perf_counter(), time.process_time()
    pages = 0
    for path in paths:
        pdf = pdfium.PdfDocument(path)
        for i in range(len(pdf)):
            pdf[i].get_textpage().get_text_range()
            pages += 1
        pdf.close()
    return {
        "pages": pages,
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
    }


# --- full ingest, one embedder per fresh process ---------------------------------------------------
def child(embedder: str, files: list[Path], data_dir: Path) -> dict[str, Any]:
    started = time.perf_counter()
    from assistant.settings import Settings
    from ingest.analyzer import analyze
    from ingest.pipeline import Ingestor

    ingestor = Ingestor(Settings(data_dir=data_dir, embedder=embedder))
    ingestor.embedder.embed_documents(["uppvärmning"])  # model load and word list: not per page
    analyze("innovationsstrategi")
    setup = time.perf_counter() - started
    cpu = time.process_time()
    report = ingestor.ingest(files)
    cpu = time.process_time() - cpu
    summary = report.summary()
    assert not report.skipped, [(f.path, f.reason) for f in report.skipped]
    return {
        "embedder": embedder,
        "files": len(files),
        "pages": summary["pages"],
        "chunks": summary["chunks"],
        "paragraphs": summary["paragraphs"],
        "seconds": report.seconds,
        "cpu_seconds": cpu,
        "setup_seconds": setup,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run_child(embedder: str, files: list[Path]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"bench-ingest-{embedder}-") as tmp:
        listing = Path(tmp) / "files.json"
        listing.write_text(json.dumps([str(p) for p in files]))
        env = {k: v for k, v in os.environ.items() if not k.startswith("REMISS_")}
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                embedder,
                "--files",
                str(listing),
                "--data",
                str(Path(tmp) / "data"),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
        if done.returncode != 0:
            raise SystemExit(f"ingest with {embedder} failed:\n{done.stderr[-3000:]}")
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=1000, help="PDF pages to typeset and ingest")
    parser.add_argument("--embedders", default="hash,e5", help="comma-separated: hash, e5, minilm, …")
    parser.add_argument("--e5-pages", type=int, default=150, help="ingest only about this many pages with e5")
    parser.add_argument("--corpus", type=Path, default=SHARED_CORPUS if SHARED_CORPUS.is_dir() else ROOT / "corpus")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--files", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--table", action="store_true", help="print the table of the last run again")
    args = parser.parse_args()

    if args.table:
        print_table(json.loads((OUT / "last_run.json").read_text()))
        return

    if args.child:
        paths = [Path(p) for p in json.loads(args.files.read_text())]
        print(json.dumps(child(args.child, paths, args.data)))
        return

    files = make_pdfs(args.corpus, args.pages)
    folder = OUT / "pdfs"
    everything = [folder / name for name in subset(files, args.pages)]
    print(
        f"{sum(files[p.name] for p in everything)} pages in {len(everything)} PDFs from {args.corpus}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )

    rows: list[dict[str, Any]] = [
        {"stage": "pypdf, bare text extraction", **bare_pypdf(everything)},
        {"stage": "pypdfium2, bare text extraction", **bare_pdfium(everything)},
    ]
    for embedder in [e.strip() for e in args.embedders.split(",") if e.strip()]:
        chosen = everything if embedder != "e5" else [folder / n for n in subset(files, args.e5_pages)]
        result = run_child(embedder, chosen)
        print(f"{embedder}: {json.dumps(result)}")
        rows.append({"stage": f"full ingest, {embedder} embedder", **result})
    (OUT / "last_run.json").write_text(json.dumps(rows, indent=1))
    print_table(rows)


def _num(value: float) -> str:
    """Three significant figures at most, never `0.0` for a small rate."""
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def print_table(rows: list[dict[str, Any]]) -> None:
    wall_base = rows[0]["pages"] / rows[0]["seconds"]
    cpu_base = rows[0]["pages"] / rows[0]["cpu_seconds"]
    columns = [
        "stage",
        "pages",
        "chunks",
        "wall s",
        "CPU s",
        "pages/s",
        "chunks/s",
        "peak RSS",
        "% of pypdf (wall/CPU)",
    ]
    print("\n| " + " | ".join(columns) + " |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        rate = row["pages"] / row["seconds"]
        cpu_rate = row["pages"] / row["cpu_seconds"]
        chunks = f"{row['chunks']:,}" if "chunks" in row else "–"
        chunk_rate = _num(row["chunks"] / row["seconds"]) if "chunks" in row else "–"
        memory = f"{row['peak_rss_mb']:.0f} MB" if "peak_rss_mb" in row else "–"
        share = f"{_num(100 * rate / wall_base)} % / {_num(100 * cpu_rate / cpu_base)} %"
        cells = [
            row["stage"],
            f"{row['pages']:,}",
            chunks,
            f"{row['seconds']:.1f}",
            f"{row['cpu_seconds']:.1f}",
        ]
        print("| " + " | ".join([*cells, _num(rate), chunk_rate, memory, share]) + " |")
    print(
        "\nfull ingest = parse (pypdfium2, clean-up, structure, fields) + chunk + embed + write to embedded"
        " Chroma + rebuild the lexical index; loading the model and the word list is excluded (setup_seconds"
        " above). pages/s and chunks/s are per wall-clock second; CPU s is the process's user + system time."
    )


if __name__ == "__main__":
    main()
