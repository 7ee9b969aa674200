"""Where the eval gets its answers: the service in this process, or a running API over HTTP."""

from __future__ import annotations

from typing import Any, Protocol

import httpx

from assistant.schemas import Answer, Citation, Filters, SearchHit, Turn
from assistant.service import AssistantService
from assistant.settings import RetrieverMode, Settings
from ingest.store import manifest_variants


class Backend(Protocol):
    def search(self, query: str, filters: Filters | None, k: int) -> list[SearchHit]: ...

    def ask(self, question: str, filters: Filters | None, history: list[Turn]) -> Answer: ...

    def paragraph_text(self, citation: Citation) -> str | None:
        """The full text of the cited paragraph, or None when it cannot be looked up."""
        ...

    def source_map(self) -> dict[str, str]:
        """Corpus file name -> document id for the indexed documents (as far as the backend can tell)."""
        ...

    def describe(self) -> dict[str, Any]: ...


class ServiceBackend:
    """The AssistantService in this process."""

    def __init__(self, service: AssistantService, mode: RetrieverMode | None = None) -> None:
        self.service = service
        self.mode = mode

    def search(self, query: str, filters: Filters | None, k: int) -> list[SearchHit]:
        return self.service.search(query, filters, k, self.mode)

    def ask(self, question: str, filters: Filters | None, history: list[Turn]) -> Answer:
        return self.service.ask(question, filters, history or None, self.mode)

    def paragraph_text(self, citation: Citation) -> str | None:
        doc = self.service.catalog.document(citation.doc_id)
        if doc is None:
            return None
        local = citation.paragraph_id.split("#", 1)[-1]
        paragraph = doc.paragraph(local)
        return paragraph.text if paragraph is not None else None

    def source_map(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for doc_id, meta in sorted(self.service.ingestor.store.manifest().items()):
            for name in (meta.get("source_file"), str(meta.get("source_path", "")).rsplit("/", 1)[-1]):
                if name:
                    out.setdefault(str(name), doc_id)
        for doc_id, meta in sorted(self.service.ingestor.store.manifest().items()):
            for variant in manifest_variants(meta):  # a file kept as a variant counts as its document
                out.setdefault(str(variant.get("file", "")), doc_id)
        return out

    def describe(self) -> dict[str, Any]:
        s = self.service.settings
        return {
            "backend": "in-process",
            "retriever": self.mode or s.retriever,
            "embedder": s.embedder,
            "data_dir": str(s.data_dir),
            "chroma": s.chroma_mode,
            "generative": self.service.llm_enabled,
            "abstain_threshold": s.abstain_threshold,
            "hybrid_dense_weight": s.hybrid_dense_weight,
        }


class ApiBackend:
    """A running `remiss serve`: POST /v1/search and /v1/ask; paragraph texts from GET /v1/documents/{id}."""

    def __init__(self, url: str, settings: Settings, mode: RetrieverMode | None = None, timeout: float = 120.0) -> None:
        headers = {"Accept": "application/json"}
        if settings.api_key is not None and settings.api_key.get_secret_value():
            key = settings.api_key.get_secret_value()
            headers["Authorization"] = f"Bearer {key}"
            headers["X-API-Key"] = key
        self.url = url.rstrip("/")
        self.mode = mode
        self.client = httpx.Client(base_url=self.url, headers=headers, timeout=timeout)
        self._docs: dict[str, dict[str, str] | None] = {}
        self._seen: dict[str, str] = {}

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        response = self.client.post(path, json=body)
        response.raise_for_status()
        return response.json()

    @staticmethod
    def _body(filters: Filters | None) -> dict[str, Any]:
        if filters is not None and not filters.is_empty():
            return {"filters": filters.model_dump(exclude_none=True)}
        return {}

    def search(self, query: str, filters: Filters | None, k: int) -> list[SearchHit]:
        body = {"query": query, "k": k, **self._body(filters)}
        if self.mode:  # search takes a per-request retriever; ask uses the server's configuration
            body["mode"] = self.mode
        data = self._post("/v1/search", body)
        if isinstance(data, dict):
            data = data.get("results", data.get("hits", []))
        hits = [SearchHit.model_validate(h) for h in data]
        for h in hits:
            self._seen.setdefault(h.source_file, h.doc_id)
        return hits

    def ask(self, question: str, filters: Filters | None, history: list[Turn]) -> Answer:
        body = {"question": question, **self._body(filters)}
        if history:
            body["history"] = [t.model_dump() for t in history]
        answer = Answer.model_validate(self._post("/v1/ask", body))
        for c in answer.citations:
            self._seen.setdefault(c.source_file, c.doc_id)
        return answer

    def _paragraphs(self, doc_id: str) -> dict[str, str] | None:
        if doc_id not in self._docs:
            self._docs[doc_id] = None
            try:
                response = self.client.get(f"/v1/documents/{doc_id}")
                if response.status_code == 200:
                    data = response.json()
                    doc = data.get("document", data) if isinstance(data, dict) else {}
                    self._docs[doc_id] = {
                        str(p["id"]): str(p["text"])
                        for section in doc.get("sections", [])
                        for p in section.get("paragraphs", [])
                        if "id" in p and "text" in p
                    }
            except (httpx.HTTPError, ValueError, TypeError, AttributeError):
                pass
        return self._docs[doc_id]

    def paragraph_text(self, citation: Citation) -> str | None:
        paragraphs = self._paragraphs(citation.doc_id)
        return paragraphs.get(citation.paragraph_id.split("#", 1)[-1]) if paragraphs else None

    def source_map(self) -> dict[str, str]:
        """From GET /v1/documents (paged), plus every (file, id) pair seen in hits and citations."""
        out: dict[str, str] = {}
        offset, limit = 0, 500
        try:
            while True:
                response = self.client.get("/v1/documents", params={"offset": offset, "limit": limit})
                if response.status_code != 200:
                    break
                data = response.json()
                items = data.get("results", []) if isinstance(data, dict) else data
                for d in items:
                    doc_id = d.get("id") or d.get("doc_id")
                    if doc_id and d.get("source_file"):
                        out.setdefault(str(d["source_file"]), str(doc_id))
                    for variant in d.get("variants") or [] if doc_id else []:
                        out.setdefault(str(variant), str(doc_id))
                total = data.get("total", 0) if isinstance(data, dict) else 0
                offset += limit
                if not items or offset >= total:
                    break
        except (httpx.HTTPError, ValueError, TypeError, AttributeError):
            pass
        for name, doc_id in self._seen.items():
            out.setdefault(name, doc_id)
        return out

    def describe(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "backend": "api",
            "api_url": self.url,
            "retriever": self.mode or "(server default)",
        }
        try:
            response = self.client.get("/readyz")
            if response.status_code == 200 and isinstance(response.json(), dict):
                info["server"] = response.json()
        except (httpx.HTTPError, ValueError):
            pass
        return info

    def close(self) -> None:
        self.client.close()
