"""Every example of the real-world corpus renders with no known `{{$...}}` left over.

Each example is rendered through the Engine for a synthetic request built from
its own `originalRequest` (wildcards filled in, variables and dynamic values
resolved as a client would send them). Unknown `{{$names}}` may stay verbatim,
as in Postman; a dynamic variable or a request helper must never survive.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from pytest_postman_mock.collection import load_collection
from pytest_postman_mock.engine.bodies import IncomingBody
from pytest_postman_mock.engine.core import Engine
from pytest_postman_mock.engine.dynamic import NAMES, DynamicValues
from pytest_postman_mock.engine.helpers import HELPERS
from pytest_postman_mock.engine.index import CompiledExample
from pytest_postman_mock.engine.paths import Wildcard
from pytest_postman_mock.engine.plans import ResponsePlan
from pytest_postman_mock.engine.request import Incoming
from pytest_postman_mock.engine.templating import RenderContext, Template

from .conftest import corpus_files, require_corpus

COLLECTIONS = corpus_files("collections")
require_corpus()

LEFT_OVER = re.compile(r"\{\{\s*(\$[A-Za-z]+)")
KNOWN = NAMES | HELPERS


def as_sent(text: str, example: CompiledExample, dynamic: DynamicValues) -> str:
    """What a client sends for request text: variables and dynamic values resolved."""
    context = RenderContext(example.variables, dynamic=dynamic.resolve)
    return Template.compile(text).render(context)


def synthetic_request(example: CompiledExample, dynamic: DynamicValues) -> Incoming:
    segments = example.segments
    if example.pattern is not None:
        segments = tuple(
            ("sample" if isinstance(part, Wildcard) and part.pattern is None else segment)
            for part, segment in zip(example.pattern, example.segments)
        )
    query = tuple((k, as_sent(v, example, dynamic)) for k, v in example.query)
    headers = {k: as_sent(v, example, dynamic) for k, v in example.headers.items()}
    body = example.example.request.body
    raw, form = "", None
    if body is not None:
        if body.mode in ("urlencoded", "formdata"):
            form = tuple((k, as_sent(v, example, dynamic)) for k, v in body.fields)
            raw = "&".join(f"{k}={v}" for k, v in form)
        elif body.graphql is not None:
            raw = json.dumps({"query": body.graphql.query})
        else:
            raw = as_sent(body.raw, example, dynamic)
    return Incoming(
        example.method,
        "/" + "/".join(segments),
        query,
        headers,
        IncomingBody(raw.encode("utf-8"), headers.get("content-type", ""), form),
    )


def leftovers(text: str) -> set[str]:
    return set(LEFT_OVER.findall(text))


@pytest.mark.parametrize("path", COLLECTIONS, ids=[p.stem for p in COLLECTIONS])
def test_no_known_dynamic_token_survives_rendering(path: Path) -> None:
    try:
        collection = load_collection(path)
    except Exception as problem:  # loading is another test's business
        pytest.skip(f"does not load: {problem}")
    engine = Engine(collection)
    dynamic = DynamicValues(2024)
    failures: list[str] = []
    rendered_count = 0
    for example in engine.index.examples:
        request = synthetic_request(example, dynamic)
        captures = example.captures(request.segments)
        rendered = engine.render(example, request, captures, dynamic.resolve)
        rendered_count += 1
        texts = [rendered.body.decode("utf-8", "replace"), rendered.reason]
        texts += [v.encode("latin-1").decode("utf-8", "replace") for _, v in rendered.headers]
        for name in set().union(*map(leftovers, texts)):
            if name in KNOWN:
                failures.append(f"{example.example.label}: {{{{{name}...}}}} left in the response")
    assert rendered_count == len(list(collection.examples()))
    assert not failures, "\n".join(failures)


HELPER_PROBE = (
    "{{$body}} {{$body 'id'}} {{$body '$..id'}} {{$queryParams}} {{$queryParams 'a' 'd'}} "
    "{{$headers}} {{$headers 'content-type'}} {{$pathSegments}} {{$pathSegments '0' 'd'}}"
)
DYNAMIC_PROBE = " ".join("{{" + name + "}}" for name in sorted(NAMES))


@pytest.mark.parametrize("path", COLLECTIONS, ids=[p.stem for p in COLLECTIONS])
def test_every_helper_and_dynamic_name_renders_on_real_requests(path: Path) -> None:
    """The corpus responses hold no `{{$...}}` of their own, so probe them: every helper on
    every example (real request shapes: forms, GraphQL, odd paths), every dynamic name on
    the first example of each collection, in the body, a header and the status text."""
    try:
        collection = load_collection(path)
    except Exception as problem:
        pytest.skip(f"does not load: {problem}")
    engine = Engine(collection)
    dynamic = DynamicValues(7)
    for position, example in enumerate(engine.index.examples):
        probe = HELPER_PROBE + (" " + DYNAMIC_PROBE if position == 0 else "")
        probed = replace(
            example.example,
            body=example.example.body + probe,
            headers=(*example.example.headers, ("X-Probe", probe)),
            status="Probe " + probe,
        )
        request = synthetic_request(example, dynamic)
        context = RenderContext(
            example.variables,
            example.captures(request.segments),
            request,
            dynamic.resolve,
            engine.helper,
        )
        rendered = ResponsePlan.from_example(probed).render(context)
        probe_header = dict(rendered.headers)["X-Probe"].encode("latin-1").decode("utf-8")
        for text in (rendered.body.decode("utf-8", "replace"), probe_header, rendered.reason):
            assert not leftovers(text) & KNOWN, (example.example.label, text[-300:])
