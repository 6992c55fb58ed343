"""Names of requests and examples as tests write them, resolved without guessing.

A name may be bare (`"Get user"`, `"OK"`) or qualified by its folders and request
(`"Users / Get user"`, `"Get user / OK"`, `"Users / Get user / OK"`): a qualified
name is any tail of the full label. A name that fits several requests (or several
examples) is refused with the candidates, so a test never acts on one it did not
mean. `x-mock-response-name` is not affected: it follows Postman (sort by id).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..collection.model import Example, Item
from ..engine.core import Engine
from ..errors import SettingsError, did_you_mean

SEPARATOR = " / "


def request_label(item: Item | Example) -> str:
    """`Folder / Request`: how a request is named in full."""
    name = item.item_name if isinstance(item, Example) else item.name
    return SEPARATOR.join((*item.folders, name))


def _fits(name: str, label: str) -> bool:
    return label == name or label.endswith(SEPARATOR + name)


def requests_named(engine: Engine, name: str) -> list[str]:
    """Full labels of the requests `name` fits (bare or qualified)."""
    return list(
        dict.fromkeys(
            request_label(item)
            for item in engine.collection.items
            if _fits(name, request_label(item))
        )
    )


def examples_named(engine: Engine, name: str) -> list[Example]:
    """The examples `name` fits (bare or qualified by request and folders)."""
    return [c.example for c in engine.index.examples if _fits(name, c.example.label)]


def ambiguous(what: str, name: str, candidates: Iterable[str]) -> SettingsError:
    listed = ", ".join(repr(c) for c in candidates)
    return SettingsError(
        f"{what} {name!r} is ambiguous: it names {listed}; give one of these (a qualified "
        f'name like "Folder / Request" or "Request / Example")'
    )


def suggest(name: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)`, as loosely as overrides suggest names."""
    return did_you_mean(name, choices, cutoff=0.5)


def one_request(engine: Engine, name: str, what: str = "request") -> str | None:
    """The one request `name` names (its full label), None if none; several: an error."""
    found = requests_named(engine, name)
    if len(found) > 1:
        raise ambiguous(what, name, found)
    return found[0] if found else None


def one_example(engine: Engine, name: str, what: str = "example") -> Example | None:
    """The one example `name` names, None if none; several: an error with their labels."""
    found = examples_named(engine, name)
    if len(found) > 1:
        raise ambiguous(what, name, [e.label for e in found])
    return found[0] if found else None
