"""The live call-log viewer of `postman-mock serve`: WSGI middleware in front of the mock.

It answers GET (and HEAD) on two reserved paths, `<prefix>` (the viewer page) and
`<prefix>data.json` (the current report, which the page polls), and hands every
other request to the mock app untouched. Its own requests never reach the mock,
so they are not in the call log and do not count for coverage. A private mock's
viewer asks for the same API key as the mock.

It answers only to its own host names (`host_names.py`: a rebound foreign name gets
421), and sends its Content-Security-Policy as a header with `frame-ancestors
'none'`, plus `nosniff` and `no-referrer` (a `?key=` must not leak in a Referer).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Callable

from werkzeug.wrappers import Request, Response

from ..errors import SettingsError
from ..report.coverage import coverage
from ..report.records import collection_record
from ..report.viewer import header_policy, render_html
from .host_names import HostNames
from .wsgi_keys import BODY_READ

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from ..engine.core import Engine
    from .server import MockServer

DEFAULT_PREFIX = "/__postman_mock__/"
DATA = "data.json"
REFRESH_MS = 2000
PLAIN_POLICY = "default-src 'none'; frame-ancestors 'none'"
ReportSource = Callable[[], dict[str, Any]]


def server_report(server: MockServer, source: str = "") -> dict[str, Any]:
    """The server's calls and coverage, shaped like a `--postman-mock-report` file."""
    record = collection_record(
        server.collection.name,
        source,
        server.calls,
        coverage(server.engine.index.examples, server.app.served),
        server.journal.dropped,
        dict(server.app.kinds),
        server.settings.redact_headers,
    )
    return {"seed": server.app.seed, "collections": [record]}


def normalize_prefix(path: str) -> str:
    """`/x/` from `x`, `/x` or `/x/`; refuses `/` and paths with a query or spaces."""
    parts = [part for part in path.strip().split("/") if part]
    if not parts:
        raise SettingsError(
            f"--viewer-path {path!r}: the viewer needs a path of its own, not the root "
            "(use --no-viewer to turn it off)"
        )
    if any(ch in path for ch in "?# \t"):
        raise SettingsError(f"--viewer-path {path!r}: expected a plain path like /__viewer__/")
    return "/" + "/".join(parts) + "/"


def shadowed(engine: Engine, prefix: str) -> list[str]:
    """The collection's routes the viewer would hide (`METHOD /path`), to warn about."""
    reserved = {prefix.rstrip("/"), prefix + DATA}
    return sorted(
        {
            f"{c.method} {c.path}"
            for c in engine.index.examples
            if c.method in ("GET", "HEAD") and c.path.rstrip("/") in reserved
        }
    )


class ViewerMiddleware:
    """Serve the viewer at `prefix` and pass everything else to `app`.

    With `api_key` (a private mock) the viewer wants the key too, in `x-api-key` or, since a
    browser's address bar cannot send headers, as `?key=`: the log holds other callers'
    headers and bodies, which a private mock must not show to whoever can reach it.
    """

    def __init__(
        self,
        app: WSGIApplication,
        report: ReportSource,
        prefix: str = DEFAULT_PREFIX,
        refresh_ms: int = REFRESH_MS,
        api_key: str | None = None,
        host_names: HostNames | None = None,
    ) -> None:
        self.app = app
        self.report = report
        self.prefix = prefix
        self.refresh_ms = refresh_ms
        self.api_key = api_key
        self.host_names = host_names or HostNames("127.0.0.1")

    def _allowed(self, request: Request) -> bool:
        if self.api_key is None:
            return True
        given = request.headers.get("x-api-key") or request.args.get("key", "")
        return hmac.compare_digest(given.encode(), self.api_key.encode())

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        bare = self.prefix.rstrip("/")
        mine = (bare, self.prefix, self.prefix + DATA)
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or path not in mine:
            return self.app(environ, start_response)
        request = Request(environ)
        port = int(environ.get("SERVER_PORT") or 0)
        policy = PLAIN_POLICY
        if not self.host_names.allows(environ.get("HTTP_HOST"), port):
            response = Response(
                f"Misdirected request: this call-log viewer answers only to "
                f"{self.host_names.shown(port)}, not Host {environ.get('HTTP_HOST')!r}. "
                "Open it by one of those names, or add this one with --allowed-host NAME.\n",
                status=421,
                mimetype="text/plain",
            )
        elif path == bare:
            query = environ.get("QUERY_STRING", "")
            location = self.prefix + (f"?{query}" if query else "")
            response = Response(status=308, headers={"Location": location})
        elif not self._allowed(request):
            response = Response(
                f"This is a private mock: open {self.prefix}?key=<API key> to see its calls.\n",
                status=401,
                mimetype="text/plain",
            )
        elif path == self.prefix:
            page = render_html(self.report(), live_url=DATA, refresh_ms=self.refresh_ms)
            response = Response(page, mimetype="text/html")
            policy = header_policy(live=True)
        else:
            response = Response(json.dumps(self.report()), mimetype="application/json")
        request.get_data()  # a GET has no body to speak of; read it so keep-alive can go on
        environ[BODY_READ] = True
        response.headers["Cache-Control"] = "no-store"
        response.headers["Content-Security-Policy"] = policy
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response(environ, start_response)
