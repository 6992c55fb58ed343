"""Small builders for Postman collection documents, so tests state only what matters.

They produce the same JSON shapes Postman exports (v2.1), written to real files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"


def example(
    name: str,
    url: str,
    *,
    method: str = "GET",
    code: int = 200,
    body: str = "",
    headers: dict[str, str] | None = None,
    request_headers: dict[str, str] | None = None,
    request_body: dict[str, Any] | None = None,
    id: str | None = None,
    status: str | None = None,
) -> dict[str, Any]:
    """One saved example whose originalRequest is `method url`."""
    original: dict[str, Any] = {
        "method": method,
        "url": url,
        "header": [{"key": k, "value": v} for k, v in (request_headers or {}).items()],
    }
    if request_body is not None:
        original["body"] = request_body
    found: dict[str, Any] = {
        "name": name,
        "originalRequest": original,
        "code": code,
        "header": [{"key": k, "value": v} for k, v in (headers or {}).items()],
        "body": body,
    }
    if status is not None:
        found["status"] = status
    if id is not None:
        found["id"] = id
    return found


def request(
    name: str, url: str, *examples: dict[str, Any], method: str = "GET", **extra: Any
) -> dict[str, Any]:
    return {
        "name": name,
        "request": {"method": method, "url": url},
        "response": list(examples),
        **extra,
    }


def answering(name: str, url: str, body: str) -> dict[str, Any]:
    """A GET request with one example of the same name and URL, answering `body`."""
    return request(name, url, example(name, url, body=body))


def folder(name: str, *items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": name, "item": list(items), **extra}


def collection(
    *items: dict[str, Any], name: str = "Test API", variables: dict[str, str] | None = None
) -> dict[str, Any]:
    return {
        "info": {"name": name, "_postman_id": "test-collection", "schema": SCHEMA},
        "item": list(items),
        "variable": [{"key": k, "value": v} for k, v in (variables or {}).items()],
    }


def environment(values: dict[str, str], name: str = "Test env") -> dict[str, Any]:
    return {
        "name": name,
        "values": [{"key": k, "value": v, "enabled": True} for k, v in values.items()],
    }


def write(path: Path, document: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def json_example(name: str, url: str, payload: Any, **kwargs: Any) -> dict[str, Any]:
    """An example answering with `payload` as JSON."""
    headers = {"Content-Type": "application/json", **kwargs.pop("headers", {})}
    return example(name, url, body=json.dumps(payload), headers=headers, **kwargs)


def write_api(folder: Path, name: str = "api.postman_collection.json") -> Path:
    """A two-request API (a user by id, a health check), the plugin tests' usual collection."""
    doc = collection(
        request(
            "Get user",
            "{{baseUrl}}/users/:id",
            json_example("User found", "{{baseUrl}}/users/:id", {"id": "{{id}}"}),
        ),
        request(
            "Health",
            "{{baseUrl}}/health",
            example("Healthy", "{{baseUrl}}/health", body="ok"),
        ),
    )
    return write(folder / name, doc)


SECRET_HEADERS = {
    "Authorization": "Bearer tok-authorization-1",
    "Cookie": "session=tok-cookie-2",
    "Proxy-Authorization": "Basic tok-proxy-3",
    "X-Session": "tok-session-4",
}
"""Secret request headers a test sends (X-Session is added with `redact_headers`)."""
SET_COOKIE = "sid=tok-set-cookie-5; Path=/"


def secrets_api(folder: Path) -> Path:
    """`GET /whoami`: echoes the caller's API key and Authorization in its body and sets a
    cookie, so that reports and the viewer have secrets to keep out."""
    body = '{"key": "{{$headers \'x-api-key\'}}", "auth": "{{$headers \'authorization\'}}"}'
    doc = collection(
        request(
            "Who am I",
            "https://x.test/whoami",
            example(
                "Me",
                "https://x.test/whoami",
                body=body,
                headers={"Content-Type": "application/json", "Set-Cookie": SET_COOKIE},
            ),
        ),
        name="Secrets API",
    )
    return write(folder / "secrets.postman_collection.json", doc)


def user_and_echo(echo_body: str = "{{$body}}", *more: dict[str, Any]) -> dict[str, Any]:
    """`GET /users/:id` (echoes the id) and `POST /echo` (answers `echo_body`): the small API
    the wire-level tests send raw bytes to."""
    return collection(
        request(
            "User",
            "https://x.test/users/:id",
            json_example("User", "https://x.test/users/:id", {"id": "{{id}}"}),
        ),
        request(
            "Echo",
            "https://x.test/echo",
            example("Echo", "https://x.test/echo", method="POST", body=echo_body),
            method="POST",
        ),
        *more,
    )


def hello(*more: dict[str, Any]) -> dict[str, Any]:
    """`GET /hello` answering `{"hello": "world"}`: the API a test of behaviors needs."""
    return collection(
        request(
            "Hello",
            "{{baseUrl}}/hello",
            json_example("Hello", "{{baseUrl}}/hello", {"hello": "world"}),
        ),
        *more,
    )
