"""The one settings object. Built once at start-up and passed in; nothing else reads the environment.
It extends ingest's settings (storage, reading, chunking, embedding) with the question side's fields."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from ingest.settings import IngestSettings

RetrieverMode = Literal["lexical", "dense", "hybrid"]


def _split_keys(value: object) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


class Settings(IngestSettings):
    """Every option, each settable as an environment variable with the `REMISS_` prefix. The storage and
    ingest fields come from `IngestSettings`; add the assistant's, the API's and the UI's fields here."""

    # --- retrieval and answers ---------------------------------------------------------------------
    retriever: RetrieverMode = Field("lexical", description="lexical | dense | hybrid (see the eval).")
    hybrid_dense_weight: float = Field(0.3, description="Weight of the dense ranking in weighted RRF.")
    abstain_threshold: float = Field(
        0.3, description="Minimum share of the question the best passage and its document hold; below it ask abstains."
    )
    answer_max_sentences: int = Field(6, description="Most sentences quoted in an extractive answer.")
    llm_base_url: str | None = Field(None, description="OpenAI-compatible endpoint; set = generative mode.")
    llm_api_key: SecretStr = Field(SecretStr("none"), description="Key for the LLM endpoint.")
    llm_model: str = Field("gpt-4o-mini", description="Model name at the LLM endpoint.")
    llm_timeout: float = Field(60.0, description="Seconds before an LLM call is abandoned.")

    # --- API ---------------------------------------------------------------------------------------
    host: str = Field("127.0.0.1", description="Interface the API listens on.")
    port: int = Field(8000, description="Port of the API.")
    workers: int = Field(1, description="uvicorn worker processes.")
    api_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Reader keys (comma-separated). Empty = reading is open."
    )
    admin_key: SecretStr | None = Field(None, description="Admin key; admin endpoints are closed without it.")
    max_upload_mb: float = Field(25.0, description="Largest accepted upload.")
    max_question_chars: int = Field(2000, description="Longest accepted question.")
    max_k: int = Field(50, description="Most results a search may ask for.")
    max_history: int = Field(20, description="Most history turns accepted.")
    eval_runs_dir: Path = Field(Path("eval/runs"), description="Eval run folders the API lists (/v1/eval/runs).")

    # --- UI ----------------------------------------------------------------------------------------
    api_url: str = Field("http://127.0.0.1:8000", description="Where the UI finds the API.")
    api_key: SecretStr | None = Field(None, description="Key the UI sends to the API.")
    ui_port: int = Field(8501, description="Port of the Streamlit UI.")

    @field_validator("api_keys", mode="before")
    @classmethod
    def _parse_keys(cls, value: object) -> list[str]:
        return _split_keys(value)
