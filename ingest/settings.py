"""The ingest side's settings: where the index lives and how documents are read, chunked and embedded.
Every field is an environment variable with the `REMISS_` prefix; the assistant's settings extend this class."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class IngestSettings(BaseSettings):
    """What ingest needs: storage (Chroma, data folder) and the reading, chunking and embedding options."""

    model_config = SettingsConfigDict(env_prefix="REMISS_", env_file=None, extra="ignore")

    # --- storage -----------------------------------------------------------------------------------
    data_dir: Path = Field(Path(".data"), description="Where the index, lexical index and runs live.")
    corpus_dir: Path = Field(Path("corpus"), description="Folder the main job ingests by default.")
    chroma_host: str | None = Field(None, description="Host of a Chroma server; empty = embedded Chroma.")
    chroma_port: int = Field(8000, description="Port of the Chroma server.")
    collection: str = Field("remiss", description="Prefix of the Chroma collection names.")

    # --- ingest ------------------------------------------------------------------------------------
    embedder: str = Field(
        "hash",
        description="hash (fast, offline, default) | e5 (multilingual-e5-small, offline) | minilm | "
        "st:/path/to/sentence-transformers-model | openai (an OpenAI-compatible /v1/embeddings).",
    )
    embed_base_url: str | None = Field(None, description="Base URL of an OpenAI-compatible embeddings API.")
    embed_api_key: SecretStr = Field(SecretStr("none"), description="Key for the embeddings API.")
    embed_model: str = Field("text-embedding-3-small", description="Model name for the embeddings API.")
    chunk_target_chars: int = Field(900, description="Short paragraphs of a section merge up to this size.")
    chunk_max_chars: int = Field(1600, description="Longer paragraphs are split at sentence boundaries.")
    max_file_mb: float = Field(50.0, description="Files larger than this are skipped.")
    ingest_batch_docs: int = Field(32, ge=1, description="Documents written to Chroma together (each atomically).")
    mask_personnummer: bool = Field(True, description="Mask Luhn-valid personnummer in indexed text.")
    ocr: bool = Field(True, description="OCR scanned PDFs when Tesseract with Swedish data is installed.")
    ocr_lang: str = Field("swe", description="Tesseract language for OCR.")

    @property
    def chroma_mode(self) -> str:
        return "server" if self.chroma_host else "embedded"

    def ensure_data_dir(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir
