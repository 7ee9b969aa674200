"""The UI's only way to the assistant: a small HTTP client for the Remissarkivet API.

Every transport problem (connection refused, timeout, a broken stream) and every API error becomes an
`ApiError` carrying a Swedish message the pages can show as it is; nothing here raises httpx errors.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

import httpx

from assistant.case_models import Case
from assistant.schemas import Answer, Precedent, RemissOverview, RemissSummary, SearchHit
from ingest.models import Document

DOWN = "Tjänsten svarar inte just nu. Försök igen om en stund eller be den som driver Remissarkivet starta den."
SLOW = "Tjänsten svarar inte just nu (den tog för lång tid på sig). Försök igen om en stund."
BROKEN = "Tjänsten skickade ett svar som inte gick att läsa. Försök igen om en stund."
AUTH = "Tjänsten nekade åtkomst: kontrollera API-nyckeln (REMISS_API_KEY)."
PAGING = ("offset", "limit")  # parameters of a list page that the export does not take


class ApiError(Exception):
    """A failed call: `message` (Swedish) is for the user; `detail` is what the API said, if anything."""

    def __init__(self, message: str, code: str = "", status: int = 0, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.detail = detail


STATUS_MESSAGES = {
    400: "Tjänsten kunde inte läsa begäran.",
    404: "Det efterfrågade finns inte i arkivet.",
    413: "Texten eller filen är för stor för tjänsten.",
    415: "Den filtypen kan tjänsten inte ta emot.",
    422: "Tjänsten godtog inte begäran.",
    429: "För många förfrågningar just nu. Vänta en stund och försök igen.",
    503: "Dokumentindexet går inte att nå just nu. Försök igen om en stund.",
}


@dataclass(frozen=True)
class SourceFile:
    content: bytes
    filename: str
    media_type: str


@dataclass(frozen=True)
class StreamEvent:
    """One server-sent event of /v1/ask: `citations`, `delta`, `final` or `error`."""

    kind: str
    data: Any


def _error_from(response: httpx.Response) -> ApiError:
    status = response.status_code
    code, detail = "", ""
    try:
        error = response.json().get("error") or {}
        code, detail = str(error.get("code") or ""), str(error.get("message") or "")
    except (ValueError, AttributeError):
        pass
    if status in (401, 403):
        return ApiError(AUTH, code or "unauthorized", status, detail)
    message = STATUS_MESSAGES.get(status, f"Tjänsten kunde inte svara ({status}). Försök igen om en stund.")
    return ApiError(message, code, status, detail)


def _filename(response: httpx.Response, fallback: str) -> str:
    disposition = response.headers.get("content-disposition", "")
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key == "filename*" and "''" in value:
            return unquote(value.split("''", 1)[1]) or fallback
        if key == "filename" and value:
            return value.strip('"')
    return fallback


def parse_sse(lines: Iterator[str]) -> Iterator[StreamEvent]:
    """Server-sent events from text lines; `data` is JSON when it parses, else the raw text."""
    kind, data = "message", list[str]()
    for line in lines:
        if not line:
            if data:
                yield StreamEvent(kind, _decode("\n".join(data)))
            kind, data = "message", []
        elif line.startswith(":"):
            continue
        else:
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                kind = value
            elif field == "data":
                data.append(value)
    if data:
        yield StreamEvent(kind, _decode("\n".join(data)))


def _decode(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _items(data: Any, name: str) -> list[Any]:
    """The list in a response: `{"results": [...]}`, `{name: [...]}` or a bare list."""
    if isinstance(data, dict):
        data = data.get("results", data.get(name, []))
    if not isinstance(data, list):
        raise ApiError(BROKEN, "bad_shape")
    return data


class ApiClient:
    """Typed calls to the API. One instance per (url, key), shared by all sessions."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        timeout: float = 20.0,
        ask_timeout: float = 120.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Accept": "application/json"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self.base_url = base_url.rstrip("/")
        self.ask_timeout = httpx.Timeout(ask_timeout, connect=5.0)
        self._http = httpx.Client(
            base_url=self.base_url,
            headers=headers,
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=5.0),
        )

    def close(self) -> None:
        self._http.close()

    # --- plumbing --------------------------------------------------------------------------------
    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            raise ApiError(SLOW, "timeout") from exc
        except httpx.HTTPError as exc:
            raise ApiError(DOWN, "unreachable") from exc
        if response.status_code >= 400:
            raise _error_from(response)
        return response

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._request(method, path, **kwargs)
        try:
            return response.json()
        except ValueError as exc:
            raise ApiError(BROKEN, "bad_json", response.status_code) from exc

    @staticmethod
    def _parse(model: Any, value: Any) -> Any:
        try:
            return model.model_validate(value)
        except ValueError as exc:
            raise ApiError(BROKEN, "bad_shape") from exc

    # --- endpoints -------------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        filters: dict[str, Any] | None = None,
        history: list[dict[str, str]] | None = None,
    ) -> Answer:
        body = {"question": question, "filters": filters or None, "history": history or []}
        answer: Answer = self._parse(Answer, self._json("POST", "/v1/ask", json=body, timeout=self.ask_timeout))
        return answer

    def ask_stream(
        self,
        question: str,
        filters: dict[str, Any] | None = None,
        history: list[dict[str, str]] | None = None,
    ) -> Iterator[StreamEvent]:
        """Events as they arrive. Raises ApiError before the first event or as the last thing."""
        body = {"question": question, "filters": filters or None, "history": history or [], "stream": True}
        headers = {"Accept": "text/event-stream"}
        try:
            with self._http.stream("POST", "/v1/ask", json=body, headers=headers, timeout=self.ask_timeout) as r:
                if r.status_code >= 400:
                    r.read()
                    raise _error_from(r)
                if not r.headers.get("content-type", "").startswith("text/event-stream"):
                    r.read()
                    yield StreamEvent("final", r.json())
                    return
                yield from parse_sse(r.iter_lines())
        except httpx.TimeoutException as exc:
            raise ApiError(SLOW, "timeout") from exc
        except httpx.HTTPError as exc:
            raise ApiError(DOWN, "unreachable") from exc
        except ValueError as exc:
            raise ApiError(BROKEN, "bad_json") from exc

    def search(self, query: str, filters: dict[str, Any] | None = None, k: int = 10) -> list[SearchHit]:
        data = self._json("POST", "/v1/search", json={"query": query, "filters": filters or None, "k": k})
        return [self._parse(SearchHit, hit) for hit in _items(data, "results")]

    def documents(self, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """{documents: [...], total, facets: {bodies, types, years}}; list parameters are repeated."""
        clean = {k: v for k, v in (params or {}).items() if v not in (None, "", [])}
        data = self._json("GET", "/v1/documents", params=clean)
        if not isinstance(data, dict):
            raise ApiError(BROKEN, "bad_shape")
        documents = _items(data, "documents")
        return {
            "documents": documents,
            "total": data.get("total", len(documents)),
            "facets": data.get("facets"),
            "sort": data.get("sort"),
            "order": data.get("order"),
        }

    def documents_csv(self, params: dict[str, Any] | None = None) -> bytes:
        """The whole document list (no paging) as CSV, for the filters, `q`, `sort` and `order` in `params`."""
        clean = {k: v for k, v in (params or {}).items() if v not in (None, "", []) and k not in PAGING}
        return self._request("GET", "/v1/documents/export", params=clean, timeout=60.0).content

    def upload(self, files: list[tuple[str, bytes]], admin_key: str) -> list[dict[str, Any]]:
        """Upload and ingest files with the admin key (one result per file, in order)."""
        parts = [("files", (name, data, "application/octet-stream")) for name, data in files]
        headers = {"Authorization": f"Bearer {admin_key}"}
        data = self._json("POST", "/v1/documents", files=parts, headers=headers, timeout=self.ask_timeout)
        return list(_items(data, "results"))

    def document(self, doc_id: str) -> Document:
        document: Document = self._parse(Document, self._json("GET", f"/v1/documents/{doc_id}"))
        return document

    def source(self, doc_id: str, fallback_name: str = "") -> SourceFile:
        response = self._request("GET", f"/v1/documents/{doc_id}/source", timeout=60.0)
        media_type = response.headers.get("content-type", "application/octet-stream").split(";")[0]
        return SourceFile(response.content, _filename(response, fallback_name or doc_id), media_type)

    def case(self, dnr: str) -> Case:
        """Every document of one diarienummer, oldest first (404 as ApiError for an unknown dnr)."""
        found: Case = self._parse(Case, self._json("GET", f"/v1/cases/{quote(dnr.strip(), safe='')}"))
        return found

    def precedents(self, text: str, k: int = 5) -> list[Precedent]:
        data = self._json("POST", "/v1/precedents", json={"text": text, "k": k}, timeout=self.ask_timeout)
        return [self._parse(Precedent, item) for item in _items(data, "results")]

    def remisser(self) -> list[RemissSummary]:
        data = self._json("GET", "/v1/remisser")
        items = _items(data, "remisser")
        return [self._parse(RemissSummary, item) for item in items]

    def remiss(self, remiss_id: str) -> RemissOverview:
        overview: RemissOverview = self._parse(RemissOverview, self._json("GET", f"/v1/remisser/{remiss_id}"))
        return overview

    def send_feedback(
        self,
        question: str,
        answer: str,
        rating: str,
        comment: str = "",
        citations: list[dict[str, Any]] | None = None,
    ) -> None:
        body = {
            "question": question,
            "answer": answer,
            "rating": rating,
            "comment": comment or None,
            "citations": citations or [],
        }
        self._request("POST", "/v1/feedback", json=body)

    def feedback(self) -> list[dict[str, Any]]:
        data = self._json("GET", "/v1/feedback")
        items = _items(data, "feedback")
        return [item for item in items if isinstance(item, dict)]

    def eval_runs(self) -> list[dict[str, Any]]:
        """The eval runs, newest first: {id, created, retriever, embedder, set, questions}."""
        items = _items(self._json("GET", "/v1/eval/runs"), "runs")
        return [item for item in items if isinstance(item, dict) and item.get("id")]

    def eval_run(self, run_id: str) -> dict[str, Any]:
        """One run: its list fields plus config, overall and per_tag."""
        data = self._json("GET", f"/v1/eval/runs/{run_id}")
        if not isinstance(data, dict) or not isinstance(data.get("overall"), dict):
            raise ApiError(BROKEN, "bad_shape")
        return data
