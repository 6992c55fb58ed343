"""The WSGI app: one request through access check, CORS, outage, overrides, matching,
rendering and delay, then into the call log before the response leaves.

Per-test state (which test is running, its seeded dynamic values, its overrides
and outage) lives here and is swapped by the plugin between tests, so one
server serves a whole session while every test sees only its own world.
"""

from __future__ import annotations

import hmac
import io
import random
import threading
import time
import traceback
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Optional

from werkzeug.datastructures import Headers
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.http import parse_options_header
from werkzeug.wrappers import Request

from ..behavior_settings import MAX_DELAY_MS, Delay
from ..calls.behaviors import NOTHING, Behaviors, BehaviorState, decide, with_headers
from ..calls.kinds import Kind
from ..calls.log import Call, Journal
from ..calls.overrides import OverrideSet
from ..calls.redaction import scrub
from ..calls.scenarios import HEADER, ActiveScenario, ScenarioBook, activate, load, unknown
from ..calls.state import State
from ..engine.bodies import FORM_TYPES, IncomingBody
from ..engine.core import Engine, Outcome
from ..engine.dynamic import DynamicValues, derive_seed
from ..engine.plans import Rendered, response_too_large
from ..engine.request import Incoming
from ..engine.variables import TooLarge
from ..errors import SettingsError
from ..parsers import SEED_LIMIT
from .answering import SERVER_ERROR_RESPONSE, Answer, call_of
from .cors import with_cors
from .recorder import Proxying
from .rules import RuledCall
from .seen import Seen
from .turns import outside
from .wsgi_keys import BODY_READ, FAULT
from .wsgi_response import send

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment


CORS_MAX_AGE = "86400"
UNAUTHORIZED = {
    "error": {
        "name": "mockNotFoundError",
        "header": "Unable to find mock",
        "message": "Please refresh and try again.",
    }
}
INCOMPLETE_BODY = {
    "error": {
        "name": "badRequestError",
        "header": "Incomplete request body",
        "message": "The request ended before the body its Content-Length announced.",
    }
}
NO_BODY = IncomingBody(b"")
"""The body of every call that has none (what it works out lazily is the same for all)."""
ResponseHook = Callable[[Incoming, Optional[str], Rendered], Optional[Rendered]]


def too_large(limit: int) -> dict[str, Any]:
    return {
        "error": {
            "name": "payloadTooLargeError",
            "header": "Request body too large",
            "message": f"The mock accepts request bodies up to {limit} bytes.",
        }
    }


class MockApp:
    """A WSGI application serving one engine, with per-test state swapped by the plugin."""

    server_error = SERVER_ERROR_RESPONSE

    def __init__(self, engine: Engine, journal: Journal | None = None) -> None:
        self.engine = engine
        self.settings = engine.settings
        self.journal = journal or Journal(self.settings.max_calls)
        seed = self.settings.seed
        self.seed: int = random.randrange(SEED_LIMIT) if seed is None else seed
        """The seed of `{{$random...}}` values: the setting, else a fresh one per server."""
        self.current_test: str | None = None
        self._dynamic = DynamicValues(derive_seed(self.seed, ""))
        self._dynamic_lock = threading.Lock()
        self.outage: Rendered | None = None
        self.overrides = OverrideSet()
        self.state = State()
        """What handlers share across calls: the current test's, or the server's for serve."""
        self.stopping = threading.Event()
        """Set while the server stops, so that delays end at once."""
        self.kinds: Counter[str] = Counter()
        """How many calls of each `Kind` the server answered (not bounded like the log)."""
        self.served: Counter[int] = Counter()
        """How often each example (by `id()` of its compiled form) was served."""
        self._served_lock = threading.Lock()
        self.response_hook: ResponseHook | None = None
        """Called with (request, example name, response) before sending; may replace it."""
        self.proxying = Proxying.for_settings(self.settings)
        """Proxy mode (and recording), when the `proxy` setting names a target."""
        self.behaviors = Behaviors.of(self.settings)
        """The behaviors in force: the settings', changed by a test for itself."""
        self.behavior_state = BehaviorState(derive_seed(self.seed, "behaviors"))
        path = self.settings.scenarios
        self.scenarios = ScenarioBook(load(path) if path else None)
        self.active_scenario: ActiveScenario | None = None

    def begin_test(self, test_id: str | None, seed: int | None = None) -> None:
        """Start a test's world: its calls are tagged with `test_id`, its values reseeded.

        `seed` defaults to one derived from the server's seed and `test_id`.
        """
        self.current_test = test_id
        if seed is None:
            seed = derive_seed(self.seed, test_id or "")
        with self._dynamic_lock:
            self._dynamic = DynamicValues(seed)
        self.behavior_state = BehaviorState(derive_seed(seed, "behaviors"))
        self.outage = None
        self.overrides.clear()
        self.state.clear()
        self.use_scenario(self.scenarios.default)

    def use_engine(self, engine: Engine) -> None:
        """Serve `engine` (and its settings) from the next call on: a test whose marker
        changes server settings on a fixed port gets them on the port's one server."""
        self.engine = engine
        self.settings = engine.settings
        self.behaviors = Behaviors.of(self.settings)

    def use_scenario(self, name: str | None) -> None:
        """Run the named scenario from now on (None: none); an unknown name is a
        `SettingsError` that lists the known ones. Its overrides start unused."""
        base = Behaviors.of(self.settings)
        if name is None:
            self.active_scenario, self.behaviors = None, base
            return
        active = activate(self.scenarios.get(name), self.engine, base)
        self.active_scenario, self.behaviors = active, active.behaviors

    def dynamic(self, name: str) -> str | None:
        with self._dynamic_lock:
            return self._dynamic.resolve(name)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        served_at = datetime.now(timezone.utc)
        seen = Seen.of(environ)
        answer = Answer(self.current_test, self.engine, environ=environ)  # one engine per call
        try:
            answer.body = self._body(environ, answer)
            environ[BODY_READ] = True  # the connection may serve the client's next request
            incoming = self._incoming(seen, answer)
            self._answer(seen, incoming, answer)
            if answer.behaved.fault is not None:
                answer.kind = Kind.BEHAVIOR
            if self.response_hook is not None:
                example = answer.outcome.example if answer.outcome else None
                name = example.example.name if example else None
                with outside():  # the hook is the user's code
                    changed = self.response_hook(incoming, name, answer.response)
                if changed is not None:
                    answer.response = changed
            delay = self._delay(environ, answer)
            if delay:
                with outside():
                    self.stopping.wait(delay / 1000)
            if answer.behaved.headers:
                answer.response = with_headers(answer.response, answer.behaved.headers)
            if answer.behaved.fault is not None:
                environ[FAULT] = answer.behaved.fault
        except RequestEntityTooLarge:
            answer.notes.append(f"body over max_body ({self.settings.max_body} bytes)")
            answer.settle(Kind.TOO_LARGE, Rendered.json(413, too_large(self.settings.max_body)))
        except TooLarge as problem:  # a template or JSONPath past its bound: 507, not 500
            answer.notes.append(str(problem))
            answer.settle(Kind.TOO_LARGE, self._cors(response_too_large(problem)))
        except ClientDisconnected:
            answer.notes.append("the client stopped before sending its whole body")
            answer.settle(Kind.BAD_REQUEST, Rendered.json(400, INCOMPLETE_BODY))
        except Exception:  # the server must keep serving whatever one request does
            answer.error = traceback.format_exc()
            answer.settle(Kind.ERROR, SERVER_ERROR_RESPONSE)
        self._record(seen, answer, served_at, started)
        return send(answer.response, environ, start_response)

    def werkzeug_request(self, answer: Answer) -> Request:
        """Werkzeug's `Request` for the call (built once, when something needs it), its body
        readable again if the app has read it already."""
        if answer.request is None:
            environ = answer.environ
            assert environ is not None
            if environ.get(BODY_READ):
                environ["wsgi.input"] = io.BytesIO(answer.body)
            answer.request = Request(environ)
            answer.request.max_content_length = self.settings.max_body
        return answer.request

    def _body(self, environ: WSGIEnvironment, answer: Answer) -> bytes:
        """The whole body: read at once from a server that ends the stream itself (ours reads
        and bounds it before the app runs), else by Werkzeug; over `max_body` is a 413."""
        stream = environ.get("wsgi.input")
        limit = self.settings.max_body
        if type(stream) is io.BytesIO and environ.get("wsgi.input_terminated"):
            length = environ.get("CONTENT_LENGTH") or ""
            body = stream.read(limit + 1)
            if len(body) > limit or (length.isdigit() and int(length) > limit):
                raise RequestEntityTooLarge()
            return body
        if "wsgi.input_terminated" not in environ and not environ.get("CONTENT_LENGTH"):
            return b""  # as Werkzeug: no length, no end marked by the server, no body read
        return self.werkzeug_request(answer).get_data(cache=True)

    def _incoming(self, seen: Seen, answer: Answer) -> Incoming:
        content_type = seen.content_type
        form = None
        if content_type and parse_options_header(content_type)[0].lower() in FORM_TYPES:
            form = tuple(self.werkzeug_request(answer).form.items(multi=True))
        body = answer.body
        return Incoming(
            method=seen.method,
            path=seen.raw_path,
            query=seen.query,
            headers=seen.lowered,
            body=IncomingBody(body, content_type, form) if body or content_type else NO_BODY,
        )

    def _answer(self, seen: Seen, incoming: Incoming, answer: Answer) -> None:
        """Decide the response: preflight, access check, outage, then the engine."""
        settings = self.settings
        answer.notes.extend(incoming.controls.notes)
        preflight = (
            settings.cors
            and seen.method == "OPTIONS"
            and "access-control-request-method" in incoming.headers
        )
        if preflight:
            engine = answer.engine
            # a private mock serves its OPTIONS examples only to callers with the key: a
            # key-less preflight (browsers never send custom headers in one) gets the mock's own
            found = engine.preflight(incoming, self.dynamic) if self._has_key(incoming) else None
            if found is not None:
                answer.settle(Kind.MATCHED, self._cors(found.response), found)
            else:
                answer.settle(Kind.PREFLIGHT, self._preflight(incoming, engine))
        elif settings.api_key is not None and not self._has_key(incoming):
            answer.notes.append("rejected: missing or wrong x-api-key")
            answer.settle(Kind.REJECTED, self._cors(Rendered.json(401, UNAUTHORIZED)))
        elif self.outage is not None:
            answer.settle(Kind.OUTAGE, self._cors(self.outage))
        else:
            behaviors = self._scenario_for(incoming, answer)
            if behaviors is None:
                return
            if behaviors.active:
                label = f"scenario {answer.scenario.name!r}" if answer.scenario else "server"
                if self.behave(answer, behaviors, self, label):
                    return
            scenario = answer.scenario
            if len(self.overrides) or (scenario is not None and len(scenario.rules)):
                headers = Headers(list(seen.texts))
                with outside():  # criteria and handlers are the user's code
                    RuledCall(self, self.werkzeug_request(answer), incoming, answer, headers).run()
            else:
                self._match(incoming, answer)

    def _has_key(self, incoming: Incoming) -> bool:
        """Whether the call may use the mock: a public one, or the right `x-api-key`."""
        key = self.settings.api_key
        return key is None or hmac.compare_digest(
            incoming.headers.get("x-api-key", "").encode(), key.encode()
        )

    def _scenario_for(self, incoming: Incoming, answer: Answer) -> Behaviors | None:
        """The call's scenario (`x-mock-scenario`, else the active one) and its behaviors;
        None when the header names no scenario (the call is then answered 400)."""
        asked = incoming.headers.get(HEADER)
        if asked is None:
            answer.scenario = self.active_scenario
            return self.behaviors
        try:
            answer.scenario = self.scenarios.ready(
                asked.strip(), answer.engine, Behaviors.of(self.settings)
            )
        except SettingsError:
            message = f"{HEADER}: {unknown(asked.strip(), self.scenarios.scenarios)}"
            answer.notes.append(message)
            body = {"error": {"name": "unknownScenarioError", "header": "Unknown scenario"}}
            body["error"]["message"] = message
            answer.settle(Kind.BAD_REQUEST, self._cors(Rendered.json(400, body)))
            return None
        return answer.scenario.behaviors

    def behave(self, answer: Answer, behaviors: Behaviors, key: object, label: str) -> bool:
        """Let `behaviors` decide the call; True when one of them answered it."""
        if not behaviors.active:
            return False
        decision = decide(self.behavior_state, behaviors, key, label)
        if decision is NOTHING:
            return False
        if decision.note:
            answer.notes.append(decision.note)
        earlier = answer.behaved
        answer.behaved = replace(
            decision,
            fault=decision.fault or earlier.fault,
            headers=(*earlier.headers, *decision.headers),
        )
        if decision.response is not None:
            answer.settle(Kind.BEHAVIOR, self._cors(decision.response))
            return True
        return False

    def _match(self, incoming: Incoming, answer: Answer) -> None:
        """The collection's answer, when the test has no rules of its own."""
        self.settle_collection(incoming, answer, answer.engine.respond(incoming, self.dynamic))

    def settle_collection(self, incoming: Incoming, answer: Answer, outcome: Outcome) -> None:
        """Answer with the collection's outcome, or from the proxy target when it asks for one
        (nothing matched, or `record="all"`)."""
        proxying = self.proxying
        if proxying is not None and (outcome.example is None or proxying.sends_everything):
            with outside():  # waits for the proxy target
                response, notes = proxying.handle(
                    answer.engine,
                    self.werkzeug_request(answer),
                    incoming.path,
                    answer.body,
                    outcome.example,
                )
            answer.notes.extend(notes)
            answer.settle(Kind.PROXIED, self._cors(response))
            return
        kind = Kind.MATCHED if outcome.example is not None else Kind.UNMATCHED
        answer.settle(kind, self._cors(outcome.response), outcome)

    def _cors(self, rendered: Rendered) -> Rendered:
        if not self.settings.cors:
            return rendered
        headers = with_cors(rendered.headers)
        if headers is rendered.headers:
            return rendered
        return Rendered(rendered.status, rendered.reason, headers, rendered.body)

    def _preflight(self, incoming: Incoming, engine: Engine) -> Rendered:
        methods = sorted(engine.index.by_method) or ["GET"]
        asked = incoming.headers.get("access-control-request-method", "").upper()
        if asked and asked not in methods:
            methods.append(asked)
        headers = [
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Methods", ", ".join(methods)),
            ("Access-Control-Max-Age", CORS_MAX_AGE),
        ]
        asked_headers = incoming.headers.get("access-control-request-headers")
        if asked_headers:
            headers.append(("Access-Control-Allow-Headers", asked_headers))
        return Rendered(204, "No Content", tuple(headers), b"")

    def _delay(self, environ: WSGIEnvironment, answer: Answer) -> int:
        """An override's delay, else the call's `x-mock-response-delay`, else the setting;
        a range or a distribution is drawn from the test's seed, and noted."""
        asked = "HTTP_X_MOCK_RESPONSE_DELAY" in environ
        if answer.delay is None and not asked and self.behaviors.delay == 0:
            return 0  # the usual call: no delay asked for anywhere
        spec = self._delay_spec(environ, answer)
        drawn = self.behavior_state.delay_ms(spec)
        if not isinstance(spec, int):
            answer.notes.append(f"behavior delay={spec}: {drawn} ms")
        return drawn

    def _delay_spec(self, environ: WSGIEnvironment, answer: Answer) -> Delay:
        if answer.delay is not None:
            return answer.delay
        notes = answer.notes
        asked = environ.get("HTTP_X_MOCK_RESPONSE_DELAY")
        if asked is not None:
            value = asked.strip()
            if value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_DELAY_MS:
                return int(value)
            notes.append(f"ignored x-mock-response-delay {asked!r}: not 1 to {MAX_DELAY_MS} ms")
        return self.behaviors.delay

    def _record(self, seen: Seen, answer: Answer, served_at: datetime, started: float) -> Call:
        outcome = answer.outcome
        example = outcome.example if outcome else None
        with self._served_lock:
            self.kinds[answer.kind] += 1
            if example is not None:
                self.served[id(example)] += 1
        call = call_of(seen, answer, served_at, (time.perf_counter() - started) * 1000)
        call = scrub(call, self.settings.api_key)
        if not self.journal.listeners:
            return self.journal.append(call)
        with outside():  # listeners are the user's code
            return self.journal.append(call)
