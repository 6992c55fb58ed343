"""The threaded HTTP server: Werkzeug's, with a bounded number of connections.

Each connection is served by `wire.WireHandler` in a thread of its own, kept for the
next connection once it is done (`workers`). At most
`max_connections` are open at once: past the cap, the connection that has waited
longest for a request head is closed to make room (a slow or idle client loses its
slot to one that is ready), and when none is waiting the newcomer gets a prompt 503
with `Connection: close` instead of a thread. `accept` failing for lack of
descriptors (EMFILE, ENFILE) backs off instead of spinning on the ready socket.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import socket
import threading
import time
from typing import Any

from werkzeug.serving import ThreadedWSGIServer

from ..settings import MockSettings
from .app import MockApp
from .refusals import busy
from .tls import ServerTLS
from .turns import Turnstile
from .workers import Workers

OUT_OF_DESCRIPTORS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})
BACKOFF_FIRST = 0.01
BACKOFF_MOST = 0.2
"""Seconds between accept attempts while out of descriptors (doubling up to this)."""

_log = logging.getLogger("pytest_postman_mock.server")


class MockHTTPServer(ThreadedWSGIServer):
    """Werkzeug's threaded server that bounds, and knows, its open connections."""

    daemon_threads = True
    block_on_close = False

    def __init__(
        self, *args: Any, settings: MockSettings, mock_app: MockApp | None, **kwargs: Any
    ) -> None:
        self.settings = settings
        self.mock_app = mock_app
        """The app whose call log gets the requests the connection refuses itself."""
        self.stopping = threading.Event()
        self._open: set[socket.socket] = set()
        self._waiting: dict[socket.socket, float] = {}
        """Open connections waiting for a request head, and since when."""
        self._open_lock = threading.Lock()
        self._backoff = 0.0
        self._busy = busy(settings.max_connections)
        self.evicted = 0
        self.turned_away = 0
        self.workers = Workers("postman-mock-connection")
        """The connections' threads, kept for the next connection until `close_connections`."""
        self.turnstile = Turnstile()
        """Whose turn it is to work on a request (see `turns`)."""
        self.tls: ServerTLS | None = None
        """Set before serving for HTTPS: each connection's handler secures its socket."""
        super().__init__(*args, **kwargs)

    @property
    def open_connections(self) -> int:
        return len(self._open)

    def get_request(self) -> tuple[socket.socket, Any]:
        try:
            pair = super().get_request()
        except OSError as problem:
            if problem.errno in OUT_OF_DESCRIPTORS:
                self._backoff = min(max(self._backoff * 2, BACKOFF_FIRST), BACKOFF_MOST)
                _log.warning("accept: %s; retrying in %.2f s", problem, self._backoff)
                self.stopping.wait(self._backoff)
            raise  # socketserver drops the attempt and polls again
        self._backoff = 0.0
        return pair

    def track(self, before: socket.socket, after: socket.socket | None) -> None:
        """Swap the socket `stop()` must shut down (a TLS one replaces the plain one)."""
        with self._open_lock:
            self._open.discard(before)
            since = self._waiting.pop(before, None)
            if after is not None:
                self._open.add(after)
                if since is not None:
                    self._waiting[after] = since
            else:
                self._waiting.pop(before, None)

    def waiting(self, connection: socket.socket, waits: bool) -> None:
        """The handler says whether `connection` is waiting for a request head."""
        with self._open_lock:
            if waits:
                self._waiting.setdefault(connection, time.monotonic())
            else:
                self._waiting.pop(connection, None)

    def process_request(self, request: Any, client_address: Any) -> None:
        victim = None
        with self._open_lock:
            if len(self._open) >= self.settings.max_connections:
                if not self._waiting:
                    self.turned_away += 1
                    self._turn_away(request)
                    return
                victim = min(self._waiting, key=self._waiting.__getitem__)
                del self._waiting[victim]
                self.evicted += 1
            self._open.add(request)
            self._waiting[request] = time.monotonic()  # until its first request head is in
        if victim is not None:
            with contextlib.suppress(OSError):
                victim.shutdown(socket.SHUT_RDWR)
        try:
            self.workers.run(lambda: self.process_request_thread(request, client_address))
        except RuntimeError:  # no thread to be had: the client gets a closed connection
            _log.warning("could not start a thread for a connection", exc_info=True)
            self.shutdown_request(request)

    def _turn_away(self, request: socket.socket) -> None:
        """503 and close, without blocking the accept loop or starting a thread."""
        with contextlib.suppress(OSError):
            request.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                request.recv(65536)  # read what came, so closing does not reset our answer
            request.send(self._busy)
            request.shutdown(socket.SHUT_WR)
        request.close()

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
            self._waiting.pop(request, None)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection that failed below the app (a client gone mid-write): log, don't print."""
        _log.debug("connection from %s failed", client_address, exc_info=True)

    def close_connections(self) -> None:
        """End every open connection now (idle keep-alive ones would otherwise linger), and
        let the threads kept for the next one end."""
        self.stopping.set()
        self.workers.close()
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
