"""Edit a JSON document's text in place, so every byte outside the edit stays as it was.

Re-serialising a whole collection would re-space, re-escape and re-order what
other tools wrote; instead the span of the value being changed is found in the
text (Python's own decoder reads each value, so strings and escapes are read
exactly as `json.loads` reads them) and only that span is rewritten, indented
like its neighbours. `apply` checks its result against the same edit made to
the parsed document, and falls back to a full re-serialisation if they differ.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Union

Part = Union[str, int]
_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class Edit:
    """Append `value` to the array at `at`, set member `key` of the object at `at`, or
    replace the value at `at`."""

    op: str  # "append" | "set" | "replace"
    at: tuple[Part, ...]
    value: Any
    key: str = ""


def detect_indent(text: str) -> str | None:
    """The file's indent unit (the leading whitespace of its first indented line)."""
    match = re.search(r"\n([ \t]+)\S", text)
    return match.group(1) if match else None


def apply_to_document(document: Any, edit: Edit) -> None:
    target = document
    for part in edit.at if edit.op != "replace" else edit.at[:-1]:
        target = target[part]
    if edit.op == "append":
        target.append(edit.value)
    elif edit.op == "set":
        target[edit.key] = edit.value
    else:
        target[edit.at[-1]] = edit.value


def apply(text: str, edit: Edit, expected: Any) -> str:
    """`text` with `edit` made to it; `expected` is the parsed document after the edit."""
    try:
        changed = _splice(text, edit)
        if json.loads(changed) == expected:
            return changed
    except (ValueError, KeyError, IndexError, TypeError):
        pass
    return dumps(expected, detect_indent(text)) + ("\n" if text.endswith("\n") else "")


def dumps(value: Any, indent: str | None, base: str = "") -> str:
    if indent is None:
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value, indent=indent, ensure_ascii=False).replace("\n", "\n" + base)


def _splice(text: str, edit: Edit) -> str:
    start = _locate(text, edit.at)
    end = _DECODER.raw_decode(text, start)[1]
    unit = detect_indent(text)
    line_indent = _line_indent(text, start)
    if edit.op == "replace":
        return text[:start] + dumps(edit.value, unit, line_indent) + text[end:]
    member = edit.value if edit.op == "append" else {edit.key: edit.value}
    last = _last_child_end(text, start)
    if last is None:  # empty container: open it over lines of its own
        inner = line_indent + (unit or "")
        body = _entry(edit, member, unit, inner)
        if unit is None:
            return text[:start] + text[start] + body + text[end - 1 :]
        return (
            text[:start] + text[start] + "\n" + inner + body + "\n" + line_indent + text[end - 1 :]
        )
    child_indent = _line_indent(text, _first_child(text, start))
    separator = "," if unit is None else ",\n" + child_indent
    if unit is not None and "\n" not in text[start:end]:
        separator, child_indent = ", ", line_indent
    body = _entry(edit, member, unit, child_indent)
    return text[:last] + separator + body + text[last:]


def _entry(edit: Edit, member: Any, unit: str | None, indent: str) -> str:
    if edit.op == "append":
        return dumps(member, unit, indent)
    key = json.dumps(edit.key, ensure_ascii=False)
    if unit is None:
        return f"{key}:{dumps(edit.value, None)}"
    return f"{key}: {dumps(edit.value, unit, indent)}"


def _ws(text: str, at: int) -> int:
    match = _WS.match(text, at)
    assert match is not None
    return match.end()


def _locate(text: str, parts: Sequence[Part]) -> int:
    """Where the value at `parts` starts in `text`."""
    at = _ws(text, 0)
    for part in parts:
        at = _child(text, at, part)
    return at


def _children(text: str, at: int) -> list[tuple[Part, int, int]]:
    """(key or index, start, end) of each member of the container starting at `at`."""
    opening = text[at]
    if opening not in "{[":
        raise TypeError("not a container")
    found: list[tuple[Part, int, int]] = []
    at = _ws(text, at + 1)
    closing = "}" if opening == "{" else "]"
    index = 0
    while text[at] != closing:
        key: Part = index
        if opening == "{":
            key, at = _DECODER.raw_decode(text, at)
            at = _ws(text, at)
            if text[at] != ":":
                raise ValueError("expected ':'")
            at = _ws(text, at + 1)
        start = at
        _, at = _DECODER.raw_decode(text, at)
        found.append((key, start, at))
        at = _ws(text, at)
        if text[at] == ",":
            at = _ws(text, at + 1)
        index += 1
    return found


def _child(text: str, at: int, part: Part) -> int:
    matches = [start for key, start, _ in _children(text, at) if key == part]
    if not matches:
        raise KeyError(part)
    return matches[-1]  # as json.loads, the last of duplicate keys wins


def _last_child_end(text: str, at: int) -> int | None:
    children = _children(text, at)
    return children[-1][2] if children else None


def _first_child(text: str, at: int) -> int:
    """Where the first member starts (its key, for an object)."""
    return _ws(text, at + 1)


def _line_indent(text: str, at: int) -> str:
    line_start = text.rfind("\n", 0, at) + 1
    match = _WS.match(text, line_start)
    assert match is not None
    return text[line_start : min(match.end(), at)].replace("\n", "").replace("\r", "")
