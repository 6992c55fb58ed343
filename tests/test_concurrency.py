"""Many clients at once: every answer right, every call logged once, paired with its answer.

The full-size run (32 threads x 500 requests) lives in benchmarks/; this one is bounded to keep
the suite fast, with the same mix: endpoints, delays and overrides.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
from collections import Counter
from pathlib import Path

from pytest_postman_mock import Kind, MockServer

from . import builders

# POSTMAN_MOCK_SOAK="32x500" runs it at full size (benchmarks/soak.py does).
THREADS, PER_THREAD = (int(n) for n in os.environ.get("POSTMAN_MOCK_SOAK", "12x40").split("x"))


def echo_collection(tmp_path: Path) -> Path:
    doc = builders.collection(
        builders.request(
            "Item",
            "https://x.test/items/:id",
            builders.example(
                "Item",
                "https://x.test/items/:id",
                body='{"id": "{{id}}", "n": "{{$queryParams \'n\'}}"}',
            ),
        ),
        builders.request(
            "Slow",
            "https://x.test/slow",
            builders.example("Slow", "https://x.test/slow", body='{"n": "{{$queryParams \'n\'}}"}'),
        ),
        builders.request(
            "Post",
            "https://x.test/posts",
            builders.example(
                "Post",
                "https://x.test/posts",
                method="POST",
                code=201,
                body='{"n": "{{$body \'n\'}}"}',
            ),
            method="POST",
        ),
    )
    return builders.write(tmp_path / "echo.json", doc)


def test_mixed_concurrent_load_is_answered_and_logged_exactly(tmp_path: Path) -> None:
    answers: dict[str, tuple[int, str]] = {}
    lock = threading.Lock()
    with MockServer(
        echo_collection(tmp_path), max_calls=max(10_000, THREADS * PER_THREAD)
    ) as server:
        server.override(
            "GET",
            "/items/:id",
            times=THREADS * PER_THREAD // 20,
            status=503,
            json={"overridden": True},
        )

        def client(worker: int) -> None:
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            for i in range(PER_THREAD):
                n = f"{worker}-{i}"
                if i % 3 == 0:
                    connection.request(
                        "POST",
                        "/posts",
                        body=json.dumps({"n": n}),
                        headers={"Content-Type": "application/json"},
                    )
                elif i % 10 == 1:
                    connection.request(
                        "GET", f"/slow?n={n}", headers={"x-mock-response-delay": "20"}
                    )
                else:
                    connection.request("GET", f"/items/{i}?n={n}")
                response = connection.getresponse()
                with lock:
                    answers[n] = (response.status, response.read().decode())
            connection.close()

        threads = [threading.Thread(target=client, args=(w,)) for w in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
        calls = server.calls
    total = THREADS * PER_THREAD
    assert len(answers) == total
    assert len(calls) == total == server.journal.total
    assert not [s for s, _ in answers.values() if s >= 500 and s != 503]
    overridden = [n for n, (s, _) in answers.items() if s == 503]
    assert len(overridden) == THREADS * PER_THREAD // 20
    # Every call in the log is paired with the very answer its client got.
    for call in calls:
        n = dict(call.query).get("n") or json.loads(call.body)["n"]
        status, body = answers[n]
        assert (call.status, call.response_body.decode()) == (status, body)
        if status != 503:
            assert json.loads(body)["n"] == n
    kinds = Counter(c.kind for c in calls)
    assert kinds == {Kind.MATCHED: total - len(overridden), Kind.OVERRIDE: len(overridden)}
