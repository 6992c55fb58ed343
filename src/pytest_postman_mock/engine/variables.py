"""`{{name}}` variables: scopes, precedence and substitution as Postman's mock does it.

Precedence, highest first: variables given to the mock (marker `variables=`,
`MockServer(variables=...)`), the environment, then the item's, its folders'
(innermost first) and the collection's own. Global variables and vault secrets
are not part of a mock server in Postman either, so there is no scope for them.
Substitution repeats (up to 19 passes, as Postman's SDK does) so that variables
may refer to variables; a name that cannot be resolved is left as written,
which is what later makes it a wildcard in a URL path.

Expansion is bounded: `a = "{{a}}{{a}}{{a}}"` or a ten-way fan-out chain would
grow past any memory in 19 passes, so `expanded_sizes` works out every
variable's expanded length without building it (at load), and `substitute`
stops with `TooLarge` past its limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ..collection.model import Collection, Environment, Example, Variable

VARIABLE = re.compile(r"\{\{([^{}]*?)\}\}")
"""Postman's own pattern for a `{{name}}` reference (no braces inside the name)."""

MAX_PASSES = 19


class TooLarge(ValueError):
    """A text (or a search) would grow past its bound; the message names what and which
    setting bounds it."""

    def __init__(
        self, what: str, limit: int, setting: str = "max_variable_size", unit: str = "bytes"
    ) -> None:
        self.what, self.limit, self.setting = what, limit, setting
        hint = (
            "; look for a variable that refers to itself or fans out"
            if setting == "max_variable_size"
            else ""
        )
        super().__init__(f"{what} expands to more than {limit:,} {unit} ({setting}){hint}")


def scope_for(
    collection: Collection,
    example: Example,
    environment: Environment | None = None,
    overrides: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """All variables visible to one example, already ordered by precedence."""
    layers: list[Iterable[Variable]] = [collection.variables, *reversed(example.scope)]
    merged: dict[str, str] = {}
    for layer in layers:
        merged.update((v.key, v.value) for v in layer)
    if environment is not None:
        merged.update((v.key, v.value) for v in environment.values)
    if overrides:
        merged.update((str(k), str(v)) for k, v in overrides.items())
    return merged


def substitute(text: str, values: Mapping[str, str], limit: int | None = None) -> str:
    """Replace every resolvable `{{name}}` in `text`; leave the rest verbatim.

    Values are substituted again on the next pass (variables referring to
    variables), so this must never be given request data as `values`. With
    `limit`, a text that grows past it raises `TooLarge` (checked each pass).
    """
    if "{{" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        return values.get(match.group(1).strip(), match.group(0))

    for _ in range(MAX_PASSES):
        replaced = VARIABLE.sub(replace, text)
        if replaced == text:
            break
        # one pass grows a text by at most its references' values (each already
        # bounded by `expanded_sizes`), so checking after the pass is enough
        if limit is not None and len(replaced) > limit:
            raise TooLarge(repr(text[:40]), limit)
        text = replaced
    return text


def expanded_sizes(values: Mapping[str, str], limit: int) -> None:
    """Raise `TooLarge` naming the first variable whose full expansion (as `substitute`
    and templates render it, up to `MAX_PASSES` deep) is longer than `limit` (and than its
    own text: a long literal value is the file's size, not an expansion).

    Lengths are added up level by level, deepest first, without building any text,
    so a 260-byte collection that would expand to gigabytes costs microseconds.
    """
    refs = {
        name: found
        for name, value in values.items()
        if "{{" in value
        and (
            found := [
                (m.group(1).strip(), len(m.group(0)))
                for m in VARIABLE.finditer(value)
                if m.group(1).strip() in values
            ]
        )
    }
    if not refs:
        return
    below = {name: len(value) for name, value in values.items()}  # at depth MAX_PASSES
    for _ in range(MAX_PASSES):
        level = dict(below)
        for name, found in refs.items():
            grown = len(values[name]) + sum(below[ref] - written for ref, written in found)
            level[name] = min(max(limit, len(values[name])) + 1, grown)  # no huge numbers
        below = level
    for name in refs:
        if below[name] > max(limit, len(values[name])):
            raise TooLarge(f"variable {name!r}", limit)


def unresolved(text: str) -> list[str]:
    """Names of the `{{...}}` references still left in `text`, in order."""
    return VARIABLE.findall(text)
