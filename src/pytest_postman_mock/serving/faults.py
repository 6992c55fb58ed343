"""Network faults carried out on a real socket, the way a failing network or server does.

The app decides a call ends in a fault and says so in the environ (`wsgi_keys.FAULT`);
the connection layer, instead of sending the response, calls `carry_out` with the
socket, the response's status line and headers and its body. Every fault ends with
the connection closed by `carry_out` itself (the connection layer must then write
nothing more and not keep the connection), and none lasts past its bound or the
server's stop.

- `reset`: an RST instead of an answer (SO_LINGER 0, then close): ECONNRESET.
- `close`: closed without a byte of answer.
- `empty`: a status line, then closed (no headers, no body).
- `truncate`: the headers with the full Content-Length, half the body, then closed.
- `slow`: the whole response, its body dribbled in pieces over `Fault.ms`.
- `hang`: nothing at all until the client gives up, `Fault.ms` passes or the server stops.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import struct
import threading
import time
from collections.abc import Sequence

from ..behavior_settings import Fault

SLOW_PIECES = 10
POLL_SECONDS = 0.05


def head(status: str, headers: Sequence[tuple[str, str]], length: int) -> bytes:
    """The status line and headers of a response whose body has `length` bytes."""
    lines = [f"HTTP/1.1 {status}"]
    lines += [f"{k}: {v}" for k, v in headers if k.lower() not in ("content-length", "connection")]
    lines += [f"Content-Length: {length}", "Connection: close", "", ""]
    return "\r\n".join(lines).encode("latin-1", "replace")


def carry_out(
    fault: Fault,
    sock: socket.socket,
    status: str,
    headers: Sequence[tuple[str, str]],
    body: bytes,
    stopping: threading.Event,
) -> None:
    """End this call on `sock` with `fault`; the socket is closed when this returns."""
    try:
        if fault.name == "empty":
            sock.sendall(f"HTTP/1.1 {status}\r\n".encode("latin-1", "replace"))
        elif fault.name == "truncate":
            announced = max(len(body), 1)
            sock.sendall(head(status, headers, announced) + body[: len(body) // 2])
        elif fault.name == "slow":
            _dribble(sock, head(status, headers, len(body)), body, fault.ms, stopping)
        elif fault.name == "hang":
            _hang(sock, fault.ms, stopping)
        elif fault.name == "reset":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass  # the client went away first: the fault is carried out all the same
    _close(sock, graceful=fault.name != "reset")


def _dribble(
    sock: socket.socket, start: bytes, body: bytes, ms: int, stopping: threading.Event
) -> None:
    sock.sendall(start)
    pieces = max(1, min(SLOW_PIECES, len(body)))
    size = -(-len(body) // pieces) if body else 0
    pause = ms / 1000 / pieces
    for offset in range(0, len(body), size or 1):
        if stopping.wait(pause):
            return
        sock.sendall(body[offset : offset + size])


def _hang(sock: socket.socket, ms: int, stopping: threading.Event) -> None:
    """Hold the call, noticing when the client closes its end."""
    deadline = time.monotonic() + ms / 1000
    while not stopping.is_set() and time.monotonic() < deadline:
        readable, _, _ = select.select([sock], [], [], POLL_SECONDS)
        if readable and not sock.recv(1, socket.MSG_PEEK):
            return  # the client gave up


def _close(sock: socket.socket, graceful: bool) -> None:
    """Close the connection now, whoever else holds the socket object (its file wrappers
    keep Python from closing it): the object is detached, so later use of it fails with
    EBADF instead of touching a descriptor number the system has reused."""
    if graceful:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        descriptor = sock.detach()
        if descriptor >= 0:
            os.close(descriptor)
