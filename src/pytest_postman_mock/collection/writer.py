"""Save a recorded example into a collection file: atomically, once, in the file's format.

Each save reads the file afresh under a lock (a thread lock, and on POSIX an
advisory lock shared with other processes), so concurrent recordings all land.
Files are edited in place (`splice` for JSON, `yaml_splice` for YAML), so
untouched bytes stay as they were. The new text goes to a temporary
file in the same folder, which then replaces the collection (`os.replace`), so
a reader never sees half a file. An example identical to one already saved
under the same request (its name aside) is not added again.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import os
import stat
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import CollectionError
from . import splice, v1, yaml_splice
from .loader import _parse_yaml
from .splice import Edit, Part, apply_to_document

if sys.platform != "win32":
    import fcntl

RECORDED_FOLDER = "Recorded"
BOM = "\ufeff"
_YAML_SUFFIXES = (".yaml", ".yml")
_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


@dataclass(frozen=True)
class Saved:
    """Where a recorded example went."""

    name: str
    where: str
    """`Folder / Request`, as people find it in Postman."""
    added: bool
    """False when an identical example was already there (or a replacement changed nothing)."""


def parse_pointer(pointer: str) -> tuple[Part, ...]:
    """`/item/0/response/2` -> ("item", 0, "response", 2)."""
    parts: list[Part] = []
    for raw in pointer.split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        parts.append(int(token) if token.isdigit() else token)
    return tuple(parts)


def save_example(
    path: str | Path,
    example: dict[str, Any],
    *,
    item: tuple[Part, ...] | None = None,
    new_request: dict[str, Any] | None = None,
    replace: tuple[Part, ...] | None = None,
) -> Saved:
    """Save `example` under the request at `item`, in place of the example at `replace`, or
    under `new_request` (name and request) in the "Recorded" folder."""
    source = Path(path).resolve()
    with _locked(source):
        raw = source.read_bytes()
        text = raw.decode("utf-8")
        bom = BOM if text.startswith(BOM) else ""
        text = text[len(bom) :]
        is_yaml = source.suffix.lower() in _YAML_SUFFIXES
        document = _parse_yaml(text, source) if is_yaml else _json(text, source)
        prefix: tuple[Part, ...] = ()
        if isinstance(document, dict) and isinstance(document.get("collection"), dict):
            prefix = ("collection",)
        root = _at(document, prefix)
        if v1.looks_like_v1(root) or not isinstance(root, dict):
            raise CollectionError(source, "recording needs a v2.0 or v2.1 collection")
        edit, saved = _plan(root, prefix, example, item, new_request, replace, source)
        if edit is None:
            return saved
        expected = copy.deepcopy(document)
        apply_to_document(expected, edit)
        new_text = (yaml_splice if is_yaml else splice).apply(text, edit, expected)
        write_atomic(source, (bom + new_text).encode("utf-8"))
        return saved


def _plan(
    root: dict[str, Any],
    prefix: tuple[Part, ...],
    example: dict[str, Any],
    item: tuple[Part, ...] | None,
    new_request: dict[str, Any] | None,
    replace: tuple[Part, ...] | None,
    source: Path,
) -> tuple[Edit | None, Saved]:
    if replace is not None:
        old = _at(root, replace)
        if not isinstance(old, dict):
            raise CollectionError(source, "the example to replace is gone", _pointer(replace))
        new = {**example, "name": old.get("name", example["name"])}
        if "id" in old:
            new["id"] = old["id"]
        where = _where(root, replace[:-2])
        if _same(old, new):
            return None, Saved(new["name"], where, False)
        return Edit("replace", prefix + replace, new), Saved(new["name"], where, True)
    if item is None:
        assert new_request is not None
        item, edit = _recorded_request(root, prefix, example, new_request)
        if edit is not None:
            return edit, Saved(example["name"], f"{RECORDED_FOLDER} / {new_request['name']}", True)
    target = _at(root, item)
    if not isinstance(target, dict) or "request" not in target:
        raise CollectionError(source, "the request to record into is gone", _pointer(item))
    responses = target.get("response")
    where = _where(root, item)
    if responses is None:
        return Edit("set", prefix + item, [example], key="response"), Saved(
            example["name"], where, True
        )
    if not isinstance(responses, list):
        raise CollectionError(source, "expected a list of saved examples", _pointer(item))
    for existing in responses:
        if isinstance(existing, dict) and _same(existing, example):
            return None, Saved(str(existing.get("name")), where, False)
    named = {**example, "name": unique_name(example["name"], responses)}
    edit = Edit("append", (*prefix, *item, "response"), named)
    return edit, Saved(named["name"], where, True)


def _recorded_request(
    root: dict[str, Any], prefix: tuple[Part, ...], example: dict[str, Any], request: dict[str, Any]
) -> tuple[tuple[Part, ...], Edit | None]:
    """The request of the Recorded folder to add to, or the edit that creates it."""
    items = root.get("item")
    new_item = {**request, "response": [example]}
    for index, entry in enumerate(items if isinstance(items, list) else []):
        if not (isinstance(entry, dict) and entry.get("name") == RECORDED_FOLDER):
            continue
        if "request" in entry or not isinstance(entry.get("item"), list):
            continue
        for inner, child in enumerate(entry["item"]):
            if isinstance(child, dict) and _same_request(child.get("request"), request["request"]):
                return ("item", index, "item", inner), None
        return (), Edit("append", (*prefix, "item", index, "item"), new_item)
    folder = {"name": RECORDED_FOLDER, "item": [new_item]}
    return (), Edit("append", (*prefix, "item"), folder)


def _same_request(saved: Any, wanted: dict[str, Any]) -> bool:
    if not isinstance(saved, dict):
        return False
    url = saved.get("url")
    raw = url.get("raw") if isinstance(url, dict) else url
    return bool(saved.get("method") == wanted["method"] and raw == wanted["url"]["raw"])


def unique_name(base: str, responses: list[Any]) -> str:
    """`base`, or `base (2)`, `base (3)`... whichever no example of the request has."""
    taken = {r.get("name") for r in responses if isinstance(r, dict)}
    name, number = base, 2
    while name in taken:
        name, number = f"{base} ({number})", number + 1
    return name


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Equal apart from name and id."""
    return {k: v for k, v in a.items() if k not in ("name", "id")} == {
        k: v for k, v in b.items() if k not in ("name", "id")
    }


def _at(document: Any, parts: tuple[Part, ...]) -> Any:
    try:
        for part in parts:
            document = document[part]
    except (KeyError, IndexError, TypeError):
        return None
    return document


def _where(root: dict[str, Any], item: tuple[Part, ...]) -> str:
    names = [str(_at(root, item[: i + 2]).get("name", "")) for i in range(0, len(item), 2)]
    return " / ".join(names) + (" / " if not item else "")


def _pointer(parts: tuple[Part, ...]) -> str:
    return "".join(f"/{p}" for p in parts)


def _json(text: str, source: Path) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as problem:
        raise CollectionError(source, f"invalid JSON: {problem.msg}") from None


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path`."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(OSError):
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with _LOCKS_GUARD:
        lock = _LOCKS.setdefault(path, threading.Lock())
    with lock:
        if sys.platform == "win32":  # pragma: no cover - threads are still serialised
            yield
            return
        digest = hashlib.sha256(str(path).encode()).hexdigest()[:16]
        lock_file = Path(tempfile.gettempdir()) / f"postman-mock-{digest}.lock"
        with open(lock_file, "a") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(held, fcntl.LOCK_UN)
