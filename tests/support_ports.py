"""Free ports for tests that must name one, chosen outside the kernel's ephemeral range
(Linux's ip_local_port_range, 32768 to 60999 by default) so that no other test's port-0
server can take them in the meantime."""

from __future__ import annotations

import random
import socket
from pathlib import Path

EPHEMERAL = Path("/proc/sys/net/ipv4/ip_local_port_range")


def fixed_range() -> range:
    """Even ports below the ephemeral range, or above it when there is no room below."""
    try:
        low, high = (int(part) for part in EPHEMERAL.read_text().split())
    except (OSError, ValueError):
        low, high = 32768, 60999
    if low - 1024 >= 2_000:
        return range(max(1024, low - 12_000), low - 2, 2)
    return range(high + 1, 65_534, 2)


def free_port_pair() -> int:
    """A port P with P and P + 1 both free (pytest-xdist's gw1 takes P + 1)."""
    candidates = fixed_range()
    for port in random.sample(candidates, min(200, len(candidates))):
        try:
            with socket.socket() as first, socket.socket() as second:
                first.bind(("127.0.0.1", port))
                second.bind(("127.0.0.1", port + 1))
        except OSError:
            continue
        return port
    raise RuntimeError("no free pair of ports outside the ephemeral range")


def free_port() -> int:
    """A port nothing listens on, and no port-0 server will be given."""
    return free_port_pair()
