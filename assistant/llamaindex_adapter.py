"""LlamaIndex integration: our embedder as a LlamaIndex `BaseEmbedding`, our retrieval as a `BaseRetriever`
(so LlamaIndex query engines and fusion can use them), and `configure()` so LlamaIndex never falls back to
its OpenAI defaults (`Settings.llm` / `Settings.embed_model`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llama_index.core import Settings as LlamaSettings
from llama_index.core.embeddings import BaseEmbedding
from llama_index.core.llms import MockLLM
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode
from pydantic import PrivateAttr

from assistant.schemas import Filters
from ingest.embedders import Embedder

if TYPE_CHECKING:
    from assistant.service import AssistantService


class EmbedderAdapter(BaseEmbedding):
    _embedder: Any = PrivateAttr()

    def __init__(self, embedder: Embedder, **kwargs: Any) -> None:
        super().__init__(model_name=embedder.name, **kwargs)
        self._embedder = embedder

    def _get_query_embedding(self, query: str) -> list[float]:
        return [float(x) for x in self._embedder.embed_query(query)]

    def _get_text_embedding(self, text: str) -> list[float]:
        return [float(x) for x in self._embedder.embed_documents([text])[0]]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return [[float(x) for x in row] for row in self._embedder.embed_documents(texts)]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


class RemissRetriever(BaseRetriever):
    """Swedish hybrid retrieval with filters; nodes carry the citation fields as metadata."""

    def __init__(self, service: AssistantService, k: int = 10, filters: Filters | None = None) -> None:
        super().__init__()
        self.service = service
        self.k = k
        self.filters = filters

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        hits = self.service.search(query_bundle.query_str, self.filters, k=self.k)
        return [
            NodeWithScore(
                node=TextNode(id_=h.chunk_id, text=h.text, metadata=h.model_dump(exclude={"text"})),
                score=h.score,
            )
            for h in hits
        ]


def configure(embedder: Embedder) -> None:
    """Point LlamaIndex's global defaults at our offline parts (never the OpenAI defaults)."""
    LlamaSettings.embed_model = EmbedderAdapter(embedder)
    LlamaSettings.llm = MockLLM()
