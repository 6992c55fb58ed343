"""`MockResponse`: an answer built in code, from scratch or from a saved example.

A response made from a saved example (`postman_mock.example(...)`,
`request.example`, `request.send_example(...)`) is rendered for the request
being answered, so its `{{...}}` values fit that call; `with_json`,
`with_status`, `with_body` and `with_headers` return changed copies.
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from ..behavior_settings import Delay
from ..engine.index import CompiledExample
from ..engine.plans import _UNSET, JSON_TYPE, Rendered, canned
from ..errors import SettingsError
from ..settings import parse
from .behaviors import DEFAULT, RULE_BEHAVIORS, Behaviors

Renderer = Callable[[CompiledExample], Rendered]
HeaderPairs = tuple[tuple[str, str], ...]
RESPONSE_FIELDS = frozenset({"status", "json", "body", "headers", "example", *RULE_BEHAVIORS})
"""What a handler's dict may say: the answer, and the rule behaviors for this call."""


def header_pairs(headers: Mapping[str, str] | Sequence[tuple[str, str]] | None) -> HeaderPairs:
    items = headers.items() if isinstance(headers, Mapping) else headers or ()
    return tuple((str(k), str(v)) for k, v in items)


@dataclass(frozen=True)
class MockResponse:
    """What a handler answers: status, JSON or body, headers, a delay, or a saved example."""

    status: int | None = None
    """None: the example's status (or 200 without one)."""
    json: Any = _UNSET
    body: str | bytes | None = None
    headers: HeaderPairs = ()
    """Added to (and replacing same-named) headers of the example."""
    delay: Delay = 0
    example: CompiledExample | None = None
    render: Renderer | None = field(default=None, repr=False, compare=False)
    """Renders the example for the request being answered (set by the mock)."""
    base: Rendered | None = field(default=None, repr=False, compare=False)
    """The example already rendered for this request (the collection's own choice)."""
    behaviors: Behaviors = DEFAULT
    """A fault, an error rate or a rate limit for this answer (a dict's `fault`, ...)."""

    def __post_init__(self) -> None:
        if self.json is not _UNSET and self.body is not None:
            raise SettingsError("a response takes json= or body=, not both")
        object.__setattr__(self, "headers", header_pairs(self.headers))
        object.__setattr__(self, "delay", parse("delay", self.delay, "response"))

    @property
    def name(self) -> str | None:
        """The saved example's name, or None for a response made from scratch."""
        return self.example.example.name if self.example else None

    def with_json(self, value: Any) -> MockResponse:
        return replace(self, json=value, body=None)

    def with_body(self, body: str | bytes) -> MockResponse:
        return replace(self, body=body, json=_UNSET)

    def with_status(self, status: int) -> MockResponse:
        return replace(self, status=status)

    def with_headers(
        self, headers: Mapping[str, str] | Sequence[tuple[str, str]] | None = None, **more: str
    ) -> MockResponse:
        """Add or replace headers (`with_headers({"ETag": "1"})` or `with_headers(ETag="1")`)."""
        added = header_pairs(headers) + header_pairs(more)
        names = {k.lower() for k, _ in added}
        return replace(
            self, headers=(*[(k, v) for k, v in self.headers if k.lower() not in names], *added)
        )

    def with_delay(self, delay: Delay) -> MockResponse:
        return replace(self, delay=delay)

    def rendered(self, render: Renderer | None = None) -> Rendered:
        """The response to send, the example rendered by `render` (or the one bound to it)."""
        if self.example is None:
            return canned(
                200 if self.status is None else self.status,
                json=self.json,
                body=self.body,
                headers=self.headers,
            )
        saved = self.base
        if saved is None:
            renderer = render or self.render
            if renderer is None:
                raise SettingsError(f"the example {self.name!r} is not bound to a request")
            saved = renderer(self.example)
        if (self.status, self.json, self.body, self.headers) == (None, _UNSET, None, ()):
            return saved
        status = saved.status if self.status is None else self.status
        given = {k.lower() for k, _ in self.headers}
        if self.json is not _UNSET:
            given.add("content-type")
        kept = [(k, v) for k, v in saved.headers if k.lower() not in given]
        if self.json is not _UNSET and "content-type" not in {k.lower() for k, _ in self.headers}:
            kept.insert(0, ("Content-Type", JSON_TYPE))
        extra: Any = _UNSET if self.json is _UNSET else self.json
        body = self.body if self.body is not None else (None if extra is not _UNSET else saved.body)
        return canned(status, json=extra, body=body, headers=[*kept, *self.headers])

    @property
    def status_code(self) -> int:
        return self.rendered().status

    @property
    def text(self) -> str:
        return self.rendered().body.decode("utf-8", "replace")

    def json_body(self) -> Any:
        """The body parsed as JSON: read a saved example, change it, `with_json` it back."""
        return jsonlib.loads(self.text)


def from_result(
    result: Any, who: str, find_example: Callable[[str], CompiledExample]
) -> MockResponse | None:
    """A handler's return value as a response (None: let the collection answer)."""
    if result is None or isinstance(result, MockResponse):
        return result
    if isinstance(result, Mapping):
        unknown = set(result) - RESPONSE_FIELDS
        if unknown:
            raise SettingsError(
                f"{who} returned unknown response field(s) {sorted(unknown)}; use "
                f"{', '.join(sorted(RESPONSE_FIELDS))}"
            )
        spec = dict(result)
        name = spec.pop("example", None)
        given = {k: v for k, v in spec.items() if k in RULE_BEHAVIORS and k != "delay"}
        return MockResponse(
            status=spec.get("status"),
            json=spec.get("json", _UNSET),
            body=spec.get("body"),
            headers=spec.get("headers") or (),
            delay=spec.get("delay", 0),
            example=find_example(name) if name is not None else None,
            behaviors=DEFAULT.with_values(given, who, RULE_BEHAVIORS),
        )
    raise SettingsError(
        f"{who} returned {type(result).__name__} {result!r:.60}: return a dict of "
        f"{', '.join(sorted(RESPONSE_FIELDS))}, a MockResponse, or None (the collection answers)"
    )
