"""Read collection and environment files (JSON or YAML) into the frozen model.

Every failure becomes one `CollectionError` that names the file and, where
there is one, the JSON pointer of the part at fault and what was expected.
YAML is read with `safe_load` semantics plus a bound on alias expansion, so a
"billion laughs" document is refused instead of eating the machine.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from ..errors import CollectionError
from . import v1
from .model import Collection, Environment, Variable
from .parser import parse_document
from .parts import Malformed, text

MAX_YAML_NODES = 1_000_000
"""The most nodes a YAML document may expand to once its aliases are followed."""

_YAML_SUFFIXES = (".yaml", ".yml")
NESTED_TOO_DEEPLY = (
    "nested too deeply to read (Python's JSON and YAML readers stop near 1,000 levels, "
    "about 450 nested folders)"
)


def load_collection(path: str | Path) -> Collection:
    """Load a v1, v2.0 or v2.1 collection from a JSON or YAML file."""
    source = Path(path)
    doc = _read(source)
    if isinstance(doc, dict) and isinstance(doc.get("collection"), dict):
        doc = doc["collection"]  # the Postman API wraps exports this way
    try:
        if v1.looks_like_v1(doc):
            return parse_document(v1.to_v2(doc), source)
        if isinstance(doc, dict) and "values" in doc and "item" not in doc:
            raise Malformed("", "this is a Postman environment, not a collection")
        if isinstance(doc, dict) and "info" not in doc and "item" not in doc:
            raise Malformed(
                "",
                "not a Postman collection: expected an object with 'info' and 'item' "
                "(v2.0/v2.1) or 'requests' (v1)",
            )
        return parse_document(doc, source)
    except Malformed as problem:
        raise CollectionError(source, problem.message, problem.pointer or None) from None
    except RecursionError:
        raise CollectionError(source, NESTED_TOO_DEEPLY) from None
    except (TypeError, ValueError, AttributeError, KeyError) as problem:
        # A shape the parsers do not name more precisely (most likely in a v1 file).
        raise CollectionError(source, f"malformed collection: {problem}") from None


def load_environment(path: str | Path) -> Environment:
    """Load an exported environment; disabled values are dropped, the last duplicate wins."""
    source = Path(path)
    doc = _read(source)
    if isinstance(doc, dict) and isinstance(doc.get("environment"), dict):
        doc = doc["environment"]
    if not isinstance(doc, dict) or not isinstance(doc.get("values"), list):
        looks_like_collection = isinstance(doc, dict) and ("item" in doc or "requests" in doc)
        hint = " (this looks like a collection)" if looks_like_collection else ""
        raise CollectionError(
            source, f"not a Postman environment: expected an object with a 'values' list{hint}"
        )
    merged: dict[str, str] = {}
    for index, entry in enumerate(doc["values"]):
        if not isinstance(entry, dict) or entry.get("key") is None:
            raise CollectionError(source, "expected a {key, value} object", f"/values/{index}")
        if entry.get("enabled") is False or entry.get("disabled") is True:
            continue
        merged[text(entry["key"])] = text(entry.get("value"))
    values = tuple(Variable(k, v) for k, v in merged.items())
    return Environment(name=text(doc.get("name")) or source.stem, values=values, source=source)


def _read(source: Path) -> Any:
    try:
        raw = source.read_bytes()
    except FileNotFoundError:
        raise CollectionError(source, "file not found") from None
    except IsADirectoryError:
        raise CollectionError(source, "is a directory, expected a collection file") from None
    except OSError as problem:
        raise CollectionError(source, f"cannot be read: {problem.strerror}") from None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        raise CollectionError(source, f"is not UTF-8 text (byte {problem.start})") from None
    if source.suffix.lower() in _YAML_SUFFIXES:
        return _parse_yaml(content, source)
    try:
        return json.loads(content)
    except json.JSONDecodeError as problem:
        raise CollectionError(
            source, f"invalid JSON at line {problem.lineno} column {problem.colno}: {problem.msg}"
        ) from None
    except RecursionError:
        raise CollectionError(source, NESTED_TOO_DEEPLY) from None


def _parse_yaml(content: str, source: Path) -> Any:
    loader = yaml.SafeLoader(content)
    try:
        node = loader.get_single_node()
        if node is None:
            raise CollectionError(source, "the YAML document is empty")
        _check_expansion(node, source)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as problem:
        mark = problem.problem_mark
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        reason = ", ".join(filter(None, (problem.context, problem.problem)))
        raise CollectionError(source, f"invalid YAML{where}: {reason}") from None
    except yaml.YAMLError as problem:
        raise CollectionError(source, f"invalid YAML: {problem}") from None
    except RecursionError:
        raise CollectionError(source, NESTED_TOO_DEEPLY) from None
    finally:
        loader.dispose()


def _check_expansion(root: yaml.Node, source: Path) -> None:
    """Refuse documents whose aliases expand past `MAX_YAML_NODES` (or loop)."""
    budget = MAX_YAML_NODES
    stack: list[yaml.Node] = [root]
    while stack:
        node = stack.pop()
        budget -= 1
        if budget < 0:
            raise CollectionError(
                source,
                f"YAML aliases expand to more than {MAX_YAML_NODES:,} nodes; refusing to load it",
            )
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append(key)
                stack.append(value)
