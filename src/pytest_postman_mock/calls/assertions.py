"""Assertions over a call log, with failures that show what *was* called.

A failed assertion names what was expected and lists the recorded calls closest
to it: method, path, query, the headers that were asked about, a preview of the
body, and a diff when a JSON body was expected. These helpers set
`__tracebackhide__`, so pytest's traceback stops at the test's own line.
"""

from __future__ import annotations

import difflib
import json as jsonlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from ..engine.jsonpath import compile_jsonpath
from .log import Call, CallLog, path_matches

PREVIEW = 200
MAX_SHOWN = 5
_MISSING = object()


class Criteria(TypedDict, total=False):
    """What else a call must have, besides its method and path (all optional)."""

    json: Any
    """The body, parsed as JSON, equals this."""
    body: str | bytes
    """The body equals this text or these bytes."""
    headers: Mapping[str, str]
    """These headers (case-insensitive names) with these values."""
    query: Mapping[str, Any]
    """These query values: a string (the key's last value) or a list of every value."""
    jsonpath: Mapping[str, Any]
    """JSONPath expressions (`$.items[0].sku`, filters too) and the value each must find."""


@dataclass(frozen=True)
class Expectation:
    """What a call must look like; `None` fields are not checked."""

    method: str | None = None
    path: str | None = None
    json: Any = _MISSING
    body: str | bytes | None = None
    headers: Mapping[str, str] | None = None
    query: Mapping[str, Any] | None = None
    """Values are strings (the last value of the key), or lists for every value in order."""
    jsonpath: Mapping[str, Any] | None = None

    def describe(self) -> str:
        parts = [f"{self.method or '*'} {self.path or '*'}"]
        if self.query:
            parts.append(f"query {dict(self.query)}")
        if self.headers:
            parts.append(f"headers {dict(self.headers)}")
        if self.json is not _MISSING:
            parts.append(f"json {_dumps(self.json)}")
        if self.body is not None:
            parts.append(f"body {_preview(self.body)!r}")
        if self.jsonpath:
            parts.append(f"jsonpath {dict(self.jsonpath)}")
        return ", ".join(parts)

    def route_matches(self, call: Call) -> bool:
        return (self.method is None or call.method == self.method.upper()) and (
            self.path is None or path_matches(self.path, call.raw_path or call.path)
        )

    def mismatches(self, call: Call) -> list[str]:
        """What differs between `call` and this expectation (empty: it fits)."""
        found: list[str] = []
        if self.method is not None and call.method != self.method.upper():
            found.append(f"method is {call.method}, expected {self.method.upper()}")
        if self.path is not None and not path_matches(self.path, call.raw_path or call.path):
            found.append(f"path {call.path} does not fit {self.path}")
        for key, value in (self.query or {}).items():
            given = [v for k, v in call.query if k == key]
            if isinstance(value, (list, tuple)):
                if given != [str(v) for v in value]:
                    found.append(f"query {key}={given!r}, expected {[str(v) for v in value]!r}")
            elif given[-1:] != [str(value)]:
                shown = _shown(given[-1] if given else None)
                found.append(f"query {key}={shown}, expected {str(value)!r}")
        if self.headers:
            found += [
                f"header {k}: {_shown(call.header(k))}, expected {str(v)!r}"
                for k, v in self.headers.items()
                if call.header(k) != str(v)
            ]
        if self.body is not None:
            raw = self.body.encode() if isinstance(self.body, str) else self.body
            if call.body != raw:
                state = "differs" if call.body else "is empty"
                found.append(f"body {state}, expected {_preview(raw)!r}")
        if self.json is _MISSING and not self.jsonpath:
            return found
        parsed = _json_of(call)
        if parsed is _MISSING:
            found.append("body is empty, not JSON" if not call.body else "body is not JSON")
            return found
        if self.json is not _MISSING and parsed != self.json:
            found.append("JSON body differs:\n" + _json_diff(self.json, parsed))
        for expression, wanted in (self.jsonpath or {}).items():
            values = [m.value for m in compile_jsonpath(expression).find(parsed)]
            if not values:
                found.append(f"{expression} not found in the JSON body")
            elif values[0] != wanted:
                found.append(f"{expression} is {values[0]!r}, expected {wanted!r}")
        return found


def _json_of(call: Call) -> Any:
    try:
        return call.json()
    except ValueError:
        return _MISSING


def _dumps(value: Any, indent: int | None = None) -> str:
    """JSON for a message; never fails on what a test passed (sets, dates, mixed keys)."""
    try:
        return jsonlib.dumps(value, indent=indent, sort_keys=True, default=repr)
    except TypeError:
        return jsonlib.dumps(value, indent=indent, default=repr)


def _shown(value: str | None) -> str:
    return "(absent)" if value is None else repr(value)


def _preview(data: str | bytes) -> str:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    return text if len(text) <= PREVIEW else text[:PREVIEW] + "..."


def _json_diff(expected: Any, actual: Any) -> str:
    left = _dumps(expected, indent=2).splitlines()
    right = _dumps(actual, indent=2).splitlines()
    return "\n".join(difflib.unified_diff(left, right, "expected", "called with", lineterm="", n=2))


def describe_call(call: Call, header_names: Iterable[str] = ()) -> str:
    """One recorded call, as a failure message shows it."""
    line = call.summary()
    extra = [f"{name}: {_shown(call.header(name))}" for name in header_names]
    if call.body:
        extra.append(f"body {_preview(call.body)!r}")
    return line + "".join(f"\n      {e}" for e in extra)


def report(
    title: str, expected: Expectation, calls: Sequence[Call], heading: str | None = None
) -> str:
    """A failure message: the expectation and the closest recorded calls, with what differs."""
    lines = [title, f"  expected: {expected.describe()}"]
    if not calls:
        lines.append("  no calls were recorded")
        return "\n".join(lines)
    ranked = sorted(
        calls, key=lambda c: (not expected.route_matches(c), len(expected.mismatches(c)))
    )
    lines.append(f"  {heading or f'{len(calls)} call(s) recorded; closest first'}:")
    headers = tuple(expected.headers or ())
    for call in ranked[:MAX_SHOWN]:
        lines.append("    " + describe_call(call, headers))
        for mismatch in expected.mismatches(call):
            first, *rest = mismatch.splitlines()
            lines.append(f"      - {first}")
            lines += [f"          {line}" for line in rest]
    if len(calls) > MAX_SHOWN:
        lines.append(f"    ... and {len(calls) - MAX_SHOWN} more")
    return "\n".join(lines)


def fits(calls: CallLog, expected: Expectation) -> list[Call]:
    return [c for c in calls if not expected.mismatches(c)]


def assert_called(calls: CallLog, expected: Expectation, times: int | None = None) -> CallLog:
    """At least one call fits (exactly `times`, when given); returns the fitting calls."""
    __tracebackhide__ = True
    found = fits(calls, expected)
    if times is None and not found:
        raise AssertionError(report("postman_mock: no call matched", expected, calls))
    if times is not None and len(found) != times:
        title = f"postman_mock: expected {times} matching call(s), found {len(found)}"
        raise AssertionError(report(title, expected, calls))
    return CallLog(found)


def assert_not_called(calls: CallLog, expected: Expectation) -> None:
    __tracebackhide__ = True
    found = fits(calls, expected)
    if found:
        title = f"postman_mock: expected no matching call, found {len(found)}"
        raise AssertionError(report(title, expected, found, "the matching call(s)"))


def assert_called_with(calls: CallLog, expected: Expectation) -> Call:
    """The *last* call fits the expectation."""
    __tracebackhide__ = True
    last = calls.last
    if last is None or expected.mismatches(last):
        title = "postman_mock: the last call does not match"
        heading = f"the last of {len(calls)} call(s)"
        raise AssertionError(report(title, expected, [last] if last else [], heading))
    return last
