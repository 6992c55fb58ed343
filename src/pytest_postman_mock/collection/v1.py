"""Convert a legacy v1 collection into a v2 document, so one parser serves both.

v1 keeps requests flat (`requests[]`) and builds folders from id lists
(`order`, `folders[].order`, `folders_order`). Requests that no folder or
top-level order mentions are kept, at the top level, rather than lost.
"""

from __future__ import annotations

from typing import Any

from .parts import Malformed, text

_BODY_MODES = {"raw": "raw", "urlencoded": "urlencoded", "params": "formdata", "binary": "file"}


def looks_like_v1(doc: Any) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("requests"), list) and "item" not in doc


def to_v2(doc: dict[str, Any]) -> dict[str, Any]:
    """A v2.1 document with the same requests, examples, folders and variables."""
    requests: dict[str, dict[str, Any]] = {}
    for index, req in enumerate(doc["requests"]):
        if not isinstance(req, dict):
            raise Malformed(f"/requests/{index}", "expected a request object")
        requests[text(req.get("id")) or f"#{index}"] = req
    folders = {text(f.get("id")): f for f in doc.get("folders") or [] if isinstance(f, dict)}
    used: set[str] = set()

    def build_folder(folder_id: str, seen: frozenset[str]) -> dict[str, Any]:
        folder = folders[folder_id]
        children = [
            build_folder(child, seen | {child})
            for child in folder.get("folders_order") or []
            if child in folders and child not in seen
        ]
        return {
            "name": text(folder.get("name")),
            "item": children + take(folder.get("order") or []),
        }

    def take(ids: list[Any]) -> list[dict[str, Any]]:
        found = []
        for req_id in ids:
            if text(req_id) in requests and text(req_id) not in used:
                used.add(text(req_id))
                found.append(_item(requests[text(req_id)], requests))
        return found

    nested = {c for f in folders.values() for c in f.get("folders_order") or []}
    roots = doc.get("folders_order") or [fid for fid in folders if fid not in nested]
    items = [build_folder(fid, frozenset({fid})) for fid in roots if fid in folders]
    items += take(doc.get("order") or [])
    items += take(list(requests))
    return {
        "info": {"name": text(doc.get("name")), "_postman_id": doc.get("id"), "schema": "v1"},
        "item": items,
        "variable": doc.get("variables") or [],
    }


def _item(req: dict[str, Any], requests: dict[str, dict[str, Any]]) -> dict[str, Any]:
    examples = []
    for response in req.get("responses") or []:
        if not isinstance(response, dict):
            examples.append(response)  # left for the parser to report as malformed
            continue
        original = response.get("request")
        if isinstance(original, str):
            original = requests.get(original, req)
        code = response.get("responseCode")
        examples.append(
            {
                "id": response.get("id"),
                "name": response.get("name"),
                "code": code.get("code") if isinstance(code, dict) else code,
                "status": code.get("name") if isinstance(code, dict) else response.get("status"),
                "header": [
                    {"key": h.get("key", h.get("name")), "value": h.get("value")}
                    for h in response.get("headers") or []
                    if isinstance(h, dict)
                ],
                "body": response.get("text"),
                "_postman_previewlanguage": response.get("language"),
                "originalRequest": _request(original if isinstance(original, dict) else req),
            }
        )
    return {
        "name": text(req.get("name")),
        "id": req.get("id"),
        "request": _request(req),
        "response": examples,
    }


def _request(req: dict[str, Any]) -> dict[str, Any]:
    url = text(req.get("url"))
    path_vars = req.get("pathVariableData") or [
        {"key": k, "value": v} for k, v in (req.get("pathVariables") or {}).items()
    ]
    query = req.get("queryParams")
    mode = _BODY_MODES.get(text(req.get("dataMode")), text(req.get("dataMode")) or None)
    body: dict[str, Any] | None = None
    if mode == "raw":
        body = {"mode": "raw", "raw": text(req.get("rawModeData"))}
    elif mode in ("urlencoded", "formdata"):
        body = {
            "mode": mode,
            "formdata" if mode == "formdata" else "urlencoded": [
                {
                    "key": d.get("key"),
                    "value": d.get("value"),
                    "type": d.get("type", "text"),
                    "disabled": d.get("enabled") is False,
                }
                for d in req.get("data") or []
                if isinstance(d, dict)
            ],
        }
    elif mode == "file":
        body = {"mode": "file", "file": {"src": req.get("rawModeData")}}
    elif mode == "graphql":
        body = {"mode": "graphql", "graphql": req.get("graphqlModeData") or {}}
    return {
        "method": req.get("method") or "GET",
        "header": _headers(req),
        "url": {
            "raw": url,
            "variable": path_vars,
            **(
                {
                    "query": [
                        {
                            "key": q.get("key"),
                            "value": q.get("value"),
                            "disabled": q.get("enabled") is False,
                        }
                        for q in query
                        if isinstance(q, dict)
                    ]
                }
                if isinstance(query, list) and query
                else {}
            ),
        },
        "body": body,
    }


def _headers(req: dict[str, Any]) -> Any:
    """v1 headers: a `"K: v\\n"` string (a `//` prefix disables a line), a list, or `headerData`.

    Saved responses' request objects carry `headers` as a list of `{key, value}`.
    """
    headers = req.get("headers")
    if isinstance(headers, str):
        return "\n".join(
            line for line in headers.splitlines() if not line.lstrip().startswith("//")
        )
    rows = headers if isinstance(headers, list) else req.get("headerData") or []
    return [
        {**h, "disabled": h.get("disabled") is True or h.get("enabled") is False}
        for h in rows
        if isinstance(h, dict)
    ]
