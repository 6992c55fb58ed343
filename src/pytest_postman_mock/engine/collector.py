"""The garbage collector around loading a collection.

Compiling a large collection creates hundreds of thousands of objects that live
as long as the engine. Left to the collector, they make loading slower (several
full collections run while they are created) and every later full collection
walks all of them, which is what makes the slowest requests of a large
collection a hundred times slower than the median. So a load runs with the
collector paused, and what exists once it is done is frozen (`gc.freeze`): moved
out of the collector's sight. Frozen objects are still freed when nothing
refers to them; only cyclic garbage among them would wait for `gc.unfreeze`,
which a reload calls before it loads again.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_state = {"loads": 0, "was_enabled": True}


@contextmanager
def loading(reload: bool = False) -> Iterator[None]:
    """Pause the collector while the body runs (a reload unfreezes first), then freeze.

    Nested or concurrent loads keep it paused until the last one ends, and the
    collector is left enabled or disabled as it was found.
    """
    with _lock:
        if reload:
            gc.unfreeze()
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
                gc.freeze()
                if _state["was_enabled"]:
                    gc.enable()
