"""Turn a v2.0/v2.1 collection document (already parsed JSON or YAML) into the model.

Folders nest to any depth; the walk is iterative so a deeply nested document
cannot exhaust the stack. A malformed example is dropped with a warning, as
Postman drops examples it cannot convert; a malformed request or folder is an
error, because silently serving less than the user wrote would mislead.
"""

from __future__ import annotations

from typing import Any

from . import parts
from .model import Collection, Example, Item, Pairs, RequestSpec, Variable
from .parts import Malformed, text
from .statuses import code_for_phrase, reason_phrase

_Scopes = tuple[tuple[Variable, ...], ...]
_FolderScope = tuple[tuple[str, ...], _Scopes, _Scopes]
"""(folder names, their variable blocks innermost first, the same behind an empty block)."""


class _Kept(dict[Pairs, Pairs]):
    """Header lists read so far: examples of one collection often repeat theirs, and an
    equal list is kept once."""

    def one(self, pairs: Pairs) -> Pairs:
        return self.setdefault(pairs, pairs) if pairs else pairs


def parse_document(doc: Any, source: Any = None, consume: bool = False) -> Collection:
    """Build a `Collection` from a v2 document; raises `Malformed` for unusable parts.

    With `consume` (a document nothing else holds, and whose lists are not shared, as
    `json.loads` makes them), each request's part of `doc` is let go once it is parsed,
    so the model is built in the memory the document frees instead of beside it.
    """
    if not isinstance(doc, dict):
        raise Malformed("", "expected a JSON object at the top of the document")
    info = doc.get("info")
    if not isinstance(info, dict):
        raise Malformed("/info", "expected an 'info' object with the collection's name")
    items_raw = doc.get("item")
    if not isinstance(items_raw, list):
        raise Malformed("/item", "expected a list of requests and folders")
    warnings: list[str] = []
    items = _walk(items_raw, warnings, consume)
    return Collection(
        name=text(info.get("name")) or "Untitled collection",
        items=tuple(items),
        variables=parts.variables(doc.get("variable"), "/variable"),
        id=text(info.get("_postman_id")) or None,
        schema=text(info.get("schema")),
        source=source,
        warnings=tuple(warnings),
    )


def _walk(items_raw: list[Any], warnings: list[str], consume: bool) -> list[Item]:
    found: list[Item] = []
    order = 0
    root: _FolderScope = ((), (), ((),))
    kept = _Kept()
    # Preorder walk with an explicit stack of (siblings, index, pointer, scope): file
    # order, and no recursion limit.
    stack = [(items_raw, i, f"/item/{i}", root) for i in range(len(items_raw))][::-1]
    while stack:
        siblings, index, pointer, (folders, scopes, bare) = stack.pop()
        entry = siblings[index]
        if consume:
            siblings[index] = None  # freed once parsed: `entry` is the last reference
        if not isinstance(entry, dict):
            raise Malformed(pointer, "expected a request or folder object")
        declared = entry.get("variable")
        own = () if declared is None else parts.variables(declared, pointer + "/variable")
        name = text(entry.get("name"))
        if "request" not in entry and "item" in entry:
            children = entry["item"]
            if not isinstance(children, list):
                raise Malformed(pointer + "/item", "expected a list in this folder")
            inner_scopes = (own, *scopes)
            inner: _FolderScope = (
                (*folders, name or "Untitled folder"),
                inner_scopes,
                ((), *inner_scopes),
            )
            stack.extend(
                (children, i, f"{pointer}/item/{i}", inner) for i in reversed(range(len(children)))
            )
            continue
        scope = (own, *scopes) if own else bare  # one tuple for the folder's plain requests
        item = _item(entry, pointer, folders, scope, order, warnings, kept)
        order += len(item.examples)
        found.append(item)
    return found


def _item(
    entry: dict[str, Any],
    pointer: str,
    folders: tuple[str, ...],
    scope: tuple[tuple[Variable, ...], ...],
    order: int,
    warnings: list[str],
    kept: _Kept,
) -> Item:
    if "request" not in entry:
        raise Malformed(pointer, "expected 'request' (a request) or 'item' (a folder)")
    name = text(entry.get("name")) or "Untitled request"
    written = entry["request"]
    request = parts.request(written, pointer + "/request")
    responses = entry.get("response")
    if isinstance(responses, dict):
        responses = [responses]
    if responses is None:
        responses = []
    if not isinstance(responses, list):
        raise Malformed(pointer + "/response", "expected a list of saved examples")
    examples: list[Example] = []
    for index, raw in enumerate(responses):
        where = f"{pointer}/response/{index}"
        try:
            examples.append(
                _example(
                    raw,
                    where,
                    (written, request),
                    (name, folders, scope, order + len(examples)),
                    kept,
                )
            )
        except (Malformed, TypeError, ValueError, AttributeError) as problem:
            # Postman drops an example it cannot convert; so do we, and say which.
            label = raw.get("name") if isinstance(raw, dict) else None
            at, why = (
                (problem.pointer, problem.message)
                if isinstance(problem, Malformed)
                else (where, f"unreadable ({problem})")
            )
            warnings.append(
                f"skipped example {label or index!r} of request {name!r} at {at}: {why}"
            )
    return Item(
        name=name,
        request=request,
        examples=tuple(examples),
        id=text(entry.get("id")) or None,
        folders=folders,
        pointer=pointer,
    )


def _status_code(raw: dict[str, Any], where: str) -> int:
    """The example's code; a missing one comes from its status text, else 200."""
    code = raw.get("code")
    if type(code) is int and 200 <= code <= 599:
        return code
    if code is None or code == "":
        return code_for_phrase(text(raw.get("status")))
    if isinstance(code, bool) or not isinstance(code, (int, str, float)):
        raise Malformed(where + "/code", f"expected an integer status code, got {code!r}")
    try:
        number = int(code)
    except (ValueError, OverflowError):
        raise Malformed(where + "/code", f"expected an integer status code, got {code!r}") from None
    if number != code and str(number) != str(code).strip():
        raise Malformed(where + "/code", f"expected an integer status code, got {code!r}")
    if not 200 <= number <= 599:
        raise Malformed(
            where + "/code", f"status code {number} is not a final response status (200-599)"
        )
    return number


def _example(
    raw: Any,
    where: str,
    fallback: tuple[Any, RequestSpec],
    place: tuple[str, tuple[str, ...], _Scopes, int],
    kept: _Kept,
) -> Example:
    """`place`: the request's name, its folders and scope, and the example's order."""
    item_name, folders, scope, order = place
    if not isinstance(raw, dict):
        raise Malformed(where, "expected an example object")
    code = _status_code(raw, where)
    original = raw.get("originalRequest")
    if original is None or parts.same_part(original, fallback[0]):
        request = fallback[1]  # the same request as written: the same as read, kept once
    else:
        request = parts.request(original, where + "/originalRequest", fallback)
    status = text(raw.get("status"))
    if not status:
        status = reason_phrase(code, unknown="")
    body = raw.get("body")
    language = raw.get("_postman_previewlanguage")
    return Example(
        name=parts.shared(text(raw.get("name")) or item_name),
        code=code,
        status=parts.shared(status),
        headers=kept.one(parts.pairs(raw.get("header"), where + "/header")),
        body=body if isinstance(body, str) else text(body),
        request=request,
        id=text(raw.get("id")) or None,
        preview_language=language if isinstance(language, str) else None,
        item_name=item_name,
        folders=folders,
        pointer=where,
        order=order,
        scope=scope,
    )
