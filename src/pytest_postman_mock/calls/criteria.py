"""Request criteria: what a call's query, headers and body must hold.

One implementation serves both questions a test asks about a request: "was a
call like this made?" (`assert_called(json=..., jsonpath=...)`) and "should
this rule answer this call?" (`override(..., when={...})`). Each criterion that
fails is described in one line, which the failure message and the call's note
both show.
"""

from __future__ import annotations

import difflib
import json as jsonlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypedDict

from ..engine.jsonpath import compile_jsonpath
from ..errors import SettingsError, did_you_mean

PREVIEW = 200
_MISSING: Any = object()


class CriteriaFields(TypedDict, total=False):
    """The criteria as keywords (`assert_called(json=...)`) or `when={...}`, all optional."""

    query: Mapping[str, Any]
    """These query values: a string (the key's last value) or a list of every value."""
    headers: Mapping[str, str]
    """These headers (case-insensitive names) with these values."""
    json: Any
    """The body, parsed as JSON, equals this."""
    jsonpath: Mapping[str, Any]
    """JSONPath expressions (`$.items[0].sku`, filters too) and the value each must find."""
    body: str | bytes
    """The body equals this text or these bytes."""


WHEN_KEYS = tuple(CriteriaFields.__annotations__)


class Subject(Protocol):
    """What criteria read from a request: a logged `Call` or a handler's request."""

    @property
    def body(self) -> bytes: ...

    def header(self, name: str) -> str | None: ...

    def query_values(self, key: str) -> list[str]: ...

    def json(self) -> Any: ...


@dataclass(frozen=True)
class Criteria:
    """Checks on a request's query, headers and body; `None` (or missing) ones are skipped."""

    json: Any = _MISSING
    body: str | bytes | None = None
    headers: Mapping[str, str] | None = None
    query: Mapping[str, Any] | None = None
    """Values are strings (the last value of the key), or lists for every value in order."""
    jsonpath: Mapping[str, Any] | None = None

    @classmethod
    def from_when(cls, when: Mapping[str, Any], origin: str) -> Criteria:
        """`when={...}` as a test writes it; unknown keys and bad JSONPaths are refused."""
        if not isinstance(when, Mapping):
            raise SettingsError(f"{origin}: when= takes a dict of {', '.join(WHEN_KEYS)}")
        unknown = [k for k in when if k not in WHEN_KEYS]
        if unknown:
            hint = did_you_mean(str(unknown[0]), WHEN_KEYS)
            raise SettingsError(
                f"{origin}: when= has no criterion {unknown[0]!r}{hint}; use {', '.join(WHEN_KEYS)}"
            )
        for key in ("query", "headers", "jsonpath"):
            if key in when and not isinstance(when[key], Mapping):
                raise SettingsError(f"{origin}: when={{{key!r}: ...}} takes a dict")
        for expression in when.get("jsonpath") or {}:
            try:
                compile_jsonpath(expression)
            except ValueError as problem:
                raise SettingsError(f"{origin}: when= {problem}") from None
        body = when.get("body")
        if body is not None and not isinstance(body, (str, bytes)):
            raise SettingsError(f"{origin}: when={{'body': ...}} takes str or bytes")
        return cls(
            json=when.get("json", _MISSING),
            body=body,
            headers=when.get("headers"),
            query=when.get("query"),
            jsonpath=when.get("jsonpath"),
        )

    @property
    def empty(self) -> bool:
        return (
            self.json is _MISSING
            and self.body is None
            and not self.headers
            and not self.query
            and not self.jsonpath
        )

    def describe(self) -> list[str]:
        parts = []
        if self.query:
            parts.append(f"query {dict(self.query)}")
        if self.headers:
            parts.append(f"headers {dict(self.headers)}")
        if self.json is not _MISSING:
            parts.append(f"json {dumps(self.json)}")
        if self.body is not None:
            parts.append(f"body {preview(self.body)!r}")
        if self.jsonpath:
            parts.append(f"jsonpath {dict(self.jsonpath)}")
        return parts

    def mismatches(self, subject: Subject) -> list[str]:
        """What differs between the request and these criteria (empty: it fits)."""
        found: list[str] = []
        for key, value in (self.query or {}).items():
            given = subject.query_values(key)
            if isinstance(value, (list, tuple)):
                if given != [str(v) for v in value]:
                    found.append(f"query {key}={given!r}, expected {[str(v) for v in value]!r}")
            elif given[-1:] != [str(value)]:
                shown = shown_value(given[-1] if given else None)
                found.append(f"query {key}={shown}, expected {str(value)!r}")
        for name, value in (self.headers or {}).items():
            if subject.header(name) != str(value):
                found.append(
                    f"header {name}: {shown_value(subject.header(name))}, expected {str(value)!r}"
                )
        if self.body is not None:
            raw = self.body.encode() if isinstance(self.body, str) else self.body
            if subject.body != raw:
                state = "differs" if subject.body else "is empty"
                found.append(f"body {state}, expected {preview(raw)!r}")
        if self.json is _MISSING and not self.jsonpath:
            return found
        try:
            parsed = subject.json()
        except ValueError:
            found.append("body is empty, not JSON" if not subject.body else "body is not JSON")
            return found
        if self.json is not _MISSING and parsed != self.json:
            found.append("JSON body differs:\n" + json_diff(self.json, parsed))
        for expression, wanted in (self.jsonpath or {}).items():
            values = [m.value for m in compile_jsonpath(expression).find(parsed)]
            if not values:
                found.append(f"{expression} not found in the JSON body")
            elif values[0] != wanted:
                found.append(f"{expression} is {values[0]!r}, expected {wanted!r}")
        return found


def dumps(value: Any, indent: int | None = None) -> str:
    """JSON for a message; never fails on what a test passed (sets, dates, mixed keys)."""
    try:
        return jsonlib.dumps(value, indent=indent, sort_keys=True, default=repr)
    except TypeError:
        return jsonlib.dumps(value, indent=indent, default=repr)


def shown_value(value: str | None) -> str:
    return "(absent)" if value is None else repr(value)


def preview(data: str | bytes) -> str:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    return text if len(text) <= PREVIEW else text[:PREVIEW] + "..."


def json_diff(expected: Any, actual: Any) -> str:
    left = dumps(expected, indent=2).splitlines()
    right = dumps(actual, indent=2).splitlines()
    return "\n".join(difflib.unified_diff(left, right, "expected", "called with", lineterm="", n=2))
