"""The import contract holds for the package, and fails on each kind of broken rule."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .support_layers import LAYERS, PACKAGE, problems

SRC = Path(__file__).resolve().parents[1] / "src"
REPO = SRC.parent


def test_the_package_keeps_its_layers() -> None:
    assert problems(SRC) == []


def test_every_folder_of_the_package_is_a_layer() -> None:
    parts = {p.stem for p in (SRC / PACKAGE).iterdir() if p.suffix == ".py" or p.is_dir()}
    parts -= {"__init__", "__pycache__"}
    assert parts == {name for layer in LAYERS for name in layer}


def plant(tmp_path: Path, files: dict[str, str]) -> Path:
    """A fake package tree under tmp_path/src with the layer folders and `files`."""
    root = tmp_path / "src" / PACKAGE
    for name in ("errors.py", "settings.py", "cli.py", "__init__.py"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("")
    for folder in ("collection", "engine", "calls", "report", "serving", "plugin"):
        (root / folder).mkdir()
        (root / folder / "__init__.py").write_text("")
    for name, text in files.items():
        (root / name).write_text(text)
    return tmp_path / "src"


def test_an_upward_import_fails_and_names_the_line(tmp_path: Path) -> None:
    src = plant(
        tmp_path,
        {
            "engine/matching.py": "import os\n\nfrom ..calls.log import Call\n",
            "calls/log.py": "Call = object\n",
        },
    )
    assert problems(src) == [
        f"{PACKAGE}.engine.matching:3: imports {PACKAGE}.calls.log"
        " (upward: engine may not import calls)"
    ]
    run = subprocess.run(
        [sys.executable, "-m", "tests.support_layers", str(src)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert run.stdout.splitlines() == [*problems(src), "import contract: 1 problem(s)"]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"collection/parser.py": "from pytest_postman_mock.serving import app\n"},
            "collection.parser:1: imports pytest_postman_mock.serving"
            " (upward: collection may not import serving)",
        ),
        (
            {"settings.py": "from . import engine\n"},
            "settings:1: imports pytest_postman_mock.engine"
            " (upward: settings may not import engine)",
        ),
        (
            {"plugin/entry.py": "from .. import cli\n"},
            "plugin.entry:1: imports pytest_postman_mock.cli (plugin and cli are independent)",
        ),
        (
            {"serving/app.py": "from pytest_postman_mock import MockServer\n"},
            "serving.app:1: imports pytest_postman_mock (upward: serving may not import __init__)",
        ),
        (
            {"engine/lint.py": "def check():\n    from ..errors import CollectionError\n"},
            "engine.lint:2: imports pytest_postman_mock.errors inside a function",
        ),
        (
            {"engine/extra.py": ""},
            "",
        ),
    ],
)
def test_each_broken_rule_is_named(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    found = problems(plant(tmp_path, files))
    assert found == ([f"{PACKAGE}.{expected}"] if expected else [])


def test_a_module_in_no_layer_is_named(tmp_path: Path) -> None:
    src = plant(tmp_path, {"helpers.py": ""})
    assert problems(src) == [f"{PACKAGE}.helpers: in no layer (add 'helpers' to LAYERS)"]


def test_a_cycle_inside_a_layer_is_named(tmp_path: Path) -> None:
    src = plant(
        tmp_path,
        {
            "engine/helpers.py": "from .templating import Template\n",
            "engine/templating.py": "from . import helpers\nTemplate = object\n",
        },
    )
    assert problems(src) == [
        f"import cycle among: {PACKAGE}.engine.helpers, {PACKAGE}.engine.templating"
    ]


def test_imports_only_for_type_checking_are_exempt(tmp_path: Path) -> None:
    src = plant(
        tmp_path,
        {
            "engine/core.py": (
                "from typing import TYPE_CHECKING\n\n"
                "if TYPE_CHECKING:\n    from ..serving.app import MockApp\n"
            ),
            "serving/app.py": "from ..engine import core\nMockApp = object\n",
        },
    )
    assert problems(src) == []
