"""A request as the engine sees it: method, path, query, headers and body, no sockets.

The `x-mock-*` control headers are parsed once here, so matching and near
misses read them as fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from . import paths
from .bodies import IncomingBody

CONTROL_PREFIX = "x-mock-"


@dataclass
class Controls:
    """The `x-mock-*` headers of one request, parsed (bad values are noted, not fatal)."""

    code: int | None = None
    example_id: str | None = None
    name: str | None = None
    match_body: bool | None = None
    match_headers: tuple[str, ...] | None = None
    notes: list[str] = field(default_factory=list)

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> Controls:
        found = cls()
        code = headers.get("x-mock-response-code")
        if code is not None:
            if code.strip().isascii() and code.strip().isdigit():
                found.code = int(code)
            else:
                found.notes.append(f"ignored x-mock-response-code {code!r}: not a status code")
        found.example_id = headers.get("x-mock-response-id") or None
        found.name = headers.get("x-mock-response-name") or None
        body = headers.get("x-mock-match-request-body")
        if body is not None:
            if body.strip().lower() in ("true", "false"):
                found.match_body = body.strip().lower() == "true"
            else:
                found.notes.append(f"ignored x-mock-match-request-body {body!r}: not true/false")
        keys = headers.get("x-mock-match-request-headers")
        if keys is not None:
            found.match_headers = tuple(k.strip() for k in keys.split(",") if k.strip())
        return found


@dataclass
class Incoming:
    """A request as the matcher sees it: no sockets, no framework types."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    """Lower-cased names; the first value of repeated headers."""
    body: IncomingBody = field(default_factory=lambda: IncomingBody(b""))

    def __post_init__(self) -> None:
        if not self.method.isupper():  # the usual method is upper-case already: kept as it is
            self.method = self.method.upper()
        self.segments = paths.split(self.path)
        self.controls = Controls.from_headers(self.headers)
