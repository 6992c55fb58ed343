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
