"""Reproducible dynamic values: the same seed gives the same bodies, whatever the test order,
in a fresh `MockServer` and in `postman-mock serve`; another seed gives other bodies."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import requests

from pytest_postman_mock import MockServer

from . import builders
from .conftest import start_serve

pytest_plugins = ["pytester"]

RANDOM_BODY = (
    '{"id": "{{$guid}}", "n": {{$randomInt}}, "name": "{{$randomFullName}}", '
    '"words": "{{$randomLoremWords}}", "color": "{{$randomColor}}", "ip": "{{$randomIP}}"}'
)
"""Dynamic values that do not depend on the clock (dates and timestamps would)."""


def random_api(folder: Path) -> Path:
    doc = builders.collection(
        builders.request(
            "Thing",
            "{{baseUrl}}/thing",
            builders.example(
                "Thing",
                "{{baseUrl}}/thing",
                body=RANDOM_BODY,
                headers={"Content-Type": "application/json", "X-Trace": "{{$randomUUID}}"},
            ),
        )
    )
    return builders.write(folder / "api.postman_collection.json", doc)


TESTS = """
import os, pathlib, urllib.request
import pytest

OUT = pathlib.Path(os.environ["SEED_OUT"])

def record(request, mock):
    bodies = []
    for _ in range(3):
        with urllib.request.urlopen(mock.url + "/thing") as response:
            bodies.append(response.headers["X-Trace"] + " " + response.read().decode())
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / (request.node.name + ".txt")).write_text("\\n".join(bodies))
    with open(OUT / "order.txt", "a") as order:
        order.write(request.node.name + "\\n")

def test_alpha(postman_mock, request):
    record(request, postman_mock)

def test_beta(postman_mock, request):
    record(request, postman_mock)

@pytest.mark.parametrize("n", [1, 2])
def test_gamma(postman_mock, request, n):
    record(request, postman_mock)

class TestGroup:
    def test_delta(self, postman_mock, request):
        record(request, postman_mock)
"""

REVERSING_CONFTEST = """
import os

def pytest_collection_modifyitems(items):
    if os.environ.get("REVERSE") == "1":
        items.reverse()
"""


def run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, name: str, seed: int, reverse: bool
) -> dict[str, Any]:
    out = pytester.path / "out" / name
    monkeypatch.setenv("SEED_OUT", str(out))
    monkeypatch.setenv("REVERSE", "1" if reverse else "0")
    result = pytester.runpytest("-p", "no:randomly", f"--postman-mock-seed={seed}")
    result.assert_outcomes(passed=5)
    result.stdout.fnmatch_lines(
        [f"postman-mock: seed {seed} (repeat with --postman-mock-seed={seed})"]
    )
    bodies = {p.stem: p.read_text() for p in out.glob("test_*.txt")}
    order = (out / "order.txt").read_text().split()
    return {"bodies": bodies, "order": order}


def test_same_seed_same_bodies_in_any_test_order(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    random_api(pytester.path)
    pytester.makeini("[pytest]\npostman_mock_collection = api.postman_collection.json\n")
    pytester.makeconftest(REVERSING_CONFTEST)
    pytester.makepyfile(test_random=TESTS)

    forward = run(pytester, monkeypatch, "forward", 123, reverse=False)
    backward = run(pytester, monkeypatch, "backward", 123, reverse=True)
    other = run(pytester, monkeypatch, "other", 124, reverse=False)

    assert backward["order"] == list(reversed(forward["order"]))
    assert len(forward["bodies"]) == 5
    assert forward["bodies"] == backward["bodies"]
    for name, text in forward["bodies"].items():
        assert text != other["bodies"][name], name
    # within a test the values still vary, and two tests do not share one sequence
    alpha = forward["bodies"]["test_alpha"].splitlines()
    assert len(set(alpha)) == 3
    assert alpha[0] != forward["bodies"]["test_beta"].splitlines()[0]


def first_bodies(collection: Path, seed: int, count: int = 3) -> list[str]:
    with MockServer(collection, seed=seed) as server:
        return [requests.get(server.url + "/thing", timeout=5).text for _ in range(count)]


def test_mock_server_seed_reproduces_on_a_fresh_server(tmp_path: Path) -> None:
    collection = random_api(tmp_path)
    assert first_bodies(collection, 5) == first_bodies(collection, 5)
    assert first_bodies(collection, 5) != first_bodies(collection, 6)


def test_begin_test_reseeds_per_test_id(tmp_path: Path) -> None:
    with MockServer(random_api(tmp_path), seed=5) as server:
        fetch = lambda: requests.get(server.url + "/thing", timeout=5).text  # noqa: E731
        server.app.begin_test("tests/a.py::test_one")
        one = [fetch(), fetch()]
        server.app.begin_test("tests/a.py::test_two")
        two = fetch()
        server.app.begin_test("tests/a.py::test_one")
        assert [fetch(), fetch()] == one
        assert two != one[0]


def serve_first_body(collection: Path, seed: int) -> str:
    process = start_serve(str(collection), "--seed", str(seed))
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"at (http://\S+)", line)
        assert found, line
        return requests.get(found.group(1) + "/thing", timeout=5).text
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_seed_reproduces_across_processes(tmp_path: Path) -> None:
    collection = random_api(tmp_path)
    first = serve_first_body(collection, 77)
    assert first == serve_first_body(collection, 77)
    assert first != serve_first_body(collection, 78)
