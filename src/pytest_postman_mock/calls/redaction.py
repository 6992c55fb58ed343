"""Secrets kept out of what people read: reports, the viewer, failure text.

Two rules, decided once (docs/hostile-input.md):

- The mock's API key never enters the call log at all: `scrub` replaces its
  value with `[redacted]` in a call's headers, query, path, bodies and notes
  before the call is stored, so not even `Call.body` of an example that echoes
  `{{$headers 'x-api-key'}}` holds it.
- Other secret headers (`REDACTED_HEADERS`, plus the `redact_headers` setting) stay
  as they were sent in `Call.headers`, since a test must be able to assert the
  `Authorization` its code sent; they are redacted where a call is *shown*
  (`Redactor`), and so are their values wherever a body echoes them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..settings import SECRET_HEADERS, secret_headers

if TYPE_CHECKING:  # the call log shows itself through this module (`Call.__repr__`)
    from .log import Call

REDACTED = "[redacted]"
REDACTED_HEADERS = SECRET_HEADERS
"""Headers always shown as `[redacted]` (declared once, in settings, for recording too)."""
MIN_SECRET = 4
"""Shorter header values are not searched for in bodies (`Cookie: a=1` would blank every `1`)."""

Pairs = tuple[tuple[str, str], ...]


def _forms(secret: str) -> list[str]:
    """The secret as sent, and as a JSON string body would spell it."""
    quoted = json.dumps(secret)[1:-1]
    return [secret] if quoted == secret else [secret, quoted]


def _text(value: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret in value:
            value = value.replace(secret, REDACTED)
    return value


def _bytes(data: bytes, secrets: Iterable[str]) -> bytes:
    for secret in secrets:
        raw = secret.encode("utf-8", "replace")
        if raw in data:
            data = data.replace(raw, REDACTED.encode())
    return data


def scrub(call: Call, key: str | None) -> Call:
    """`call` with the API key's value replaced everywhere it appears."""
    if not key:
        return call
    secrets = _forms(key)

    def pairs(items: Pairs) -> Pairs:
        return tuple((k, _text(v, secrets)) for k, v in items)

    return replace(
        call,
        path=_text(call.path, secrets),
        raw_path=_text(call.raw_path, secrets),
        query=pairs(call.query),
        headers=pairs(call.headers),
        body=_bytes(call.body, secrets),
        response_headers=pairs(call.response_headers),
        response_body=_bytes(call.response_body, secrets),
        notes=tuple(_text(note, secrets) for note in call.notes),
    )


@dataclass(frozen=True)
class Redactor:
    """Shows a call with its secret headers (and their values in bodies) as `[redacted]`."""

    names: frozenset[str] = secret_headers()

    @classmethod
    def with_extra(cls, extra: Iterable[str] = ()) -> Redactor:
        return cls(secret_headers(extra))

    def secret(self, name: str) -> bool:
        return name.lower() in self.names

    def headers(self, items: Pairs) -> Pairs:
        return tuple((k, REDACTED if self.secret(k) else v) for k, v in items)

    def secrets(self, call: Call) -> list[str]:
        """The values of `call`'s secret headers long enough to look for, longest first."""
        found = {
            form
            for k, v in (*call.headers, *call.response_headers)
            if self.secret(k) and len(v.strip()) >= MIN_SECRET and v != REDACTED
            for form in _forms(v.strip())
        }
        return sorted(found, key=len, reverse=True)

    def text(self, call: Call, text: str) -> str:
        """`text` about `call` (a near miss, a note) with its secret header values redacted."""
        return _text(text, self.secrets(call))

    def call(self, call: Call) -> Call:
        """A copy of `call` fit to show: secret headers and their echoes redacted."""
        secrets = self.secrets(call)
        return replace(
            call,
            headers=self.headers(call.headers),
            response_headers=self.headers(call.response_headers),
            body=_bytes(call.body, secrets),
            response_body=_bytes(call.response_body, secrets),
            query=tuple((k, _text(v, secrets)) for k, v in call.query),
            notes=tuple(_text(note, secrets) for note in call.notes),
        )
