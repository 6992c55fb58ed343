"""Handler modules: a Python file whose `@handler(...)` functions drive the mock.

The file is compiled from its source each time (never from a stale `.pyc`), into
a fresh module, so that `serve --watch` sees every change. A file that does not
load becomes one `SettingsError` line naming the file, the line and the problem.
"""

from __future__ import annotations

import itertools
import sys
import traceback
import types
from pathlib import Path

from ..errors import SettingsError
from .handlers import SPECS, HandlerSpec

_loads = itertools.count(1)
SCENARIOS = "SCENARIOS"
"""A handlers file's mapping of scenarios, in the shape of a scenarios YAML file."""


def specs_of(module: types.ModuleType) -> list[HandlerSpec]:
    """The `@handler` registrations of a module's functions, in the order they appear."""
    found: list[HandlerSpec] = []
    seen: set[int] = set()
    for value in vars(module).values():
        specs = getattr(value, SPECS, None) if callable(value) else None
        if specs and id(value) not in seen:
            seen.add(id(value))
            found.extend(specs)
    return found


def load_module(path: str | Path) -> types.ModuleType:
    """Run a handlers file as a fresh module; any failure is one line naming the file."""
    file = Path(path)
    try:
        source = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as problem:
        raise SettingsError(f"handlers file {file}: cannot read it: {problem}") from None
    name = f"postman_mock_handlers_{next(_loads)}"
    module = types.ModuleType(name)
    module.__file__ = str(file)
    folder = str(file.resolve().parent)
    if folder not in sys.path:
        sys.path.append(folder)  # so the file can import its neighbours
    try:
        code = compile(source, str(file), "exec")
        sys.modules[name] = module
        exec(code, module.__dict__)
    except SyntaxError as problem:
        sys.modules.pop(name, None)
        raise SettingsError(
            f"handlers file {file}, line {problem.lineno}: SyntaxError: {problem.msg}"
        ) from None
    except (Exception, SystemExit) as problem:  # whatever the module runs at import time
        sys.modules.pop(name, None)
        frames = [f for f in traceback.extract_tb(problem.__traceback__) if f.filename == str(file)]
        where = f", line {frames[-1].lineno}" if frames else ""
        raise SettingsError(
            f"handlers file {file}{where}: {type(problem).__name__}: {problem}"
        ) from None
    if not specs_of(module) and SCENARIOS not in vars(module):
        sys.modules.pop(name, None)
        raise SettingsError(
            f"handlers file {file}: no function is decorated with "
            f"@handler(...) (from pytest_postman_mock import handler) and no {SCENARIOS} "
            "mapping defines scenarios"
        )
    return module
