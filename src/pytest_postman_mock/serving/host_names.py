"""Which `Host` headers the live viewer answers to (a defence against DNS rebinding).

A page on `evil.test` whose name is rebound to 127.0.0.1 can make the browser call
the viewer "same-origin", and read every call the mock logged. The browser still
sends `Host: evil.test`, so the viewer answers only the names it is known by: the
address it is bound to, `localhost`, `127.0.0.1` and `[::1]`, and the names the
user adds with `allowed_hosts` (`serve --allowed-host`), each with the server's
port (a name given as `name:port` must match that port exactly).
"""

from __future__ import annotations

from collections.abc import Iterable

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
DEFAULT_PORT = 80


def split_host(value: str) -> tuple[str, int] | None:
    """`name:port` / `[v6]:port` / `name` -> (lower-case name, port); None when malformed."""
    value = value.strip().lower()
    if value.startswith("["):
        name, bracket, rest = value[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            return None
        port_text = rest[1:]
    elif value.count(":") == 1:
        name, _, port_text = value.partition(":")
    elif ":" in value:  # a bare IPv6 address is not a valid Host header
        return None
    else:
        name, port_text = value, ""
    if not name or (port_text and not (port_text.isascii() and port_text.isdigit())):
        return None
    return name.rstrip("."), int(port_text) if port_text else DEFAULT_PORT


class HostNames:
    """The `Host` values one viewer answers to."""

    def __init__(self, bind_host: str, extra: Iterable[str] = ()) -> None:
        self.names = {bind_host.strip().strip("[]").lower(), *LOOPBACK_NAMES}
        self.exact: set[tuple[str, int]] = set()
        for given in extra:
            text = given.strip()
            with_port = "]:" in text if text.startswith("[") else text.count(":") == 1
            parsed = split_host(text) if with_port else None
            if parsed is not None:
                self.exact.add(parsed)
            else:
                self.names.add(text.strip("[]").lower().rstrip("."))

    def allows(self, host: str | None, port: int) -> bool:
        """Whether a request with this `Host` header, to a server on `port`, is ours."""
        parsed = split_host(host or "")
        if parsed is None:
            return False
        return (parsed[0] in self.names and parsed[1] == port) or parsed in self.exact

    def shown(self, port: int) -> str:
        """The allowed names as a user would type them, for the refusal text."""
        pairs = sorted({(n, port) for n in self.names} | self.exact)
        return ", ".join(f"[{n}]:{p}" if ":" in n else f"{n}:{p}" for n, p in pairs)
