"""Synthetic Postman collections of any size, shaped like real APIs.

Each request has several saved examples of one of four kinds, so that every
branch of matching is exercised: literal paths, path variables (with a literal
sibling), query variants and body variants. The kinds rotate so that the
collection's LAST request is always a path-variable GET: the endpoint the
throughput benchmark hits, where a peer that scans every example is slowest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
BASE_URL = "https://api.example.com"
FOLDER_SIZE = 50
KINDS = ("by_id", "list", "create", "details")
"""Kind of request i in a collection of n: KINDS[(n - 1 - i) % 4], so the last is `by_id`."""
PROBE_ID = "42"


@dataclass(frozen=True)
class Probe:
    """One request a client sends to a request of the collection, and what it should get."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    content_type: str = ""
    status: int = 200

    @property
    def target(self) -> str:
        """Path and query, as in an HTTP request line."""
        if not self.query:
            return self.path
        return self.path + "?" + "&".join(f"{k}={v}" for k, v in self.query)


def _example(
    name: str,
    method: str,
    url: str,
    code: int,
    body: Any,
    request_body: Any | None = None,
) -> dict[str, Any]:
    original: dict[str, Any] = {"method": method, "url": url, "header": []}
    if request_body is not None:
        original["body"] = {
            "mode": "raw",
            "raw": json.dumps(request_body),
            "options": {"raw": {"language": "json"}},
        }
        original["header"] = [{"key": "Content-Type", "value": "application/json"}]
    return {
        "name": name,
        "originalRequest": original,
        "code": code,
        "status": "OK" if code < 400 else "Error",
        "header": [{"key": "Content-Type", "value": "application/json"}],
        "body": json.dumps(body),
    }


def _request(i: int, kind: str) -> dict[str, Any]:
    base = f"{{{{baseUrl}}}}/api/res{i}/items"
    if kind == "by_id":
        url = base + "/:itemId"
        examples = [
            _example("Found", "GET", url, 200, {"id": "{{itemId}}", "resource": i}),
            _example("Missing", "GET", base + "/0", 404, {"error": "not found"}),
        ]
        method = "GET"
    elif kind == "list":
        url = base
        examples = [
            _example("All", "GET", base, 200, {"items": [1, 2, 3], "resource": i}),
            _example("Page 2", "GET", base + "?page=2", 200, {"items": [4, 5], "page": 2}),
            _example("Active", "GET", base + "?status=active&page=1", 200, {"items": [1]}),
        ]
        method = "GET"
    elif kind == "create":
        url = base
        examples = [
            _example("Create A", "POST", base, 201, {"kind": "a"}, {"kind": "a", "n": i}),
            _example("Create B", "POST", base, 201, {"kind": "b"}, {"kind": "b", "n": i}),
            _example("Invalid", "POST", base, 400, {"error": "invalid"}, {}),
        ]
        method = "POST"
    else:
        url = base + f"/{i}/details"
        examples = [
            _example("Details", "GET", url, 200, {"id": i, "detail": "full"}),
            _example("Details v2", "GET", url + "?version=2", 200, {"id": i, "v": 2}),
        ]
        method = "GET"
    return {
        "name": f"{kind} {i}",
        "request": {"method": method, "url": url, "header": []},
        "response": examples,
    }


def kind_of(i: int, size: int) -> str:
    return KINDS[(size - 1 - i) % len(KINDS)]


def build(size: int) -> dict[str, Any]:
    """A v2.1 collection document with `size` requests in folders of `FOLDER_SIZE`."""
    requests = [_request(i, kind_of(i, size)) for i in range(size)]
    folders = [
        {"name": f"Group {start // FOLDER_SIZE}", "item": requests[start : start + FOLDER_SIZE]}
        for start in range(0, size, FOLDER_SIZE)
    ]
    return {
        "info": {"name": f"Bench {size}", "_postman_id": f"bench-{size}", "schema": SCHEMA},
        "item": folders,
        "variable": [{"key": "baseUrl", "value": BASE_URL}],
    }


def probes_for(i: int, size: int) -> list[Probe]:
    """Requests that exercise every example of request i (what the engine benchmark sends)."""
    base = f"/api/res{i}/items"
    kind = kind_of(i, size)
    if kind == "by_id":
        return [Probe("GET", f"{base}/{PROBE_ID}"), Probe("GET", f"{base}/0", status=404)]
    if kind == "list":
        return [
            Probe("GET", base),
            Probe("GET", base, (("page", "2"),)),
            Probe("GET", base, (("status", "active"), ("page", "1"))),
        ]
    if kind == "create":
        json_type = "application/json"
        return [
            Probe(
                "POST",
                base,
                body=json.dumps({"kind": "a", "n": i}).encode(),
                content_type=json_type,
                status=201,
            ),
            Probe(
                "POST",
                base,
                body=json.dumps({"kind": "b", "n": i}).encode(),
                content_type=json_type,
                status=201,
            ),
        ]
    return [
        Probe("GET", f"{base}/{i}/details"),
        Probe("GET", f"{base}/{i}/details", (("version", "2"),)),
    ]


def last_endpoint(size: int) -> Probe:
    """The throughput benchmark's request: the path-variable GET of the last request."""
    return Probe("GET", f"/api/res{size - 1}/items/{PROBE_ID}")


def scan_paths(size: int) -> list[str]:
    """One concrete GET path per request, in collection order, for peers that scan handlers."""
    paths = []
    for i in range(size):
        kind = kind_of(i, size)
        if kind == "by_id":
            paths.append(f"/api/res{i}/items/{PROBE_ID}")
        elif kind == "details":
            paths.append(f"/api/res{i}/items/{i}/details")
        else:
            paths.append(f"/api/res{i}/items")
    return paths


def example_count(size: int) -> int:
    return sum(len(item["response"]) for group in build(size)["item"] for item in group["item"])


def write(size: int, folder: Path) -> Path:
    """Write the collection of `size` requests into `folder`; returns its path."""
    path = folder / f"bench-{size}.postman_collection.json"
    path.write_text(json.dumps(build(size)))
    return path
