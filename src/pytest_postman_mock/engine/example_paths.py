"""An example's path as Postman's Collection SDK reads it: host prefix, `{{vars}}`, `:name` values.

Decisions (SPEC.md §2.4):
- a `:name` path variable whose example saves a non-empty value in `url.variable[]`
  *is* that value (the SDK's `Url.getPath()` puts it in place), so it scores in the
  literal tiers; without a value it stays a wildcard. `path_variable_values=False`
  makes every `:name` a wildcard again;
- a `{{name}}` that resolves to empty text would leave an empty segment no client
  sends: the segment stays a `{{name}}` wildcard and the name is reported (`check`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from sys import intern
from urllib.parse import unquote

from ..collection.model import UrlTemplate
from . import paths
from .variables import VARIABLE, substitute


@dataclass(frozen=True)
class ResolvedPath:
    segments: tuple[str, ...]
    values: tuple[tuple[int, str, str], ...] = ()
    """(segment index, variable name, saved value) of each `:name` that took its value."""
    empty: tuple[str, ...] = ()
    """Variables that resolve to empty text where a whole path segment needs them."""


def host_prefix(host: str) -> tuple[str, ...]:
    """The path a resolved `{{baseUrl}}` carries (`https://x.io/clickapi` -> ("clickapi",))."""
    if "{{" in host:
        return ()
    return paths.split(host.split("://", 1)[-1].partition("/")[2])


def resolve_path(
    url: UrlTemplate,
    variables: Mapping[str, str],
    use_values: bool = True,
    filled: Mapping[str, str] | None = None,
    prefix: tuple[str, ...] | None = None,
) -> ResolvedPath:
    """The example's segments, with `:name` values in place and empty `{{vars}}` left as
    wildcards. `filled` (the non-empty `variables`) and `prefix` (the host's path) are
    given by a caller that already worked them out."""
    if prefix is None:
        prefix = host_prefix(substitute(url.host, variables))
    if filled is None:
        filled = {k: v for k, v in variables.items() if v != ""}
    text = substitute(url.path, filled)
    saved = (
        {v.key: substitute(v.value, variables) for v in url.path_variables}
        if use_values and url.path_variables
        else {}
    )
    segments = list(prefix)
    values: list[tuple[int, str, str]] = []
    empty: list[str] = []
    trimmed = text.split("?", 1)[0].lstrip("/")
    for raw in trimmed.split("/") if trimmed else ():
        segment = unquote(raw) if "%" in raw else raw
        if len(segment) > 1 and segment.startswith(":"):
            name, dot, suffix = segment[1:].partition(".")
            value = saved.get(name, "")
            if value and "/" not in value:
                values.append((len(segments), name, value))
                segments.append(intern(value + dot + suffix))
                continue
            if value:  # a value with slashes is several segments, as the SDK joins them
                segments.extend(intern(unquote(part)) for part in value.split("/"))
                continue
        elif "{{" in segment:
            replaced = substitute(segment, variables)
            if replaced == "" or not replaced.strip("/"):
                empty += [n.strip() for n in VARIABLE.findall(segment)]
            else:
                segment = replaced
        segments.append(intern(segment))
    return ResolvedPath(tuple(segments), tuple(values), tuple(dict.fromkeys(empty)))
