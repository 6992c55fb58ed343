"""The HTTP/1.1 connection handler: Werkzeug's request parsing, with keep-alive.

Werkzeug's development handler closes every connection after one response,
and afterwards drains whatever the client sent next, which would swallow a
keep-alive client's next request. Our WSGI app always reads the whole request
body and answers with a complete, sized body, so a connection can safely
serve the next request: this handler keeps Werkzeug's environ building
(chunked uploads, `Expect: 100-continue`, headers) and writes the response
itself, keeping the connection open unless the client asked to close it, the
body was not read to the end (a 413), or the server is stopping.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from typing import Any

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from .wsgi_keys import BODY_READ

"""The environ key the app sets once it has read the whole request body."""
IDLE_TIMEOUT = 30.0
"""Seconds a kept-alive connection may sit idle before the server closes it."""
NO_BODY_STATUSES = frozenset({204, 304})
DRAIN_TIMEOUT = 0.2
DRAIN_LIMIT = 64 * 1024 * 1024

_log = logging.getLogger("pytest_postman_mock.server")


class KeepAliveHandler(WSGIRequestHandler):
    """Serve one connection, request after request, without per-request log lines."""

    timeout = IDLE_TIMEOUT
    protocol_version = "HTTP/1.1"
    server_version = "postman-mock"
    sys_version = ""
    server: MockHTTPServer

    def version_string(self) -> str:
        return self.server_version

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def run_wsgi(self) -> None:
        if self.headers.get("Expect", "").lower().strip() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        self.environ = environ = self.make_environ()
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None):  # type: ignore[no-untyped-def]
            started[:] = [status, headers]
            return lambda data: None

        try:
            chunks = self.server.app(environ, start_response)
            try:
                body = b"".join(chunks)
            finally:
                getattr(chunks, "close", lambda: None)()
        except Exception:  # the app answers its own errors; this is the last line of defence
            _log.exception("the mock app failed outside its own error handling")
            started[:] = ["500 Internal Server Error", [("Content-Type", "text/plain")]]
            body, environ[BODY_READ] = b"Internal Server Error", False
        self._send(environ, started[0], started[1], body)

    def _send(
        self, environ: dict[str, Any], status: str, headers: list[tuple[str, str]], body: bytes
    ) -> None:
        code_text, _, reason = status.partition(" ")
        code = int(code_text)
        if self.request_version == "HTTP/0.9":  # no status line, no headers: just the body
            self.wfile.write(body)
            return
        keep = (
            not self.close_connection
            and environ.get(BODY_READ, False)
            and not self.server.stopping.is_set()
        )
        try:
            names = self._head(code, reason, headers)
        except UnicodeEncodeError:  # a header the app let through that HTTP cannot carry
            _log.warning("a response header could not be encoded; sent 500 instead")
            self._headers_buffer = []
            code, body, keep = 500, b"Internal Server Error", False
            names = self._head(code, "Internal Server Error", [("Content-Type", "text/plain")])
        sends_body = code >= 200 and code not in NO_BODY_STATUSES
        if "content-length" not in names and sends_body:
            self.send_header("Content-Length", str(len(body)))
        if not keep:
            self.send_header("Connection", "close")
        elif self.request_version == "HTTP/1.0":
            self.send_header("Connection", "keep-alive")
        # Headers and body leave in one write: two small writes on a kept-alive
        # connection meet Nagle's algorithm and the client's delayed ACK (~40 ms each).
        self._headers_buffer.append(b"\r\n")
        if sends_body and environ["REQUEST_METHOD"] != "HEAD":
            self._headers_buffer.append(body)
        self.flush_headers()
        if not environ.get(BODY_READ, False):
            self._drain()

    def _head(self, code: int, reason: str, headers: list[tuple[str, str]]) -> set[str]:
        """Status line and headers into the buffer; the lower-cased names sent.

        The mock's own `Server` and `Date` go only where the example saved none: the
        example's headers win, so clients never see `Server: postman-mock, nginx`."""
        self.log_request(code)
        self.send_response_only(code, reason)
        names = {key.lower() for key, _ in headers}
        if "server" not in names:
            self.send_header("Server", self.version_string())
        if "date" not in names:
            self.send_header("Date", self.date_time_string())
        for key, value in headers:
            if key.lower() != "connection":
                self.send_header(key, value)
        return names

    def _drain(self) -> None:
        """Read (a bounded amount of) an unread body, so the client sees our answer (a 413)
        rather than a reset connection."""
        self.connection.settimeout(DRAIN_TIMEOUT)
        total = 0
        try:
            while total < DRAIN_LIMIT:
                data = self.rfile.read1(65536)
                if not data:
                    break
                total += len(data)
        except OSError:
            pass

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass  # the call log has every request

    def log(self, type: str, message: str, *args: Any) -> None:
        _log.debug(message, *args)


class MockHTTPServer(ThreadedWSGIServer):
    """Werkzeug's threaded server that knows its open connections, to close them on stop."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.stopping = threading.Event()
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection that failed below the app (a client gone mid-write): log, don't print."""
        _log.debug("connection from %s failed", client_address, exc_info=True)

    def close_connections(self) -> None:
        """End every open connection now (idle keep-alive ones would otherwise linger)."""
        self.stopping.set()
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
