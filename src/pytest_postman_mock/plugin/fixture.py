"""`PostmanMock`: what a test gets from the `postman_mock` fixture.

It is a window onto the session's shared server that shows only this test's
calls, and through which the test changes the server's behaviour for itself
alone; everything it changes is undone when the test ends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..calls.kinds import STRICT_FAILING
from ..calls.log import Call, CallLog
from ..serving.controls import MockAPI
from ..serving.server import MockServer
from ..settings import MockSettings

if TYPE_CHECKING:
    from ..serving.app import MockApp


class PostmanMock(MockAPI):
    """The mock server as one test sees it: its URL, its calls, its overrides."""

    def __init__(self, server: MockServer, test_id: str, strict: bool = True) -> None:
        self.server = server
        self.test_id = test_id
        self.strict = strict

    @property
    def url(self) -> str:
        """Base URL of the mock, e.g. `http://127.0.0.1:54321` (no trailing slash)."""
        return self.server.url

    def url_for(self, path: str) -> str:
        """The full URL of `path` on the mock: `url_for("/users/1")`."""
        return self.server.url_for(path)

    @property
    def settings(self) -> MockSettings:
        """The settings of the server this test runs against (ini, command line, marker)."""
        return self.server.settings

    @property
    def calls(self) -> CallLog:
        """This test's calls, oldest first (other tests' calls are not in it)."""
        return self.server.journal.snapshot(self.test_id)

    @property
    def _app(self) -> MockApp:
        return self.server.app

    @property
    def last_call(self) -> Call | None:
        return self.calls.last

    def strict_failures(self) -> list[Call]:
        """Calls that strict mode fails the test for: unmatched ones and server errors."""
        return [c for c in self.calls if c.kind in STRICT_FAILING]

    def __repr__(self) -> str:
        return f"<PostmanMock {self.server.collection.name!r} at {self.url} for {self.test_id}>"
