"""How calls read to people: call-log lines, and the strict-mode failure message."""

from __future__ import annotations

from collections.abc import Sequence

from .kinds import Kind
from .log import Call
from .redaction import Redactor

STRICT_HINT = (
    "Turn strict mode off for this test with @pytest.mark.postman_mock(strict=False), "
    "or for all tests with postman_mock_strict = false in pytest.ini."
)

MAX_TRACE_LINES = 40
"""How much of a server-side traceback a failure shows (its end, where the error is)."""


def call_line(call: Call) -> str:
    """One aligned call-log row: time, method, path, status, example (or why none)."""
    served = call.outcome
    if call.kind == Kind.UNMATCHED and call.near_misses:
        served += f" (nearest: {call.near_misses[0].example})"
    clock = call.time.strftime("%H:%M:%S.%f")[:-3]
    return f"{clock}  {call.method:<7} {call.full_path:<40} {call.status}  {served}"


def describe_unmatched(call: Call, indent: str = "  ") -> list[str]:
    """The call and why nothing matched; a secret header's value (`Authorization`, ...)
    that a near miss would quote reads `[redacted]`."""
    shown = Redactor().text
    lines = [indent + call.summary()]
    for note in call.notes:
        lines.append(f"{indent}    note: {shown(call, note)}")
    if call.near_misses:
        lines.append(f"{indent}    closest examples, and the first thing that differed:")
        lines += [f"{indent}      - {shown(call, str(miss))}" for miss in call.near_misses]
    elif not call.error:
        lines.append(f"{indent}    (the collection has no examples: save one in Postman first)")
    return lines


def failure_lines(calls: Sequence[Call], why: str = "") -> list[str]:
    """Each unmatched call with its near misses, then each call the mock failed on."""
    unmatched = [c for c in calls if c.kind == Kind.UNMATCHED]
    errors = [c for c in calls if c.kind == Kind.ERROR]
    lines: list[str] = []
    if unmatched:
        lines.append(f"postman_mock: {len(unmatched)} call(s) matched no example{why}:")
        for call in unmatched:
            lines += describe_unmatched(call)
    if errors:
        lines.append(f"postman_mock: the mock server failed on {len(errors)} call(s):")
        for call in errors:
            lines.append("  " + call.summary())
            for note in call.notes:
                lines.append(f"    note: {note}")
            trace = (call.error or "").strip().splitlines()[-MAX_TRACE_LINES:]
            lines += [f"    {line}" for line in trace]
    return lines


def strict_message(failures: Sequence[Call]) -> str:
    """The text a strict test fails with: each bad call, its near misses, and the way out."""
    return "\n".join([*failure_lines(failures, " (strict mode)"), STRICT_HINT])
