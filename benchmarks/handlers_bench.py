"""What the programmable layer costs per call: the collection alone, with an override, a
`when=` rule that skips, a handler, and a handler returning the collection's example.

Calls the WSGI app in-process (`werkzeug.test.Client`, no sockets), alternating the
setups round by round so a slow minute of the machine hits all of them, and prints
each setup's median time per call as a ratio to the collection alone.

    python benchmarks/handlers_bench.py [--calls N] [--rounds R]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from werkzeug.test import Client

from pytest_postman_mock import MockServer


def collection(folder: Path) -> Path:
    example = {
        "name": "User found",
        "originalRequest": {"method": "GET", "url": "{{baseUrl}}/users/:id"},
        "code": 200,
        "header": [{"key": "Content-Type", "value": "application/json"}],
        "body": json.dumps({"id": "{{id}}", "name": "Ada"}),
    }
    doc = {
        "info": {
            "name": "Bench",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        },
        "item": [
            {
                "name": "Get user",
                "request": {"method": "GET", "url": "{{baseUrl}}/users/:id"},
                "response": [example],
            }
        ],
    }
    path = folder / "bench.postman_collection.json"
    path.write_text(json.dumps(doc))
    return path


SETUPS: dict[str, Callable[[MockServer], Any]] = {
    "collection": lambda mock: None,
    "override": lambda mock: mock.override("GET", "/users/:id", status=200, json={"id": 1}),
    "when= skips": lambda mock: mock.override(
        "GET", "/users/:id", status=418, when={"query": {"vip": "1"}}
    ),
    "handler dict": lambda mock: mock.override(
        "GET", "/users/:id", handler=lambda r: {"json": {"id": r.params["id"]}}
    ),
    "handler example": lambda mock: mock.override("GET", "/users/:id", handler=lambda r: r.example),
}


def per_call(mock: MockServer, calls: int) -> float:
    client = Client(mock.app)
    started = time.perf_counter()
    for _ in range(calls):
        response = client.get("/users/7")
        assert response.status_code == 200, response.status_code
    return (time.perf_counter() - started) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = collection(Path(folder))
        mocks = {}
        for name, setup in SETUPS.items():
            mock = MockServer(path, max_calls=1000)
            setup(mock)
            mocks[name] = mock
        times: dict[str, list[float]] = {name: [] for name in SETUPS}
        for _ in range(args.rounds):
            for name, mock in mocks.items():
                times[name].append(per_call(mock, args.calls))
    base = statistics.median(times["collection"])
    print(f"{'setup':<18} {'us/call':>8} {'ratio':>6}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<18} {median:8.1f} {median / base:6.2f}x")


if __name__ == "__main__":
    main()
