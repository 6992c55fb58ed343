"""MockServer outside pytest: in a unittest suite and in a plain script."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path


def test_unittest_suite_uses_mock_server(tmp_path: Path, users_api: Path) -> None:
    (tmp_path / "test_users_unittest.py").write_text(
        textwrap.dedent(f"""
        import unittest
        import requests
        from pytest_postman_mock import MockServer

        class UsersTest(unittest.TestCase):
            @classmethod
            def setUpClass(cls):
                cls.mock = MockServer({str(users_api)!r}).start()
                cls.addClassCleanup(cls.mock.stop)

            def test_get_user(self):
                response = requests.get(self.mock.url_for("/users/3"), timeout=5)
                self.assertEqual(response.json(), {{"id": "3", "name": "Ada"}})
                self.mock.assert_called_once("GET", "/users/:userId")

            def test_override_for_a_block(self):
                with self.mock.override("GET", "/users/:userId", status=503):
                    status = requests.get(self.mock.url_for("/users/3"), timeout=5).status_code
                self.assertEqual(status, 503)
                self.assertEqual(
                    requests.get(self.mock.url_for("/users/3"), timeout=5).status_code, 200)
    """)
    )
    result = subprocess.run(
        [sys.executable, "-m", "unittest", "-v", "test_users_unittest"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Ran 2 tests" in result.stderr
    assert result.stderr.strip().endswith("OK")


def test_a_plain_script(tmp_path: Path, users_api: Path) -> None:
    script = tmp_path / "script.py"
    script.write_text(
        textwrap.dedent(f"""
        import requests
        from pytest_postman_mock import MockServer

        with MockServer({str(users_api)!r}, delay=0) as mock:
            print(requests.get(mock.url + "/users", timeout=5).json()[0]["name"])
            print(mock.calls.last.summary())
    """)
    )
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["Ada", 'GET /users -> 200 "All users"']
