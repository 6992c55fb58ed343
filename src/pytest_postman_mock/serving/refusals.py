"""Answers made below the app: requests h11 (or our limits) refuse, and connections over
the cap. Each is a small JSON error, like the app's own, sent with `Connection: close`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import parse_qsl, unquote

from ..calls.kinds import Kind
from ..calls.log import Call
from ..calls.redaction import scrub
from ..engine.plans import Rendered
from .app import MockApp, too_large
from .response_bytes import response_bytes
from .seen import header_text

HEADERS = {
    400: "Bad request",
    413: "Request body too large",
    414: "Request target too long",
    431: "Request headers too large",
    503: "Too many connections",
    505: "HTTP version not supported",
}


@dataclass
class Refusal(Exception):
    """A request the connection answers itself, then closes."""

    status: int
    note: str
    kind: Kind = Kind.BAD_REQUEST
    message: str = field(default="")

    def rendered(self, max_body: int) -> Rendered:
        if self.status == 413:
            return Rendered.json(413, too_large(max_body))
        payload = {
            "error": {
                "name": "serverBusyError" if self.status == 503 else "badRequestError",
                "header": HEADERS.get(self.status, "Bad request"),
                "message": self.message or self.note,
            }
        }
        return Rendered.json(self.status, payload)


def too_big(max_body: int) -> Refusal:
    return Refusal(413, f"body over max_body ({max_body} bytes)", Kind.TOO_LARGE)


def wire_bytes(rendered: Rendered, head_only: bool = False) -> bytes:
    """`rendered` as HTTP/1.1 bytes with `Connection: close` (and no `Server` or `Date`)."""
    status = f"{rendered.status} {rendered.reason}"
    body, headers = rendered.body, rendered.headers
    return response_bytes(
        status, headers, body, head_only=head_only, connection="close", stamp=False
    )


def busy(limit: int) -> bytes:
    """The prompt 503 a connection over `max_connections` gets, before it is closed."""
    refusal = Refusal(
        503,
        f"over max_connections ({limit})",
        message=f"The mock serves at most {limit} connections at once; try again shortly.",
    )
    return wire_bytes(refusal.rendered(0))


def record(
    app: MockApp,
    refusal: Refusal,
    sent: Rendered,
    request: tuple[str, str, tuple[tuple[str, str], ...], bytes],
) -> Call:
    """Log a request the connection answered itself: (method, target, headers, body) as far
    as they were read, never more than the client sent."""
    method, target, headers, body = request
    with app._served_lock:
        app.kinds[refusal.kind] += 1
    path, _, query = target.partition("?")
    call = Call(
        method=method,
        path=unquote(path, errors="replace"),
        query=tuple(parse_qsl(query, keep_blank_values=True)),
        headers=tuple((k, header_text(v)) for k, v in headers),
        body=body,
        status=sent.status,
        response_headers=sent.headers,
        response_body=sent.body,
        example=None,
        matched=False,
        time=datetime.now(timezone.utc),
        test_id=app.current_test,
        notes=(refusal.note,),
        kind=refusal.kind,
        raw_path=path,
    )
    return app.journal.append(scrub(call, app.settings.api_key))  # the key never reaches the log
