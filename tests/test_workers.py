"""Connection threads are kept for the next connection, a bounded number of them, and
end once nobody needs them (a wait runs out, or the server closes)."""

from __future__ import annotations

import threading
import weakref
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


def test_a_kept_thread_keeps_nothing_of_the_job_it_ran(patient: None) -> None:
    done = threading.Event()

    class Job:
        """Stands for a connection's job, which holds its socket and its server."""

        def __call__(self) -> None:
            done.set()

    workers = Workers("test-worker")
    job = Job()
    gone = weakref.ref(job)
    workers.run(job)
    del job
    assert done.wait(DEADLINE)
    assert poll(lambda: workers.waiting == 1, DEADLINE)
    assert poll(lambda: gone() is None, DEADLINE)  # freed while the thread waits on
    workers.close()


def test_a_job_handed_over_as_the_wait_runs_out_still_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`run` takes a waiting thread's slot just as that thread's wait runs out, and hands
    the job over only after the thread has seen its slot gone: the job must still run."""
    workers = Workers("test-worker")
    second = threading.Event()

    class RacingSlot(workers_module._Slot):
        def __init__(self) -> None:
            super().__init__()
            self.wake = RacingLock(self)  # type: ignore[assignment]
            self.wake.acquire()

    class RacingLock:
        """The slot's wake lock: its first timed wait runs out as `run` takes the slot."""

        def __init__(self, slot: RacingSlot) -> None:
            self._lock = threading.Lock()
            self._slot = slot
            self.raced = False
            self.waits_for_the_job = threading.Event()

        def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
            if timeout != -1 and not self.raced:
                self.raced = True
                with workers._lock:  # what `run` does first: the slot is taken
                    workers._waiting.remove(self._slot)
                worker = threading.current_thread()
                threading.Thread(target=self.hand_over, args=(worker,)).start()
                return False
            if self.raced:
                self.waits_for_the_job.set()
            return self._lock.acquire(blocking, timeout)

        def hand_over(self, worker: threading.Thread) -> None:
            """What `run` does next, once the worker waits for the job (or has ended)."""
            poll(lambda: self.waits_for_the_job.is_set() or not worker.is_alive(), DEADLINE)
            self._slot.job = second.set
            self._lock.release()

        def release(self) -> None:
            self._lock.release()

    monkeypatch.setattr(workers_module, "_Slot", RacingSlot)
    first = run_and_note(workers)
    assert second.wait(DEADLINE)  # run by the thread whose wait ran out: not lost
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
