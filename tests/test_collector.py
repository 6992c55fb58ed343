"""Loading pauses the garbage collector and leaves it as it was; `serve` freezes after."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_postman_mock.engine.collector import freeze_loaded, loading
from pytest_postman_mock.engine.core import Engine

from . import builders


@pytest.fixture
def collection_file(tmp_path: Path) -> Path:
    document = builders.collection(
        builders.request("Users", "https://x.test/users", builders.example("ok", "/users"))
    )
    return builders.write(tmp_path / "c.json", document)


@pytest.fixture(autouse=True)
def collector_back_as_it_was() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()


def test_a_load_runs_with_the_collector_paused_and_turns_it_back_on(
    collection_file: Path,
) -> None:
    gc.enable()
    seen: list[bool] = []
    with loading():
        seen.append(gc.isenabled())
        Engine.from_files(collection_file)  # a nested load keeps it paused
        seen.append(gc.isenabled())
    assert seen == [False, False]
    assert gc.isenabled()


def test_a_load_freezes_nothing(collection_file: Path) -> None:
    """Frozen objects are hidden from `gc.get_referrers`, which test libraries use."""
    gc.unfreeze()
    engine = Engine.from_files(collection_file)
    assert gc.get_freeze_count() == 0
    assert any(o is engine.index for o in gc.get_objects())


def test_a_disabled_collector_stays_disabled(collection_file: Path) -> None:
    gc.disable()
    Engine.from_files(collection_file)
    assert not gc.isenabled()


def test_a_failed_load_still_turns_the_collector_back_on(tmp_path: Path) -> None:
    gc.enable()
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(Exception, match=r"broken\.json"):
        Engine.from_files(broken)
    assert gc.isenabled()


def test_freezing_after_a_load_hides_the_engine_from_full_collections(
    collection_file: Path,
) -> None:
    gc.unfreeze()
    engine = Engine.from_files(collection_file)
    freeze_loaded()
    assert not any(o is engine.index for o in gc.get_objects())
    freeze_loaded(reloading=True)  # thaws, then freezes what is alive again
    assert gc.get_freeze_count() > 0
