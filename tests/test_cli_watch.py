"""`serve --watch`: the watcher compares against the files' state from before the server
loaded them, so a change made while it loaded (before the watcher ran) is not lost."""

from __future__ import annotations

import threading
from pathlib import Path

from pytest_postman_mock import cli

from .support_serve import write_module


def watching(path: Path, loaded: cli.Stamp) -> tuple[threading.Event, threading.Event]:
    changed, stop = threading.Event(), threading.Event()

    def on_change() -> bool:
        changed.set()
        return True

    threading.Thread(target=cli.watch, args=([path], on_change, stop, loaded), daemon=True).start()
    return changed, stop


def test_a_change_between_the_stamp_and_the_watcher_is_noticed(tmp_path: Path) -> None:
    path = tmp_path / "api.json"
    write_module(path, "{}")
    loaded = cli.stamp([path])  # taken before the load, as serve does
    write_module(path, '{"changed": true}')  # while the server loads, before watching starts
    changed, stop = watching(path, loaded)
    try:
        assert changed.wait(10)
    finally:
        stop.set()


def test_an_unchanged_file_is_not_reloaded_and_a_missing_one_is_a_change(
    tmp_path: Path,
) -> None:
    path = tmp_path / "mocks.py"
    write_module(path, "x = 1\n")
    assert cli.stamp([path]) == cli.stamp([path])
    assert cli.stamp([tmp_path / "gone.py"]) == ((-1, -1),)
    changed, stop = watching(path, cli.stamp([path]))
    try:
        path.unlink()
        assert changed.wait(10)  # a file that went away is a change too (its reload says why)
    finally:
        stop.set()
