"""Assertions over a call log, with failures that show what *was* called.

A failed assertion names what was expected and lists the recorded calls closest
to it: method, path, query, the headers that were asked about, a preview of the
body, and a diff when a JSON body was expected. These helpers set
`__tracebackhide__`, so pytest's traceback stops at the test's own line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .criteria import _MISSING, Criteria, preview, shown_value
from .log import Call, CallLog, path_matches

MAX_SHOWN = 5


@dataclass(frozen=True)
class Expectation:
    """What a call must look like: a route plus `Criteria`; `None` fields are not checked."""

    method: str | None = None
    path: str | None = None
    json: Any = _MISSING
    body: str | bytes | None = None
    headers: Mapping[str, str] | None = None
    query: Mapping[str, Any] | None = None
    """Values are strings (the last value of the key), or lists for every value in order."""
    jsonpath: Mapping[str, Any] | None = None

    @property
    def criteria(self) -> Criteria:
        return Criteria(self.json, self.body, self.headers, self.query, self.jsonpath)

    def describe(self) -> str:
        return ", ".join([f"{self.method or '*'} {self.path or '*'}", *self.criteria.describe()])

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
        return found + self.criteria.mismatches(call)


def describe_call(call: Call, header_names: Iterable[str] = ()) -> str:
    """One recorded call, as a failure message shows it."""
    line = call.summary()
    extra = [f"{name}: {shown_value(call.header(name))}" for name in header_names]
    if call.body:
        extra.append(f"body {preview(call.body)!r}")
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
