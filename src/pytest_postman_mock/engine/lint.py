"""`postman-mock check`: what in a collection will not mock the way its author expects.

Findings, each naming the request or example and what to do:
- a request without examples (the mock can never answer it);
- an example that can never be chosen by its path: another example with the
  same method, path, query and saved body always wins the tie (id order, then
  status 200), so only `x-mock-response-name`/`-id`/`-code` can reach it;
- `{{variables}}` in a response that nothing defines, which are sent as written;
- duplicate example ids, and example names shared by several examples (which
  makes `x-mock-response-name` ambiguous);
- request names shared by several requests (`override()` and `assert_all_called()`
  then need the qualified form, `"Folder / Get user"`);
- a variable that resolves to empty text where a path needs it (it is a wildcard),
  with the file that defines it empty;
- malformed examples the loader skipped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from .core import Engine
from .dynamic import NAMES as DYNAMIC_NAMES
from .index import CompiledExample
from .matching import first_by_id
from .paths import Wildcard
from .variables import VARIABLE

HELPER_PREFIXES = ("$body", "$queryParams", "$headers", "$pathSegments")


@dataclass(frozen=True)
class Finding:
    kind: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.where}: {self.message}"


def _route_key(compiled: CompiledExample) -> tuple[object, ...]:
    shape = tuple(
        "{}" if isinstance(p, Wildcard) else p.lower()
        for p in (compiled.pattern or compiled.segments)
    )
    return (compiled.method, shape, tuple(sorted(compiled.query)), repr(compiled.body))


def _shadowed(engine: Engine) -> Iterator[Finding]:
    groups: dict[tuple[object, ...], list[CompiledExample]] = defaultdict(list)
    for compiled in engine.index.examples:
        groups[_route_key(compiled)].append(compiled)
    for group in groups.values():
        if len(group) < 2:
            continue
        winner = first_by_id(group)
        assert winner is not None
        for compiled in group:
            if compiled is not winner:
                yield Finding(
                    "unreachable",
                    compiled.example.label,
                    f"{compiled.method} {compiled.path} always loses to "
                    f'"{winner.example.name}" (same path, query and body); only '
                    "x-mock-response-name, -id or -code can select it",
                )


def _unresolved(engine: Engine) -> Iterator[Finding]:
    for compiled in engine.index.examples:
        example = compiled.example
        known = set(compiled.variables)
        captured = {p.name for p in compiled.pattern or () if isinstance(p, Wildcard)}
        texts = [example.body, example.status, *(v for _, v in example.headers)]
        names = {n.strip() for text in texts for n in VARIABLE.findall(text)}
        missing = sorted(
            n
            for n in names
            if n not in known
            and n not in captured
            and n not in DYNAMIC_NAMES
            and not n.startswith(HELPER_PREFIXES)
        )
        if missing:
            listed = ", ".join("{{" + n + "}}" for n in missing)
            yield Finding(
                "unresolved",
                example.label,
                f"the response uses {listed}, which no variable defines; it is sent as written",
            )


def _duplicates(engine: Engine) -> Iterator[Finding]:
    by_id: dict[str, list[CompiledExample]] = defaultdict(list)
    for compiled in engine.index.examples:
        if compiled.example.id:
            by_id[compiled.example.id].append(compiled)
    for example_id, group in by_id.items():
        if len(group) > 1:
            labels = "; ".join(c.example.label for c in group)
            yield Finding("duplicate-id", example_id, f"{len(group)} examples share it: {labels}")
    for name, group in engine.index.by_name.items():
        if len(group) > 1:
            yield Finding(
                "duplicate-name",
                name,
                f"{len(group)} examples share this name, so x-mock-response-name picks by id",
            )


def _duplicate_requests(engine: Engine) -> Iterator[Finding]:
    by_name: dict[str, list[str]] = defaultdict(list)
    for item in engine.collection.items:
        by_name[item.name].append(" / ".join((*item.folders, item.name)))
    for name, where in by_name.items():
        if len(where) > 1:
            yield Finding(
                "duplicate-request",
                name,
                f"{len(where)} requests share this name ({'; '.join(where)}): name one in "
                'override() or assert_all_called() as "Folder / Request"',
            )


def _defined_in(engine: Engine, name: str) -> str:
    """The file whose value for `name` the mock uses (environment over collection)."""
    environment = engine.environment
    if environment is not None and any(v.key == name for v in environment.values):
        return str(environment.source or f"environment {environment.name!r}")
    return str(engine.collection.source or f"collection {engine.collection.name!r}")


def _empty_in_path(engine: Engine) -> Iterator[Finding]:
    seen: set[str] = set()
    for compiled in engine.index.examples:
        for name in compiled.empty_variables:
            if name not in seen:
                seen.add(name)
                yield Finding(
                    "empty-variable",
                    name,
                    f"{{{{{name}}}}} is empty in {_defined_in(engine, name)}, so its path "
                    f"segment (first in {compiled.example.label}) matches any value; set it "
                    "or leave it out",
                )


def check(engine: Engine) -> list[Finding]:
    """Every finding for the engine's collection, in a stable order."""
    findings = [
        Finding("no-examples", " / ".join((*item.folders, item.name)), "has no saved examples")
        for item in engine.collection.items
        if not item.examples
    ]
    findings += [Finding("malformed", "example", w) for w in engine.collection.warnings]
    findings += [*_shadowed(engine), *_unresolved(engine), *_duplicates(engine)]
    findings += [*_duplicate_requests(engine), *_empty_in_path(engine)]
    return findings


def routes(engine: Engine) -> list[tuple[str, str, str]]:
    """(method, path template and query, "name (status), ...") in collection order."""
    rows: dict[tuple[str, str], list[str]] = {}
    for compiled in engine.index.examples:
        query = "&".join(f"{k}={v}" for k, v in compiled.query)
        key = (compiled.method, compiled.path + (f"?{query}" if query else ""))
        rows.setdefault(key, []).append(f"{compiled.example.name} ({compiled.example.code})")
    return [(method, path, ", ".join(names)) for (method, path), names in rows.items()]
