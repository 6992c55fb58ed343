"""Raw HTTP over a socket, for tests that send what no well-behaved client would."""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Reply:
    status: int
    head: bytes
    body: bytes

    def header(self, name: str) -> str | None:
        wanted = name.lower().encode()
        for line in self.head.split(b"\r\n")[1:]:
            key, _, value = line.partition(b":")
            if key.strip().lower() == wanted:
                return value.strip().decode("latin-1")
        return None


def parse_replies(data: bytes) -> tuple[list[Reply], bytes]:
    """Every complete response in `data` (sized by Content-Length), and what is left over."""
    replies = []
    while b"\r\n\r\n" in data:
        head, _, rest = data.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        reply = Reply(status, head, b"")
        length = int(reply.header("Content-Length") or 0) if status >= 200 else 0
        if len(rest) < length:
            break
        replies.append(Reply(status, head, rest[:length]))
        data = rest[length:]
    return replies, data


@dataclass
class Exchange:
    """What one raw exchange gave back."""

    replies: list[Reply]
    closed: bool
    """Whether the server closed the connection (EOF) within the deadline."""
    extra: bytes


def send_raw(
    port: int,
    raw: bytes,
    *,
    finals: int,
    half_close: bool = False,
    then: bytes = b"",
    timeout: float = 5.0,
) -> Exchange:
    """Send `raw`, read until `finals` final (non-1xx) responses came or the server closed;
    then send `then` (a follow-up on the same connection) and read until the server closes
    or `timeout` passes."""
    deadline = time.monotonic() + timeout
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(raw)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        data, closed = b"", False

        def finals_seen() -> int:
            return sum(r.status >= 200 for r in parse_replies(data)[0])

        def read_until(done: bool) -> None:
            nonlocal data, closed
            while not closed and (done is False or finals_seen() < finals):
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                sock.settimeout(left)
                try:
                    chunk = sock.recv(65536)
                except (TimeoutError, socket.timeout):
                    return
                except ConnectionResetError:
                    closed = True
                    return
                if not chunk:
                    closed = True
                    return
                data += chunk

        read_until(True)
        if then and not closed:
            sock.sendall(then)
        read_until(False)  # to EOF, or the deadline
    replies, extra = parse_replies(data)
    return Exchange(replies, closed, extra)
