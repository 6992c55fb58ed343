"""What an example puts on the wire: status, reason, headers and body, pre-compiled.

Headers captured from a real response that describe the transfer rather than
the content (`Content-Length`, `Transfer-Encoding`, `Content-Encoding`, ...)
are dropped: the body we send is the decoded text, and the server computes its
own length. A missing `Content-Type` comes from the example's preview language.
"""

from __future__ import annotations

import json as json_module
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from ..collection.model import Example
from ..collection.statuses import reason_phrase
from ..errors import SettingsError
from ..frozen import quick_init
from .templating import RenderContext, Template, header_safe
from .variables import TooLarge

HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
"""An HTTP header name (RFC 9110 token); a collection header with any other name is dropped."""
HOP_BY_HOP = frozenset(
    {
        "connection",
        "content-encoding",
        "content-length",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
PREVIEW_TYPES = {
    "json": "application/json",
    "xml": "application/xml",
    "html": "text/html",
    "text": "text/plain",
    "raw": "text/plain",
    "javascript": "application/javascript",
}
JSON_TYPE = "application/json; charset=utf-8"

NOT_FOUND = {
    "error": {
        "name": "mockRequestNotFoundError",
        "message": "Double check your method and the request path and try again.",
        "header": "No matching requests",
    }
}
NO_EXAMPLES = {
    "error": {
        "name": "mockRequestNotFoundError",
        "message": "To mock this request add an example response for the mock server to return.",
        "header": "You need an example",
    }
}


def response_too_large(problem: TooLarge) -> Rendered:
    """What a call gets when rendering its example would pass a bound: 507, never a 500,
    with the bound named (the call's notes say the same)."""
    return Rendered.json(
        507,
        {
            "error": {
                "name": "mockResponseTooLargeError",
                "header": "Response over the mock's bounds",
                "message": f"{problem}.",
            }
        },
    )


@quick_init  # several per request: see frozen.py
@dataclass(frozen=True)
class Rendered:
    """A response ready to send."""

    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @classmethod
    def json(
        cls, status: int, payload: object, headers: tuple[tuple[str, str], ...] = ()
    ) -> Rendered:
        body = json_module.dumps(payload, separators=(",", ":")).encode()
        return cls(status, reason_phrase(status), (("Content-Type", JSON_TYPE), *headers), body)


@dataclass(frozen=True)
class ResponsePlan:
    """An example's response side with every template compiled once.

    What has no `{{...}}` is prepared once, here: the body encoded (so every call that
    serves it shares one `bytes` object, and the call log keeps thousands of them), and
    the reason phrase and headers made safe.
    """

    code: int
    reason: Template
    headers: tuple[tuple[str, Template], ...]
    body: Template
    static_body: bytes | None = None
    static_head: tuple[str, tuple[tuple[str, str], ...]] | None = None
    """(reason, headers) when neither holds a template."""
    static: Rendered | None = None
    """The whole response when nothing in it is a template: one object for every call."""

    @classmethod
    def from_example(cls, example: Example) -> ResponsePlan:
        headers = [
            (k, Template.compile(v))
            for k, v in example.headers
            if k.lower() not in HOP_BY_HOP and HEADER_NAME.fullmatch(k)
        ]
        if not any(k.lower() == "content-type" for k, _ in headers):
            implied = PREVIEW_TYPES.get((example.preview_language or "").lower())
            if implied and example.body:
                headers.append(("Content-Type", Template.compile(implied)))
        body = Template.compile(example.body)
        reason = Template.compile(example.status or reason_phrase(example.code))
        plan = cls(example.code, reason, tuple(headers), body)
        empty = RenderContext({})
        plan = replace(
            plan,
            static_body=body.render(empty).encode("utf-8") if body.is_static else None,
            static_head=plan._head(empty)
            if reason.is_static and all(t.is_static for _, t in headers)
            else None,
        )
        if plan.static_body is None or plan.static_head is None:
            return plan
        return replace(plan, static=Rendered(plan.code, *plan.static_head, plan.static_body))

    @classmethod
    def templated(cls, response: Rendered) -> ResponsePlan | None:
        """A plan for a response given in code (an override's, a route's) whose body or
        headers hold `{{...}}`, so it is rendered like an example; None when nothing does."""
        try:
            text = response.body.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if "{{" not in text and not any("{{" in v for _, v in response.headers):
            return None
        headers = tuple((k, Template.compile(v)) for k, v in response.headers)
        return cls(
            response.status, Template.compile(response.reason), headers, Template.compile(text)
        )

    def _head(self, context: RenderContext) -> tuple[str, tuple[tuple[str, str], ...]]:
        reason = header_safe(self.reason.render(context)) or reason_phrase(self.code)
        return reason, tuple((k, header_safe(t.render(context))) for k, t in self.headers)

    def render(self, context: RenderContext) -> Rendered:
        if self.static is not None:
            return self.static
        reason, headers = self.static_head or self._head(context)
        body = self.static_body
        if body is None:
            body = self.body.render(context).encode("utf-8", "replace")  # never raises
            if context.limit is not None and len(body) > context.limit:
                raise TooLarge("the response", context.limit, "max_response_size")
        return Rendered(self.code, reason, headers, body)


def content_type(headers: tuple[tuple[str, str], ...]) -> str | None:
    return next((v for k, v in headers if k.lower() == "content-type"), None)


_UNSET: object = object()


def canned(
    status: int,
    *,
    json: object = _UNSET,
    body: str | bytes | None = None,
    headers: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
) -> Rendered:
    """A response given in code (an outage, an override): status plus JSON *or* raw body."""
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        raise SettingsError(f"status must be an HTTP status code from 100 to 599, got {status!r}")
    if json is not _UNSET and body is not None:
        raise SettingsError("give json= or body=, not both")
    pairs = [
        (str(k), header_safe(str(v)))
        for k, v in (headers.items() if isinstance(headers, Mapping) else headers or ())
    ]
    bad = [k for k, _ in pairs if not HEADER_NAME.fullmatch(k)]
    if bad:
        raise SettingsError(f"not a valid header name: {bad[0]!r}")
    if json is not _UNSET:
        data = json_module.dumps(json, separators=(",", ":")).encode()
        if not any(k.lower() == "content-type" for k, _ in pairs):
            pairs.insert(0, ("Content-Type", JSON_TYPE))
    else:
        data = body.encode("utf-8") if isinstance(body, str) else body or b""
    return Rendered(status, reason_phrase(status), tuple(pairs), data)


def outage_response(
    status: int = 503,
    *,
    json: object = _UNSET,
    body: str | bytes | None = None,
    headers: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
) -> Rendered:
    """Postman's "server response": a 5xx that every call gets while it is active."""
    if isinstance(status, bool) or not isinstance(status, int) or not 500 <= status <= 599:
        raise SettingsError(
            f"an outage answers with a 5xx status, as Postman's server responses do; got {status!r}"
        )
    if json is _UNSET and body is None:
        json = {
            "error": {
                "name": "mockServerResponse",
                "header": reason_phrase(status),
                "message": "The mock server is simulating an outage.",
            }
        }
    return canned(status, json=json, body=body, headers=headers)
