"""Requests as the engine sees them, and saved request bodies, for the engine-level tests."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from pytest_postman_mock.engine.bodies import IncomingBody
from pytest_postman_mock.engine.request import Incoming

JSON = "application/json"


def req(
    target: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | str = b"",
    content_type: str = "",
    form: tuple[tuple[str, str], ...] | None = None,
) -> Incoming:
    """`GET /path?query` as the app would hand it over: decoded query, lower-case header names."""
    path, _, query = target.partition("?")
    names = {k.lower(): v for k, v in (headers or {}).items()}
    if content_type:
        names["content-type"] = content_type
    raw = body.encode() if isinstance(body, str) else body
    return Incoming(
        method=method,
        path=path,
        query=tuple(parse_qsl(query, keep_blank_values=True)),
        headers=names,
        body=IncomingBody(raw, content_type, form),
    )


def raw_body(text: str, language: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"mode": "raw", "raw": text}
    if language:
        body["options"] = {"raw": {"language": language}}
    return body


def form_body(mode: str, *fields: tuple[str, str], disabled: tuple[str, ...] = ()) -> Any:
    entries = [{"key": k, "value": v, "type": "text"} for k, v in fields]
    entries += [{"key": k, "value": "x", "type": "text", "disabled": True} for k in disabled]
    return {"mode": mode, mode: entries}
