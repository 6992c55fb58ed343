"""What a recorded exchange becomes: which request it belongs to, and the example it is.

Placement uses the engine's own matcher, run over one stand-in example per
request of the collection (its request as `originalRequest`), so a call lands
under the request whose URL template would serve it (`/users/42` under
`/users/:userId`); a call no request fits goes to a new request in the
"Recorded" folder. The example keeps the request's variables as variables
(path variables, the collection's base-URL variable) and never holds a
secret: the secret headers (`SECRET_HEADERS` of the settings, plus the server's
`redact_headers`) and query or form fields named in `RECORDING_SECRET_FIELDS`
become `{{variables}}`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

from ..collection.model import Collection, Environment, Example, Item
from ..settings import MockSettings, secret_headers
from . import paths
from .bodies import IncomingBody
from .index import ExampleIndex
from .matching import Matcher
from .paths import Wildcard
from .request import Incoming
from .variables import VARIABLE, substitute

RECORDING_SECRET_FIELDS = (
    "api_key",
    "apikey",
    "api-key",
    "key",
    "token",
    "access_token",
    "refresh_token",
    "id_token",
    "auth",
    "password",
    "secret",
    "client_secret",
    "signature",
    "sig",
)
"""Query parameters and form fields whose values become `{{name}}` in a recording (headers:
`settings.secret_headers`)."""
NOT_RECORDED = frozenset(
    {
        "host",
        "content-length",
        "content-encoding",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "te",
        "trailer",
        "upgrade",
        "proxy-connection",
        "date",
    }
)
"""Headers a recording leaves out: set per connection, or different on every call (Date),
which would make each identical exchange look new."""
BASE_URL_NAMES = ("baseurl", "base_url", "url", "host", "apiurl", "api_url")
FORM_TYPE = "application/x-www-form-urlencoded"
MIN_SECRET = 4
"""Shorter values are not hunted for elsewhere in the exchange (they would hit at random)."""


@dataclass(frozen=True)
class Exchange:
    """A proxied call, as it is recorded."""

    method: str
    path: str
    """As sent, still percent-encoded."""
    query: str
    """The raw query string."""
    headers: tuple[tuple[str, str], ...]
    body: bytes
    status: int
    reason: str
    response_headers: tuple[tuple[str, str], ...]
    response_body: bytes


@dataclass(frozen=True)
class Placement:
    """The request an exchange belongs to (None: a new one in the Recorded folder)."""

    item: Item | None
    captures: dict[str, str]
    prefix: int = 0
    """How many leading path segments the URL's host gives (`{{baseUrl}}` = `.../v1`: 1)."""


class Placer:
    """Finds the request of a collection whose URL template fits a call."""

    def __init__(
        self, collection: Collection, environment: Environment | None, settings: MockSettings
    ) -> None:
        self.collection = collection
        stand_ins = tuple(
            replace(item, examples=(_stand_in(item, order),))
            for order, item in enumerate(collection.items)
        )
        templates = replace(collection, items=stand_ins)
        # a request's template places a call: its `:name` segments take any value, whatever
        # value the request happens to have saved
        exact = replace(
            settings,
            match_fuzzy=False,
            match_body=False,
            match_headers=(),
            select_by_path=False,
            path_variable_values=False,
        )
        self.by_pointer = {item.pointer: item for item in collection.items}
        self.matcher = Matcher(ExampleIndex(templates, environment, exact))
        self.base_variable = base_variable(collection)
        merged = {v.key: v.value for v in collection.variables}
        if environment is not None:
            merged.update((v.key, v.value) for v in environment.values)
        merged.update(settings.variables)
        host = substitute("{{" + self.base_variable + "}}", merged)
        self.base_prefix = () if "{{" in host else paths.split(_host_path(host))
        """The path the base-URL variable carries (`/v1`), which the mock's paths start with."""

    def place(self, method: str, path: str, query: tuple[tuple[str, str], ...]) -> Placement:
        found = self.matcher.match(Incoming(method, path, query, {}, IncomingBody(b"")))
        item = self.by_pointer.get(found.example.example.pointer) if found.example else None
        if found.example is None or item is None:
            own = paths.split(path)
            fits = own[: len(self.base_prefix)] == self.base_prefix
            return Placement(None, {}, len(self.base_prefix) if fits else 0)
        prefix = len(found.example.segments) - len(paths.split(item.request.url.path))
        return Placement(item, found.captures, max(prefix, 0))


def _host_path(host: str) -> str:
    return host.split("://", 1)[-1].partition("/")[2]


def _stand_in(item: Item, order: int) -> Example:
    scope = item.examples[0].scope if item.examples else ()
    return Example(
        name=item.name,
        code=200,
        status="OK",
        headers=(),
        body="",
        request=item.request,
        item_name=item.name,
        folders=item.folders,
        pointer=item.pointer,
        order=order,
        scope=scope,
    )


def base_variable(collection: Collection) -> str:
    """The variable the collection's URLs start with (`{{baseUrl}}`), else `baseUrl`."""
    hosts: Counter[str] = Counter()
    for item in collection.items:
        host = item.request.url.host.strip()
        if host.startswith("{{") and host.endswith("}}") and host.count("{{") == 1:
            hosts[host[2:-2].strip()] += 1
    if hosts:
        return hosts.most_common(1)[0][0]
    for variable in collection.variables:
        if variable.key.lower() in BASE_URL_NAMES:
            return variable.key
    return "baseUrl"


def example_for(
    exchange: Exchange,
    placement: Placement,
    base: str,
    drop: Iterable[str] = (),
    secret: frozenset[str] = secret_headers(),
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The saved example for `exchange`, and the request it would make in the Recorded
    folder; `drop` names request headers that belong to the mock (its own x-api-key),
    `secret` the headers whose values become `{{variables}}` (lower case).

    Every secret value found on the way is also replaced wherever else it appears
    (a body that echoes a token back, a URL), so that it never reaches the file.
    """
    secrets: dict[str, str] = {}
    url = _url(exchange, placement, base, secrets)
    dropped = {name.lower() for name in drop}
    headers = [
        {"key": key, "value": _secret_header(key, value, secrets, secret)}
        for key, value in exchange.headers
        if key.lower() not in NOT_RECORDED
        and key.lower() not in dropped
        and not key.lower().startswith("x-mock-")
    ]
    request: dict[str, Any] = {"method": exchange.method, "header": headers, "url": url}
    body = _request_body(exchange, secrets)
    if body is not None:
        request["body"] = body
    content_type = _header(exchange.response_headers, "content-type")
    status = _status_text(exchange.status, exchange.reason)
    example: dict[str, Any] = {
        "name": f"{exchange.status} {status}".strip(),
        "originalRequest": request,
        "status": status,
        "code": exchange.status,
        "_postman_previewlanguage": _language(content_type),
        "header": [
            {"key": key, "value": _secret_header(key, value, secrets, secret)}
            for key, value in exchange.response_headers
            if key.lower() not in NOT_RECORDED
        ],
        "cookie": [],
        "body": _text(exchange.response_body),
    }
    name = f"{exchange.method} {'/'.join(url['path']) or '/'}"
    new_request = {"name": name, "request": {"method": exchange.method, "header": [], "url": url}}
    return _scrubbed(example, secrets), _scrubbed(new_request, secrets)


def _status_text(code: int, reason: str) -> str:
    """The standard phrase in its usual case (`Not Found`, where a server sent `NOT FOUND`),
    or the server's own reason for a code or phrase of its own."""
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        return reason
    return phrase if reason.strip().lower() in (phrase.lower(), "") else reason


def _scrubbed(value: Any, secrets: dict[str, str]) -> Any:
    """`value` with every secret (longest first) replaced by its `{{name}}`, in every string."""
    if isinstance(value, dict):
        return {k: _scrubbed(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrubbed(v, secrets) for v in value]
    if isinstance(value, str):
        for secret in sorted(secrets, key=len, reverse=True):
            value = value.replace(secret, secrets[secret])
    return value


def _remember(secrets: dict[str, str], value: str, name: str) -> str:
    """Note `value` as a secret (with its decoded form and its cookie values too)."""
    variable = "{{" + name + "}}"
    candidates = {value, unquote_plus(value)}
    for part in value.replace(";", ",").split(","):
        candidates.add(part.partition("=")[2].strip())
    candidates.add(value.partition(" ")[2].strip())  # the token of "Bearer <token>"
    for candidate in candidates:
        if len(candidate) >= MIN_SECRET and not VARIABLE.fullmatch(candidate):
            secrets.setdefault(candidate, variable)
    return variable


def _url(
    exchange: Exchange, placement: Placement, base: str, secrets: dict[str, str]
) -> dict[str, Any]:
    sent = exchange.path.lstrip("/").split("/") if exchange.path.strip("/") else []
    sent = sent[placement.prefix :]  # the host variable gives these
    if placement.item is not None:
        template = placement.item.request.url
        host = template.host
        own = template.path.lstrip("/").split("/") if template.path.strip("/") else []
        if len(own) == len(sent):
            sent = [
                o if isinstance(paths.parse_segment(o), Wildcard) else s for o, s in zip(own, sent)
            ]
        names = [v.key for v in template.path_variables]
        names += [o[1:] for o in own if o.startswith(":") and o[1:] not in names]
        variables = [{"key": n, "value": placement.captures.get(n, "")} for n in names]
    else:
        host, variables = "{{" + base + "}}", []
    query = [
        {"key": key, "value": _secret_field(key, value, secrets)}
        for key, value in _raw_pairs(exchange.query)
    ]
    raw = host + "/" + "/".join(sent)
    if query:
        raw += "?" + "&".join(f"{q['key']}={q['value']}" for q in query)
    url: dict[str, Any] = {"raw": raw, "host": [host], "path": sent}
    if query:
        url["query"] = query
    if variables:
        url["variable"] = variables
    return url


def _raw_pairs(query: str) -> list[tuple[str, str]]:
    """The query's pairs still encoded, as Postman keeps them in a URL's query list."""
    pairs = []
    for part in query.split("&"):
        if part:
            key, _, value = part.partition("=")
            pairs.append((key, value))
    return pairs


def _secret_field(key: str, value: str, secrets: dict[str, str]) -> str:
    name = unquote_plus(key)
    if name.lower() in RECORDING_SECRET_FIELDS and value:
        return _remember(secrets, value, name)
    return value


def _secret_header(key: str, value: str, secrets: dict[str, str], secret: frozenset[str]) -> str:
    if key.lower() in secret:
        return _remember(secrets, value, key.lower())
    return value


def _request_body(exchange: Exchange, secrets: dict[str, str]) -> dict[str, Any] | None:
    if not exchange.body:
        return None
    content_type = (_header(exchange.headers, "content-type") or "").lower()
    text = _text(exchange.body)
    if content_type.startswith(FORM_TYPE):
        fields = parse_qsl(text, keep_blank_values=True)
        return {
            "mode": "urlencoded",
            "urlencoded": [{"key": k, "value": _secret_field(k, v, secrets)} for k, v in fields],
        }
    body: dict[str, Any] = {"mode": "raw", "raw": text}
    if "json" in content_type:
        body["options"] = {"raw": {"language": "json"}}
    return body


def _header(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name), None)


def _language(content_type: str | None) -> str:
    kind = (content_type or "").lower()
    for marker, language in (("json", "json"), ("html", "html"), ("xml", "xml")):
        if marker in kind:
            return language
    return "text"


def _text(body: bytes) -> str:
    """A body as the text a Postman example holds (bytes that are not UTF-8 are replaced)."""
    return body.decode("utf-8", errors="replace")
