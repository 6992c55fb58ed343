"""A stand-in for the real API in proxy and record tests: a Werkzeug app on 127.0.0.1.

It is served by `http.server` with HTTP/1.1 keep-alive (Werkzeug's development server
closes every connection, and a real API does not: the proxy's connection reuse only
shows against one that keeps them), independent of the mock's own server code.

`/echo/...` answers with what it was sent (method, path, query, headers, body)
as JSON; `/users/<id>` answers a user, or 404 for id 0; `/slow` holds its answer
until the test releases it (or a deadline passes). With `tls=True` it serves
HTTPS with a freshly made self-signed certificate nobody trusts.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from werkzeug.test import EnvironBuilder, run_wsgi_app
from werkzeug.wrappers import Request, Response

from . import builders

SLOW_DEADLINE = 10.0


class Upstream:
    """The app, and what it saw."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []
        self.release = threading.Event()
        self.lock = threading.Lock()

    def __call__(self, environ: Any, start_response: Any) -> Any:
        request = Request(environ)
        body = request.get_data()
        record = {
            "method": request.method,
            "path": request.path,
            "query": request.query_string.decode(),
            "headers": {k.lower(): v for k, v in request.headers.items()},
            "body": body.decode("utf-8", "replace"),
            "client_port": environ.get("REMOTE_PORT"),
        }
        with self.lock:
            self.seen.append(record)
        if request.path == "/slow":
            self.release.wait(SLOW_DEADLINE)
            response = Response("late", content_type="text/plain")
        elif request.path.startswith("/users/"):
            user = request.path.rsplit("/", 1)[1]
            if user == "0":
                response = Response(
                    json.dumps({"error": "no such user"}), 404, content_type="application/json"
                )
            else:
                payload = {"id": user, "name": "Grace", "from": "upstream"}
                response = Response(json.dumps(payload), content_type="application/json")
        elif request.path == "/login":
            response = Response(json.dumps({"ok": True}), content_type="application/json")
            response.set_cookie("session", "sess-SECRET-cookie")
        else:
            status = int(request.args.get("status", "200"))
            response = Response(json.dumps(record), status, content_type="application/json")
            response.headers["X-Upstream"] = "yes"
        return response(environ, start_response)


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by itself, and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "untrusted stand-in")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class KeepAlive(BaseHTTPRequestHandler):
    """One connection, request after request, each handed to the WSGI app."""

    protocol_version = "HTTP/1.1"
    timeout = 5  # an idle connection ends, so no thread outlives its test for long
    server: Host

    def handle_one_request(self) -> None:
        try:
            self.raw_requestline = self.rfile.readline(65537)
        except (OSError, ValueError):
            self.close_connection = True
            return
        if not self.raw_requestline or not self.parse_request():
            self.close_connection = True
            return
        length = int(self.headers.get("Content-Length") or 0)
        path, _, query = self.path.partition("?")
        builder = EnvironBuilder(
            path=path,
            method=self.command,
            headers=list(self.headers.items()),
            data=self.rfile.read(length),
            query_string=query,
        )
        environ = builder.get_environ()
        environ["REMOTE_PORT"] = self.client_address[1]
        environ["RAW_URI"] = self.path
        chunks, status, headers = run_wsgi_app(self.server.app, environ, buffered=True)
        body = b"".join(chunks)
        code, _, reason = status.partition(" ")
        self.send_response(int(code), reason)
        for key, value in headers.items():
            if key.lower() not in ("content-length", "connection"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        """The stand-in's access log would only clutter test output."""


class Host(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, app: Any, context: ssl.SSLContext | None) -> None:
        super().__init__(("127.0.0.1", 0), KeepAlive)
        self.app = app
        if context is not None:
            self.socket = context.wrap_socket(self.socket, server_side=True)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (a refused certificate, a timeout) is no test failure."""


@contextmanager
def running(tls_folder: Path | None = None, wsgi: Any = None) -> Iterator[tuple[str, Upstream]]:
    """Serve an `Upstream` (or the WSGI app `wsgi`) on 127.0.0.1, HTTPS when `tls_folder` is
    given; yields its URL and the `Upstream`."""
    app = Upstream()
    context = None
    if tls_folder is not None:
        cert, key = self_signed(tls_folder)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
    server = Host(wsgi or app, context)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    scheme = "https" if context else "http"
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}", app
    finally:
        app.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def users_collection(folder: Path) -> Path:
    """A collection to record into: `Users / Get user` (`/users/:userId`, no examples yet),
    `Users / List users` and `Health`, each with one example; `{{baseUrl}}` as the host."""
    doc = builders.collection(
        builders.folder(
            "Users",
            builders.request("Get user", "{{baseUrl}}/users/:userId"),
            builders.request(
                "List users",
                "{{baseUrl}}/users",
                builders.json_example("All users", "{{baseUrl}}/users", [{"id": 1}]),
            ),
        ),
        builders.request(
            "Health",
            "{{baseUrl}}/health",
            builders.example("Up", "{{baseUrl}}/health", body="up from the example"),
        ),
        variables={"baseUrl": "https://api.example.com"},
    )
    return builders.write(folder / "api.postman_collection.json", doc)
