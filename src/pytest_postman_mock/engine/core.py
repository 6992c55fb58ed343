"""The mock engine: a collection compiled once, answering requests as Postman's mock would.

Shared by the pytest plugin, `MockServer` and `postman-mock serve`. It knows
nothing of sockets, threads or pytest: it takes an `Incoming` request and
returns an `Outcome` (the response to send, and what was chosen or why not).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Callable, Optional

from ..collection import Collection, Environment, load_collection, load_environment
from ..collection.model import Example, RequestSpec, UrlTemplate
from ..frozen import quick_init
from ..settings import MockSettings
from .collector import loading
from .helpers import HELPERS, HelperCall, resolve_helper
from .hints import hints
from .index import CompiledExample, ExampleIndex
from .matching import SELECTOR_ERRORS, Match, Matcher, MatchError
from .near_misses import NearMiss, near_misses, selector_miss
from .plans import NO_EXAMPLES, NOT_FOUND, Rendered, ResponsePlan
from .request import Incoming
from .templating import RenderContext
from .variables import scope_for

Resolver = Callable[[str], Optional[str]]
HelperResolver = Callable[[HelperCall, RenderContext], Optional[str]]


@quick_init  # one per request: see frozen.py
@dataclass(frozen=True)
class Outcome:
    """The response for one request and the matching decision behind it."""

    response: Rendered
    match: Match | None = None
    near_misses: tuple[NearMiss, ...] = ()

    @property
    def example(self) -> CompiledExample | None:
        return self.match.example if self.match else None


_HELPER = re.compile("|".join(re.escape(name) for name in sorted(HELPERS)))


def _calls_helpers(example: Example) -> bool:
    """Whether a template of `example` may call a request helper (`{{$body 'a.b'}}`)."""
    return any(
        "{{" in text and _HELPER.search(text)
        for text in (example.body, example.status or "", *(v for _, v in example.headers))
    )


class Engine:
    """A compiled collection: index and matcher built once, most response plans on first use."""

    def __init__(
        self,
        collection: Collection,
        environment: Environment | None = None,
        settings: MockSettings | None = None,
        helper: HelperResolver | None = None,
    ) -> None:
        self.collection = collection
        self.environment = environment
        self.settings = settings or MockSettings()
        self.index = ExampleIndex(collection, environment, self.settings)
        self.matcher = Matcher(self.index)
        self.plans: dict[int, ResponsePlan] = {
            id(c): ResponsePlan.from_example(c.example)
            for c in self.index.examples
            if _calls_helpers(c.example)
        }
        """Response plans by example: those that call a request helper compiled now (its
        arguments and JSONPath parsed at load, so no request ever parses one), the others
        when their example is first served."""
        self.helper = helper if helper is not None else resolve_helper
        self.record_names: dict[int, tuple[CompiledExample, str, str, str, str]] = {}
        """What the call log records of each served example (its names and labels), kept by
        whoever records calls, so that each is worked out once and dies with this engine."""

    @classmethod
    def from_files(
        cls,
        collection: str | Path | Collection,
        environment: str | Path | Environment | None = None,
        settings: MockSettings | None = None,
    ) -> Engine:
        """Load and compile with the garbage collector paused (see `collector`)."""
        with loading():
            if not isinstance(collection, Collection):
                collection = load_collection(collection)
            if environment is not None and not isinstance(environment, Environment):
                environment = load_environment(environment)
            return cls(collection, environment, settings)

    def plan_for(self, example: CompiledExample) -> ResponsePlan:
        plan = self.plans.get(id(example))
        if plan is None:  # two threads may both prepare it: the same plan, kept once
            plan = self.plans[id(example)] = ResponsePlan.from_example(example.example)
        return plan

    def respond(self, request: Incoming, dynamic: Resolver | None = None) -> Outcome:
        """Match `request` and render the chosen example, or Postman's 404 when none fits.

        A HEAD request with no HEAD example is answered from the GET example (the
        server sends its headers and length without the body).
        """
        match = self.matcher.match(request)
        if match.example is None and request.method == "HEAD":
            as_get = self.matcher.match(replace(request, method="GET"))
            if as_get.example is not None:
                match = as_get
        if match.example is None:
            return self.unmatched(request, match)
        return Outcome(self.render(match.example, request, match.captures, dynamic), match)

    def preflight(self, request: Incoming, dynamic: Resolver | None = None) -> Outcome | None:
        """A CORS preflight answered by a saved OPTIONS example, or None when none fits.

        Unlike `respond`, a miss computes no near misses: the mock answers the
        preflight itself then.
        """
        if "OPTIONS" not in self.index.by_method:
            return None
        match = self.matcher.match(request)
        if match.example is None:
            return None
        return Outcome(self.render(match.example, request, match.captures, dynamic), match)

    def render(
        self,
        example: CompiledExample,
        request: Incoming,
        captures: dict[str, str] | None = None,
        dynamic: Resolver | None = None,
    ) -> Rendered:
        plan = self.plan_for(example)
        if plan.static is not None:  # nothing to fill: no context to build
            return plan.static
        context = RenderContext(
            variables=example.variables,
            captures=captures or {},
            request=request,
            dynamic=dynamic,
            helper=self.helper,
            limit=self.settings.max_response_size,
            jsonpath_limit=self.settings.max_jsonpath_nodes,
        )
        return plan.render(context)

    def render_plan(
        self,
        plan: ResponsePlan,
        request: Incoming,
        captures: Mapping[str, str],
        variables: Mapping[str, str] | None = None,
        dynamic: Resolver | None = None,
    ) -> Rendered:
        """A response given in code (an override's) rendered like an example's; without
        `variables`, the collection's, the environment's and the given ones."""
        context = RenderContext(
            variables=self.variables if variables is None else variables,
            captures=captures,
            request=request,
            dynamic=dynamic,
            helper=self.helper,
        )
        return plan.render(context)

    @cached_property
    def variables(self) -> Mapping[str, str]:
        """Collection, environment and given variables (no folder or request scope)."""
        bare = Example("", 0, "", (), "", RequestSpec("GET", UrlTemplate("", "", "/")))
        return scope_for(self.collection, bare, self.environment, dict(self.settings.variables))

    def unmatched(self, request: Incoming, match: Match) -> Outcome:
        if match.error is MatchError.NO_EXAMPLES:
            return Outcome(Rendered.json(404, NO_EXAMPLES), match)
        selector = next((how for how, e in SELECTOR_ERRORS.items() if e is match.error), None)
        if selector is not None:
            misses: tuple[NearMiss, ...] = (selector_miss(request, selector),)
        else:
            misses = (*hints(self.index, request), *near_misses(self.index, request))
        return Outcome(Rendered.json(404, NOT_FOUND), match, misses)
