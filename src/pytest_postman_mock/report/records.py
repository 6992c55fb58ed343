"""The session's calls and coverage as plain data, for `--postman-mock-report` files.

Calls pass through a `Redactor` on the way in: secret headers (and their values
echoed in bodies) read `[redacted]` in every report and in the viewer.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from ..calls.log import Call
from ..calls.redaction import Redactor
from .coverage import ExampleCoverage


def _body(data: bytes) -> dict[str, str]:
    try:
        return {"text": data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(data).decode("ascii")}


def call_record(call: Call, redactor: Redactor | None = None) -> dict[str, Any]:
    """One call, shaped like a row of Postman's call-log API (plus what we know more),
    with its secrets redacted."""
    call = (redactor or Redactor()).call(call)
    return {
        "servedAt": call.time.isoformat().replace("+00:00", "Z"),
        "testId": call.test_id,
        "kind": call.kind,
        "responseName": call.example,
        "requestName": call.request_name,
        "score": call.score,
        "durationMs": round(call.duration_ms, 3),
        "request": {
            "method": call.method,
            "path": call.full_path,
            "headers": [[k, v] for k, v in call.headers],
            "body": _body(call.body),
        },
        "response": {
            "statusCode": call.status,
            "headers": [[k, v] for k, v in call.response_headers],
            "body": _body(call.response_body),
        },
        "nearMisses": [asdict(m) for m in call.near_misses],
        "notes": list(call.notes),
        "error": call.error,
    }


def collection_record(
    name: str,
    source: str,
    calls: Iterable[Call],
    rows: list[ExampleCoverage],
    dropped: int,
    kinds: dict[str, int],
    redact_headers: Iterable[str] = (),
) -> dict[str, Any]:
    """One collection's calls, counts by kind and coverage (JSON-ready); `redact_headers`
    names headers to redact besides the default ones."""
    redactor = Redactor.with_extra(redact_headers)
    return {
        "name": name,
        "file": source,
        "kinds": kinds,
        "calls": [call_record(c, redactor) for c in calls],
        "droppedCalls": dropped,
        "coverage": [{**asdict(row), "label": row.label} for row in rows],
    }
