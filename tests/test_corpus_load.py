"""Every collection and environment of the shared real-world corpus loads completely.

The expected numbers are computed here straight from the raw JSON, independently
of the loader. Set POSTMAN_MOCK_CORPUS to use a corpus somewhere else.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from pytest_postman_mock.collection import Collection, Variable, load_collection, load_environment

from .conftest import CORPUS, require_corpus

require_corpus()

COLLECTIONS = sorted((CORPUS / "collections").glob("*.json"))
ENVIRONMENTS = sorted((CORPUS / "environments").glob("*.json"))


def _raw(path: Path) -> Any:
    return json.loads(path.read_bytes().decode("utf-8-sig"))


def _saved_responses(doc: Any) -> int:
    """Count every element of every item's `response` list, folders included."""
    if isinstance(doc.get("collection"), dict):
        doc = doc["collection"]
    if "item" not in doc and isinstance(doc.get("requests"), list):  # v1
        return sum(len(request.get("responses") or []) for request in doc["requests"])
    total = 0
    pending = list(doc["item"])
    while pending:
        node = pending.pop()
        if "request" not in node and isinstance(node.get("item"), list):
            pending.extend(node["item"])
            continue
        responses = node.get("response")
        if isinstance(responses, list):
            total += len(responses)
        elif isinstance(responses, dict):
            total += 1
    return total


def _enabled_values(doc: Any) -> dict[str, Any]:
    """An environment's enabled values by key, the last duplicate winning."""
    if isinstance(doc.get("environment"), dict):
        doc = doc["environment"]
    found: dict[str, Any] = {}
    for value in doc["values"]:
        if value.get("enabled") is False or value.get("disabled") is True:
            continue
        found[value["key"]] = value.get("value")
    return found


@cache
def _load(path: Path) -> Collection:
    return load_collection(path)


@pytest.mark.parametrize("path", COLLECTIONS, ids=[p.stem for p in COLLECTIONS])
def test_collection_loads_every_saved_example(path: Path) -> None:
    collection = _load(path)
    examples = list(collection.examples())
    assert len(examples) + len(collection.warnings) == _saved_responses(_raw(path))
    assert [e.order for e in examples] == list(range(len(examples)))
    assert collection.source == path


@pytest.mark.parametrize("path", COLLECTIONS, ids=[p.stem for p in COLLECTIONS])
def test_collection_example_codes_are_http_statuses(path: Path) -> None:
    bad = [
        (e.label, e.code)
        for e in _load(path).examples()
        if type(e.code) is not int or not 100 <= e.code <= 599
    ]
    assert bad == []


@pytest.mark.parametrize("path", COLLECTIONS, ids=[p.stem for p in COLLECTIONS])
def test_collection_example_methods_are_upper_case(path: Path) -> None:
    bad = [
        (e.label, e.request.method)
        for e in _load(path).examples()
        if not e.request.method or e.request.method != e.request.method.upper()
    ]
    assert bad == []


@pytest.mark.parametrize("path", ENVIRONMENTS, ids=[p.stem for p in ENVIRONMENTS])
def test_environment_loads_enabled_deduplicated_values(path: Path) -> None:
    expected = _enabled_values(_raw(path))
    environment = load_environment(path)
    keys = [v.key for v in environment.values]
    assert len(environment.values) == len(expected)
    assert len(set(keys)) == len(keys)
    assert set(keys) == {str(key) for key in expected}
    for variable in environment.values:
        raw = expected[variable.key]
        if isinstance(raw, str):
            assert variable.value == raw, variable.key


def _named(fragment: str) -> Path:
    matches = [p for p in ENVIRONMENTS if fragment in p.name]
    if not matches:
        pytest.skip(f"no environment named like {fragment!r} in {CORPUS}")
    return matches[0]


def test_environment_with_bom_in_corpus() -> None:
    path = _named("bom-in-environment")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    environment = load_environment(path)
    assert environment.name == "Variable names with slashes"
    assert environment.values == (Variable("fo/o", "alpha"), Variable("b\\ar", "beta"))


def test_environment_with_disabled_and_duplicates_in_corpus() -> None:
    environment = load_environment(_named("disabled-and-duplicates"))
    assert environment.values == (Variable("oneDisabled", "1"), Variable("duplicate", "2"))
