"""Templates: compiled once into literal text and tokens; rendered in Postman's lookup order
(captures > variables > dynamic > helpers); header values that cannot add a header."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pytest_postman_mock.collection.model import Example, RequestSpec, UrlTemplate
from pytest_postman_mock.engine.dynamic import NAMES, DynamicValues
from pytest_postman_mock.engine.helpers import resolve_helper
from pytest_postman_mock.engine.plans import ResponsePlan
from pytest_postman_mock.engine.request import Incoming
from pytest_postman_mock.engine.templating import (
    RenderContext,
    Template,
    Token,
    compile_cached,
    header_safe,
)


def context(
    variables: dict[str, str] | None = None,
    captures: dict[str, str] | None = None,
    seed: int = 1,
) -> RenderContext:
    return RenderContext(
        variables=variables or {},
        captures=captures or {},
        request=Incoming("GET", "/a/b"),
        dynamic=DynamicValues(seed).resolve,
        helper=resolve_helper,
    )


def test_compile_splits_literals_and_tokens() -> None:
    template = Template.compile('{"id": {{ id }}, "x": "{{$guid}}"}')
    assert template.parts == (
        '{"id": ',
        Token("id", "{{ id }}"),
        ', "x": "',
        Token("$guid", "{{$guid}}"),
        '"}',
    )
    assert not template.is_static


def test_static_text_is_one_part_and_empty_text_none() -> None:
    assert Template.compile("plain {braces} }}").parts == ("plain {braces} }}",)
    assert Template.compile("").parts == ()
    assert Template.compile("{ {x} }").is_static


def test_postman_names_have_no_braces_inside() -> None:
    template = Template.compile("{{a{{b}}")
    assert [p for p in template.parts if isinstance(p, Token)] == [Token("b", "{{b}}")]


def test_unknown_tokens_stay_as_written() -> None:
    assert Template.compile("{{nope}} {{$nope}} {{}}").render(context()) == (
        "{{nope}} {{$nope}} {{}}"
    )


def test_captures_beat_variables_beat_dynamic() -> None:
    ctx = context(
        variables={"userId": "from-variable", "$guid": "user-defined"},
        captures={"userId": "42"},
    )
    assert Template.compile("{{userId}} {{$guid}}").render(ctx) == "42 user-defined"


def test_dynamic_variables_are_consulted_after_variables() -> None:
    value = Template.compile("{{$randomInt}}").render(context(seed=9))
    assert value == DynamicValues(9).resolve("$randomInt")


def test_each_dynamic_token_draws_a_fresh_value() -> None:
    values = Template.compile("{{$randomUUID}} {{$randomUUID}}").render(context()).split()
    assert len(set(values)) == 2


def test_a_variable_holding_a_dynamic_value_is_one_value_per_response() -> None:
    template = Template.compile("{{id}} {{id}} {{$randomUUID}}")
    first, second, fresh = template.render(context({"id": "{{$randomUUID}}"})).split()
    assert first == second != fresh
    again = template.render(context({"id": "{{$randomUUID}}"}, seed=2)).split()[0]
    assert again != first


def test_variables_refer_to_variables_and_captures() -> None:
    ctx = context(
        variables={"url": "{{host}}/v{{version}}/users/{{userId}}", "host": "h", "version": "2"},
        captures={"userId": "7"},
    )
    assert Template.compile("{{url}}").render(ctx) == "h/v2/users/7"


def test_self_reference_stops_and_keeps_the_token() -> None:
    ctx = context(variables={"a": "x{{b}}", "b": "{{a}}"})
    rendered = Template.compile("{{a}}").render(ctx)
    assert rendered.startswith("xx") and rendered.endswith(("{{a}}", "{{b}}"))
    assert len(rendered) < 40


def test_a_variable_value_is_compiled_once_across_requests() -> None:
    assert compile_cached("{{x}}-{{y}}") is compile_cached("{{x}}-{{y}}")


def test_helper_token_is_one_token_even_with_braces_in_arguments() -> None:
    template = Template.compile("a{{$body 'k' '{{$randomInt}}'}}b")
    assert len(template.parts) == 3
    token = template.parts[1]
    assert isinstance(token, Token) and token.call is not None
    assert token.call.helper == "$body" and token.call.key == "k"
    assert token.call.default is not None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a\r\nSet-Cookie: x=1", "a  Set-Cookie: x=1"),
        ("a\nb\rc", "a b c"),
        ("nul\x00bell\x07del\x7f", "nul bell del "),
        ("keep\ttab", "keep\ttab"),
        ("plain", "plain"),
        ("€", "€".encode().decode("latin-1")),
        ("é", "é".encode().decode("latin-1")),
    ],
)
def test_header_safe(value: str, expected: str) -> None:
    assert header_safe(value) == expected


def plan(body: str, headers: tuple[tuple[str, str], ...], status: str) -> ResponsePlan:
    request = RequestSpec("GET", UrlTemplate("/x", "", "/x"))
    example = Example("e", 201, status, headers, body, request)
    return ResponsePlan.from_example(example)


def test_status_text_headers_and_body_are_all_rendered() -> None:
    rendered = plan(
        "{{greeting}}, {{who}}",
        (("X-Who", "{{who}}"), ("Content-Length", "999")),
        "Made {{who}}",
    ).render(context({"greeting": "Hi", "who": "Ada"}))
    assert rendered.status == 201
    assert rendered.reason == "Made Ada"
    assert rendered.headers == (("X-Who", "Ada"),)  # Content-Length is recomputed, not sent
    assert rendered.body == b"Hi, Ada"


def test_an_empty_rendered_status_text_falls_back_to_the_standard_phrase() -> None:
    rendered = plan("", (), "{{$queryParams 'nope'}}").render(context())
    assert rendered.reason == "Created"


def test_rendered_header_values_never_carry_newlines() -> None:
    rendered = plan("", (("X-V", "{{v}}"),), "OK").render(context({"v": "a\r\nX-Evil: 1"}))
    assert rendered.headers == (("X-V", "a  X-Evil: 1"),)


# ------------------------------------------------------------------------------- the docs pages

DOCS = Path(__file__).resolve().parents[1] / "docs"


def docs_section(page: str, start: str, end: str) -> str:
    text = (DOCS / page).read_text(encoding="utf-8")
    return text.split(start, 1)[1].split(end, 1)[0]


def test_the_docs_list_every_dynamic_variable() -> None:
    section = docs_section("variables.md", "## Dynamic variables", "## Request")
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    listed = re.findall(r"`(\$\w+)`", "\n".join(rows))
    assert sorted(listed) == sorted(NAMES)


def test_the_documented_decisions_name_tests_that_exist() -> None:
    table = (DOCS / "decisions.md").read_text(encoding="utf-8")
    tests = Path(__file__).resolve().parent
    named = 0
    for row in table.splitlines()[4:]:
        module = None
        for ref in re.findall(r"`((?:test_\w+\.py::)?test_\w+)`", row):
            if "::" in ref:
                module, ref = ref.split("::")
            assert module is not None, row
            assert f"def {ref}(" in (tests / module).read_text(encoding="utf-8"), ref
            named += 1
    assert named >= 20
