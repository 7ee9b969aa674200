"""LlamaIndex classes: our embedder as a LlamaIndex `BaseEmbedding`, our retrieval as a `BaseRetriever` (so
LlamaIndex query engines and fusion can use them). Importing this module imports LlamaIndex (~0.7 s): only
assistant/llamaindex_adapter.py does, inside its functions."""

from __future__ import annotations

from typing import Any, Protocol

from llama_index.core.embeddings import BaseEmbedding
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode
from pydantic import PrivateAttr

from assistant.schemas import Filters, SearchHit
from ingest.embedders import Embedder


class Searcher(Protocol):
    """What the retriever needs of the assistant: ranked passages for a query (the service has it)."""

    def search(self, query: str, filters: Filters | None = None, k: int = 10) -> list[SearchHit]: ...


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

    def __init__(self, service: Searcher, k: int = 10, filters: Filters | None = None) -> None:
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
