"""The garbage collector while a collection loads, and after, in a process that serves.

Compiling a large collection creates hundreds of thousands of objects that live
as long as the engine. Left to the collector, they make loading slower: several
full collections run while they are created. So a load runs with the collector
paused (`loading`), and it is turned back on as it was found.

Turned back on, the collector would then walk every one of those objects in its
next young collection (about 0.2 s at 10,000 requests), and again when they are
promoted, only to find them alive. So the last load to end moves what exists
straight into the oldest generation instead (`gc.freeze()` then `gc.unfreeze()`,
which puts the frozen objects back there without walking them): nothing stays
frozen, and only a full collection looks at them. It does so only when nothing
else is frozen, so it never thaws what someone else froze.

After the load, every later full collection still walks all of those objects,
which is what makes the slowest requests of a large collection a hundred times
slower than the median. `postman-mock serve` owns its process, so it freezes what
exists once the collection is loaded (`freeze_loaded`): moved out of the
collector's sight, still freed when nothing refers to them. The pytest plugin and
`MockServer` do not freeze: in a test process that would hide objects from
`gc.get_referrers`, which libraries use (Hypothesis warns about it).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_state = {"loads": 0, "was_enabled": True}


@contextmanager
def loading() -> Iterator[None]:
    """Pause the collector while the body runs.

    Nested or concurrent loads keep it paused until the last one ends, and the
    collector is left enabled or disabled as it was found.
    """
    with _lock:
        if _state["loads"] == 0:
            _state["was_enabled"] = gc.isenabled()
            gc.disable()
        _state["loads"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["loads"] -= 1
            if _state["loads"] == 0:
                _to_oldest_generation()
                if _state["was_enabled"]:
                    gc.enable()


def _to_oldest_generation() -> None:
    """Move every tracked object into the oldest generation, unwalked (see above)."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


def freeze_loaded(reloading: bool = False) -> None:
    """In a serving process: freeze what is alive now (after a load). A reload thaws
    first, so that what the old engine leaves behind can still be collected."""
    if reloading:
        gc.unfreeze()
    gc.freeze()
