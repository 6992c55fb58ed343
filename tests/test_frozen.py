"""`quick_init`: a frozen dataclass's quicker `__init__` builds exactly what the dataclass's
own would, and a class it cannot handle is refused when it is defined."""

from __future__ import annotations

import dataclasses
from dataclasses import InitVar, dataclass, field

import pytest

from pytest_postman_mock.frozen import quick_init


@dataclass(frozen=True)
class Plain:
    name: str
    size: int = 3
    tags: list[str] = field(default_factory=list)
    seq: int = field(default=0, compare=False)


@quick_init
@dataclass(frozen=True)
class Quick:
    name: str
    size: int = 3
    tags: list[str] = field(default_factory=list)
    seq: int = field(default=0, compare=False)


@quick_init
@dataclass(frozen=True)
class Checked:
    low: int
    high: int

    def __post_init__(self) -> None:
        if self.low > self.high:
            raise ValueError("low above high")


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [(("a",), {}), (("a", 5), {}), (("a",), {"tags": ["x"], "seq": 7}), ((), {"name": "b"})],
)
def test_the_quick_init_builds_what_the_dataclass_builds(
    args: tuple[object, ...], kwargs: dict[str, object]
) -> None:
    plain, quick = Plain(*args, **kwargs), Quick(*args, **kwargs)  # type: ignore[arg-type]
    assert vars(quick) == vars(plain)
    assert repr(quick) == repr(plain).replace("Plain", "Quick")
    assert quick == Quick(*args, **kwargs)  # type: ignore[arg-type]


def test_defaults_factories_post_init_and_frozen_stay_the_dataclass_s() -> None:
    first, second = Quick("a"), Quick("a")
    assert first.tags == [] and first.tags is not second.tags  # a fresh list each time
    assert dataclasses.replace(first, size=9) == Quick("a", 9)
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.size = 4  # type: ignore[misc]
    with pytest.raises(TypeError, match="colour"):
        Quick("a", colour="red")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Quick()  # type: ignore[call-arg]
    assert Checked(1, 2).high == 2
    with pytest.raises(ValueError, match="low above high"):
        Checked(3, 2)


def test_a_class_it_cannot_build_is_refused_at_once() -> None:
    @dataclass
    class Mutable:
        name: str

    @dataclass(frozen=True)
    class Hidden:
        name: str
        secret: str = field(default="", init=False)

    @dataclass(frozen=True)
    class WithInitVar:
        name: str
        extra: InitVar[int] = 0

    for cls, problem in ((Mutable, "frozen"), (Hidden, "cannot"), (WithInitVar, "cannot")):
        with pytest.raises(TypeError, match=problem):
            quick_init(cls)
    with pytest.raises(TypeError, match="dataclass"):
        quick_init(int)
