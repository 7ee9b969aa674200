"""LlamaIndex integration, loaded only when used: `configure()` points LlamaIndex's global defaults at our
offline parts so it never falls back to OpenAI (`Settings.llm` / `Settings.embed_model`), and `retriever()`
gives our Swedish retrieval as a LlamaIndex `BaseRetriever`. Importing this module does not import LlamaIndex;
the classes live in assistant/llamaindex_nodes.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llama_index.core.retrievers import BaseRetriever

    from assistant.llamaindex_nodes import Searcher
    from assistant.schemas import Filters
    from ingest.embedders import Embedder


def configure(embedder: Embedder) -> None:
    """Point LlamaIndex's global defaults at our offline parts (never the OpenAI defaults)."""
    from llama_index.core import Settings as LlamaSettings
    from llama_index.core.llms import MockLLM

    from assistant.llamaindex_nodes import EmbedderAdapter

    LlamaSettings.embed_model = EmbedderAdapter(embedder)
    LlamaSettings.llm = MockLLM()


def retriever(service: Searcher, embedder: Embedder, k: int = 10, filters: Filters | None = None) -> BaseRetriever:
    """Our retrieval (`service.search`, with filters) as a LlamaIndex retriever; LlamaIndex is configured first."""
    from assistant.llamaindex_nodes import RemissRetriever

    configure(embedder)
    return RemissRetriever(service, k=k, filters=filters)
