"""A quicker `__init__` for the frozen dataclasses the server makes on every request.

A frozen dataclass's generated `__init__` sets each field through `object.__setattr__`
(its own `__setattr__` refuses), which costs several times a plain assignment: with a
match, an outcome, two responses and a call record per request, that was a visible
share of the server's time. `quick_init` gives such a class an `__init__` with the same
parameters, defaults and `__post_init__` call that writes the fields straight into the
instance's `__dict__`. Everything else (frozen assignment, `replace`, equality, hash,
repr) is the dataclass's own.
"""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any, TypeVar

T = TypeVar("T")
_FACTORY = object()
"""The default of a parameter whose field has a `default_factory`."""


def quick_init(cls: type[T]) -> type[T]:
    """`cls` (a frozen dataclass, without slots) with the quicker `__init__`; a class this
    does not handle (init=False, keyword-only or `InitVar` fields) is a TypeError at import."""
    if not dataclasses.is_dataclass(cls) or "__slots__" in cls.__dict__:
        raise TypeError(f"quick_init needs a dataclass without slots, not {cls.__name__}")
    if not cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        raise TypeError(f"quick_init is for frozen dataclasses ({cls.__name__} is not)")
    params = dataclasses.fields(cls)
    given = list(inspect.signature(cls.__init__).parameters)[1:]
    if given != [f.name for f in params] or any(getattr(f, "kw_only", False) for f in params):
        raise TypeError(f"quick_init cannot make the __init__ of {cls.__name__}")
    names: dict[str, Any] = {"_FACTORY": _FACTORY}
    signature, lines = ["self"], ["_quick_attrs = self.__dict__"]
    for field in params:
        name = field.name
        if name in ("self", "_quick_attrs", "_FACTORY"):
            raise TypeError(f"quick_init cannot name a parameter {name!r}")
        value = name
        if field.default is not dataclasses.MISSING:
            names[f"_default_{name}"] = field.default
            signature.append(f"{name}=_default_{name}")
        elif field.default_factory is not dataclasses.MISSING:
            names[f"_factory_{name}"] = field.default_factory
            signature.append(f"{name}=_FACTORY")
            value = f"_factory_{name}() if {name} is _FACTORY else {name}"
        else:
            signature.append(name)
        lines.append(f"_quick_attrs[{name!r}] = {value}")
    if hasattr(cls, "__post_init__"):
        lines.append("self.__post_init__()")
    source = f"def __init__({', '.join(signature)}):\n    " + "\n    ".join(lines)
    exec(source, names)  # the source is made above from the names of the fields only
    init = names["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init  # type: ignore[method-assign]
    return cls
