"""`resource("/orders", key="id")`: a stateful collection of items, seeded from the
collection's own list example, answering create, read, update and delete.

The items live in the mock's `state` (so they end with the test, or live as long
as `serve`), and every operation holds the state's lock, so concurrent calls
never lose a change. Each change is noted on its call in the call log.
"""

from __future__ import annotations

import json as jsonlib
import uuid
from typing import TYPE_CHECKING, Any

from ..engine import paths
from ..engine.index import CompiledExample
from ..engine.request import Incoming
from ..errors import SettingsError
from .handlers import HandlerRequest
from .log import path_matches
from .overrides import Override, Reply
from .responses import MockResponse
from .state import State

if TYPE_CHECKING:
    from ..engine.core import Engine


def _list_example(engine: Engine, path: str) -> tuple[CompiledExample, list[dict[str, Any]]]:
    """The GET example at `path` whose body is a JSON list of objects, and that list."""
    for compiled in sorted(engine.index.by_method.get("GET", ()), key=lambda c: c.sort_key):
        if not path_matches(compiled.path, path) and compiled.path != path:
            continue
        incoming = Incoming("GET", path)
        rendered = engine.render(compiled, incoming, compiled.captures(incoming.segments))
        try:
            items = jsonlib.loads(rendered.body)
        except ValueError:
            continue
        if isinstance(items, list) and all(isinstance(i, dict) for i in items):
            return compiled, items
    raise SettingsError(
        f"resource({path!r}): the collection has no GET {path} example whose body is a JSON "
        "list of objects to seed it from"
    )


def _not_found_example(engine: Engine, path: str) -> CompiledExample | None:
    """A saved 404 for `path/:key` with a JSON body: the collection's own error shape."""
    depth = len(paths.split(path)) + 1
    for compiled in sorted(engine.index.examples, key=lambda c: c.sort_key):
        if compiled.example.code != 404 or len(compiled.segments) != depth:
            continue
        if not path_matches(compiled.path, path + "/x"):
            continue
        try:
            jsonlib.loads(compiled.example.body)
        except ValueError:
            continue
        return compiled
    return None


class Resource:
    """Items of one collection path, kept in the mock's state."""

    def __init__(self, engine: Engine, state: State, path: str, key: str = "id") -> None:
        if not path.startswith("/") or any(ch in path for ch in "*?[:{"):
            raise SettingsError(f"resource({path!r}): give a plain path such as '/orders'")
        if not isinstance(key, str) or not key:
            raise SettingsError(f"resource({path!r}): key= names a field, such as 'id'")
        self.path = path.rstrip("/") or "/"
        self.key = key
        self.state = state
        self.slot = f"resource {self.path}"
        """The state key the items are kept under."""
        self.example, seed = _list_example(engine, self.path)
        self.missing = _not_found_example(engine, self.path)
        self.state[self.slot] = {str(item.get(key)): item for item in seed if key in item}
        self.rules = (
            Override(None, self.path, None, (Reply(),), handler=self.handle, label=self._label()),
            Override(
                None,
                self.path + "/:key",
                None,
                (Reply(),),
                handler=self.handle,
                label=self._label(),
            ),
        )

    def _label(self) -> str:
        return f"resource {self.path}"

    @property
    def items(self) -> list[dict[str, Any]]:
        """A copy of the items, in order."""
        with self.state.lock:
            return [dict(item) for item in self.state.get(self.slot, {}).values()]

    def _store(self) -> dict[str, dict[str, Any]]:
        return self.state.setdefault(self.slot, {})  # type: ignore[no-any-return]

    def handle(self, request: HandlerRequest) -> MockResponse | None:
        method = request.method
        wanted = request.params.get("key")
        with self.state.lock:
            store = self._store()
            if wanted is None:
                if method == "GET":
                    return MockResponse(json=list(store.values()))
                if method == "POST":
                    return self._create(request, store)
                return None
            if method not in ("GET", "PUT", "PATCH", "DELETE"):
                return None
            if wanted not in store:
                return self._not_found(request, wanted)
            if method == "GET":
                return MockResponse(json=store[wanted])
            if method == "DELETE":
                del store[wanted]
                request.note(f"{self._label()}: deleted {self.key} {wanted}")
                return MockResponse(status=204)
            body = self._body(request)
            if isinstance(body, MockResponse):
                return body
            item = body if method == "PUT" else {**store[wanted], **body}
            item[self.key] = store[wanted][self.key]
            store[wanted] = item
            verb = "replaced" if method == "PUT" else "updated"
            request.note(f"{self._label()}: {verb} {self.key} {wanted}")
            return MockResponse(json=item)

    def _create(self, request: HandlerRequest, store: dict[str, dict[str, Any]]) -> MockResponse:
        body = self._body(request)
        if isinstance(body, MockResponse):
            return body
        if self.key not in body:
            numbers = [i[self.key] for i in store.values() if isinstance(i.get(self.key), int)]
            if numbers or not store:
                body[self.key] = max(numbers, default=0) + 1
            else:
                body[self.key] = str(uuid.uuid4())
        name = str(body[self.key])
        if name in store:
            return MockResponse(
                status=409, json={"error": f"{self.key} {name} already exists in {self.path}"}
            )
        store[name] = body
        request.note(f"{self._label()}: created {self.key} {name}")
        return MockResponse(status=201, json=body)

    def _body(self, request: HandlerRequest) -> dict[str, Any] | MockResponse:
        try:
            body = request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return MockResponse(
                status=400, json={"error": f"{request.method} {self.path} takes a JSON object"}
            )
        return dict(body)

    def _not_found(self, request: HandlerRequest, wanted: str) -> MockResponse:
        request.note(f"{self._label()}: no {self.key} {wanted}")
        if self.missing is not None:
            return MockResponse(example=self.missing)
        return MockResponse(
            status=404, json={"error": f"no item with {self.key} {wanted} in {self.path}"}
        )
