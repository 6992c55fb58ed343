"""A call through the test's rules: overrides, `when=` criteria and handlers, then the
collection.

Rules are tried newest first. A rule whose `when=` criteria the call misses is
skipped with a note naming the first criterion that failed; a handler that
returns None gives its use back and the next rule (or the collection) answers.
The collection's own choice is computed at most once per call, on demand
(`request.example`), and reused when it answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from werkzeug.datastructures import Headers
from werkzeug.wrappers import Request

from ..calls.handlers import HandlerError, HandlerRequest, call_handler
from ..calls.kinds import Kind
from ..calls.names import request_label
from ..calls.overrides import Override, Reply
from ..calls.responses import MockResponse
from ..engine.core import Outcome
from ..engine.index import CompiledExample
from ..engine.matching import Match
from ..engine.plans import Rendered
from ..engine.request import Incoming

if TYPE_CHECKING:
    from .answering import Answer
    from .app import MockApp


class RuledCall:
    """One call on its way through the rules (what has been tried, what the collection says)."""

    def __init__(
        self, app: MockApp, request: Request, incoming: Incoming, answer: Answer, headers: Headers
    ) -> None:
        self.app, self.incoming, self.answer = app, incoming, answer
        self.outcome: Outcome | None = None
        self.tried: set[Override] = set()
        self.view = HandlerRequest(
            method=incoming.method,
            path=request.path,
            raw_path=incoming.path,
            query=incoming.query,
            headers=headers,
            body=answer.body,
            form=incoming.body.form,
            engine=answer.engine,
            state=app.state,
            render=self.render,
            choose=self.chosen,
        )

    def render(self, example: CompiledExample) -> Rendered:
        captures = example.captures(self.incoming.segments)
        return self.answer.engine.render(example, self.incoming, captures, self.app.dynamic)

    def collection(self) -> Outcome:
        if self.outcome is None:
            self.outcome = self.answer.engine.respond(self.incoming, self.app.dynamic)
            example = self.outcome.example
            self.answer.request_name = example.example.item_name if example else None
            self.answer.request_label = request_label(example.example) if example else None
        return self.outcome

    def chosen(self) -> MockResponse | None:
        outcome = self.collection()
        if outcome.example is None:
            return None
        return MockResponse(example=outcome.example, render=self.render, base=outcome.response)

    def accept(self, rule: Override) -> bool:
        assert rule.criteria is not None
        misses = rule.criteria.mismatches(self.view)
        if misses:
            note = f"skipped {rule.describe()}: {misses[0].splitlines()[0]}"
            if note not in self.answer.notes:
                self.answer.notes.append(note)
        return not misses

    def run(self) -> None:
        """Answer the call: the first rule that takes it, else the collection."""
        app, answer, incoming = self.app, self.answer, self.incoming
        path = incoming.path
        while True:
            matched = self.outcome is not None
            name = None
            if self.outcome is not None and self.outcome.example is not None:
                name = request_label(self.outcome.example.example)
            taken = app.overrides.take(
                incoming.method, path, name, matched=matched, accept=self.accept, tried=self.tried
            )
            scenario = answer.scenario
            if taken is None and scenario is not None and len(scenario.rules):
                taken = scenario.rules.take(
                    incoming.method,
                    path,
                    name,
                    matched=matched,
                    accept=self.accept,
                    tried=self.tried,
                )
                if taken is not None:
                    answer.notes.append(f"scenario {scenario.name!r}")
            if taken is None:
                if not matched:
                    self.collection()
                    continue
                app.settle_collection(incoming, answer, self.collection())
                return
            rule, reply = taken
            if rule.handler is None:
                self.reply(rule, reply)
                return
            self.tried.add(rule)
            if self.handle(rule, reply):
                return
            if rule.owner is not None:
                rule.owner.release(rule)
            answer.notes.append(f"{rule.describe()} returned None: fell through")

    def reply(self, rule: Override, reply: Reply) -> None:
        answer = self.answer
        answer.notes.append(rule.describe())
        answer.delay = reply.delay or None
        if self.app.behave(answer, reply.behaviors, rule, rule.describe()):
            return
        if reply.example is not None:
            self.settle_example(reply.example, self.render(reply.example))
        else:
            assert reply.response is not None
            response = reply.response
            if reply.plan is not None:  # templated like an example's body
                outcome = self.outcome
                found = outcome.match if outcome and outcome.example else None
                captures = {
                    **(found.captures if found else {}),
                    **rule.captures(self.incoming.path),
                }
                variables = found.example.variables if found and found.example else None
                response = answer.engine.render_plan(
                    reply.plan, self.incoming, captures, variables, self.app.dynamic
                )
            answer.settle(Kind.OVERRIDE, self.app._cors(response))

    def settle_example(self, example: CompiledExample, rendered: Rendered) -> None:
        captures = example.captures(self.incoming.segments)
        self.answer.settle(
            Kind.OVERRIDE,
            self.app._cors(rendered),
            Outcome(rendered, Match(example, captures=captures)),
        )

    def handle(self, rule: Override, reply: Reply) -> bool:
        """Run a handler rule; False when it let the call through.

        The rule's own behaviors are decided first (an error or a 429 answers without
        the handler; a fault still lets it give the body the fault cuts), then those
        of the handler's answer."""
        assert rule.handler is not None
        answer, view = self.answer, self.view
        if self.app.behave(answer, reply.behaviors, rule, rule.describe()):
            answer.notes.append(rule.describe())
            answer.delay = reply.delay or None
            return True
        view.params = rule.captures(self.incoming.path)
        if rule.request_name is not None and self.outcome and self.outcome.match:
            view.params = dict(self.outcome.match.captures or {})
        view.notes = []
        try:
            response = call_handler(rule.handler, view, answer.engine)
            rendered = response.rendered(self.render) if response is not None else None
        except HandlerError as problem:
            answer.notes.append(str(problem))
            answer.error = problem.trace
            answer.settle(Kind.ERROR, self.app.server_error)
            return True
        except Exception as problem:  # building the response failed (a bad status, say)
            answer.notes.append(f"{rule.describe()}: bad response: {problem}")
            answer.error = f"{type(problem).__name__}: {problem}\n"
            answer.settle(Kind.ERROR, self.app.server_error)
            return True
        finally:
            answer.notes.extend(view.notes)
        if response is None or rendered is None:
            return False
        answer.notes.append(rule.describe())
        answer.delay = response.delay or reply.delay or None
        if self.app.behave(answer, response.behaviors, (rule, "answer"), rule.describe()):
            return True
        if response.example is not None:
            self.settle_example(response.example, rendered)
        else:
            answer.settle(Kind.OVERRIDE, self.app._cors(rendered))
        return True
