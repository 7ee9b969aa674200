"""The app factory. `create_app(settings)` builds a fresh app; the service (Ingestor + Chroma + catalog) is
made in the lifespan unless one is passed in. `app_from_env()` is the uvicorn factory (`remiss serve`)."""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import Scope

from assistant.api import errors
from assistant.api.library import MAX_FILES
from assistant.api.middleware import RequestContext
from assistant.api.routes_assistant import router as assistant_router
from assistant.api.routes_cases import router as cases_router
from assistant.api.routes_documents import router as documents_router
from assistant.api.routes_eval import router as eval_router
from assistant.api.routes_feedback import router as feedback_router
from assistant.api.routes_health import router as health_router
from assistant.api.routes_openai import router as openai_router
from assistant.api.state import ApiState
from assistant.service import AssistantService
from assistant.settings import Settings

log = logging.getLogger("remiss.api")

VERSION = "0.1.0"
JSON_BODY_LIMIT = 2 * 1_048_576
SWAGGER_PREFIX = "/static/swagger"

DESCRIPTION = """
Questions over Swedish municipal documents (remisser, yttranden, tjänsteutlåtanden, protokoll), answered with
citations to the paragraph, page and diarienummer they rest on.

**Keys.** Send `Authorization: Bearer KEY` or `X-API-Key: KEY`. Reading needs one of the reader keys
(`REMISS_API_KEYS`) — and is open when none are configured. Uploading and deleting need the admin key
(`REMISS_ADMIN_KEY`) and are closed without one.

**Errors** always have the shape `{"error": {"code", "message", "details"}}`.

**OpenAI-compatible:** point an OpenAI client at `/v1` and use the model `remissarkivet`.
"""

TAGS = [
    {"name": "assistant", "description": "Ask, search, precedents and remisser."},
    {
        "name": "documents",
        "description": "The documents in the archive; upload and delete need the admin key.",
    },
    {"name": "feedback", "description": "Ratings of answers."},
    {"name": "openai", "description": "OpenAI-compatible chat completions and models."},
    {"name": "health", "description": "Probes."},
]


def swagger_assets() -> Path | None:
    """Swagger UI's files from the `swagger-ui-py` package (found without importing it), or vendored ones."""
    spec = importlib.util.find_spec("swagger_ui")
    for base in list(spec.submodule_search_locations or []) if spec else []:
        folder = Path(base) / "static"
        if (folder / "swagger-ui-bundle.js").is_file():
            return folder
    vendored = Path(__file__).parent / "static" / "swagger"
    return vendored if (vendored / "swagger-ui-bundle.js").is_file() else None


def _body_limit(settings: Settings) -> Any:
    upload_limit = int(settings.max_upload_mb * 1_048_576) * MAX_FILES + 1_048_576

    def limit(scope: Scope) -> int:
        if scope.get("method") == "POST" and scope.get("path", "").rstrip("/") == "/v1/documents":
            return upload_limit
        return JSON_BODY_LIMIT

    return limit


def _docs(app: FastAPI, assets: Path) -> None:
    app.mount(SWAGGER_PREFIX, StaticFiles(directory=assets), name="swagger")

    @app.get("/docs", include_in_schema=False)
    def swagger(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} – API",
            swagger_js_url=f"{root}{SWAGGER_PREFIX}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{SWAGGER_PREFIX}/swagger-ui.css",
            swagger_favicon_url=f"{root}{SWAGGER_PREFIX}/favicon-32x32.png",
            oauth2_redirect_url=f"{root}/docs/oauth2-redirect",
            swagger_ui_parameters={"validatorUrl": None, "persistAuthorization": True},
        )

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    def swagger_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()


def create_app(settings: Settings, service: AssistantService | None = None) -> FastAPI:
    state = ApiState(settings, service)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.ensure_data_dir()
        await anyio.to_thread.run_sync(state.start)
        yield

    app = FastAPI(
        title="Remissarkivet",
        version=VERSION,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.api = state
    errors.install(app)
    for router in (assistant_router, documents_router, feedback_router, openai_router, health_router):
        app.include_router(router)
    app.include_router(eval_router)
    app.include_router(cases_router)
    assets = swagger_assets()
    if assets is not None:
        _docs(app, assets)
    else:
        log.warning("swagger-ui assets not found: /docs is disabled (install swagger-ui-py)")
    app.add_middleware(RequestContext, body_limit=_body_limit(settings))
    return app


def app_from_env() -> FastAPI:
    """The uvicorn factory: `uvicorn --factory assistant.api.app:app_from_env` (settings from REMISS_*)."""
    return create_app(Settings())
