"""pytest-xdist: one server per worker, no port clash, one merged summary."""

from __future__ import annotations

from pathlib import Path

import pytest

from .support_ports import free_port_pair

TESTS = """
    import os, requests

    def test_{n}(postman_mock):
        assert requests.get(postman_mock.url_for("/users"), timeout=5).status_code == 200
        with open(os.path.join({out!r}, "{n}.txt"), "w") as f:
            f.write(os.environ.get("PYTEST_XDIST_WORKER", "") + " " + postman_mock.url)
"""


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
