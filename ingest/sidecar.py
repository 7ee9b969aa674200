"""Optional `NAME.meta.yaml` / `NAME.meta.json` beside a document sets or overrides any head field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from ingest.errors import SkipFile
from ingest.models import DocumentFields

EDITABLE = set(DocumentFields.model_fields) - {
    "id",
    "content_hash",
    "source_file",
    "pages",
    "format",
    "ocr",
    "variants",
}


def sidecar_paths(path: Path) -> list[Path]:
    names = [f"{path.stem}.meta", f"{path.name}.meta"]
    return [path.with_name(n + ext) for n in names for ext in (".yaml", ".yml", ".json")]


def load_sidecar(path: Path) -> dict[str, Any]:
    for candidate in sidecar_paths(path):
        if candidate.is_file():
            return parse_sidecar(candidate.read_text(encoding="utf-8"), candidate.name)
    return {}


def parse_sidecar(text: str, name: str) -> dict[str, Any]:
    try:
        data = json.loads(text) if name.endswith(".json") else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise SkipFile(f"sidecar {name} is not valid: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SkipFile(f"sidecar {name} must hold a mapping of fields")
    unknown = set(data) - EDITABLE
    if unknown:
        raise SkipFile(f"sidecar {name} has unknown fields: {', '.join(sorted(unknown))}")
    if isinstance(data.get("dnr"), str):
        data["dnr"] = [data["dnr"]]
    for key in ("date", "remisstid"):
        if key in data and data[key] is not None:
            data[key] = str(data[key])
    return data


def is_sidecar(path: Path) -> bool:
    """A `NAME.meta.yaml`/`.yml`/`.json` beside a document: its fields, not a document of its own."""
    return path.name.lower().endswith((".meta.yaml", ".meta.yml", ".meta.json"))
