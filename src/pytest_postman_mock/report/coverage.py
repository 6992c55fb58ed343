"""API coverage: which examples of a collection the calls were served from.

Counts are kept by the app for every call (not read back from the bounded call
log), so coverage stays right however many calls the log dropped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ..engine.index import CompiledExample


@dataclass(frozen=True)
class ExampleCoverage:
    """One example and how often it was served."""

    folders: tuple[str, ...]
    request: str
    example: str
    method: str
    path: str
    code: int
    served: int

    @property
    def label(self) -> str:
        return " / ".join((*self.folders, self.request, self.example))


def coverage(examples: Iterable[CompiledExample], served: Counter[int]) -> list[ExampleCoverage]:
    """Every example in file order with its served count (`served` is keyed by `id(example)`)."""
    return [
        ExampleCoverage(
            folders=c.example.folders,
            request=c.example.item_name,
            example=c.example.name,
            method=c.method,
            path=c.path,
            code=c.example.code,
            served=served.get(id(c), 0),
        )
        for c in examples
    ]
