"""Parsers for the pieces a collection is made of: URLs, headers, bodies, variables.

Each accepts every shape the Collection format (and Postman's own exports) allow
for that piece and returns model values; each raises `Malformed` with the JSON
pointer of the part it could not read, so the caller can name it.
"""

from __future__ import annotations

import json
import marshal
import re
from sys import intern
from typing import Any

from .model import Body, GraphQLBody, Pairs, RequestSpec, UrlTemplate, Variable

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


class Malformed(Exception):
    """A part of the document that does not have the expected shape."""

    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(message)
        self.pointer = pointer
        self.message = message


def text(value: Any) -> str:
    """Stringify a scalar the way JavaScript would when Postman writes it out."""
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def same_part(left: Any, right: Any) -> bool:
    """Whether two parts of a document are written the same, so read the same.

    `==` alone is not enough: it takes `true` for `1` (and `false` for `0`), which
    read differently; `marshal` keeps the types apart (a part it cannot write, or
    that nests too deep, counts as different, and is read on its own). Its version 2
    marks no shared objects, so equal parts give equal bytes.
    """
    if left is right:
        return True
    try:
        return bool(left == right) and marshal.dumps(left, 2) == marshal.dumps(right, 2)
    except (ValueError, RecursionError):
        return False


def pointer_join(base: str, *parts: object) -> str:
    """Extend a JSON pointer, escaping `~` and `/` as RFC 6901 asks."""
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "/".join((base, *escaped))


def variables(raw: Any, where: str) -> tuple[Variable, ...]:
    """A `variable[]` block; disabled entries are dropped, `id` is accepted for `key`."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise Malformed(where, "expected a list of variables")
    found: list[Variable] = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict):
            raise Malformed(pointer_join(where, index), "expected a variable object")
        key = entry.get("key", entry.get("id"))
        if key is None or entry.get("disabled") is True or entry.get("enabled") is False:
            continue
        found.append(Variable(text(key), text(entry.get("value"))))
    return tuple(found)


def pairs(raw: Any, where: str) -> Pairs:
    """Header-like data: a list of `{key, value, disabled}` or a `"K: v\\n"` string."""
    if raw is None or raw == []:
        return ()
    if isinstance(raw, str):
        lines = (line.partition(":") for line in raw.splitlines() if line.strip())
        return tuple((k.strip(), v.strip()) for k, _, v in lines if k.strip())
    if isinstance(raw, dict):
        # A single header object, or an empty object that some exporters write.
        raw = [raw] if "key" in raw else []
    if not isinstance(raw, list):
        raise Malformed(where, "expected a list of {key, value} objects or a header string")
    found: list[tuple[str, str]] = []
    for index, entry in enumerate(raw):
        if isinstance(entry, str):
            key, _, value = entry.partition(":")
            if key.strip():
                found.append((key.strip(), value.strip()))
            continue
        if not isinstance(entry, dict):
            raise Malformed(pointer_join(where, index), "expected a {key, value} object")
        if entry.get("disabled") is True or entry.get("key") in (None, ""):
            continue
        found.append((shared(text(entry["key"])), shared(text(entry.get("value")))))
    return tuple(found)


def shared(value: str) -> str:
    """Short texts most examples repeat (methods, hosts, header and query names and
    values), kept once instead of once per example."""
    return intern(value) if len(value) <= 64 else value


def _split_raw(raw: str) -> tuple[str, str, str]:
    """Split a raw URL into host, path and query text (fragment dropped)."""
    rest = raw.split("#", 1)[0]
    rest, _, query = rest.partition("?")
    rest = _SCHEME.sub("", rest)
    if rest.startswith("/"):
        return "", rest, query
    host, sep, path = rest.partition("/")
    return host, sep + path, query


def _query_from_text(query: str) -> tuple[tuple[str, str | None], ...]:
    found: list[tuple[str, str | None]] = []
    for part in query.split("&"):
        if not part:
            continue
        key, sep, value = part.partition("=")
        found.append((key, value if sep else None))
    return tuple(found)


def _path_text(raw: Any, where: str) -> str:
    if isinstance(raw, str):
        return raw if raw.startswith("/") or not raw else "/" + raw
    if not isinstance(raw, list):
        raise Malformed(where, "expected the path as a string or a list of segments")
    segments = []
    for index, segment in enumerate(raw):
        if isinstance(segment, dict):
            segment = segment.get("value")
        if segment is not None and not isinstance(segment, (str, int, float)):
            raise Malformed(pointer_join(where, index), "expected a path segment string")
        segments.append(text(segment))
    return "/" + "/".join(segments)


def url(raw: Any, where: str) -> UrlTemplate:
    """A request URL: a string, or an object with raw/host/path/query/variable."""
    if raw is None:
        return UrlTemplate(raw="", host="", path="/")
    if isinstance(raw, str):
        host_text, path_text, query_text = _split_raw(raw.strip())
        return UrlTemplate(
            raw=raw, host=host_text, path=path_text or "/", query=_query_from_text(query_text)
        )
    if not isinstance(raw, dict):
        raise Malformed(where, "expected the URL as a string or an object")
    raw_text = text(raw.get("raw"))
    host_raw, path_raw, query_raw = _split_raw(raw_text.strip())
    given_host = raw.get("host")
    if isinstance(given_host, list):
        host = ".".join(text(label) for label in given_host)
    else:
        host = host_raw if given_host is None else text(given_host)
    if raw.get("port") not in (None, ""):
        host = f"{host}:{text(raw['port'])}"
    path = path_raw if raw.get("path") is None else _path_text(raw["path"], where + "/path")
    query = (
        _query_list(raw.get("query"), where + "/query")
        if "query" in raw
        else _query_from_text(query_raw)
    )
    return UrlTemplate(
        raw=raw_text,
        host=shared(host),
        path=shared(path or "/"),
        query=query,
        path_variables=variables(raw.get("variable"), where + "/variable"),
    )


def _query_list(raw: Any, where: str) -> tuple[tuple[str, str | None], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise Malformed(where, "expected a list of {key, value} query parameters")
    found: list[tuple[str, str | None]] = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict):
            raise Malformed(pointer_join(where, index), "expected a {key, value} object")
        if entry.get("disabled") is True or entry.get("key") is None:
            continue
        value = entry.get("value")
        found.append((shared(text(entry["key"])), None if value is None else shared(text(value))))
    return tuple(found)


def _form_fields(raw: Any, where: str) -> tuple[Pairs, tuple[str, ...]]:
    if raw is None:
        return (), ()
    if not isinstance(raw, list):
        raise Malformed(where, "expected a list of form fields")
    fields: list[tuple[str, str]] = []
    files: list[str] = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict):
            raise Malformed(pointer_join(where, index), "expected a form field object")
        if entry.get("disabled") is True or entry.get("key") is None:
            continue
        if entry.get("type") == "file":
            files.append(text(entry["key"]))
        else:
            fields.append((text(entry["key"]), text(entry.get("value"))))
    return tuple(fields), tuple(files)


def body(raw: Any, where: str) -> Body | None:
    """A request body in any mode; `None` when absent, empty or disabled."""
    if raw is None or raw == {} or raw == "":
        return None
    if isinstance(raw, str):
        return Body(mode="raw", raw=raw)
    if not isinstance(raw, dict):
        raise Malformed(where, "expected the body as an object with a 'mode'")
    if raw.get("disabled") is True:
        return None
    mode = raw.get("mode") or next(
        (m for m in ("raw", "urlencoded", "formdata", "graphql", "file") if m in raw), None
    )
    if mode is None:
        return None
    options = raw.get("options")
    language = None
    if isinstance(options, dict) and isinstance(options.get("raw"), dict):
        given = options["raw"].get("language")
        language = given if isinstance(given, str) else None
    if mode == "raw":
        return Body(mode="raw", raw=text(raw.get("raw")), language=language and shared(language))
    if mode in ("urlencoded", "formdata"):
        fields, files = _form_fields(raw.get(mode), pointer_join(where, mode))
        return Body(mode=mode, fields=fields, files=files)
    if mode == "file":
        spec = raw.get("file")
        src = spec.get("src") if isinstance(spec, dict) else spec
        content = spec.get("content") if isinstance(spec, dict) else None
        return Body(mode="file", raw=text(content), files=(text(src),) if src else ())
    if mode == "graphql":
        spec = raw.get("graphql")
        if not isinstance(spec, dict):
            raise Malformed(where + "/graphql", "expected {query, variables}")
        variables_ = spec.get("variables")
        gql = GraphQLBody(
            query=text(spec.get("query")),
            variables=variables_ if isinstance(variables_, str) else text(variables_),
            operation_name=spec.get("operationName"),
        )
        return Body(mode="graphql", graphql=gql)
    raise Malformed(where + "/mode", f"unknown body mode {mode!r}")


def request(raw: Any, where: str, like: tuple[Any, RequestSpec] | None = None) -> RequestSpec:
    """A request object, or a plain string that is a URL to GET.

    `like`: another request (as written, and as read) whose URL this one likely
    shares (an example's and its request's); an equal URL is the same `UrlTemplate`.
    """
    if isinstance(raw, str):
        return RequestSpec(method="GET", url=url(raw, where))
    if not isinstance(raw, dict):
        raise Malformed(where, "expected a request object or a URL string")
    method = raw.get("method") or "GET"
    if not isinstance(method, str) or not method.strip():
        raise Malformed(where + "/method", "expected the method as a string")
    raw_url = raw.get("url")
    if like is not None and isinstance(like[0], dict) and same_part(raw_url, like[0].get("url")):
        parsed_url = like[1].url
    else:
        parsed_url = url(raw_url, where + "/url")
    return RequestSpec(
        method=shared(method.strip().upper()),
        url=parsed_url,
        headers=pairs(raw.get("header"), where + "/header"),
        body=body(raw.get("body"), where + "/body"),
    )
