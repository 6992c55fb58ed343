"""Connection threads are kept for the next connection, a bounded number of them, and
end once nobody needs them (a wait runs out, or the server closes)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import requests

from pytest_postman_mock import MockServer
from pytest_postman_mock.serving import workers as workers_module
from pytest_postman_mock.serving.workers import MOST_KEPT, Workers

from .conftest import poll

DEADLINE = 10.0
CLOSE = {"Connection": "close"}


@pytest.fixture
def patient(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kept threads wait longer than any test takes (however slow the machine), until
    `close` ends them."""
    monkeypatch.setattr(workers_module, "KEEP_SECONDS", 60.0)


def run_and_note(workers: Workers) -> threading.Thread:
    """Run one job; the thread that ran it, once it has."""
    ran: list[threading.Thread] = []
    done = threading.Event()

    def job() -> None:
        ran.append(threading.current_thread())
        done.set()

    workers.run(job)
    assert done.wait(DEADLINE)
    return ran[0]


def test_a_finished_thread_runs_the_next_job(patient: None) -> None:
    workers = Workers("test-worker")
    first = run_and_note(workers)
    assert poll(lambda: workers.waiting == 1, DEADLINE)
    assert run_and_note(workers) is first
    workers.close()
    assert poll(lambda: not first.is_alive(), DEADLINE)


def test_a_kept_thread_ends_when_its_wait_runs_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers_module, "KEEP_SECONDS", 0.05)
    workers = Workers("test-worker")
    first = run_and_note(workers)
    assert poll(lambda: not first.is_alive(), DEADLINE)
    assert workers.waiting == 0
    assert run_and_note(workers) is not first  # a new thread for the next job


def test_at_most_so_many_threads_are_kept(patient: None) -> None:
    workers = Workers("test-worker")
    release = threading.Event()
    started = threading.Semaphore(0)
    threads: list[threading.Thread] = []
    lock = threading.Lock()

    def job() -> None:
        with lock:
            threads.append(threading.current_thread())
        started.release()
        release.wait(DEADLINE)

    for _ in range(MOST_KEPT + 3):
        workers.run(job)
    assert all(started.acquire(timeout=DEADLINE) for _ in range(MOST_KEPT + 3))
    assert len(set(threads)) == MOST_KEPT + 3  # none was waiting: each job got a new one
    release.set()
    assert poll(lambda: sum(t.is_alive() for t in threads) == MOST_KEPT, DEADLINE)
    assert workers.waiting == MOST_KEPT
    workers.close()
    assert poll(lambda: not any(t.is_alive() for t in threads), DEADLINE)


def test_a_closed_pool_keeps_no_thread() -> None:
    workers = Workers("test-worker")
    workers.close()
    thread = run_and_note(workers)
    assert poll(lambda: not thread.is_alive(), DEADLINE)
    assert workers.waiting == 0


def test_the_server_serves_a_new_connection_in_the_last_ones_thread(
    users_api: Path, patient: None
) -> None:
    seen: list[threading.Thread] = []

    def note_thread(request, example, response):  # type: ignore[no-untyped-def]
        seen.append(threading.current_thread())

    with MockServer(users_api) as server:
        server.app.response_hook = note_thread
        http = server._server
        assert http is not None
        for _ in range(2):  # a new connection each time, closed once answered
            answer = requests.get(server.url_for("/users/1"), headers=CLOSE, timeout=5)
            assert answer.status_code == 200
            assert poll(lambda: http.workers.waiting == 1, DEADLINE)
    assert len(seen) == 2 and seen[0] is seen[1]
    assert poll(lambda: not seen[0].is_alive(), DEADLINE)  # stop() let it end
