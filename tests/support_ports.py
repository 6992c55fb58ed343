"""Free ports for tests that must name one, chosen below Linux's ephemeral range
(32768 up) so that no other test's port-0 server can take them in the meantime."""

from __future__ import annotations

import random
import socket

FIXED_RANGE = range(20_000, 32_000, 2)


def free_port_pair() -> int:
    """A port P with P and P + 1 both free (pytest-xdist's gw1 takes P + 1)."""
    for port in random.sample(FIXED_RANGE, 200):
        try:
            with socket.socket() as first, socket.socket() as second:
                first.bind(("127.0.0.1", port))
                second.bind(("127.0.0.1", port + 1))
        except OSError:
            continue
        return port
    raise RuntimeError("no free pair of ports")


def free_port() -> int:
    """A port nothing listens on, and no port-0 server will be given."""
    return free_port_pair()
