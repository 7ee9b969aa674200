"""LlamaIndex sees our offline embedder and Swedish retrieval, never its OpenAI defaults."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from llama_index.core import Settings as LlamaSettings
from llama_index.core.schema import QueryBundle

from assistant.llamaindex_adapter import configure, retriever
from assistant.service import AssistantService
from assistant.settings import Settings
from tests.paths import BUNDLED_CORPUS

CORPUS = BUNDLED_CORPUS


@pytest.fixture()
def service(tmp_path: Path) -> AssistantService:
    docs = tmp_path / "docs"
    shutil.copytree(CORPUS, docs)
    svc = AssistantService(Settings(data_dir=tmp_path / "data"))
    svc.ingestor.ingest([docs])
    svc.catalog.refresh(force=True)
    return svc


def test_llamaindex_defaults_point_at_local_parts(service: AssistantService) -> None:
    configure(service.ingestor.embedder)
    assert LlamaSettings.embed_model.model_name == service.ingestor.embedder.name
    assert type(LlamaSettings.llm).__name__ == "MockLLM"
    vector = LlamaSettings.embed_model.get_query_embedding("strategi för innovation")
    assert len(vector) == service.ingestor.embedder.dim


def test_retriever_returns_nodes_with_citation_fields(service: AssistantService) -> None:
    nodes = retriever(service, service.ingestor.embedder, k=3).retrieve(
        QueryBundle("Vem lämnade ersättaryttrande i kommunstyrelsen?")
    )
    assert nodes, "expected passages"
    top = nodes[0]
    assert "Sissela Nordling Blanco" in top.node.get_content()
    assert top.node.metadata["dnr"] == ["KS 2019/1618"]
    assert all("#" in pid for pid in top.node.metadata["paragraph_ids"])
    assert type(LlamaSettings.llm).__name__ == "MockLLM"  # the retriever configured LlamaIndex itself
