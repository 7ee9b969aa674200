"""The index guard: a request never sees the catalog swapped under it; changes made here or by another process
become visible between requests."""

from __future__ import annotations

import io
import shutil
import threading
import time
from pathlib import Path

import pytest

from assistant.api.guard import SharedLock
from assistant.api.library import Incoming
from assistant.api.state import ApiState
from assistant.service import AssistantService
from ingest.pipeline import Ingestor
from tests.api_helpers import UPLOAD_FILE, corpus_file, fresh_data_dir, settings_for


def test_shared_lock_lets_writers_wait_for_readers_but_not_forever() -> None:
    lock = SharedLock()
    lock.acquire_read()
    lock.acquire_read()
    started = time.monotonic()
    assert lock.acquire_write(0.1) is False
    assert time.monotonic() - started >= 0.09
    lock.release_read()
    lock.release_read()
    assert lock.acquire_write(0.1) is True
    got_in = threading.Event()

    def reader() -> None:
        lock.acquire_read()
        got_in.set()
        lock.release_read()

    thread = threading.Thread(target=reader)
    thread.start()
    assert not got_in.wait(0.2)  # readers wait while the writer holds the lock
    lock.release_write()
    assert got_in.wait(2)
    thread.join()
    assert lock.readers == 0


@pytest.fixture
def state(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> ApiState:
    settings = settings_for(fresh_data_dir(tmp_path_factory, tmp_path / "data"))
    api = ApiState(settings, AssistantService(settings))
    api.guard.write_timeout = 0.2
    return api


def test_catalog_is_not_swapped_under_a_running_request(state: ApiState) -> None:
    service = state.service()
    assert service.catalog.check_every == float("inf")  # the catalog no longer reloads itself mid-request
    old_index = service.catalog.index
    inside, release = threading.Event(), threading.Event()
    seen: list[object] = []

    def long_request() -> None:
        with state.reading():
            inside.set()
            release.wait(10)
            seen.append(service.catalog.index)

    thread = threading.Thread(target=long_request)
    thread.start()
    assert inside.wait(5)
    data = corpus_file(UPLOAD_FILE).read_bytes()
    started = time.monotonic()
    (result,) = state.library.upload([Incoming(UPLOAD_FILE, io.BytesIO(data), len(data))], len(data))
    assert result.status == "added"
    assert time.monotonic() - started < 8  # the upload does not wait for the request to finish
    assert service.catalog.index is old_index  # …and does not swap the catalog under it
    release.set()
    thread.join(5)
    assert seen == [old_index]
    with state.reading():
        assert service.catalog.index is not old_index
        assert result.doc_id in set(service.catalog.doc_ids)
        hits = service.search("områdessamverkan", k=3)
    assert hits and hits[0].doc_id == result.doc_id


def test_changes_by_another_process_show_up_between_requests(state: ApiState, tmp_path: Path) -> None:
    service = state.service()
    state.guard.check_every = 0.05
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    shutil.copy(corpus_file(UPLOAD_FILE), folder / UPLOAD_FILE)
    report = Ingestor(state.settings).ingest([folder])  # a second writer on the same index
    (added,) = [f for f in report.files if f.status == "added"]
    time.sleep(0.1)
    with state.reading():
        after = {h.doc_id for h in service.search("områdessamverkan", k=5)}
    assert added.doc_id in after
