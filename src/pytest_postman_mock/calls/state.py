"""`state`: a mapping that handlers share across requests (Postman's `pm.state`).

Handlers run in the server's request threads, several at once. Every single
operation on a `State` (get, set, delete, `setdefault`, `pop`, `in`, `len`,
iteration over a snapshot of the keys) holds its lock, so none is ever torn. A read followed by
a write is two operations: for a read-modify-write use `change()`, or hold
`state.lock` (re-entrant) around the whole update. Values themselves (a list
kept in the state, say) are not guarded: mutate them under `state.lock`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, MutableMapping
from typing import Any, Callable

_NO_DEFAULT: Any = object()


class State(MutableMapping[str, Any]):
    """A thread-safe dict that belongs to one test (or to the whole `serve` session)."""

    def __init__(self) -> None:
        self._data: dict[str, Any] = {}
        self.lock = threading.RLock()
        """Hold it (`with state.lock:`) to make several operations one."""

    def __getitem__(self, key: str) -> Any:
        with self.lock:
            return self._data[key]

    def __setitem__(self, key: str, value: Any) -> None:
        with self.lock:
            self._data[key] = value

    def __delitem__(self, key: str) -> None:
        with self.lock:
            del self._data[key]

    def __iter__(self) -> Iterator[str]:
        with self.lock:
            return iter(list(self._data))

    def __len__(self) -> int:
        with self.lock:
            return len(self._data)

    def __repr__(self) -> str:
        with self.lock:
            return f"State({self._data!r})"

    def setdefault(self, key: str, default: Any = None) -> Any:
        """The value of `key`, set to `default` first if missing: one locked step."""
        with self.lock:
            return self._data.setdefault(key, default)

    def pop(self, key: str, *default: Any) -> Any:
        with self.lock:
            return self._data.pop(key, *default)

    def change(self, key: str, update: Callable[[Any], Any], default: Any = _NO_DEFAULT) -> Any:
        """Set `key` to `update(current value)` atomically and return the new value.

        `default` stands in for a missing key (without it, a missing key is a KeyError).
        """
        with self.lock:
            if key in self._data:
                current = self._data[key]
            elif default is not _NO_DEFAULT:
                current = default
            else:
                raise KeyError(key)
            self._data[key] = value = update(current)
            return value

    def clear(self) -> None:
        with self.lock:
            self._data.clear()
