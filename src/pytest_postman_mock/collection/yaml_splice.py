"""Edit a YAML collection's text in place where its layout allows, so comments and the
author's layout survive outside the edit.

The YAML composer gives every node its start and end position; an example or request
appended to a block sequence, or a member added to a block mapping, is dumped on its own
and inserted after the last entry, indented like the entries before it. Anything else
(flow style, `[]`, a replacement) and any result that does not parse back to the expected
document falls back to writing the whole document with `yaml.safe_dump`.
"""

from __future__ import annotations

from typing import Any

import yaml

from .splice import Edit

DUMP = {"sort_keys": False, "allow_unicode": True, "default_flow_style": False, "width": 120}


def dump(document: Any) -> str:
    return yaml.safe_dump(document, **DUMP)  # type: ignore[call-overload,no-any-return]


def apply(text: str, edit: Edit, expected: Any) -> str:
    """`text` with `edit` made to it; `expected` is the parsed document after the edit."""
    try:
        changed = _splice(text, edit)
        if changed is not None and yaml.safe_load(changed) == expected:
            return changed
    except (yaml.YAMLError, KeyError, IndexError, TypeError, ValueError):
        pass
    return dump(expected)


def _splice(text: str, edit: Edit) -> str | None:
    if edit.op == "replace":
        return None
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if node is None:
        return None
    for part in edit.at:
        node = _child(node, part)
    if edit.op == "append" and isinstance(node, yaml.SequenceNode):
        if node.flow_style or not node.value:
            return None
        first, last = node.value[0], node.value[-1]
        column = first.start_mark.column - 2  # where the entries' "- " starts
        if column < 0 or text[first.start_mark.index - 2 : first.start_mark.index] != "- ":
            return None
        block = dump([edit.value])
    elif edit.op == "set" and isinstance(node, yaml.MappingNode):
        if node.flow_style or not node.value:
            return None
        first_key, last = node.value[0][0], node.value[-1][1]
        column = first_key.start_mark.column
        block = dump({edit.key: edit.value})
    else:
        return None
    at = _content_end(text, _last_end(last))
    line_end = text.find("\n", at)  # after a comment that ends the last entry's line
    at = len(text) if line_end < 0 else line_end
    indented = "\n".join(" " * column + line if line else line for line in block.splitlines())
    return text[:at] + "\n" + indented + text[at:]


def _child(node: yaml.Node, part: str | int) -> yaml.Node:
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
        item: yaml.Node = node.value[part]
        return item
    if isinstance(node, yaml.MappingNode):
        found: list[yaml.Node] = [value for key, value in node.value if key.value == part]
        if found:
            return found[-1]
    raise KeyError(part)


def _last_end(node: yaml.Node) -> int:
    """Where the last scalar (or flow collection) inside `node` ends: a block collection's
    own end comes after any comment lines that follow it."""
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style:
        if not node.value:
            break
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return int(node.end_mark.index)


def _content_end(text: str, at: int) -> int:
    """Back from `at` over trailing blank space, to the end of the last line with content."""
    while at > 0 and text[at - 1] in " \t\r\n":
        at -= 1
    return at
