"""Peak memory of a piece of work, for tests that bound what hostile input can make us hold."""

from __future__ import annotations

import tracemalloc
from typing import Callable, TypeVar

T = TypeVar("T")
MiB = 1024 * 1024


def peak_mib(work: Callable[[], T]) -> tuple[T | BaseException, float]:
    """Run `work` and return (its result or the exception it raised, peak MiB allocated
    by Python meanwhile, in every thread: the server's too)."""
    tracemalloc.start()
    try:
        try:
            result: T | BaseException = work()
        except Exception as problem:  # the caller asserts on what was raised
            result = problem
        return result, tracemalloc.get_traced_memory()[1] / MiB
    finally:
        tracemalloc.stop()
