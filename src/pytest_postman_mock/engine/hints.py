"""Hints for an unmatched call that no example's near miss would give.

- The call fits a request of the collection that has no saved examples: say so by
  name ("request 'Refresh Access Token' (POST /oauth/token) has no saved examples"),
  since the near misses would otherwise list unrelated examples.
- The collection's paths start with a base path its `{{baseUrl}}` carries
  (`https://api.example.com/clickapi`) and the call lacks it.
"""

from __future__ import annotations

import weakref
from collections import Counter

from ..collection.model import Example
from . import paths
from .compiled import CompiledExample, Compiler
from .example_paths import host_prefix
from .index import ExampleIndex
from .matching import path_tier
from .near_misses import NearMiss
from .request import Incoming
from .variables import substitute

_FACTS: weakref.WeakKeyDictionary[ExampleIndex, tuple[list[CompiledExample], tuple[str, ...]]] = (
    weakref.WeakKeyDictionary()
)


def _facts(index: ExampleIndex) -> tuple[list[CompiledExample], tuple[str, ...]]:
    """Worked out once per index: the requests without examples, compiled like examples,
    and the base path most examples' hosts carry (`("clickapi",)`, or ())."""
    found = _FACTS.get(index)
    if found is None:
        compile_one = Compiler(index.collection, index.environment, index.settings).compile
        bare = [
            compile_one(
                Example("", 0, "", (), "", item.request, item_name=item.name, folders=item.folders)
            )
            for item in index.collection.items
            if not item.examples
        ]
        counts = Counter(
            host_prefix(substitute(c.example.request.url.host, c.variables)) for c in index.examples
        )
        prefix: tuple[str, ...] = ()
        if counts:
            common, count = counts.most_common(1)[0]
            prefix = common if count * 2 > len(index.examples) else ()
        found = _FACTS[index] = (bare, prefix)
    return found


def hints(index: ExampleIndex, request: Incoming) -> tuple[NearMiss, ...]:
    """Hints to list before the near misses (usually none)."""
    bare_requests, prefix = _facts(index)
    found = []
    for bare in bare_requests:
        tier = path_tier(bare, request.segments, index.settings)
        if bare.method == request.method and tier is not None:
            name = " / ".join((*bare.example.folders, bare.example.item_name))
            found.append(
                NearMiss(
                    f"request {name!r}",
                    f"request {bare.example.item_name!r} ({bare.method} {bare.path}) has no "
                    "saved examples: save one in Postman to mock it",
                    "examples",
                )
            )
    given = paths.strip_slashes(request.segments)
    if prefix and given[: len(prefix)] != prefix:
        shown = "/" + "/".join(prefix)
        found.append(
            NearMiss(
                "base path",
                f"the collection's paths start with {shown} (carried by its base URL "
                f"variable); this call's path {request.path} lacks it",
                "path",
            )
        )
    return tuple(found)
