"""`{{name}}` variables: scopes, precedence and substitution as Postman's mock does it.

Precedence, highest first: variables given to the mock (marker `variables=`,
`MockServer(variables=...)`), the environment, then the item's, its folders'
(innermost first) and the collection's own. Global variables and vault secrets
are not part of a mock server in Postman either, so there is no scope for them.
Substitution repeats (up to 19 passes, as Postman's SDK does) so that variables
may refer to variables; a name that cannot be resolved is left as written,
which is what later makes it a wildcard in a URL path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ..collection.model import Collection, Environment, Example, Variable

VARIABLE = re.compile(r"\{\{([^{}]*?)\}\}")
"""Postman's own pattern for a `{{name}}` reference (no braces inside the name)."""

MAX_PASSES = 19


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


def substitute(text: str, values: Mapping[str, str]) -> str:
    """Replace every resolvable `{{name}}` in `text`; leave the rest verbatim.

    Values are substituted again on the next pass (variables referring to
    variables), so this must never be given request data as `values`.
    """
    if "{{" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        return values.get(match.group(1).strip(), match.group(0))

    for _ in range(MAX_PASSES):
        replaced = VARIABLE.sub(replace, text)
        if replaced == text:
            break
        text = replaced
    return text


def unresolved(text: str) -> list[str]:
    """Names of the `{{...}}` references still left in `text`, in order."""
    return VARIABLE.findall(text)
