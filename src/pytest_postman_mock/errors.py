"""Errors that reach people: each names the file or setting at fault and what was expected."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path


class PostmanMockError(Exception):
    """Base of every error this package raises on purpose."""


class CollectionError(PostmanMockError):
    """A collection or environment file that cannot be used.

    The message names the file and, where the fault sits inside the document,
    its JSON pointer, so the user can jump straight to it.
    """

    def __init__(self, source: str | Path | None, message: str, pointer: str | None = None) -> None:
        self.source = str(source) if source is not None else "<collection>"
        self.pointer = pointer
        self.reason = message
        where = f"{self.source} at {pointer}" if pointer else self.source
        super().__init__(f"{where}: {message}")


class SettingsError(PostmanMockError, ValueError):
    """A setting with a value it cannot take; the message names the setting and its origin."""


class ServerError(PostmanMockError):
    """The mock server could not start (address in use, permission denied, ...)."""


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str:
    """` (did you mean 'x'?)` for the closest of `choices`, or nothing when none is close."""
    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=cutoff)
    return f" (did you mean {close[0]!r}?)" if close else ""
