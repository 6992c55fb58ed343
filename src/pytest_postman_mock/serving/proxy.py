"""The upstream call of proxy mode: one request passed on to the real API, its answer back.

urllib3 (the `proxy` extra) does the HTTP: one `PoolManager` per server, so
calls reuse connections to the target. Hop-by-hop headers and `Host` are not
passed on in either direction; redirects come back to the client as they are.
A target that refuses, times out or fails TLS is answered in Postman's error
shape (502, or 504 for a timeout), with the reason in the call's notes, never
a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from ..engine.plans import Rendered
from ..errors import SettingsError

try:
    import urllib3
    from urllib3 import exceptions as urllib3_errors
except ImportError:  # pragma: no cover - exercised only without the extra
    urllib3 = None  # type: ignore[assignment]
    urllib3_errors = None  # type: ignore[assignment]

MISSING_EXTRA = (
    "proxy mode needs urllib3: install the proxy extra, pip install 'pytest-postman-mock[proxy]'"
)
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)
"""RFC 9110 §7.6.1 hop-by-hop headers: they belong to one connection, not the exchange."""
NOT_PASSED_ON = HOP_BY_HOP | {"host", "content-length"}
"""Request headers the upstream call sets itself."""
NOT_PASSED_BACK = HOP_BY_HOP | {"content-length", "content-encoding"}
"""Response headers the mock sets itself (the body it sends is already decoded)."""
MOCK_PREFIX = "x-mock-"


@dataclass(frozen=True)
class Exchange:
    """One proxied call: what went upstream and what came back (or why nothing did)."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    response: Rendered
    failure: str | None = None
    """Why the target gave no answer (the response is then the mock's 502/504)."""


def failure_body(status: int, name: str, header: str, message: str) -> Rendered:
    return Rendered.json(status, {"error": {"name": name, "header": header, "message": message}})


def passed_on(headers: Iterable[tuple[str, str]], drop: frozenset[str]) -> list[tuple[str, str]]:
    """Headers less `drop` and less any header a `Connection` header names."""
    pairs = list(headers)
    named = {
        token.strip().lower()
        for key, value in pairs
        if key.lower() == "connection"
        for token in value.split(",")
    }
    return [(k, v) for k, v in pairs if k.lower() not in drop and k.lower() not in named]


class Upstream:
    """The proxy target: a base URL and a pool of connections to it."""

    def __init__(self, base: str, timeout: float, max_body: int = 10 * 1024 * 1024) -> None:
        if urllib3 is None:  # pragma: no cover
            raise SettingsError(MISSING_EXTRA)
        self.base = base.rstrip("/")
        self.timeout = timeout
        self.max_body = max_body
        """The largest answer read from the target (the `max_body` setting)."""
        self.pool = urllib3.PoolManager(
            num_pools=4,
            maxsize=16,
            retries=False,
            timeout=urllib3.Timeout(connect=timeout, read=timeout),
        )

    def forward(
        self,
        method: str,
        path: str,
        query: str,
        headers: Iterable[tuple[str, str]],
        body: bytes,
        drop: frozenset[str] = frozenset(),
    ) -> Exchange:
        """Send one call to the target; `path` is as the client sent it (still encoded)."""
        url = self.base + (path if path.startswith("/") else "/" + path)
        if query:
            url += "?" + query
        sent = tuple(
            (k, v)
            for k, v in passed_on(headers, NOT_PASSED_ON | drop)
            if not k.lower().startswith(MOCK_PREFIX)
        )
        try:
            reply = self.pool.request(
                method,
                url,
                body=body or None,
                headers=_header_dict(sent),
                redirect=False,
                preload_content=False,
                decode_content=True,
            )
            try:
                data = reply.read(self.max_body + 1)
                if len(data) > self.max_body:
                    reply.close()  # the rest stays unread: this connection cannot be reused
            finally:
                reply.release_conn()
        except Exception as problem:  # every failure of the target becomes a 502/504
            failed, why = self._failure(problem)
            return Exchange(method, url, sent, body, failed, why)
        if len(data) > self.max_body:
            why = (
                f"proxy target {self.base} answered with more than max_body ({self.max_body} bytes)"
            )
            return Exchange(
                method, url, sent, body, failure_body(502, "proxyError", "Bad gateway", why), why
            )
        status = reply.status
        reason = reply.reason or _phrase(status)
        back = tuple(passed_on(reply.headers.items(), NOT_PASSED_BACK))
        return Exchange(method, url, sent, body, Rendered(status, reason, back, data))

    def _failure(self, problem: Exception) -> tuple[Rendered, str]:
        """The mock's answer and the note for a target that did not answer."""
        errors: Any = urllib3_errors
        reason = problem.reason if isinstance(problem, errors.MaxRetryError) else problem
        where = self.base
        if isinstance(reason, errors.NewConnectionError):
            why = f"proxy target {where} refused or unreachable: {_short(reason)}"
            return failure_body(502, "proxyConnectionError", "Bad gateway", why), why
        if isinstance(reason, errors.TimeoutError):
            why = f"proxy target {where} did not answer within {self.timeout:g} s"
            return failure_body(504, "proxyTimeoutError", "Gateway timeout", why), why
        if isinstance(reason, errors.SSLError):
            why = f"TLS with proxy target {where} failed: {_short(reason)}"
            return failure_body(502, "proxyTLSError", "Bad gateway", why), why
        why = f"proxy target {where} failed: {type(reason).__name__}: {_short(reason)}"
        return failure_body(502, "proxyError", "Bad gateway", why), why

    def close(self) -> None:
        self.pool.clear()


def _header_dict(pairs: Iterable[tuple[str, str]]) -> Any:
    """urllib3's header dict, keeping repeated headers (joined as HTTP allows)."""
    merged = urllib3.HTTPHeaderDict()
    for key, value in pairs:
        merged.add(key, value)
    return merged


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _short(problem: BaseException) -> str:
    text = str(problem).strip() or type(problem).__name__
    return text if len(text) <= 200 else text[:197] + "..."
