"""How uvicorn serves the API: the connection limits that keep idle and slow clients from holding it."""

from __future__ import annotations

from typing import Any

KEEP_ALIVE_SECONDS = 5  # an idle keep-alive connection is closed after this
MAX_HEADER_BYTES = 64 * 1024  # h11: a request head larger than this is refused (431/400)
MAX_CONNECTIONS = 256  # concurrent connections and tasks; beyond it uvicorn answers 503
GRACEFUL_SHUTDOWN_SECONDS = 10


def uvicorn_options() -> dict[str, Any]:
    """Keyword arguments for `uvicorn.run`. Request bodies have their own read timeout (the middleware);
    a client that never finishes its request head is the reverse proxy's to cut (docs/security.md)."""
    return {
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
        "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
        "limit_concurrency": MAX_CONNECTIONS,
        "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_SECONDS,
        "server_header": False,
    }
