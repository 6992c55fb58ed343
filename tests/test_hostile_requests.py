"""Hostile requests are served within their bounds: never a 500, never unbounded memory.

A request can make a template expand (`{{$body}}` echoed many times), a JSONPath fan
out (`$..*..*..*`), or a comparison recurse (JSON nested 1,000 deep). Each is answered
within `max_response_size`, `max_jsonpath_nodes` and the JSON depth bound, the call's
notes say which bound held, and the server goes on serving. Peak memory (all threads)
is measured with tracemalloc and bounded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests

from pytest_postman_mock import MockServer
from pytest_postman_mock.calls.log import Kind
from pytest_postman_mock.engine.bodies import MAX_JSON_DEPTH
from pytest_postman_mock.engine.jsonpath import bounded_find, compile_jsonpath

from . import builders
from .memory import peak_mib

SERVE_BOUND_MIB = 64
"""What serving one hostile request may allocate at its peak (measured in the test output)."""


def echo_api(folder: Path, body: str, **request_body: Any) -> Path:
    doc = builders.collection(
        builders.request(
            "Echo",
            "https://x.test/echo",
            builders.example(
                "Echoed",
                "https://x.test/echo",
                method="POST",
                body=body,
                headers={"Content-Type": "application/json"},
                **request_body,
            ),
            method="POST",
        )
    )
    return builders.write(folder / "echo.json", doc)


def nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


def post(server: MockServer, data: str | bytes) -> requests.Response:
    return requests.post(
        server.url_for("/echo"),
        data=data,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )


def served(server: MockServer, data: str | bytes) -> tuple[requests.Response, float]:
    response, peak = peak_mib(lambda: post(server, data))
    assert isinstance(response, requests.Response), response
    print(f"{len(data)} bytes in -> {response.status_code}, peak {peak:.2f} MiB")
    assert peak < SERVE_BOUND_MIB
    return response, peak


def test_a_response_over_max_response_size_gets_507_with_a_note(tmp_path: Path) -> None:
    path = echo_api(tmp_path, "{{$body}}" * 20)
    with MockServer(path, max_response_size=1024 * 1024) as server:
        response, _ = served(server, "x" * (256 * 1024))  # would render 5 MiB
        assert response.status_code == 507
        assert response.json()["error"]["name"] == "mockResponseTooLargeError"
        assert "max_response_size" in response.json()["error"]["message"]
        call = server.calls.last
        assert call.kind == Kind.TOO_LARGE and call.status == 507
        assert call.notes == (
            "the response expands to more than 1,048,576 bytes (max_response_size)",
        )
        assert post(server, "small").text == "small" * 20  # and it goes on serving


def test_a_jsonpath_that_fans_out_stops_at_max_jsonpath_nodes(tmp_path: Path) -> None:
    path = echo_api(tmp_path, "{{$body '$..*..*..*'}}")
    with MockServer(path) as server:
        response, _ = served(server, nested(90))  # about 120,000 matches, 700,000 visits
        assert response.status_code == 507
        [note] = server.calls.last.notes
        assert note == (
            "JSONPath '$..*..*..*' expands to more than 100,000 nodes (max_jsonpath_nodes)"
        )
        small = post(server, json.dumps({"a": {"b": {"c": {"d": 1}}}}))
        assert (small.status_code, small.json()) == (200, [{"d": 1}, 1, 1, 1])  # as jsonpath-ng


def test_the_issues_150_deep_body_is_read_as_text_so_the_jsonpath_finds_nothing(
    tmp_path: Path,
) -> None:
    path = echo_api(tmp_path, "[{{$body '$..*..*..*' 'none'}}]")
    body = nested(150)
    assert len(body) < 1024  # the issue's 1 KB, 150-deep body (117 MB in 10 s before)
    with MockServer(path) as server:
        response, _ = served(server, body)
        assert (response.status_code, response.text) == (200, "[none]")


def test_a_2kb_body_nested_1000_deep_is_compared_as_text_never_a_500(tmp_path: Path) -> None:
    saved = {"mode": "raw", "raw": '{"a": 1}', "options": {"raw": {"language": "json"}}}
    path = echo_api(tmp_path, "got {{$body 'a' 'no a'}}", request_body=saved)
    body = nested(1000)
    assert len(body) < 8 * 1024
    with MockServer(path, match_body=True) as server:
        response, _ = served(server, body)
        assert response.status_code == 404  # body matching on: a text that is not {"a": 1}
        assert server.calls.last.kind == Kind.UNMATCHED
        assert post(server, '{"a": 1}').text == "got 1"
    with MockServer(path) as server:
        response, _ = served(server, body)
        assert (response.status_code, response.text) == (200, "got no a")
        call = server.calls.last
        with pytest.raises(ValueError, match=f"nested deeper than {MAX_JSON_DEPTH} levels"):
            call.json()
        with pytest.raises(AssertionError):  # a readable failure, not a RecursionError
            server.assert_called("POST", "/echo", json={"a": 1})
        server.assert_called("POST", "/echo")


def test_json_just_inside_the_depth_bound_is_still_json(tmp_path: Path) -> None:
    path = echo_api(tmp_path, "{{$body '$..a' }}")
    with MockServer(path) as server:
        response = post(server, nested(MAX_JSON_DEPTH - 1))
        assert response.status_code == 200 and response.json()[-1] == 1
        assert server.calls.last.json()["a"]["a"]["a"]["a"]


@pytest.mark.parametrize(
    "expression",
    ["$..*..*..*", "$..id", "$.items[*].id", '$.items[?(@.sku=="A1")].qty', "$..sub..id", "$..[0]"],
)
def test_the_bounded_jsonpath_finds_what_jsonpath_ng_finds(expression: str) -> None:
    data = {
        "a": {"b": {"c": {"d": 1}}},
        "items": [{"id": 1, "sku": "A1", "qty": 2}, {"id": 2, "sku": "B", "sub": {"id": 9}}],
    }
    compiled = compile_jsonpath(expression)
    assert bounded_find(compiled, data, 10_000) == [m.value for m in compiled.find(data)]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('{"a": "\\ud800"}', "[\ufffd]"),  # a lone surrogate: U+FFFD, as bad UTF-8 gets
        ('{"a": "\\udfff\\ud800x"}', "[\ufffd\ufffdx]"),
        ('{"a": 1' + "1" * 5000 + "}", "[none]"),  # past Python's 4,300 digits: not JSON
    ],
    ids=["lone-surrogate", "two-surrogates", "integer-of-5001-digits"],
)
def test_odd_json_in_a_request_is_echoed_never_a_500(
    tmp_path: Path, body: str, expected: str
) -> None:
    path = echo_api(tmp_path, "[{{$body 'a' 'none'}}]")
    with MockServer(path) as server:
        response = post(server, body)
        assert (response.status_code, response.text) == (200, expected)
        assert server.calls.last.kind == Kind.MATCHED
