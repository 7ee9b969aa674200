"""The UI as a user's browser meets it: the real API on an index in a thread, and `streamlit run ui/app.py` as a
subprocess pointed at it (no API key: the API is open for reading, as by default)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from assistant.settings import Settings
from tests.integration.test_ui_pages import running_api
from tests.processes import free_port, served
from ui.cli.up import streamlit_command


@contextmanager
def running_ui(settings: Settings) -> Iterator[str]:
    """The UI's URL while the API on `settings` and the Streamlit server run; its log in the data dir."""
    data_dir = settings.data_dir
    port = free_port()
    with running_api(settings) as api_url:
        env = {**os.environ, "REMISS_API_URL": api_url, "REMISS_DATA_DIR": str(data_dir)}
        env.pop("REMISS_API_KEY", None)
        url = f"http://127.0.0.1:{port}"
        with served(streamlit_command(port, "127.0.0.1"), f"{url}/_stcore/health", data_dir / "ui.log", env=env):
            yield url
