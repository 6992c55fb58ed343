"""One connection, request after request, parsed by h11 and answered by the WSGI app.

Every request gets a fresh `h11.Connection` fed with what the last one left over
(pipelined bytes), so HTTP/1.0 keep-alive works too, and before h11 sees a request
line its raw non-ASCII bytes are percent-encoded (`/café` is `/caf%C3%A9`). The
whole body is read here, bounded by `max_body` whatever its framing, before the app
runs: the app only ever sees bytes the client sent. What h11 or a limit refuses is
answered here (400, 413, 414, 431, 505) with `Connection: close` and logged as a
call; a request the client never finished (it closed, or missed `head_timeout`) gets
no answer and no call.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import socketserver
import time
from typing import TYPE_CHECKING, Any

import h11

from . import faults, tls
from .environ import build_environ
from .quick_head import quick_head
from .refusals import Refusal, record, too_big, wire_bytes
from .response_bytes import CONTINUE, SERVER_NAME, Unsendable, response_bytes
from .turns import outside
from .wsgi_keys import FAULT

if TYPE_CHECKING:
    from .connection import MockHTTPServer

MAX_TARGET = 16 * 1024
"""Longest request line in bytes: past it, 414."""
MAX_HEAD = 64 * 1024
"""Largest request head (line and headers) in bytes: past it, 431."""
MAX_HEADERS = 100
"""Most header fields in one request: past them, 431."""
RECV_SIZE = 65536
WAKE = 5.0
"""Seconds between deadline checks while a connection waits to read."""
DRAIN_SECONDS = 0.5
DRAIN_LIMIT = 1024 * 1024
CUT_SHORT = "the client stopped before sending its whole body"

_log = logging.getLogger("pytest_postman_mock.server")


class Gone(Exception):
    """The client left, or ran out of time, before its request was complete: no answer."""


def encode_target(line: bytes) -> bytes:
    """A request line with its bytes over 0x7F percent-encoded (clients that send raw UTF-8
    mean its percent-encoded form; h11, like RFC 9112, takes ASCII only)."""
    if line.isascii():
        return line
    return b"".join(b"%%%02X" % byte if byte > 0x7F else bytes((byte,)) for byte in line)


class Seen:
    """What has been read of the current request, for the call log of a refusal."""

    def __init__(self, line: bytes = b"") -> None:
        self.line = line
        self.request: h11.Request | None = None
        self.body = bytearray()

    def parts(self) -> tuple[str, str, tuple[tuple[str, str], ...], bytes]:
        """(method, target, headers, body), decoded only for a refusal, as far as read."""
        if self.request is not None:
            method = self.request.method.decode("ascii")
            target = self.request.target.decode("ascii")
            headers = tuple(
                (k.decode("latin-1"), v.decode("latin-1"))
                for k, v in self.request.headers.raw_items()
            )
            return method, target, headers, bytes(self.body)
        words = self.line.rstrip(b"\r\n").split(b" ")
        verb = words[0].decode("ascii")[:32] if words and words[0].isalpha() else ""
        path = words[1].decode("latin-1")[:2048] if len(words) > 1 else ""
        return verb, path, (), bytes(self.body)


class DroppedConnection(ConnectionError):
    """A connection already answered and closed before HTTP began (plain HTTP on TLS)."""


class WireHandler(socketserver.BaseRequestHandler):
    """Serve one connection with h11 until either side closes it."""

    server: MockHTTPServer
    request: socket.socket

    def setup(self) -> None:
        secure = self.server.tls
        if secure is not None:  # HTTPS: the handshake happens here, in this connection's thread
            raw = self.request
            secured = tls.secure(raw, secure)
            self.server.track(raw, secured)
            if secured is None:
                raise DroppedConnection("plain HTTP on a TLS port, or a failed handshake")
            self.request = secured
        # Small responses must not wait for an ACK (Nagle and delayed ACK, ~40 ms each).
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.settings = self.server.settings
        self.buffer = bytearray()
        self.eof = False
        self.timeout: float | None = None
        self.seen = Seen()

    def handle(self) -> None:
        keep = True
        while keep and not self.server.stopping.is_set():
            try:
                keep = self.serve_one()
            except Refusal as refusal:
                self.refuse(refusal, self.seen)
                return
            except Gone:
                return

    def finish(self) -> None:
        """Close gracefully: our FIN first, then read (briefly, boundedly) what the client
        still sends, so that unread bytes do not turn into a reset that loses our answer."""
        self.server.waiting(self.request, False)
        with contextlib.suppress(OSError):
            self.request.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + DRAIN_SECONDS
            total = 0
            while total < DRAIN_LIMIT and (left := deadline - time.monotonic()) > 0:
                self.request.settimeout(left)
                data = self.request.recv(RECV_SIZE)
                if not data:
                    break
                total += len(data)
        if self.server.tls is not None:  # the TLS socket is ours to close, not socketserver's
            self.server.track(self.request, None)
            with contextlib.suppress(OSError):
                self.request.close()

    # ------------------------------------------------------------------ reading

    def recv(self, deadline: float) -> bytes:
        """The next bytes before `deadline` (b"" once the client closed); `Gone` past it.

        The socket's timeout stays at `WAKE` seconds while the deadline is further off
        (setting it costs two system calls), and the deadline is checked on each wake.
        """
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Gone
            timeout = min(left, WAKE)
            if timeout != self.timeout:
                self.request.settimeout(timeout)
                self.timeout = timeout
            try:
                with outside():  # no turn is held while waiting for the client
                    data = self.request.recv(RECV_SIZE)
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                raise Gone from None
            if not data:
                self.eof = True
            return data

    def next_event(self, conn: h11.Connection, deadline: float) -> Any:
        while True:
            event = conn.next_event()
            if event is not h11.NEED_DATA:
                return event
            if self.eof:
                raise Gone
            conn.receive_data(self.recv(deadline))

    def read_line(self) -> tuple[float, int]:
        """Wait (up to idle_timeout) for a request, then for its request line (within
        head_timeout of its first byte); (the head's deadline, the line's length)."""
        self.server.waiting(self.request, True)
        if not self.buffer:
            data = self.recv(time.monotonic() + self.settings.idle_timeout)
            if not data:
                raise Gone
            self.buffer += data
        deadline = time.monotonic() + self.settings.head_timeout
        while (end := self.buffer.find(b"\n", 0, MAX_TARGET + 1)) < 0:
            if len(self.buffer) > MAX_TARGET:
                self.seen = Seen(bytes(self.buffer[:64]))
                raise Refusal(414, f"request line over {MAX_TARGET} bytes")
            data = self.recv(deadline)
            if not data:
                raise Gone
            self.buffer += data
        return deadline, end + 1

    def serve_one(self) -> bool:
        """Read, answer and log one request; whether the connection may serve another.

        The request is worked on in this connection's turn (see `turns`), taken once its
        first line is in and given up before the answer is sent.
        """
        deadline, end = self.read_line()
        with self.server.turnstile:
            request, body, keep = self.read_request(deadline, end)
            status, headers, data, environ = self.run_app(request, body)
            fault = environ.get(FAULT)
            if fault is None:
                sent, keep = self.response(request, status, headers, data, keep)
                self.send_now(sent)
                return keep
        # a behavior ends this call with a network fault, not an answer
        faults.carry_out(fault, self.request, status, headers, data, self.server.stopping)
        return False

    def read_request(self, deadline: float, end: int) -> tuple[h11.Request, bytes, bool]:
        """The request whose line ends at `end` of the buffer, its whole body, and whether
        the connection may be kept after the answer."""
        line = bytes(self.buffer[:end])
        self.seen = seen = Seen(line)
        quick = quick_head(self.buffer, MAX_HEAD)
        if quick is not None:  # a plain bodyless head, whole: no h11.Connection needed
            request, size = quick
            del self.buffer[:size]
            self.server.waiting(self.request, False)
            seen.request = request
            return request, b"", self.check(request)[0]
        conn = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEAD)
        conn.receive_data(encode_target(line) + bytes(self.buffer[end:]))
        self.buffer.clear()
        try:
            request = self.next_event(conn, deadline)
        except h11.RemoteProtocolError as problem:
            if self.eof:
                raise Gone from None
            if problem.error_status_hint == 431:
                raise Refusal(431, f"request head over {MAX_HEAD} bytes") from None
            if not line.rstrip().rsplit(b" ", 1)[-1].startswith(b"HTTP/"):
                note = "no HTTP version in the request line (HTTP/0.9 is not served)"
                raise Refusal(400, note) from None
            reason = str(problem).split(": bytearray", 1)[0]  # h11 appends the bytes' repr
            raise Refusal(400, f"malformed request: {reason}") from None
        self.server.waiting(self.request, False)
        if not isinstance(request, h11.Request):
            raise Gone
        seen.request = request
        keep, bodyless = self.check(request)
        if bodyless and not conn.they_are_waiting_for_100_continue:
            # h11 would next say EndOfMessage without reading a byte: skip asking it
            self.buffer += conn.trailing_data[0]
            return request, b"", keep
        return request, self.read_body(conn, seen), keep

    def check(self, request: h11.Request) -> tuple[bool, bool]:
        """Refuse what h11 lets through but we do not take; (whether the connection may be
        kept after the answer, as h11 decides it plus HTTP/1.0 `Connection: keep-alive`;
        whether the request has no body)."""
        items = request.headers.raw_items()
        if len(items) > MAX_HEADERS:
            raise Refusal(431, f"more than {MAX_HEADERS} header fields")
        size, length, chunked = 0, None, False
        tokens: set[bytes] = set()
        for name, value in items:
            size += len(name) + len(value) + 4
            lower = name.lower()
            if lower == b"content-length":
                length = value
            elif lower == b"transfer-encoding":
                chunked = True
            elif lower == b"connection":
                tokens.update(token.strip().lower() for token in value.split(b","))
        # h11 bounds a head still arriving; one that came whole in one read is bounded here.
        if size > MAX_HEAD:
            raise Refusal(431, f"request head over {MAX_HEAD} bytes")
        if request.http_version not in (b"1.0", b"1.1"):
            version = request.http_version.decode("ascii")
            raise Refusal(505, f"HTTP/{version} is not supported (HTTP/1.0 and 1.1 are)")
        if length is not None and (len(length) > 15 or int(length) > self.settings.max_body):
            raise too_big(self.settings.max_body)
        bodyless = not chunked and (length is None or int(length) == 0)
        if (length is not None and chunked) or b"close" in tokens:
            return False, bodyless  # RFC 9112 6.1: read as chunked, close after, whatever CL said
        return request.http_version == b"1.1" or b"keep-alive" in tokens, bodyless

    def read_body(self, conn: h11.Connection, seen: Seen) -> bytes:
        if conn.they_are_waiting_for_100_continue:
            self.send(CONTINUE)
        limit = self.settings.max_body
        while True:
            try:
                event = self.next_event(conn, time.monotonic() + self.settings.head_timeout)
            except h11.RemoteProtocolError as problem:
                if self.eof:
                    raise Refusal(400, CUT_SHORT) from None
                raise Refusal(400, f"malformed body: {problem}") from None
            except Gone:
                raise Refusal(400, CUT_SHORT) from None
            if isinstance(event, h11.Data):
                seen.body += event.data
                if len(seen.body) > limit:
                    del seen.body[limit:]
                    raise too_big(limit)
            elif isinstance(event, h11.EndOfMessage):
                self.buffer += conn.trailing_data[0]
                return bytes(seen.body)

    # ------------------------------------------------------------------ answering

    def send_now(self, data: bytes) -> None:
        """Send in this turn what the socket takes at once (a whole small response, as a
        rule), and the rest, if any, outside it: a client slow to read holds up no one.

        The first write goes straight to the descriptor, which a socket with a timeout
        keeps non-blocking: `socket.send` would first wait (up to the timeout) for room.
        """
        done = 0
        if self.server.tls is None and self.timeout is not None:
            try:
                done = os.write(self.request.fileno(), data)
            except BlockingIOError:  # no room now: all of it goes outside the turn
                pass
            except OSError:
                raise Gone from None
        if done < len(data):
            self.send(memoryview(data)[done:])

    def send(self, data: bytes | memoryview | None) -> None:
        if data:
            try:
                with outside():
                    self.request.sendall(data)
            except OSError:
                raise Gone from None

    def run_app(
        self, request: h11.Request, body: bytes
    ) -> tuple[str, list[Any], bytes, dict[str, Any]]:
        environ = build_environ(
            request,
            body,
            self.client_address,
            (str(self.server.server_address[0]), int(self.server.server_address[1])),
            SERVER_NAME,
            "https" if self.server.tls is not None else "http",
        )
        started: list[Any] = []

        def start_response(status: str, headers: list[Any], exc_info: Any = None) -> Any:
            started[:] = [status, headers]
            return lambda data: None

        try:
            chunks = self.server.app(environ, start_response)
            try:
                data = b"".join(chunks)
            finally:
                getattr(chunks, "close", lambda: None)()
            return started[0], started[1], data, environ
        except Exception:  # the app answers its own errors; this is the last line of defence
            _log.exception("the mock app failed outside its own error handling")
            plain = [("Content-Type", "text/plain")]
            return "500 Internal Server Error", plain, b"Server error", environ

    def response(
        self, request: h11.Request, status: str, headers: list[Any], data: bytes, keep: bool
    ) -> tuple[bytes, bool]:
        """The app's response as the bytes of one write; whether to keep the connection.

        h11 only parses here: each request has its own `h11.Connection` (see `read_request`),
        dropped once its body is read, so the response never goes through h11 and no h11
        state has to follow it. `keep` comes from `check`; on HTTP/1.0 a kept connection
        says `Connection: keep-alive`, and a closing one always says `Connection: close`.
        """
        keep = keep and not self.server.stopping.is_set()
        old = request.http_version == b"1.0"
        try:
            sent = response_bytes(
                status,
                headers,
                data,
                head_only=request.method == b"HEAD",
                connection=None if keep and not old else "keep-alive" if keep else "close",
            )
        except Unsendable as problem:
            _log.warning("a response could not be sent (%s); sent 500 instead", problem)
            return wire_bytes(Refusal(500, "unsendable response").rendered(0)), False
        return sent, keep

    def refuse(self, refusal: Refusal, seen: Seen) -> None:
        """Answer a refused request with `Connection: close`, and log it."""
        sent = refusal.rendered(self.settings.max_body)
        app = self.server.mock_app
        if app is not None:
            record(app, refusal, sent, seen.parts())
        with contextlib.suppress(Gone):
            self.send(wire_bytes(sent))
