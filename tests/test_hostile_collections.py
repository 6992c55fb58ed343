"""Hostile collections are refused at load with one clear error, within a memory bound.

Each collection here used to run the machine out of memory, or raise a traceback:
a variable that refers to itself three times, a ten-way fan-out chain, a big YAML
scalar behind hundreds of aliases, a number of 5,000 digits, a lone surrogate. The
peak memory of each load is measured with tracemalloc and bounded (docs/hostile-input.md).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from pytest_postman_mock import MockServer
from pytest_postman_mock.collection import load_collection
from pytest_postman_mock.engine.core import Engine
from pytest_postman_mock.errors import CollectionError
from pytest_postman_mock.settings import MockSettings

from . import builders
from .memory import peak_mib

LOAD_BOUND_MIB = 64
"""What a refused hostile load may allocate at its peak (measured: well under 1 MiB for the
variable bombs, about 2x the scalar for the YAML one)."""


def load(path: Path, **settings: object) -> Engine:
    return Engine.from_files(path, None, MockSettings().with_values(settings, "test"))


def refused(path: Path, **settings: object) -> tuple[str, float]:
    """The load's error message, and its peak memory."""
    result, peak = peak_mib(lambda: load(path, **settings))
    assert isinstance(result, CollectionError), result
    assert str(result).count("\n") == 0
    print(f"{path.name}: refused, peak {peak:.2f} MiB: {result}")
    assert peak < LOAD_BOUND_MIB
    return str(result), peak


def test_a_variable_that_refers_to_itself_three_times_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.json"
    example = {"name": "E", "originalRequest": {"url": "https://x.test/{{a}}"}, "body": "{{a}}"}
    doc = {
        "info": {"name": "Bomb"},
        "item": [{"name": "R", "request": {"url": "https://x.test/{{a}}"}, "response": [example]}],
        "variable": [{"key": "a", "value": "{{a}}{{a}}{{a}}"}],
    }
    path.write_text(json.dumps(doc, separators=(",", ":")))
    assert path.stat().st_size < 260  # the 260-byte collection
    message, _ = refused(path)
    assert message == (
        f"{path}: variable 'a' expands to more than 1,048,576 bytes (max_variable_size); "
        "look for a variable that refers to itself or fans out"
    )


def test_a_ten_way_fan_out_chain_is_refused_even_when_only_a_body_uses_it(
    tmp_path: Path,
) -> None:
    chain = {f"v{i}": f"{{{{v{i + 1}}}}}" * 10 for i in range(10)}  # v0 = {{v1}} x 10, ...
    chain["v10"] = "x"
    doc = builders.collection(
        builders.request(
            "R", "https://x.test/r", builders.example("E", "https://x.test/r", body="{{v0}}")
        ),
        variables=chain,
    )
    message, _ = refused(builders.write(tmp_path / "fan.json", doc))
    assert "variable 'v0' expands to more than 1,048,576 bytes (max_variable_size)" in message


def test_max_variable_size_is_the_bound(tmp_path: Path) -> None:
    doc = builders.collection(
        builders.request(
            "R", "https://x.test/r", builders.example("E", "https://x.test/r", body="{{big}}")
        ),
        variables={"big": "{{half}}{{half}}", "half": "x" * 3000},
    )
    path = builders.write(tmp_path / "big.json", doc)
    message, _ = refused(path, max_variable_size=4096)
    assert "variable 'big' expands to more than 4,096 bytes (max_variable_size)" in message
    with MockServer(path) as server:  # the default bound (1 MiB) takes it
        assert requests.get(server.url_for("/r"), timeout=5).text == "x" * 6000


def test_a_big_yaml_scalar_behind_301_aliases_is_refused(tmp_path: Path) -> None:
    scalar = "x" * (256 * 1024)  # the 20 MiB, scaled down: 75 MiB expanded
    aliases = "".join("\n      - *big" for _ in range(301))
    path = tmp_path / "aliases.yaml"
    path.write_text(
        "info: {name: Aliases, schema: "
        "'https://schema.getpostman.com/json/collection/v2.1.0/collection.json'}\n"
        f"variable:\n  - key: big\n    value: &big {scalar}\n"
        f"item:\n  - name: R\n    request: {{url: 'https://x.test/r'}}\n    tags:{aliases}\n"
    )
    message, _ = refused(path)
    assert message == (
        f"{path}: YAML aliases repeat more than 16 MiB of text beyond the file's own size; "
        "refusing to load it"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"info": {"name": "N"}, "item": [], "x": 1' + "1" * 5000 + "}", "a number too long"),
        ('{"info": {"name": "N\\ud800"}, "item": []}', "lone surrogate (\\ud800)"),
    ],
    ids=["integer-of-5001-digits", "lone-surrogate"],
)
def test_long_numbers_and_lone_surrogates_are_one_clear_error(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "odd.json"
    path.write_text(text)
    with pytest.raises(CollectionError, match=re.escape(expected)):
        load_collection(path)
    checked = subprocess.run(
        [sys.executable, "-m", "pytest_postman_mock.cli", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 2
    assert checked.stdout == ""
    [line] = checked.stderr.splitlines()
    assert line.startswith(f"postman-mock: error: {path}") and expected in line


def test_the_surrogate_error_names_where_it_is(tmp_path: Path) -> None:
    doc = builders.collection(
        builders.request("R", "https://x.test/r", builders.example("E", "https://x.test/r"))
    )
    text = json.dumps(doc).replace('"body": ""', '"body": "ok \\udfff"')
    path = tmp_path / "surrogate.json"
    path.write_text(text)
    with pytest.raises(CollectionError) as raised:
        load_collection(path)
    assert raised.value.pointer == "/item/0/response/0/body"


def test_a_yaml_integer_of_5000_digits_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "long.yaml"
    path.write_text("info: {name: N}\nitem: []\ncount: " + "7" * 5000 + "\n")
    with pytest.raises(CollectionError, match="a number too long to read"):
        load_collection(path)


def test_a_long_literal_value_is_the_files_own_size_not_an_expansion(tmp_path: Path) -> None:
    doc = builders.collection(
        builders.request(
            "R", "https://x.test/r", builders.example("E", "https://x.test/r", body="{{long}}")
        ),
        variables={"long": "y" * 5000 + "{{short}}", "short": "!"},
    )
    path = builders.write(tmp_path / "long.json", doc)
    with MockServer(path, max_variable_size=4096) as server:
        assert requests.get(server.url_for("/r"), timeout=5).text == "y" * 5000 + "!"
