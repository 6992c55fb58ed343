"""One JSONPath dialect for the whole project: jsonpath-ng's `ext` (filters, arithmetic).

Templates (`{{$body '$.items[?(@.sku=="A1")].qty'}}`) and call-log queries
(`assert_called(jsonpath=...)`) compile through here, so an expression that
works in one works in the other.

`bounded_find` runs an expression with a budget: recursive descent (`..`) and
child steps multiply, so `$..*..*..*` on a 1 KB body 150 levels deep would make
millions of matches; past the budget it stops with `TooLarge`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .variables import TooLarge


@lru_cache(maxsize=1024)
def compile_jsonpath(expression: str) -> Any:
    """The compiled expression; a `ValueError` names a bad one."""
    # jsonpath-ng's parser tables take a noticeable time to import: only when one is used
    from jsonpath_ng.ext.parser import parse

    try:
        return parse(expression)
    except Exception as problem:  # jsonpath-ng raises lexer, parser and plain errors
        raise ValueError(f"invalid JSONPath {expression!r}: {problem}") from None


def bounded_find(expression: Any, data: Any, limit: int, text: str = "") -> list[Any]:
    """The values `expression` finds in `data`, visiting and returning at most `limit`
    nodes in all; past that, `TooLarge` names the expression (as written: `text`) and
    `max_jsonpath_nodes`."""
    from jsonpath_ng import jsonpath as ast

    spent = 0

    def spend(count: int) -> None:
        nonlocal spent
        spent += count
        if spent > limit:
            raise TooLarge(
                f"JSONPath {text or str(expression)!r}", limit, "max_jsonpath_nodes", "nodes"
            )

    def as_list(found: Any) -> list[Any]:
        return found if isinstance(found, list) else [found]

    def find(path: Any, datum: Any) -> list[Any]:
        if isinstance(path, ast.Child):
            out: list[Any] = []
            for sub in find(path.left, datum):
                if not isinstance(sub, ast.AutoIdForDatum):
                    found = find(path.right, sub)
                    spend(len(found))
                    out.extend(found)
            return out
        if isinstance(path, ast.Descendants):
            matches: list[Any] = []
            stack = find(path.left, datum)[::-1]
            while stack:
                node = stack.pop()
                spend(1)
                found = find(path.right, node)
                spend(len(found))
                matches.extend(found)
                value = node.value
                if isinstance(value, list):
                    stack.extend(
                        ast.DatumInContext(child, context=node, path=ast.Index(i))
                        for i, child in reversed(list(enumerate(value)))
                    )
                elif isinstance(value, dict):
                    stack.extend(
                        ast.DatumInContext(
                            child, context=node, path=ast.Fields._compliant_constructor(field)
                        )
                        for field, child in reversed(value.items())
                    )
            return matches
        return as_list(path.find(datum))

    return [match.value for match in find(expression, data)]
