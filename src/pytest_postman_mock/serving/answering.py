"""What the app decides for one request (`Answer`), and the `Call` the log keeps of it.

Both are made once per request, so building them is kept to what every call needs:
the example's names and labels are joined once per example (not once per call), and
the frozen dataclasses made per call (`Call`, `Match`, `Outcome`, `Rendered`) are set up
by `frozen.quick_init`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from werkzeug.wrappers import Request

from ..behavior_settings import Delay
from ..calls.behaviors import NOTHING, Decision
from ..calls.kinds import Kind
from ..calls.log import Call
from ..calls.names import request_label
from ..calls.scenarios import ActiveScenario
from ..engine.core import Engine, Outcome
from ..engine.index import CompiledExample
from ..engine.plans import Rendered
from .seen import Seen

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

SERVER_ERROR = {
    "error": {
        "name": "mockServerError",
        "header": "Mock server error",
        "message": "The mock server failed on this request; see its call log.",
    }
}
SERVER_ERROR_RESPONSE = Rendered.json(500, SERVER_ERROR)


class Answer:
    """What is being decided for one request, filled in as it goes through the app.

    One is made per request: what most calls leave as it is stays a class attribute,
    set on the instance only when the app decides it (a plain class, not a dataclass,
    so that its `__init__` sets only the four fields every call has)."""

    kind: Kind = Kind.ERROR
    response: Rendered = SERVER_ERROR_RESPONSE
    outcome: Outcome | None = None
    body: bytes = b""
    error: str | None = None
    delay: Delay | None = None
    """A delay the chosen answer asks for (an override's), instead of the setting."""
    behaved: Decision = NOTHING
    """What a behavior decided for this call (a fault to end it with, rate-limit headers)."""
    scenario: ActiveScenario | None = None
    """The call's scenario: its `x-mock-scenario`, else the one in force."""
    request_name: str | None = None
    """The collection request the call matched, even when an override answered it."""
    request: Request | None = None
    """Werkzeug's view of the request, built only when something needs it."""
    request_label: str | None = None
    """The same request's full label, `Folder / Request`."""

    def __init__(
        self, test_id: str | None, engine: Engine, environ: WSGIEnvironment | None = None
    ) -> None:
        self.test_id = test_id
        self.engine = engine
        self.environ = environ
        self.notes: list[str] = []

    def settle(self, kind: Kind, response: Rendered, outcome: Outcome | None = None) -> None:
        self.kind, self.response, self.outcome = kind, response, outcome


Names = tuple[CompiledExample, str, str, str, str]
"""An example, its name, its request's name, its request's label and its own label."""


def names_of(engine: Engine, example: CompiledExample) -> Names:
    """The names a call served by `example` records, joined once per example and kept by
    its engine (a dict read is atomic: threads that miss together store the same strings)."""
    kept = engine.record_names
    found = kept.get(id(example))
    if found is None or found[0] is not example:  # an id is only unique while it lives
        saved = example.example
        found = (example, saved.name, saved.item_name, request_label(saved), saved.label)
        kept[id(example)] = found
    return found


def call_of(seen: Seen, answer: Answer, served_at: datetime, duration_ms: float) -> Call:
    """The call-log entry of an answered request (the API key not yet scrubbed)."""
    outcome = answer.outcome
    match = outcome.match if outcome is not None else None
    example = match.example if match is not None else None
    sent = answer.response
    fuzzy = match is not None and match.fuzzy
    if example is None:
        name = label = None
        request_name, full_label = answer.request_name, answer.request_label
    else:
        _, name, request_name, full_label, label = names_of(answer.engine, example)
        if fuzzy:
            answer.notes.append(
                f"fuzzy match: served only by document distance from {label!r}"
                f" ({example.method} {example.path})"
            )
    return Call(
        method=seen.method,
        path=seen.path,
        query=seen.query,
        headers=seen.recorded,
        body=answer.body,
        status=sent.status,
        response_headers=sent.headers,
        response_body=b"" if seen.method == "HEAD" else sent.body,
        example=name,
        matched=example is not None,
        time=served_at,
        duration_ms=duration_ms,
        score=match.score if match is not None else None,
        near_misses=outcome.near_misses if outcome is not None else (),
        test_id=answer.test_id,
        error=answer.error,
        notes=tuple(answer.notes),
        request_name=request_name,
        request_label=full_label,
        example_label=label,
        kind=answer.kind,
        raw_path=seen.raw_path,
        fuzzy=fuzzy,
        scenario=answer.scenario.name if answer.scenario else None,
    )
