"""One HTTP server for the throughput benchmark, in its own process.

    python benchmarks/serve_peer.py KIND SIZE [COLLECTION]

KIND is one of:

- `ours`: `MockServer` on the collection (call log on, as in a test session);
- `werkzeug`: a bare `werkzeug.serving.make_server(threaded=True)` app returning a
  fixed body (Werkzeug closes the connection after every response);
- `werkzeug-keepalive`: the same fixed-body app behind our h11 connection handler, the
  ceiling for ours: what is left is the cost of the mock's own work;
- `httpserver`: pytest-httpserver (threaded) with one permanent handler per request
  of the collection, registered in collection order (it scans them in order);
- `raw`: an asyncio server that answers every request head with the same fixed bytes,
  keep-alive, parsing nothing: the machine's limit for one Python process.

Prints `Serving <KIND> at <URL>` once ready, then serves until its standard input
closes (the benchmark ends or dies) or `LIFETIME` seconds pass, whichever is first.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from typing import Any, Callable

import gen_collections

LIFETIME = 900.0
BODY = json.dumps({"id": "42", "resource": 0}).encode()


def fixed_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """The least a WSGI app can do: read the request, answer a fixed JSON body."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        environ["wsgi.input"].read(length)
    environ["pytest_postman_mock.body_read"] = True  # lets the keep-alive handler go on
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))]
    start_response("200 OK", headers)
    return [BODY]


def start(kind: str, size: int, collection: str | None) -> tuple[str, Callable[[], None]]:
    """Start the server; returns its URL and how to stop it."""
    if kind == "ours":
        from pytest_postman_mock import MockServer

        assert collection is not None, "ours needs a collection file"
        mock = MockServer(collection).start()
        return mock.url, mock.stop
    if kind in ("werkzeug", "werkzeug-keepalive"):
        from werkzeug.serving import make_server

        if kind == "werkzeug":
            server = make_server("127.0.0.1", 0, fixed_app, threaded=True)
        else:
            from pytest_postman_mock.serving.connection import MockHTTPServer
            from pytest_postman_mock.serving.wire import WireHandler
            from pytest_postman_mock.settings import MockSettings

            server = MockHTTPServer(
                "127.0.0.1",
                0,
                fixed_app,
                handler=WireHandler,
                settings=MockSettings(),
                mock_app=None,
            )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{server.server_port}", server.shutdown
    if kind == "httpserver":
        from pytest_httpserver import HTTPServer

        httpserver = HTTPServer(host="127.0.0.1", port=0, threaded=True)
        for i, path in enumerate(gen_collections.scan_paths(size)):
            httpserver.expect_request(path, method="GET").respond_with_json(
                {"id": "42", "resource": i}
            )
        httpserver.start()
        return httpserver.url_for("").rstrip("/"), httpserver.stop
    if kind == "raw":
        return raw_server()
    raise SystemExit(f"unknown server kind {kind!r}")


RAW_ANSWER = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    b"Content-Length: %d\r\n\r\n%s" % (len(BODY), BODY)
)


class _RawAnswers(asyncio.Protocol):
    """One fixed answer per request head received (no body is read)."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.pending = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.pending += data
        heads = self.pending.count(b"\r\n\r\n")
        if heads and self.transport is not None:
            self.pending = self.pending.rsplit(b"\r\n\r\n", 1)[1]
            self.transport.write(RAW_ANSWER * heads)


def raw_server() -> tuple[str, Callable[[], None]]:
    """`raw`: the asyncio server in a thread of its own, on a free loopback port."""
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(_RawAnswers, "127.0.0.1", 0))
    port = server.sockets[0].getsockname()[1]
    threading.Thread(target=loop.run_forever, daemon=True).start()

    def stop() -> None:
        loop.call_soon_threadsafe(loop.stop)

    return f"http://127.0.0.1:{port}", stop


def main() -> None:
    kind, size = sys.argv[1], int(sys.argv[2])
    collection = sys.argv[3] if len(sys.argv) > 3 else None
    url, stop = start(kind, size, collection)
    print(f"Serving {kind} at {url}", flush=True)
    closed = threading.Event()

    def watch_stdin() -> None:
        sys.stdin.read()
        closed.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    closed.wait(LIFETIME)
    stop()


if __name__ == "__main__":
    main()
