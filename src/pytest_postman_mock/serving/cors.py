"""The CORS headers the mock adds to a response that lacks them."""

from __future__ import annotations

from functools import lru_cache

SAFELISTED = frozenset(
    {
        "cache-control",
        "content-language",
        "content-length",
        "content-type",
        "expires",
        "last-modified",
        "pragma",
    }
)


@lru_cache(maxsize=1024)
def cors_headers(names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The CORS headers a response with headers `names` lacks (the same few sets of names
    come back on every call: each is worked out once)."""
    lower = {k.lower() for k in names}
    extra: list[tuple[str, str]] = []
    if "access-control-allow-origin" not in lower:
        extra.append(("Access-Control-Allow-Origin", "*"))
    exposed = sorted(
        {
            k
            for k in names
            if k.lower() not in SAFELISTED and not k.lower().startswith("access-control-")
        }
    )
    if exposed and "access-control-expose-headers" not in lower:
        extra.append(("Access-Control-Expose-Headers", ", ".join(exposed)))
    return tuple(extra)


Pairs = tuple[tuple[str, str], ...]
_added: dict[int, tuple[Pairs, Pairs]] = {}
_MOST_ADDED = 1024


def with_cors(headers: Pairs) -> Pairs:
    """`headers` and the CORS headers they lack (the same tuple when they lack none). A
    response plan sends one tuple of headers again and again: each is worked out once
    (by identity, kept with it so that its id stays its own; any thread may ask)."""
    found = _added.get(id(headers))
    if found is not None and found[0] is headers:
        return found[1]
    extra = cors_headers(tuple(k for k, _ in headers))
    result = (*headers, *extra) if extra else headers
    if len(_added) >= _MOST_ADDED:
        _added.clear()
    _added[id(headers)] = (headers, result)
    return result
