"""Property-based tests: random collections and requests never break the engine or server."""

from __future__ import annotations

import json
import re
import string
from urllib.parse import quote

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_postman_mock import MockServer
from pytest_postman_mock.collection.parser import parse_document
from pytest_postman_mock.engine.bodies import IncomingBody
from pytest_postman_mock.engine.core import Engine
from pytest_postman_mock.engine.request import Incoming
from pytest_postman_mock.engine.templating import RenderContext, Template
from pytest_postman_mock.settings import MockSettings

from . import builders

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
LITERAL = st.text(string.ascii_letters + string.digits + "-_.~éü中", min_size=1, max_size=10)
SEGMENT = st.one_of(
    LITERAL,
    LITERAL.map(lambda s: ":" + s),
    LITERAL.map(lambda s: "{{" + s + "}}"),
    st.tuples(LITERAL, LITERAL).map(lambda p: f"{p[0]}{{{{{p[1]}}}}}"),
)
PATH = st.lists(SEGMENT, max_size=5).map(lambda segments: "/" + "/".join(segments))
QUERY = st.lists(st.tuples(LITERAL, TEXT), max_size=3)
METHOD = st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"])


@st.composite
def examples(draw: st.DrawFn) -> dict[str, object]:
    path = draw(PATH)
    query = draw(QUERY)
    url = "https://x.test" + path + ("?" + "&".join(f"{k}={v}" for k, v in query) if query else "")
    return builders.example(
        draw(TEXT) or "example",
        url,
        method=draw(METHOD),
        code=draw(st.sampled_from([200, 201, 204, 400, 404, 500])),
        body=draw(TEXT),
        id=draw(st.one_of(st.none(), LITERAL)),
        headers={"Content-Type": "application/json"},
    )


@st.composite
def collections(draw: st.DrawFn) -> dict[str, object]:
    found = draw(st.lists(examples(), min_size=0, max_size=8))
    items = [builders.request(draw(TEXT) or "request", "https://x.test/", ex) for ex in found]
    return builders.collection(*items, variables=draw(st.dictionaries(LITERAL, TEXT, max_size=3)))


@st.composite
def requests_(draw: st.DrawFn) -> Incoming:
    raw_path = "/" + "/".join(quote(s, safe="") for s in draw(st.lists(TEXT, max_size=5)))
    headers = draw(
        st.dictionaries(
            st.sampled_from(
                [
                    "x-mock-response-code",
                    "x-mock-response-name",
                    "x-mock-response-id",
                    "x-mock-match-request-body",
                    "x-mock-match-request-headers",
                    "content-type",
                    "accept",
                ]
            ),
            TEXT,
            max_size=3,
        )
    )
    body = draw(st.binary(max_size=40))
    return Incoming(
        draw(METHOD),
        raw_path,
        tuple(draw(QUERY)),
        headers,
        IncomingBody(body, headers.get("content-type", "")),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(collections(), st.lists(requests_(), min_size=1, max_size=6), st.booleans())
def test_the_engine_never_raises(
    doc: dict[str, object], calls: list[Incoming], match_body: bool
) -> None:
    engine = Engine(parse_document(doc), settings=MockSettings(match_body=match_body))
    for request in calls:
        outcome = engine.respond(request, dynamic=lambda name: None)
        assert 100 <= outcome.response.status <= 599
        if outcome.example is None:
            assert outcome.response.status == 404
            assert len(outcome.near_misses) <= 3


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet=string.ascii_letters + " .,:/-", max_size=8),
            st.sampled_from(
                ["{{a}}", "{{b}}", "{{ a }}", "{{$guid}}", "{{$randomInt}}", "{{unknown}}"]
            ),
        ),
        max_size=10,
    )
)
def test_rendering_never_leaves_half_a_template(parts: list[str]) -> None:
    text = "".join(parts)
    rendered = Template.compile(text).render(
        RenderContext(
            variables={"a": "A", "b": "{{a}}{{a}}"},
            dynamic=lambda name: {"$guid": "G", "$randomInt": "7"}.get(name),
        )
    )
    leftovers = re.findall(r"\{\{.*?\}\}", rendered)
    assert leftovers == re.findall(r"\{\{unknown\}\}", text)  # only unknown names stay, whole
    assert "{{" not in rendered.replace("{{unknown}}", "")


@pytest.fixture(scope="module")
def unicode_server(tmp_path_factory: pytest.TempPathFactory) -> MockServer:
    doc = builders.collection(
        builders.request(
            "Ünïcödé 名前",
            "https://x.test/café/:id",
            builders.json_example(
                "Trouvé ✓", "https://x.test/café/:id", {"id": "{{id}}", "ok": "✓"}, id="ид-1"
            ),
        ),
        builders.request(
            "Any",
            "https://x.test/{{anything}}",
            builders.example("Any", "https://x.test/{{anything}}", body="any {{anything}}"),
        ),
    )
    path = builders.write(tmp_path_factory.mktemp("unicode") / "u.json", doc)
    server = MockServer(path).start()
    yield server  # type: ignore[misc]
    server.stop()


def test_odd_unicode_in_names_ids_and_paths(unicode_server: MockServer) -> None:
    response = requests.get(unicode_server.url_for("/caf%C3%A9/%E2%9C%93"), timeout=5)
    assert response.json() == {"id": "✓", "ok": "✓"}
    by_id = requests.get(
        unicode_server.url_for("/caf%C3%A9/1"),
        headers={"x-mock-response-id": "owner-ид-1".encode().decode("latin-1")},
        timeout=5,
    )
    assert by_id.status_code == 200
    # The server is shared by the module: look only at this test's two calls, whatever ran first.
    calls = unicode_server.calls
    assert [calls[i].example for i in (len(calls) - 2, len(calls) - 1)] == ["Trouvé ✓"] * 2


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(TEXT, min_size=1, max_size=4), QUERY, st.binary(max_size=64), METHOD)
def test_the_server_never_answers_500_to_well_formed_http(
    unicode_server: MockServer,
    segments: list[str],
    query: list[tuple[str, str]],
    body: bytes,
    method: str,
) -> None:
    path = "/" + "/".join(quote(s, safe="") for s in segments)
    response = requests.request(
        method, unicode_server.url + path, params=query, data=body, timeout=5
    )
    assert response.status_code < 500
    call = unicode_server.calls.last
    assert call is not None and call.status == response.status_code
    if response.status_code == 404 and method != "HEAD":
        assert json.loads(response.text)["error"]["name"] == "mockRequestNotFoundError"
