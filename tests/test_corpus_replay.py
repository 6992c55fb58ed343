"""Corpus replay: every saved example of every real collection answers its own request.

For each example we rebuild the request Postman's client would have sent for it
(method, path with its variables filled in, enabled query, headers, body) and
send it to a real `MockServer`, one per collection, over a keep-alive session.
The response must carry that example's status and body, or those of an example
the request cannot tell apart from it (a "twin": same method, path template,
query and request body, so Postman's scores tie and its tie rule decides).
Twins are computed from the compiled examples, never written down by hand.

Three replays per collection: the default settings; the same requests with
`x-mock-response-name` (names unique in the collection: exactly that example);
and, for collections whose examples carry request bodies, `match_body=True`.
Results are computed once per collection and shared by the tests below, so
the per-collection tests and the totals agree whatever order they run in.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
import requests

from pytest_postman_mock import MockServer
from pytest_postman_mock.collection import load_collection, load_environment
from pytest_postman_mock.engine.index import CompiledExample, ExampleIndex
from pytest_postman_mock.engine.paths import Wildcard
from pytest_postman_mock.engine.variables import VARIABLE, substitute
from pytest_postman_mock.settings import MockSettings

from .conftest import CORPUS, require_corpus

require_corpus()

COLLECTIONS = sorted((CORPUS / "collections").glob("*.json"))
ENVIRONMENTS = sorted((CORPUS / "environments").glob("*.json"))

# Replays that get another example because that is what Postman's documented algorithm
# does. (collection file, example label) -> (label of the example served instead, why).
# An entry passes only while that exact other example is served; a stale entry fails
# `test_replay_totals_and_the_allow_list`. Empty: valued path variables and "specific
# beats generic" (SPEC.md §2.4) serve every corpus example by its own request.
ALLOWED: dict[tuple[str, str], tuple[str, str]] = {}

SKIPPED_HEADERS = frozenset(
    {"host", "content-length", "transfer-encoding", "connection", "expect", "keep-alive", "te"}
)
SEGMENT_SAFE = "!$&'()*+,;=:@-._~"
MULTIPART = "multipart/form-data"
NO_BODY_STATUSES = frozenset({204, 304})


def environment_for(collection: Path) -> Path | None:
    """The corpus environment published in the same repository, if there is exactly one."""
    owner_repo = "__".join(collection.name.split("__")[:2]) + "__"
    found = [e for e in ENVIRONMENTS if e.name.startswith(owner_repo)]
    return found[0] if len(found) == 1 else None


# -- building an example's own request -------------------------------------------------------


@dataclass
class Replay:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: dict[str, Any]
    """Keyword arguments for `requests` (`data`, `files` or `json`)."""

    def url(self, base: str) -> str:
        return base + self.path + ("?" + urlencode(self.query) if self.query else "")


def _fill(segment: str, values: dict[str, str], counter: Iterator[int]) -> str:
    """A wildcard segment with each variable replaced by its url.variable value or `xN`."""

    def value(name: str) -> str:
        given = values.get(name, "")
        if not given or "/" in given or VARIABLE.search(given):
            return f"x{next(counter)}"
        return given

    if segment.startswith(":"):
        name, dot, suffix = segment[1:].partition(".")
        return value(name) + dot + suffix
    return VARIABLE.sub(lambda m: value(m.group(1)), segment)


def request_path(compiled: CompiledExample) -> str:
    values = {
        v.key: substitute(v.value, compiled.variables)
        for v in compiled.example.request.url.path_variables
    }
    counter = iter(range(1, 1000))
    parts = []
    for segment, part in zip(compiled.segments, compiled.pattern or compiled.segments):
        text = _fill(segment, values, counter) if isinstance(part, Wildcard) else segment
        parts.append(quote(text, safe=SEGMENT_SAFE))
    return "/" + "/".join(parts)


def request_body(compiled: CompiledExample) -> tuple[dict[str, Any], str | None]:
    """`requests` keyword arguments for the body, and the Content-Type Postman would add."""
    body = compiled.example.request.body
    saved = compiled.body
    if body is None or saved.kind == "empty":
        return {}, None
    if body.mode in ("urlencoded", "formdata") and saved.content_type != MULTIPART:
        return {"data": list(body.fields)}, saved.content_type
    if body.mode in ("urlencoded", "formdata"):
        parts: list[tuple[str, Any]] = [(k, (None, v)) for k, v in body.fields]
        parts += [(name, (name, b"file content")) for name in body.files]
        return {"files": parts}, None  # requests writes the boundary into Content-Type
    if body.mode == "graphql" and body.graphql is not None:
        text = body.graphql.variables.strip()
        payload: dict[str, Any] = {
            "query": body.graphql.query,
            "variables": json.loads(text) if text else {},
        }
        if body.graphql.operation_name:
            payload["operationName"] = body.graphql.operation_name
        return {"data": json.dumps(payload).encode()}, "application/json"
    if body.mode == "file":
        return {"data": body.raw.encode() or b"file content"}, saved.content_type
    return {"data": body.raw.encode("utf-8")}, saved.content_type


def build_replay(compiled: CompiledExample) -> Replay:
    body, implied_type = request_body(compiled)
    headers = {}
    for key, value in compiled.headers.items():
        if key in SKIPPED_HEADERS or "\n" in value or "\r" in value or not value.isascii():
            continue
        if key == "content-type" and "files" in body:
            continue
        headers[key] = value
    if implied_type and "content-type" not in headers and "files" not in body:
        headers["content-type"] = implied_type
    return Replay(compiled.method, request_path(compiled), list(compiled.query), headers, body)


# -- which examples a request cannot tell apart ---------------------------------------------


def template(compiled: CompiledExample) -> tuple[Any, ...]:
    """The path as matching sees it: literal segments, and wildcards without their names."""
    parts = compiled.pattern or compiled.segments
    return tuple(
        (p.pattern.pattern if p.pattern else "*",) if isinstance(p, Wildcard) else p for p in parts
    )


def body_key(compiled: CompiledExample, match_body: bool) -> tuple[Any, ...]:
    body = compiled.body
    if body.kind == "empty":
        return ("empty",)
    return (body.kind, repr(body.value), body.content_type if match_body else None)


def twins(index: ExampleIndex, match_body: bool) -> dict[int, list[CompiledExample]]:
    """For each example (by id()), every example its request cannot tell apart from it.

    Same method, path template and query, and then by body:
    - body matching on: the same body (content and Content-Type), or both empty;
    - off, the example's body is non-empty: the same body (both get the +5 bonus);
    - off, the example's body is empty: any body (no example gets the bonus).
    """
    groups: dict[Any, list[CompiledExample]] = {}
    for compiled in index.examples:
        key = (compiled.method, template(compiled), sorted(compiled.query))
        groups.setdefault(repr(key), []).append(compiled)
    found = {}
    for group in groups.values():
        for compiled in group:
            own = body_key(compiled, match_body)
            found[id(compiled)] = [
                other
                for other in group
                if body_key(other, match_body) == own or (not match_body and own == ("empty",))
            ]
    return found


# -- comparing a response with an example ----------------------------------------------------


def body_fits(example_body: str, received: str) -> bool:
    """The received body is the example's, with any `{{...}}` rendered to something."""
    if "{{" not in example_body:
        return received == example_body
    pieces = re.split(r"\{\{.*?\}\}", example_body, flags=re.DOTALL)
    pattern = "(?s:.*?)".join(re.escape(p) for p in pieces)
    return re.fullmatch(pattern, received, flags=re.DOTALL) is not None


def fits(compiled: CompiledExample, method: str, response: requests.Response) -> bool:
    if response.status_code != compiled.example.code:
        return False
    if method == "HEAD" or response.status_code in NO_BODY_STATUSES:
        return response.content == b""  # HTTP forbids a body here, whatever the example says
    return body_fits(compiled.example.body, response.text)


# -- running a replay -----------------------------------------------------------------------


@dataclass
class Mismatch:
    label: str
    request: str
    got: str
    """The label of the example served instead, or what came back when none was."""

    def __str__(self) -> str:
        return f"{self.label}: {self.request} -> {self.got}"


@dataclass
class ModeResult:
    replayed: int = 0
    exact: int = 0
    twin: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    allowed: list[Mismatch] = field(default_factory=list)


@dataclass
class CollectionReplay:
    examples: int
    default: ModeResult
    by_name: ModeResult
    body: ModeResult | None


class Replayer:
    """Sends every example's own request to one running server and sorts the answers."""

    def __init__(self, server: MockServer, path: Path) -> None:
        self.server = server
        self.path = path
        self.index = server.engine.index
        self.session = requests.Session()
        self.session.trust_env = False  # no proxy look-ups: the server is on loopback
        self.by_label: dict[tuple[str | None, str | None], list[CompiledExample]] = {}
        for compiled in self.index.examples:
            key = (compiled.example.item_name, compiled.example.name)
            self.by_label.setdefault(key, []).append(compiled)

    def run(self, use_names: bool) -> tuple[ModeResult, ModeResult]:
        result, named = ModeResult(), ModeResult()
        look_alike = twins(self.index, self.server.settings.match_body)
        with self.session:
            for compiled in self.index.examples:
                replay = build_replay(compiled)
                self.send(compiled, replay, look_alike[id(compiled)], result)
                name = compiled.example.name
                # unique names only; HTTP trims header values, so " name " cannot be sent
                if use_names and len(self.index.by_name[name]) == 1 and name == name.strip():
                    headers = {**replay.headers, "x-mock-response-name": name}
                    by_name = Replay(replay.method, replay.path, replay.query, headers, replay.body)
                    self.send(compiled, by_name, [compiled], named)
        return result, named

    def send(
        self,
        compiled: CompiledExample,
        replay: Replay,
        accepted: list[CompiledExample],
        result: ModeResult,
    ) -> None:
        response = self.session.request(
            replay.method,
            replay.url(self.server.url),
            headers=replay.headers,
            timeout=10,
            allow_redirects=False,
            **replay.body,
        )
        call = self.server.app.journal.snapshot()[-1]
        result.replayed += 1
        served = [
            c
            for c in self.by_label.get((call.request_name, call.example), ())
            if fits(c, replay.method, response)
        ]
        if compiled in served:
            result.exact += 1
        elif any(c in served for c in accepted):
            result.twin += 1
        else:
            # the call log names the item and example; labels tell same-named ones apart
            labels = sorted(c.example.label for c in served)
            if labels:
                got = " | ".join(labels)
            else:
                got = f"{response.status_code} {response.text[:80]!r}"
                if call.near_misses:
                    got += f" (nearest: {call.near_misses[0]})"
            miss = Mismatch(compiled.example.label, f"{replay.method} {replay.url('')}", got)
            allowed = ALLOWED.get((self.path.name, compiled.example.label))
            (result.allowed if allowed and allowed[0] in labels else result.mismatches).append(miss)


def replay_collection(
    path: Path, settings: MockSettings, use_names: bool, stopping: list[threading.Thread]
) -> tuple[ExampleIndex, ModeResult, ModeResult]:
    environment = environment_for(path)
    collection = load_collection(path)
    env = load_environment(environment) if environment else None
    server = MockServer(collection, env, settings).start()
    try:
        result, named = Replayer(server, path).run(use_names)
    finally:
        # stop() waits up to one poll interval: let that pass while the next replay runs
        stopping.append(threading.Thread(target=server.stop, name=f"stop {path.name}"))
        stopping[-1].start()
    return server.engine.index, result, named


class ReplayCache:
    """Replays each collection once, on first use, and keeps the counts."""

    def __init__(self) -> None:
        self.done: dict[Path, CollectionReplay] = {}
        self.stopping: list[threading.Thread] = []

    def get(self, path: Path) -> CollectionReplay:
        if path not in self.done:
            index, default, named = replay_collection(path, MockSettings(), True, self.stopping)
            body = None
            if any(c.body.kind != "empty" for c in index.examples):
                settings = MockSettings(match_body=True)
                _, body, _ = replay_collection(path, settings, False, self.stopping)
            self.done[path] = CollectionReplay(len(index.examples), default, named, body)
        return self.done[path]

    def close(self) -> None:
        for thread in self.stopping:
            thread.join(timeout=10)


@pytest.fixture(scope="module")
def replays() -> Iterator[ReplayCache]:
    cache = ReplayCache()
    yield cache
    cache.close()


def _ids(path: Path) -> str:
    return path.stem


@pytest.mark.parametrize("path", COLLECTIONS, ids=_ids)
def test_every_example_answers_its_own_request(replays: ReplayCache, path: Path) -> None:
    replay = replays.get(path)
    result = replay.default
    assert result.replayed == replay.examples
    assert [str(m) for m in result.mismatches] == []
    assert result.exact + result.twin + len(result.allowed) == replay.examples


@pytest.mark.parametrize("path", COLLECTIONS, ids=_ids)
def test_response_name_selects_exactly_that_example(replays: ReplayCache, path: Path) -> None:
    result = replays.get(path).by_name
    assert [str(m) for m in result.mismatches + result.allowed] == []
    assert result.exact == result.replayed


@pytest.mark.parametrize("path", COLLECTIONS, ids=_ids)
def test_every_example_answers_its_own_request_with_body_matching(
    replays: ReplayCache, path: Path
) -> None:
    replay = replays.get(path)
    if replay.body is None:
        pytest.skip("no example of this collection has a request body")
    assert replay.body.replayed == replay.examples
    assert [str(m) for m in replay.body.mismatches] == []
    assert replay.body.exact + replay.body.twin + len(replay.body.allowed) == replay.examples


def replay_totals(results: list[CollectionReplay]) -> dict[str, int]:
    return {
        "collections": len(results),
        "examples": sum(r.examples for r in results),
        "exact": sum(r.default.exact for r in results),
        "twin": sum(r.default.twin for r in results),
        "allowed": sum(len(r.default.allowed) for r in results),
        "by_name": sum(r.by_name.replayed for r in results),
        "by_name_exact": sum(r.by_name.exact for r in results),
        "body_collections": sum(1 for r in results if r.body),
        "body_replayed": sum(r.body.replayed for r in results if r.body),
        "body_exact": sum(r.body.exact for r in results if r.body),
        "body_twin": sum(r.body.twin for r in results if r.body),
        "body_allowed": sum(len(r.body.allowed) for r in results if r.body),
    }


def test_replay_totals_and_the_allow_list(replays: ReplayCache, record_property: Any) -> None:
    """The whole corpus replays: every example, most of them by exactly their own request;
    and every allow-listed replay still gets that other example (else remove its entry).

    One test for both, so that a parallel run (xdist) replays the corpus once more, not twice.
    """
    results = [replays.get(path) for path in COLLECTIONS]
    used = {
        (path.name, miss.label)
        for path, replay in zip(COLLECTIONS, results)
        for mode in (replay.default, replay.body)
        if mode is not None
        for miss in mode.allowed
    }
    assert sorted(set(ALLOWED) - used) == []
    totals = replay_totals(results)
    record_property("replay_totals", json.dumps(totals))
    assert totals["examples"] == totals["exact"] + totals["twin"] + totals["allowed"]
    assert totals["body_replayed"] == (
        totals["body_exact"] + totals["body_twin"] + totals["body_allowed"]
    )
    assert totals["exact"] > 2 * totals["twin"]
    assert totals["by_name"] == totals["by_name_exact"] > 0
