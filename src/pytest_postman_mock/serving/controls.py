"""What a test (`PostmanMock`) and a script (`MockServer`) both can do with a mock:
assert on its calls, wait for calls, and override its answers.

The two differ only in which calls they see (a test sees its own) and in how
long an override lasts (a test's end with the test), so the methods live here
once, over two small hooks: `calls` and `_app`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..calls import assertions, building
from ..calls.assertions import Expectation
from ..calls.criteria import _MISSING
from ..calls.describe import failure_lines
from ..calls.handlers import Handler
from ..calls.log import Call, CallLog
from ..calls.overrides import Override
from ..engine.plans import _UNSET, outage_response
from ..errors import SettingsError, did_you_mean
from .programmable import ProgrammableAPI

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..calls.building import ReplyFields
    from ..calls.criteria import CriteriaFields
    from .app import MockApp


class MockAPI(ProgrammableAPI):
    """Assertions, waiting and overrides over `self.calls` and `self._app`."""

    @property
    def calls(self) -> CallLog:
        raise NotImplementedError

    @property
    def _app(self) -> MockApp:
        raise NotImplementedError

    # -- overrides -----------------------------------------------------------------------------

    def override(
        self,
        selector: str,
        path: str | None = None,
        *,
        times: int | None = None,
        responses: Sequence[ReplyFields] | None = None,
        handler: Handler | None = None,
        when: CriteriaFields | None = None,
        **reply: Unpack[ReplyFields],
    ) -> Override:
        """Answer calls to `METHOD path` (or to the request named `selector`) yourself.

        `reply` takes status, json, body, headers, delay, or example (the name of
        another saved example to serve). `times=n` answers n calls, then the collection
        answers again. `responses=[{...}, {...}]` answers each call with the next one,
        once each (with `times`, the last one repeats). The newest override wins.
        `handler=fn` answers with `fn(request)` instead (None lets the call through);
        `when={"query"|"headers"|"json"|"jsonpath"|"body": ...}` limits the rule to
        calls that also have those (the same criteria as `assert_called`).
        Usable as a context manager; a test's overrides end with it. A selector that
        names nothing in the collection is refused, with a suggestion.
        """
        __tracebackhide__ = True
        try:
            rule = building.build(
                self._app.engine,
                selector,
                path,
                times=times,
                responses=responses,
                handler=handler,
                when=when,
                **reply,
            )
        except SettingsError as problem:  # the test's mistake: point at its line, not ours
            raise problem.with_traceback(None) from None
        return self._app.overrides.add(rule)

    def route(
        self,
        method: str,
        path: str,
        *,
        times: int | None = None,
        responses: Sequence[ReplyFields] | None = None,
        handler: Handler | None = None,
        when: CriteriaFields | None = None,
        **reply: Unpack[ReplyFields],
    ) -> Override:
        """Like `override`, for a path the collection does not have."""
        __tracebackhide__ = True
        try:
            rule = building.build(
                self._app.engine,
                method,
                path,
                times=times,
                responses=responses,
                adhoc=True,
                handler=handler,
                when=when,
                **reply,
            )
        except SettingsError as problem:
            raise problem.with_traceback(None) from None
        return self._app.overrides.add(rule)

    # -- outages -----------------------------------------------------------------------------

    def outage(
        self,
        status: int = 503,
        *,
        json: Any = _UNSET,
        body: str | bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Answer every call with this 5xx, like a Postman server response, until
        `clear_outage()` (for a test: at the latest when the test ends)."""
        self._app.outage = outage_response(status, json=json, body=body, headers=headers)

    def clear_outage(self) -> None:
        self._app.outage = None

    # -- waiting ------------------------------------------------------------------------------

    def wait_for_calls(self, count: int, timeout: float = 5.0) -> CallLog:
        """Block until at least `count` calls are logged (for code that calls from threads)."""
        __tracebackhide__ = True
        if not self._app.journal.wait_for(lambda: len(self.calls) >= count, timeout):
            raise AssertionError(
                f"postman_mock: waited {timeout:g} s for {count} call(s), got {len(self.calls)}"
            )
        return self.calls

    # -- assertions ---------------------------------------------------------------------------

    def assert_called(
        self,
        method: str | None = None,
        path: str | None = None,
        times: int | None = None,
        json: Any = _MISSING,
        body: str | bytes | None = None,
        headers: Mapping[str, str] | None = None,
        query: Mapping[str, Any] | None = None,
        jsonpath: Mapping[str, Any] | None = None,
    ) -> CallLog:
        """Some call fits (exactly `times` of them, if given); returns those calls.

        `path` is exact, a template (`/users/:id`) or a glob (`/users/*`);
        `query={"tag": ["a", "b"]}` checks every value of a repeated key;
        `jsonpath={"$.items[0].sku": "A1"}` checks values in a JSON body.
        """
        __tracebackhide__ = True
        expected = Expectation(method, path, json, body, headers, query, jsonpath)
        return assertions.assert_called(self.calls, expected, times)

    def assert_called_once(
        self, method: str | None = None, path: str | None = None, **fields: Unpack[CriteriaFields]
    ) -> Call:
        __tracebackhide__ = True
        return self.assert_called(method, path, times=1, **fields)[0]

    def assert_not_called(
        self, method: str | None = None, path: str | None = None, **fields: Unpack[CriteriaFields]
    ) -> None:
        __tracebackhide__ = True
        assertions.assert_not_called(self.calls, Expectation(method, path, **fields))

    def assert_called_with(
        self, method: str | None = None, path: str | None = None, **fields: Unpack[CriteriaFields]
    ) -> Call:
        """The *last* call fits."""
        __tracebackhide__ = True
        return assertions.assert_called_with(self.calls, Expectation(method, path, **fields))

    def assert_no_unmatched(self) -> None:
        """No call fell through to Postman's 404 (and the mock never failed)."""
        __tracebackhide__ = True
        lines = failure_lines(self.calls)
        if lines:
            raise AssertionError("\n".join(lines))

    def assert_all_called(self, *names: str) -> None:
        """Each named request or example was served at least once."""
        __tracebackhide__ = True
        engine = self._app.engine
        requests = {item.name for item in engine.collection.items}
        examples = set(engine.index.by_name)
        for name in names:
            if name not in requests and name not in examples:
                hint = did_you_mean(name, requests | examples)
                raise ValueError(f"no request or example is named {name!r}{hint}")
        served = {c.example for c in self.calls} | {c.request_name for c in self.calls}
        missing = [n for n in names if n not in served]
        if missing:
            seen = sorted(filter(None, {c.example for c in self.calls}))
            raise AssertionError(
                f"postman_mock: never served: {', '.join(map(repr, missing))}\n"
                f"  served: {', '.join(map(repr, seen)) or 'nothing'}"
            )
