"""`MockServer`: the engine behind a real threaded Werkzeug HTTP server.

The listening socket is bound here, not by Werkzeug, so that a port in use or
a refused address becomes a `ServerError` naming the address and the fix
instead of Werkzeug's `sys.exit`. The server runs in a daemon thread; `stop()`
shuts it down, joins the thread and closes the socket, so the port is free
when it returns.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
import threading
import warnings
from pathlib import Path
from types import TracebackType
from typing import Any, Callable

from ..calls.log import Call, CallLog, Journal
from ..collection import Collection, Environment
from ..engine.core import Engine
from ..engine.plans import Rendered
from ..errors import ServerError
from ..settings import MockSettings
from .app import MockApp, ResponseHook
from .connection import KeepAliveHandler, MockHTTPServer
from .controls import MockAPI


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or a `ServerError` that says what to do."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as problem:
        raise ServerError(f"cannot resolve mock server host {host!r}: {problem}") from None
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as problem:
        sock.close()
        hint = ""
        if problem.errno == errno.EADDRINUSE:
            hint = "; the port is in use: choose another, or port 0 for any free port"
        elif problem.errno in (errno.EACCES, errno.EPERM):
            hint = "; permission denied: use a port above 1023, or port 0 for any free port"
        raise ServerError(
            f"cannot listen on {host}:{port}: {problem.strerror or problem}{hint}"
        ) from None
    return sock


def listens_everywhere(address: str) -> bool:
    """Whether a bound (resolved) address is the unspecified one: however the host was
    spelled (`0`, `0x0`, `000.0.0.0`, `::0`, `0:0:0:0:0:0:0:0`), this is what it became."""
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_unspecified
    except ValueError:
        return False


class MockServer(MockAPI):
    """A Postman mock server for a collection, on a real socket, in a background thread.

    >>> with MockServer("api.postman_collection.json") as mock:  # doctest: +SKIP
    ...     requests.get(mock.url + "/users/7")
    """

    def __init__(
        self,
        collection: str | Path | Collection,
        environment: str | Path | Environment | None = None,
        settings: MockSettings | None = None,
        **values: Any,
    ) -> None:
        base = settings or MockSettings()
        self.settings = base.with_values(values, "MockServer()") if values else base
        self._sources = (collection, environment)
        self.app = MockApp(Engine.from_files(collection, environment, self.settings))
        self._server: MockHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.wsgi_wrapper: Callable[[MockApp], Any] | None = None
        """Wraps the app the HTTP server runs, when set before `start()` (serve's viewer)."""

    @property
    def engine(self) -> Engine:
        return self.app.engine

    @property
    def collection(self) -> Collection:
        return self.engine.collection

    def reload(self) -> Engine:
        """Load the collection (and environment) files again and serve the new examples.

        Calls already in flight finish with the examples they started with; a file that
        no longer loads raises `CollectionError` and the old examples stay in service.
        Coverage counts start again, since they belong to the old examples.
        """
        engine = Engine.from_files(*self._sources, self.settings)
        self.app.engine = engine
        self.app.served.clear()
        return engine

    @property
    def seed(self) -> int:
        """The seed of this server's `{{$random...}}` values (given, or drawn at start)."""
        return self.app.seed

    def begin_test(self, test_id: str, seed: int, outage: Rendered | None = None) -> None:
        """Start one test's world: its calls tagged `test_id`, values from `seed`, and an
        outage when the test asks for one. `end_test` undoes all of it."""
        self.app.begin_test(test_id, seed)
        self.app.outage = outage

    def end_test(self) -> None:
        """Undo what the test changed: overrides and outage go, calls are no longer its own."""
        self.app.begin_test(None)

    def on_call(self, listener: Callable[[Call], None]) -> None:
        """Call `listener` with each call once it is in the log (in the server's thread)."""
        self.app.journal.listeners.append(listener)

    def on_response(self, hook: ResponseHook) -> None:
        """Let `hook(request, example name, response)` replace a response before it is sent."""
        self.app.response_hook = hook

    @property
    def journal(self) -> Journal:
        return self.app.journal

    @property
    def _app(self) -> MockApp:
        return self.app

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def host(self) -> str:
        return self.settings.host

    @property
    def port(self) -> int:
        if self._server is None:
            raise ServerError("the mock server is not running; call start() first")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT`, with no trailing slash."""
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"http://{host}:{self.port}"

    def url_for(self, path: str) -> str:
        return self.url + ("" if path.startswith("/") else "/") + path

    @property
    def calls(self) -> CallLog:
        """Every call this server has logged (up to `max_calls`), oldest first."""
        return self.app.journal.snapshot()

    def start(self) -> MockServer:
        with self._lock:
            if self._server is not None:
                return self
            self.app.stopping.clear()
            sock = bind_socket(self.settings.host, self.settings.port)
            bound = str(sock.getsockname()[0])
            if listens_everywhere(bound):
                spelled = self.settings.host
                if spelled not in ("0.0.0.0", "::"):
                    spelled += f" ({bound}, every interface)"
                warnings.warn(
                    f"the mock server listens on {spelled}: "
                    "anyone who can reach this machine can call it",
                    stacklevel=2,
                )
            try:
                server = MockHTTPServer(
                    self.settings.host,
                    self.settings.port,
                    self.app if self.wsgi_wrapper is None else self.wsgi_wrapper(self.app),
                    handler=KeepAliveHandler,
                    fd=sock.fileno(),
                )
            finally:
                sock.close()  # the server holds its own duplicate of the descriptor
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"postman-mock:{server.server_address[1]}",
                daemon=True,
            )
            thread.start()
            self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        """Stop serving, join the thread and release the port (safe to call twice)."""
        with self._lock:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        if server is None:
            return
        self.app.stopping.set()  # cut delays short
        server.shutdown()
        server.close_connections()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        if self.app.proxying is not None:
            self.app.proxying.close()  # the kept-alive connections to the proxy target

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.url if self.running else "stopped"
        return f"<MockServer {self.collection.name!r} {where}>"
