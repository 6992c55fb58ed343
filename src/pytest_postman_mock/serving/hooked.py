"""The connection handler with the two hooks behaviors and HTTPS need.

The connection layer (`connection.py`) owns HTTP framing; this subclass adds, at its
edges, exactly two calls, which any connection layer must make the same way:

1. when the connection is accepted, before the first byte is read: if the server has
   `tls` (a `ServerTLS`), `tls.secure(sock, server.tls)` gives the socket to read and
   write from then on (None: the connection is already answered and closed);
2. when the app has answered: if `environ[wsgi_keys.FAULT]` is set, call
   `faults.carry_out(fault, sock, status, headers, body, server.stopping)` instead of
   sending the response, then end the connection without writing anything more.
"""

from __future__ import annotations

import contextlib
from typing import Any

from . import faults, tls
from .connection import KeepAliveHandler, MockHTTPServer
from .wsgi_keys import FAULT


class DroppedConnection(ConnectionError):
    """A connection already answered and closed before HTTP began (plain HTTP on TLS)."""


class HookedServer(MockHTTPServer):
    """The threaded server, with the TLS the handler's first hook uses."""

    tls: tls.ServerTLS | None = None

    def track(self, before: Any, after: Any) -> None:
        """Swap the socket stop() must shut down (the TLS one replaces the plain one)."""
        with self._open_lock:
            self._open.discard(before)
            if after is not None:
                self._open.add(after)


class HookedHandler(KeepAliveHandler):
    """`KeepAliveHandler` with the TLS and fault hooks."""

    server: HookedServer

    def setup(self) -> None:
        secure = self.server.tls
        if secure is not None:
            raw = self.request
            secured = tls.secure(raw, secure)
            self.server.track(raw, secured)
            if secured is None:
                raise DroppedConnection("plain HTTP on a TLS port, or a failed handshake")
            self.request = secured
        super().setup()

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        if self.server.tls is not None:
            self.server.track(self.request, None)
            with contextlib.suppress(OSError):
                self.request.close()

    def _send(
        self, environ: dict[str, Any], status: str, headers: list[tuple[str, str]], body: bytes
    ) -> None:
        fault = environ.get(FAULT)
        if fault is None:
            super()._send(environ, status, headers, body)
            return
        self.close_connection = True
        faults.carry_out(fault, self.connection, status, headers, body, self.server.stopping)
