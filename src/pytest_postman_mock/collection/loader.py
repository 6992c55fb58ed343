"""Read collection and environment files (JSON or YAML) into the frozen model.

Every failure becomes one `CollectionError` that names the file and, where
there is one, the JSON pointer of the part at fault and what was expected.
YAML is read with `safe_load` semantics plus a bound on alias expansion (in nodes
and in the text the aliases repeat), so a "billion laughs" document, or a 20 MiB
scalar behind hundreds of aliases, is refused instead of eating the machine.
Numbers longer than Python reads (4,300 digits) and lone surrogates (`\ud800`,
which no UTF-8 response can carry) are refused at load too, with their place.
"""

from __future__ import annotations

import json
import re
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
MAX_YAML_ALIAS_TEXT = 16 * 1024 * 1024
"""The most scalar text (characters) aliases may add beyond the document's own size."""

_YAML_SUFFIXES = (".yaml", ".yml")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
"""Where JSON text can hold a lone surrogate: only a `\\uD800`-`\\uDFFF` escape makes one
(the UTF-8 decoder refuses encoded surrogates), so text without one needs no walk."""
NESTED_TOO_DEEPLY = (
    "nested too deeply to read (Python's JSON and YAML readers stop near 1,000 levels, "
    "about 450 nested folders)"
)


def load_collection(path: str | Path) -> Collection:
    """Load a v1, v2.0 or v2.1 collection from a JSON or YAML file."""
    source = Path(path)
    doc = _read(source)
    consume = source.suffix.lower() not in _YAML_SUFFIXES  # YAML aliases share nodes
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
        return parse_document(doc, source, consume)
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
        doc = json.loads(content)
    except json.JSONDecodeError as problem:
        raise CollectionError(
            source, f"invalid JSON at line {problem.lineno} column {problem.colno}: {problem.msg}"
        ) from None
    except RecursionError:
        raise CollectionError(source, NESTED_TOO_DEEPLY) from None
    except ValueError as problem:  # a number past Python's 4,300-digit limit
        raise CollectionError(source, _number_problem(problem)) from None
    if _SURROGATE_ESCAPE.search(content):  # else no string of `doc` can hold one
        _check_text(doc, source)
    return doc


def _number_problem(problem: ValueError) -> str:
    return f"a number too long to read ({problem}); write it as a string"


def _check_text(doc: Any, source: Path) -> None:
    """Refuse strings holding a lone surrogate (`"\ud800"`): valid JSON, but no UTF-8
    response or log line can carry it. The message gives the JSON pointer."""
    stack: list[tuple[Any, str]] = [(doc, "")]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                where = f"{pointer}/{_escape(key)}"
                _check_string(key, where, source)
                stack.append((value, where))
        elif isinstance(node, list):
            stack.extend((value, f"{pointer}/{i}") for i, value in enumerate(node))
        elif isinstance(node, str):
            _check_string(node, pointer, source)


def _escape(key: Any) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def _check_string(value: Any, pointer: str, source: Path) -> None:
    if isinstance(value, str) and not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as problem:
            code = ord(value[problem.start])
            raise CollectionError(
                source,
                f"text holds a lone surrogate (\\u{code:04x}), which is not a character "
                "and cannot be sent as UTF-8",
                pointer.encode("utf-8", "backslashreplace").decode("utf-8") or None,
            ) from None


def _parse_yaml(content: str, source: Path) -> Any:
    loader = yaml.SafeLoader(content)
    try:
        node = loader.get_single_node()
        if node is None:
            raise CollectionError(source, "the YAML document is empty")
        _check_expansion(node, source, len(content))
        doc = loader.construct_document(node)
        _check_text(doc, source)
        return doc
    except yaml.MarkedYAMLError as problem:
        mark = problem.problem_mark
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        reason = ", ".join(filter(None, (problem.context, problem.problem)))
        raise CollectionError(source, f"invalid YAML{where}: {reason}") from None
    except yaml.YAMLError as problem:
        raise CollectionError(source, f"invalid YAML: {problem}") from None
    except RecursionError:
        raise CollectionError(source, NESTED_TOO_DEEPLY) from None
    except ValueError as problem:  # an integer past Python's 4,300-digit limit
        raise CollectionError(source, _number_problem(problem)) from None
    finally:
        loader.dispose()


def _check_expansion(root: yaml.Node, source: Path, size: int) -> None:
    """Refuse documents whose aliases expand past `MAX_YAML_NODES` (or loop), or whose
    scalars, counted once per alias, add up to more than `MAX_YAML_ALIAS_TEXT` beyond the
    document's own `size`: PyYAML shares an aliased string, but everything that walks the
    collection afterwards (variables, bodies, templates) pays for each copy."""
    budget = MAX_YAML_NODES
    text_budget = size + MAX_YAML_ALIAS_TEXT
    stack: list[yaml.Node] = [root]
    while stack:
        node = stack.pop()
        budget -= 1
        if budget < 0:
            raise CollectionError(
                source,
                f"YAML aliases expand to more than {MAX_YAML_NODES:,} nodes; refusing to load it",
            )
        if isinstance(node, yaml.ScalarNode):
            text_budget -= len(node.value)
            if text_budget < 0:
                raise CollectionError(
                    source,
                    "YAML aliases repeat more than "
                    f"{MAX_YAML_ALIAS_TEXT // (1024 * 1024)} MiB of text beyond the file's own "
                    "size; refusing to load it",
                )
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append(key)
                stack.append(value)
