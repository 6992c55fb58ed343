"""pytest-xdist: one server per worker, no port clash, one merged summary."""

from __future__ import annotations

import random
import socket
from pathlib import Path

import pytest

TESTS = """
    import os, requests

    def test_{n}(postman_mock):
        assert requests.get(postman_mock.url_for("/users"), timeout=5).status_code == 200
        with open(os.path.join({out!r}, "{n}.txt"), "w") as f:
            f.write(os.environ.get("PYTEST_XDIST_WORKER", "") + " " + postman_mock.url)
"""


def free_port_pair() -> int:
    """A port P with P and P + 1 both free, below Linux's ephemeral range (32768 up), so
    that no other test's port-0 server can take P + 1 in the meantime."""
    for port in random.sample(range(20_000, 32_000, 2), 200):
        try:
            with socket.socket() as first, socket.socket() as second:
                first.bind(("127.0.0.1", port))
                second.bind(("127.0.0.1", port + 1))
        except OSError:
            continue
        return port
    raise RuntimeError("no free pair of ports")


def test_two_workers_with_a_fixed_port(pytester: pytest.Pytester, users_api: Path) -> None:
    out = pytester.mkdir("out")
    port = free_port_pair()
    pytester.makeini(
        f"[pytest]\npostman_mock_collection = {users_api}\npostman_mock_port = {port}\n"
    )
    for n in range(6):
        pytester.makepyfile(**{f"test_{n}": TESTS.format(n=n, out=str(out))})
    result = pytester.runpytest_subprocess("-n", "2", "--postman-mock-seed", "77")
    result.assert_outcomes(passed=6)
    seen = {p.read_text().split()[0]: p.read_text().split()[1] for p in out.iterdir()}
    assert seen == {"gw0": f"http://127.0.0.1:{port}", "gw1": f"http://127.0.0.1:{port + 1}"}
    result.stdout.fnmatch_lines(
        [
            "postman-mock: seed 77 (repeat with --postman-mock-seed=77)",
            '"Test API" (users.postman_collection.json): 6 calls, 0 unmatched; '
            "1 of 5 examples served (20%)",
        ]
    )
