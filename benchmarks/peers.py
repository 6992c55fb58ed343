"""Servers under test, each in its own process, started and stopped by the benchmark.

A `Peer` is a child process that serves HTTP on 127.0.0.1 and knows its URL.
Our own server and the Python peers run `serve_peer.py`; Prism runs through
`npx`, and PLMS (Postman's local mock server) through `node` once npm has installed
it into a cache folder, each when it installs and starts within a bounded time. Every child is
stopped by closing its standard input (it exits by itself), then, if it has
not gone within a few seconds, by ending its own process group.
"""

from __future__ import annotations

import contextlib
import http.client
import importlib.metadata
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
READY_TIMEOUT = 60.0
PRISM_PACKAGE = "@stoplight/prism-cli@5"
INSTALL_TIMEOUT = 240.0
"""Seconds an npm install of a peer may take."""
PLMS_PACKAGE = "@jordanwalsh23/postman-local-mock-server"
PLMS_SOURCE = HERE / "plms"
"""`package.json` (the version, and stand-ins for the `http`/`https` placeholder packages
it lists, which registries may not serve) and `serve.js` (binds it to 127.0.0.1)."""
RIVALS = ("httpserver", "prism", "plms")
"""The peers our throughput is compared with (the others are references)."""
PYTHON_PACKAGES = ("pytest-postman-mock", "werkzeug", "pytest", "pytest-httpserver", "responses")
_found_versions: dict[str, str] = {}


class PeerUnavailable(Exception):
    """The peer cannot run here (not installed, or did not start in time)."""


class Peer:
    """A server child process; use as a context manager."""

    def __init__(self, name: str, command: list[str], url: str | None = None) -> None:
        self.name = name
        self.command = command
        self.url = url or ""
        self.external = url is not None
        """An external program: it does not watch its standard input, so it gets SIGTERM."""
        self.process: subprocess.Popen[bytes] | None = None
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in stop())

    def launch(self) -> Peer:
        """Start the child process without waiting (peers start side by side)."""
        self.process = subprocess.Popen(
            self.command,
            stdin=subprocess.PIPE,
            stdout=self._log if self.external else subprocess.PIPE,
            stderr=self._log,
            start_new_session=True,  # its own group, so npx's node children stop with it
            cwd=HERE,
        )
        return self

    def ready(self, probe: str) -> Peer:
        """Wait until `probe` (a path) gets any HTTP answer; `PeerUnavailable` if it never does."""
        assert self.process is not None, "launch() first"
        if not self.external:
            assert self.process.stdout is not None
            readable, _, _ = select.select([self.process.stdout], [], [], READY_TIMEOUT)
            line = self.process.stdout.readline().decode().strip() if readable else ""
            if " at http" not in line:
                self.stop()
                raise PeerUnavailable(f"{self.name} did not start: {self._tail() or line}")
            self.url = line.rsplit(" at ", 1)[1]
        self._wait_ready(probe)
        return self

    def start(self, probe: str) -> Peer:
        return self.launch().ready(probe)

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by every process of this peer's session.

        A noisy neighbour slows a server down but hardly changes the CPU it spends per
        request, so CPU per request is the steadier of the two comparisons.
        """
        if self.process is None:
            return 0.0
        return session_cpu_seconds(self.process.pid)

    def _wait_ready(self, probe: str) -> None:
        parts = urlsplit(self.url)
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise PeerUnavailable(f"{self.name} exited: {self._tail()}")
            try:
                connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=2)
                connection.request("GET", probe)
                connection.getresponse().read()
                connection.close()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise PeerUnavailable(f"{self.name} was not ready within {READY_TIMEOUT:.0f} s")

    def _tail(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-500:].strip()

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        with contextlib.suppress(OSError):
            assert process.stdin is not None
            process.stdin.close()
        if self.external:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)  # the group this peer started
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)  # the group this peer started
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if process.stdout is not None:
            process.stdout.close()
        self._log.close()

    def __enter__(self) -> Peer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def session_cpu_seconds(session: int) -> float:
    """User + system CPU seconds of the live processes in a session (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # the process ended meanwhile
        fields = text.rsplit(")", 1)[1].split()
        # after "pid (comm)": state ppid pgrp session ... utime(12) stime(13)
        if int(fields[3]) == session:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def python_peer(kind: str, size: int, collection: Path | None = None) -> Peer:
    """`ours`, `werkzeug`, `werkzeug-keepalive` or `httpserver` (see serve_peer.py)."""
    command = [sys.executable, str(HERE / "serve_peer.py"), kind, str(size)]
    if collection is not None:
        command.append(str(collection))
    return Peer(kind, command)


def serve_peer(collection: Path) -> Peer:
    """`postman-mock serve --quiet` on the collection, as a load run would start it."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "pytest_postman_mock.cli",
        "serve",
        str(collection),
        "--port",
        str(port),
        "--quiet",
        "--no-viewer",
    ]
    return Peer("serve", command, url=f"http://127.0.0.1:{port}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _install(command: list[str], what: str, cwd: Path | None = None) -> str:
    """Run an npm step within `INSTALL_TIMEOUT`: its output, or `PeerUnavailable`."""
    try:
        done = subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise PeerUnavailable(f"{what} did not finish within {INSTALL_TIMEOUT:.0f} s") from None
    if done.returncode != 0:
        raise PeerUnavailable(f"{what} failed: " + (done.stderr.strip().splitlines() or ["?"])[-1])
    return done.stdout.strip()


def prism_ready() -> str | None:
    """None when Prism can run (installing it from the npm registry, bounded), else why not."""
    if shutil.which("npx") is None:
        return "npx not found"
    try:
        _found_versions["prism"] = _install(["npx", "-y", PRISM_PACKAGE, "--version"], "npx")
    except PeerUnavailable as problem:
        return str(problem)
    return None


def plms_folder() -> Path:
    """Where PLMS is installed: a cache folder outside the checkout, reused across runs."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "pytest-postman-mock-bench" / "plms"


def plms_ready() -> str | None:
    """None when PLMS can run (installing it from the npm registry, bounded), else why not."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        return "npm or node not found"
    folder = plms_folder()
    wanted = (PLMS_SOURCE / "package.json").read_text()
    installed = folder / "node_modules" / PLMS_PACKAGE / "package.json"
    if not installed.exists() or (folder / "package.json").read_text() != wanted:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(PLMS_SOURCE, folder)
        command = ["npm", "install", "--no-audit", "--no-fund", "--omit=dev"]
        try:
            _install(command, "npm install (PLMS)", folder)
        except PeerUnavailable as problem:
            return str(problem)
    _found_versions["plms"] = json.loads(installed.read_text())["version"]
    return None


def plms_peer(collection: Path) -> Peer:
    """PLMS serving the same Postman collection on 127.0.0.1 (it logs nothing per request)."""
    port = free_port()
    script = str(PLMS_SOURCE / "serve.js")
    command = ["node", script, str(plms_folder()), str(collection), str(port)]
    return Peer("plms", command, url=f"http://127.0.0.1:{port}")


def versions() -> dict[str, str]:
    """Versions of the peers and tools: Python packages, node, and Prism once checked."""
    found: dict[str, str] = {}
    for name in PYTHON_PACKAGES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "not installed"
    if shutil.which("node"):
        done = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False)
        found["node"] = done.stdout.strip()
    found.update(_found_versions)
    return found


def prism_peer(collection: Path) -> Peer:
    """Prism mocking the same Postman collection, quiet (no per-request log lines)."""
    port = free_port()
    command = [
        "npx",
        "-y",
        PRISM_PACKAGE,
        "mock",
        str(collection),
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        "-v",
        "error",
    ]
    return Peer("prism", command, url=f"http://127.0.0.1:{port}")
