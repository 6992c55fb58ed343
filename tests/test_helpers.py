"""Request helpers of dynamic responses (SPEC §4.1): `$body`, `$queryParams`, `$headers`,
`$pathSegments`, their defaults, and that request data is never rendered again.

Unit tests render a template against an `Incoming` request; the serving tests go
through a real `MockServer` over HTTP.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from pytest_postman_mock import MockServer
from pytest_postman_mock.engine import helpers
from pytest_postman_mock.engine.bodies import IncomingBody
from pytest_postman_mock.engine.core import Engine
from pytest_postman_mock.engine.dynamic import DynamicValues
from pytest_postman_mock.engine.helpers import resolve_helper
from pytest_postman_mock.engine.request import Incoming
from pytest_postman_mock.engine.templating import RenderContext, Template, Token

from . import builders

JSON_BODY = {
    "name": "Ada",
    "age": 36,
    "ratio": 1.5,
    "admin": True,
    "nothing": None,
    "empty": "",
    "tags": ["x", "y"],
    "items": [{"id": 10}, {"id": 20}],
    "address": {"city": "Zürich", "zip": "8000"},
    "a.a": "dotted",
    "a": {"a": "nested"},
    "0": "zero-key",
}


def incoming(
    *,
    method: str = "POST",
    path: str = "/",
    query: tuple[tuple[str, str], ...] = (),
    headers: dict[str, str] | None = None,
    body: bytes | str | Any = b"",
    content_type: str = "",
    form: tuple[tuple[str, str], ...] | None = None,
) -> Incoming:
    if not isinstance(body, (bytes, str)):
        body, content_type = json.dumps(body), content_type or "application/json"
    raw = body.encode() if isinstance(body, str) else body
    return Incoming(
        method,
        path,
        query,
        {k.lower(): v for k, v in (headers or {}).items()},
        IncomingBody(raw, content_type, form),
    )


def render(
    text: str,
    request: Incoming | None = None,
    variables: dict[str, str] | None = None,
    seed: int | None = 1,
) -> str:
    context = RenderContext(
        variables=variables or {},
        request=request if request is not None else incoming(body=JSON_BODY),
        dynamic=DynamicValues(seed).resolve,
        helper=resolve_helper,
    )
    return Template.compile(text).render(context)


# ----------------------------------------------------------------------------- $body


def test_body_alone_is_the_whole_raw_body_byte_for_byte() -> None:
    raw = '  {"b": 1,\n "a": [1, 2]}  '
    assert render("<{{$body}}>", incoming(body=raw, content_type="application/json")) == (
        f"<{raw}>"
    )


def test_body_alone_of_a_form_is_its_raw_text() -> None:
    request = incoming(
        body="a=1&b=two+words",
        content_type="application/x-www-form-urlencoded",
        form=(("a", "1"), ("b", "two words")),
    )
    assert render("{{$body}}", request) == "a=1&b=two+words"


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{$body 'name'}}", "Ada"),  # strings raw, not JSON-encoded
        ("{{$body 'age'}}", "36"),
        ("{{$body 'ratio'}}", "1.5"),
        ("{{$body 'admin'}}", "true"),
        ("{{$body 'nothing'}}", "null"),  # present null is a value, not missing
        ("{{$body 'empty' 'dflt'}}", ""),  # present empty string is a value too
        ("{{$body 'tags'}}", '["x","y"]'),  # arrays compact JSON
        ("{{$body 'address'}}", '{"city":"Zürich","zip":"8000"}'),  # objects compact, UTF-8
        ("{{$body 'address.city'}}", "Zürich"),
        ("{{$body 'items.1.id'}}", "20"),  # numeric parts index arrays
        ("{{$body 'tags.0'}}", "x"),
        ("{{$body '0'}}", "zero-key"),  # numeric part on an object is a key
        ("{{$body 'a.a'}}", "nested"),  # unescaped dot descends
        ("{{$body 'a\\.a'}}", "dotted"),  # escaped dot is part of the key
    ],
)
def test_body_object_path(template: str, expected: str) -> None:
    assert render(template) == expected


def test_escaped_dot_inside_a_longer_path() -> None:
    request = incoming(body={"k.v": {"x.y": {"z": 7}}})
    assert render("{{$body 'k\\.v.x\\.y.z'}}", request) == "7"


@pytest.mark.parametrize(
    "template",
    [
        "{{$body 'missing'}}",
        "{{$body 'items.9.id'}}",  # index out of range
        "{{$body 'tags.first'}}",  # non-numeric part on an array
        "{{$body 'name.first'}}",  # descending into a string
        "{{$body 'items.-1'}}",  # no negative indexes
    ],
)
def test_missing_body_values_are_empty_without_default(template: str) -> None:
    assert render(f"<{template}>") == "<>"


def test_missing_body_value_uses_the_default() -> None:
    assert render("{{$body 'missing' 'fallback value'}}") == "fallback value"
    assert render("{{$body 'items.9.id' '0'}}") == "0"


def test_body_key_on_a_non_json_body_falls_back_to_the_default() -> None:
    request = incoming(body="plain words", content_type="text/plain")
    assert render("{{$body 'name' 'none'}}", request) == "none"
    assert render("{{$body 'name'}}", incoming(body=b"")) == ""


def test_body_key_reads_urlencoded_form_fields() -> None:
    request = incoming(
        body="name=Ada&tag=a&tag=b",
        content_type="application/x-www-form-urlencoded",
        form=(("name", "Ada"), ("tag", "a"), ("tag", "b")),
    )
    assert render("{{$body 'name'}} {{$body 'tag'}} {{$body 'x' 'd'}}", request) == "Ada a d"


def test_form_fields_are_read_even_without_parsed_form() -> None:
    request = incoming(body="city=Bern", content_type="application/x-www-form-urlencoded")
    assert render("{{$body 'city'}}", request) == "Bern"


# ----------------------------------------------------------------------------- JSONPath


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{$body '$.name'}}", "Ada"),
        ("{{$body '$.items[1].id'}}", "20"),
        ("{{$body '$.items[*].id'}}", "[10,20]"),  # several matches -> JSON array
        ("{{$body '$..city'}}", "Zürich"),
        ("{{$body '$.items[?(@.id > 15)].id'}}", "20"),  # filters (jsonpath-ng ext)
        ("{{$body '$.address'}}", '{"city":"Zürich","zip":"8000"}'),
        ("{{$body '$.nope' 'none'}}", "none"),  # no match -> default
        ("<{{$body '$.nope'}}>", "<>"),
    ],
)
def test_jsonpath(template: str, expected: str) -> None:
    assert render(template) == expected


def test_invalid_jsonpath_is_left_as_written() -> None:
    assert render("{{$body '$.items[' 'x'}}") == "{{$body '$.items[' 'x'}}"


def test_jsonpath_is_compiled_when_the_template_is_compiled() -> None:
    template = Template.compile("{{$body '$.items[0].id'}}")
    token = template.parts[0]
    assert isinstance(token, Token) and token.call is not None
    assert token.call.jsonpath is not None
    assert type(token.call.jsonpath).__module__.startswith("jsonpath_ng")


def test_no_request_parses_a_jsonpath(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Engine load compiles every expression; afterwards parsing would raise."""
    doc = builders.collection(
        builders.request(
            "Echo",
            "{{b}}/echo",
            builders.example(
                "Echo", "{{b}}/echo", method="POST", body="{{$body '$.items[1].id' 'none'}}"
            ),
            method="POST",
        )
    )
    engine = Engine.from_files(builders.write(tmp_path / "c.json", doc))
    import jsonpath_ng
    import jsonpath_ng.ext
    import jsonpath_ng.ext.parser

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("JSONPath parsed while serving a request")

    monkeypatch.setattr(jsonpath_ng.ext.parser, "parse", refuse)
    monkeypatch.setattr(jsonpath_ng.ext, "parse", refuse)
    monkeypatch.setattr(jsonpath_ng, "parse", refuse)
    monkeypatch.setattr(helpers, "parse", refuse)
    for ids, expected in (([1, 2], b"2"), ([1], b"none")):
        request = incoming(path="/echo", body={"items": [{"id": i} for i in ids]})
        assert engine.respond(request).response.body == expected


# ----------------------------------------------------------------------------- query, headers


def test_query_param_first_value_of_a_repeated_key() -> None:
    request = incoming(query=(("tag", "a"), ("tag", "b"), ("q", "two words")))
    assert render("{{$queryParams 'tag'}}|{{$queryParams 'q'}}", request) == "a|two words"


def test_query_param_missing_default_and_empty() -> None:
    request = incoming(query=(("blank", ""),))
    assert render("<{{$queryParams 'x'}}>", request) == "<>"
    assert render("{{$queryParams 'x' 'dflt'}}", request) == "dflt"
    assert render("<{{$queryParams 'blank' 'dflt'}}>", request) == "<>"


def test_query_params_without_key_are_a_json_object_of_first_values() -> None:
    request = incoming(query=(("a", "1"), ("b", "x"), ("a", "2")))
    assert json.loads(render("{{$queryParams}}", request)) == {"a": "1", "b": "x"}
    assert render("{{$queryParams}}", incoming()) == "{}"


def test_headers_case_insensitive() -> None:
    request = incoming(headers={"X-Tenant": "acme"})
    assert render("{{$headers 'x-tenant'}}/{{$headers 'X-TENANT'}}", request) == "acme/acme"
    assert render("{{$headers 'X-Missing' 'none'}}", request) == "none"
    assert render("<{{$headers 'X-Missing'}}>", request) == "<>"


def test_headers_without_key_are_a_json_object_without_the_api_key() -> None:
    request = incoming(headers={"X-Tenant": "acme", "X-Api-Key": "secret"})
    assert json.loads(render("{{$headers}}", request)) == {"x-tenant": "acme"}
    assert render("{{$headers 'x-api-key'}}", request) == "secret"


# ----------------------------------------------------------------------------- $pathSegments


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{$pathSegments '0'}}", "product"),
        ("{{$pathSegments '1'}}", "12345"),  # 0-based, as in Postman's docs
        ("{{$pathSegments '2'}}", "a b"),  # percent-decoded
        ("{{$pathSegments 1}}", "12345"),  # bare argument tolerated
        ('{{$pathSegments "1"}}', "12345"),  # double quotes tolerated
        ("<{{$pathSegments '3'}}>", "<>"),  # the trailing slash is not a segment
        ("{{$pathSegments '7' 'none'}}", "none"),
        ("{{$pathSegments 'one' 'none'}}", "none"),
        ("{{$pathSegments}}", '["product","12345","a b"]'),
    ],
)
def test_path_segments(template: str, expected: str) -> None:
    assert render(template, incoming(path="/product/12345/a%20b/")) == expected


# ----------------------------------------------------------------------------- defaults


def test_default_naming_a_dynamic_variable() -> None:
    for template in ("{{$body 'x' '$randomInt'}}", "{{$body 'x' '{{$randomInt}}'}}"):
        value = render(template)
        assert value.isdigit() and 0 <= int(value) <= 1000, template


def test_default_is_a_template_and_may_mix_text_and_variables() -> None:
    value = render("{{$queryParams 'id' 'user-{{$guid}}-{{region}}'}}", variables={"region": "eu"})
    assert value.startswith("user-") and value.endswith("-eu")
    assert len(value) == len("user-") + 36 + len("-eu")


def test_default_is_only_rendered_when_needed() -> None:
    request = incoming(query=(("id", "7"),))
    assert render("{{$queryParams 'id' '{{$randomInt}}'}}", request) == "7"


def test_default_dollar_text_that_is_no_dynamic_name_is_literal() -> None:
    assert render("{{$body 'x' '$notAVariable'}}") == "$notAVariable"


def test_quotes_can_be_escaped_inside_arguments() -> None:
    assert render("{{$body 'x' 'it\\'s'}}") == "it's"
    assert render('{{$body "x" "say \\"hi\\""}}') == 'say "hi"'


@pytest.mark.parametrize(
    "template",
    [
        "{{$body 'a' 'b' 'c'}}",  # a third argument
        "{{$body 'unterminated}}",
        "{{$queryParam 'q'}}",  # not a helper name
        "{{$bodyx}}",
        "{{$randomInt 'x'}}",  # dynamic variables take no arguments
    ],
)
def test_malformed_helpers_stay_as_written(template: str) -> None:
    assert render(template, incoming(query=(("q", "1"),))) == template


def test_self_referencing_defaults_stop() -> None:
    loop = "{{$body 'nope' '{{loop}}'}}"
    assert "{{loop}}" in render("{{loop}}", variables={"loop": loop})


def test_helpers_without_a_request_are_empty_or_default() -> None:
    context = RenderContext(variables={}, request=None, helper=resolve_helper)
    assert Template.compile("<{{$body}}|{{$headers 'a' 'd'}}>").render(context) == "<|d>"


# ----------------------------------------------------------------------------- served


def write_echo(folder: Path) -> Path:
    body = (
        '{"name": "{{$body \'name\'}}", "city": "{{$body \'$.address.city\'}}", '
        '"q": "{{$queryParams \'q\'}}", "tenant": "{{$headers \'x-tenant\'}}", '
        '"id": "{{$pathSegments \'1\'}}", "user": "{{userId}}", "raw": {{$body}}}'
    )
    doc = builders.collection(
        builders.request(
            "Echo",
            "{{baseUrl}}/echo/:userId",
            builders.example(
                "Echo",
                "{{baseUrl}}/echo/:userId",
                method="POST",
                body=body,
                headers={"Content-Type": "application/json", "X-Echo": "{{$queryParams 'h'}}"},
                status="Echo {{$queryParams 'h'}}",
            ),
            builders.example(
                "Form echo",
                "{{baseUrl}}/form",
                method="POST",
                body="{{$body 'name'}}/{{$body 'city' 'nowhere'}}",
            ),
            method="POST",
        ),
        variables={"secret": "s3cret"},
    )
    return builders.write(folder / "echo.postman_collection.json", doc)


@pytest.fixture
def echo(tmp_path: Path) -> Iterator[MockServer]:
    with MockServer(write_echo(tmp_path), seed=3) as server:
        yield server


def test_every_helper_over_http(echo: MockServer) -> None:
    payload = {"name": "Ada", "address": {"city": "Bern"}}
    response = requests.post(
        echo.url + "/echo/42?q=find%20me",
        json=payload,
        headers={"X-Tenant": "acme"},
        timeout=5,
    )
    assert response.status_code == 200
    assert response.json() == {
        "name": "Ada",
        "city": "Bern",
        "q": "find me",
        "tenant": "acme",
        "id": "42",
        "user": "42",
        "raw": payload,
    }


def test_form_fields_over_http(echo: MockServer) -> None:
    urlencoded = requests.post(echo.url + "/form", data={"name": "Ada"}, timeout=5)
    assert urlencoded.text == "Ada/nowhere"
    multipart = requests.post(
        echo.url + "/form",
        data={"name": "Bob", "city": "Oslo"},
        files={"upload": ("a.txt", b"file bytes")},
        timeout=5,
    )
    assert multipart.text == "Bob/Oslo"


INJECTIONS = ["{{$randomInt}}", "{{secret}}", "{{$body}}", "{{userId}}", "{{$guid}}"]


@pytest.mark.parametrize("attack", INJECTIONS)
def test_request_data_is_never_rendered_again(echo: MockServer, attack: str) -> None:
    response = requests.post(
        echo.url + "/echo/7",
        params={"q": attack},
        json={"name": attack},
        headers={"X-Tenant": attack},
        timeout=5,
    )
    got = response.json()
    assert (got["name"], got["q"], got["tenant"]) == (attack, attack, attack)
    assert got["raw"] == {"name": attack}


def test_injection_through_a_path_capture(echo: MockServer) -> None:
    response = requests.post(echo.url + "/echo/%7B%7Bsecret%7D%7D", json={}, timeout=5)
    assert response.json()["user"] == "{{secret}}"
    assert response.json()["id"] == "{{secret}}"


@pytest.mark.parametrize(
    "query", ["a%0d%0aSet-Cookie:%20x=1", "a%0aSet-Cookie:%20x=1", "a%0dSet-Cookie:%20x=1"]
)
def test_request_data_cannot_add_a_header(echo: MockServer, query: str) -> None:
    response = requests.post(echo.url + "/echo/1?h=" + query, json={}, timeout=5)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.cookies.get("x") is None
    assert response.headers["X-Echo"].replace(" ", "") == "aSet-Cookie:x=1"
    assert "\r" not in response.reason and "\n" not in response.reason


def test_non_latin1_request_data_in_a_header_is_sent_as_utf8(echo: MockServer) -> None:
    response = requests.post(echo.url + "/echo/1?h=%E2%82%AC%20caf%C3%A9", json={}, timeout=5)
    assert response.status_code == 200
    assert response.headers["X-Echo"].encode("latin-1").decode("utf-8") == "€ café"
    assert response.reason.encode("latin-1").decode("utf-8") == "Echo € café"
