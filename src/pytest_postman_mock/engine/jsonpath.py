"""One JSONPath dialect for the whole project: jsonpath-ng's `ext` (filters, arithmetic).

Templates (`{{$body '$.items[?(@.sku=="A1")].qty'}}`) and call-log queries
(`assert_called(jsonpath=...)`) compile through here, so an expression that
works in one works in the other.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1024)
def compile_jsonpath(expression: str) -> Any:
    """The compiled expression; a `ValueError` names a bad one."""
    # jsonpath-ng's parser tables take a noticeable time to import: only when one is used
    from jsonpath_ng.ext.parser import parse

    try:
        return parse(expression)
    except Exception as problem:  # jsonpath-ng raises lexer, parser and plain errors
        raise ValueError(f"invalid JSONPath {expression!r}: {problem}") from None
