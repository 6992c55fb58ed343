"""HTTPS for the mock: certificates from a test CA (trustme), or the user's own.

`ServerTLS` holds what one server needs: the server-side `ssl.SSLContext`, and the
CA bundle (a PEM file) clients trust it with. The test CA is made once per process
(one per pytest session, or `serve` run) and written to a temporary folder, removed
at exit. `secure` turns one accepted connection into a TLS connection in that
connection's own thread, so a client that never finishes its handshake holds up no
one else; a client that speaks plain HTTP to the TLS port gets a plain 400 that says
so, instead of a hang or a garbled TLS alert.
"""

from __future__ import annotations

import atexit
import contextlib
import shutil
import socket
import ssl
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ServerError

HANDSHAKE_SECONDS = 10.0
TLS_RECORD = 0x16
"""The first byte of every TLS ClientHello (a handshake record)."""
NAMES = ("127.0.0.1", "localhost", "::1")
INSTALL_HINT = "pip install 'pytest-postman-mock[tls]'"
_lock = threading.Lock()
_authority: Any = None
_folder: Path | None = None


@dataclass(frozen=True)
class ServerTLS:
    """The server's TLS context and the CA bundle clients should trust (None for the user's
    own certificate, which clients trust as they trust any other)."""

    context: ssl.SSLContext
    ca_bundle: str | None

    def client_context(self) -> ssl.SSLContext:
        """A client context that trusts this server's certificate."""
        return ssl.create_default_context(cafile=self.ca_bundle)


def _test_ca() -> tuple[Any, Path]:
    """The process's test CA and the folder its files live in, made on first use."""
    global _authority, _folder
    with _lock:
        if _authority is None:
            try:
                import trustme  # an optional extra: imported only when HTTPS is asked for
            except ImportError:
                raise ServerError(
                    f"HTTPS (tls=True) needs the trustme package: {INSTALL_HINT}"
                ) from None
            _authority = trustme.CA(organization_name="pytest-postman-mock test CA")
            _folder = Path(tempfile.mkdtemp(prefix="postman-mock-tls-"))
            atexit.register(shutil.rmtree, _folder, True)
            _authority.cert_pem.write_to_path(str(_folder / "ca.pem"))
        assert _folder is not None
        return _authority, _folder


def server_tls(host: str, cert: str | None = None, key: str | None = None) -> ServerTLS:
    """TLS for a server on `host`: the given `cert` and `key`, else a test CA's certificate."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    if cert is not None:
        try:
            context.load_cert_chain(cert, key)
        except (OSError, ssl.SSLError) as problem:
            raise ServerError(f"cannot use --cert {cert} / --key {key}: {problem}") from None
        return ServerTLS(context, None)  # the user's own certificate: clients trust it already
    if key is not None:
        raise ServerError("--key was given without --cert")
    authority, folder = _test_ca()
    names = list(dict.fromkeys([*NAMES, host]))
    issued = authority.issue_cert(*[name for name in names if name not in ("", "0.0.0.0", "::")])
    issued.configure_cert(context)
    return ServerTLS(context, str(folder / "ca.pem"))


NOT_TLS = b"this port speaks HTTPS: call it with https:// (and trust the mock's CA bundle)\n"


def secure(sock: socket.socket, tls: ServerTLS) -> ssl.SSLSocket | None:
    """`sock` as a TLS connection, or None when the client did not speak TLS (a plain-HTTP
    client has then had its 400) or the handshake failed; `sock` is closed in that case."""
    sock.settimeout(HANDSHAKE_SECONDS)
    try:
        first = sock.recv(1, socket.MSG_PEEK)
        if first and first[0] != TLS_RECORD:
            sock.sendall(
                b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + f"Content-Length: {len(NOT_TLS)}\r\nConnection: close\r\n\r\n".encode()
                + NOT_TLS
            )
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_WR)
                sock.recv(65536)  # let the client read our answer before the close
            sock.close()
            return None
        if not first:
            sock.close()
            return None
        return tls.context.wrap_socket(sock, server_side=True)
    except (OSError, ssl.SSLError):
        sock.close()
        return None
