"""Start-up stays light: building the `remiss` command and importing the LlamaIndex adapter load neither
Chroma, nor LlamaIndex, nor the assistant service — each command imports what it needs when it runs."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.paths import PROJECT_ROOT

HEAVY = ("chromadb", "llama_index", "bm25s", "uvicorn", "fastapi", "streamlit", "assistant.service", "ingest.pipeline")


def loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=PROJECT_ROOT, check=True)
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def heavy_in(modules: set[str]) -> set[str]:
    return {m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)}


def test_building_the_cli_loads_no_heavy_module() -> None:
    modules = loaded_after("from ui.cli.main import build_app; build_app()")
    assert "ui.cli.ask" in modules  # the probe did build the commands
    assert not heavy_in(modules)


def test_the_llamaindex_adapter_imports_llamaindex_only_when_used() -> None:
    modules = loaded_after("import assistant.llamaindex_adapter")
    assert "assistant.llamaindex_adapter" in modules
    assert not heavy_in(modules)
