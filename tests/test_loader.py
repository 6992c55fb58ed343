"""Loading collections and environments: every format variant, and the errors for bad input."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from pytest_postman_mock.collection import (
    Body,
    Collection,
    GraphQLBody,
    Item,
    RequestSpec,
    UrlTemplate,
    Variable,
    load_collection,
    load_environment,
)
from pytest_postman_mock.collection.loader import NESTED_TOO_DEEPLY
from pytest_postman_mock.errors import CollectionError

DATA = Path(__file__).parent / "data"
V21 = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
V20 = "https://schema.getpostman.com/json/collection/v2.0.0/collection.json"


# --------------------------------------------------------------------------- helpers


def write(tmp_path: Path, content: Any, name: str = "collection.json") -> Path:
    """Write bytes, text or a JSON-serialisable document to `tmp_path / name`."""
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(json.dumps(content), encoding="utf-8")
    return path


def document(*items: Any, **top: Any) -> dict[str, Any]:
    """A v2.1 collection document with these top-level items."""
    return {"info": {"name": "Test", "schema": V21}, "item": list(items), **top}


def entry(request: Any, *responses: Any, name: str = "Request", **extra: Any) -> dict[str, Any]:
    """An item (request) with its saved examples."""
    return {"name": name, "request": request, "response": list(responses), **extra}


def load(tmp_path: Path, doc: Any, name: str = "collection.json") -> Collection:
    return load_collection(write(tmp_path, doc, name))


def only_item(tmp_path: Path, item: dict[str, Any]) -> Item:
    collection = load(tmp_path, document(item))
    assert collection.warnings == ()
    (loaded,) = collection.items
    return loaded


def collection_error(path: Path) -> CollectionError:
    with pytest.raises(CollectionError) as caught:
        load_collection(path)
    return caught.value


def environment_error(path: Path) -> CollectionError:
    with pytest.raises(CollectionError) as caught:
        load_environment(path)
    return caught.value


def get(url: Any) -> dict[str, Any]:
    return {"method": "GET", "url": url}


# --------------------------------------------------------------------------- v2.1 (stored file)


@pytest.fixture(scope="module")
def petstore() -> Collection:
    return load_collection(DATA / "petstore.postman_collection.json")


def test_v21_collection_metadata_and_variables(petstore: Collection) -> None:
    assert petstore.name == "Pet Store"
    assert petstore.id == "6f1c2f4e-8a1b-4c7d-9e0f-123456789abc"
    assert petstore.schema == V21
    assert petstore.source == DATA / "petstore.postman_collection.json"
    assert petstore.warnings == ()
    # disabled dropped, `id` accepted for `key`, true -> "true", 1.0 -> "1"
    assert petstore.variables == (
        Variable("baseUrl", "https://api.example.com"),
        Variable("legacyId", "from-id"),
        Variable("verbose", "true"),
        Variable("pageSize", "1"),
    )


def test_v21_items_in_file_order_with_folders_ids_and_pointers(petstore: Collection) -> None:
    assert [(i.name, i.folders, i.id, i.pointer) for i in petstore.items] == [
        ("List pets", ("Pets",), "req-list-pets", "/item/0/item/0"),
        ("Get pet", ("Pets", "Admin"), "req-get-pet", "/item/0/item/1/item/0"),
        ("Create pet", (), "req-create-pet", "/item/1"),
    ]


def test_v21_request_method_url_query_and_headers(petstore: Collection) -> None:
    request = petstore.items[0].request
    assert request.method == "GET"  # written in lower case
    assert request.url == UrlTemplate(
        raw="{{baseUrl}}/pets?limit=10&offset&debug=1",
        host="{{baseUrl}}",
        path="/pets",
        query=(("limit", "10"), ("offset", None)),  # disabled `debug` dropped
    )
    assert request.headers == (("Accept", "application/json"),)  # disabled X-Debug dropped
    assert request.body is None


def test_v21_examples_use_their_original_request(petstore: Collection) -> None:
    two, error = petstore.items[0].examples
    assert (two.id, two.name, two.code, two.status) == ("ex-list-two", "Two pets", 200, "OK")
    assert two.headers == (("Content-Type", "application/json"), ("X-Total", "2"))
    assert two.body == '[{"id": 1, "name": "Rex"}, {"id": 2, "name": "Tom"}]'
    assert two.preview_language == "json"
    assert two.request.url.query == (("limit", "2"),)
    assert two.request.headers == (("Accept", "application/json"),)
    assert (two.item_name, two.folders) == ("List pets", ("Pets",))
    assert two.label == "Pets / List pets / Two pets"
    assert two.pointer == "/item/0/item/0/response/0"

    assert (error.id, error.code, error.status, error.body) == (
        "ex-list-error",
        500,
        "Internal Server Error",
        "boom",
    )
    # header given as a "K: v" string
    assert error.headers == (("Content-Type", "text/plain"), ("Retry-After", "30"))
    assert error.request == RequestSpec(
        method="GET",
        url=UrlTemplate(raw="{{baseUrl}}/pets", host="{{baseUrl}}", path="/pets"),
        headers=(("x-mock-response-code", "500"),),
    )
    assert error.pointer == "/item/0/item/0/response/1"
    assert [e.order for e in petstore.examples()] == [0, 1, 2, 3]


def test_v21_url_object_with_port_path_string_and_path_variables(petstore: Collection) -> None:
    url = petstore.items[1].request.url
    assert url.raw == "https://api.example.com:8443/v1/pets/:petId.json"
    assert url.host == "api.example.com:8443"
    assert url.path == "/v1/pets/:petId.json"
    assert url.query == ()
    assert url.path_variables == (Variable("petId", "7"),)  # the disabled one is dropped


def test_v21_single_response_object_with_string_code(petstore: Collection) -> None:
    item = petstore.items[1]
    (found,) = item.examples
    assert (found.id, found.name, found.code, found.status) == (
        "ex-get-pet",
        "Found",
        201,
        "Created",
    )
    assert found.headers == ()  # header: null
    assert found.body == '{"id": 7}'
    assert found.request == item.request  # no originalRequest
    assert found.folders == ("Pets", "Admin")
    assert found.pointer == "/item/0/item/1/item/0/response/0"


def test_v21_raw_body_and_path_segment_objects(petstore: Collection) -> None:
    item = petstore.items[2]
    assert item.request.method == "POST"
    assert item.request.url.path == "/pets"  # [{"type": "string", "value": "pets"}]
    assert item.request.body == Body(mode="raw", raw='{"name": "Rex"}', language="json")
    (created,) = item.examples
    assert (created.id, created.code, created.body) == (None, 201, "")
    assert created.headers == (("Location", "/pets/3"),)
    assert created.request == item.request


def test_v21_variable_scopes_innermost_first(petstore: Collection) -> None:
    list_pets, get_pet, create_pet = (item.examples[0] for item in petstore.items)
    assert list_pets.scope == (
        (Variable("itemVar", "list"),),
        (Variable("folderVar", "outer"),),
    )
    assert get_pet.scope == (
        (),
        (Variable("folderVar", "inner"),),
        (Variable("folderVar", "outer"),),
    )
    assert create_pet.scope == ((),)


# --------------------------------------------------------------------------- YAML


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".YML"])
def test_yaml_collection_loads_like_the_json_one(
    tmp_path: Path, petstore: Collection, suffix: str
) -> None:
    path = tmp_path / f"petstore{suffix}"
    shutil.copyfile(DATA / "petstore.postman_collection.yaml", path)
    from_yaml = load_collection(path)
    assert from_yaml.source == path
    assert dataclasses.replace(from_yaml, source=None) == dataclasses.replace(petstore, source=None)
    # a few values straight from the YAML, so equality above is not vacuous
    assert from_yaml.name == "Pet Store"
    assert [e.code for e in from_yaml.examples()] == [200, 500, 201, 201]
    assert from_yaml.items[0].examples[1].headers == (
        ("Content-Type", "text/plain"),
        ("Retry-After", "30"),
    )
    assert from_yaml.variables[-1] == Variable("pageSize", "1")


# --------------------------------------------------------------------------- v2.0 (stored file)


@pytest.fixture(scope="module")
def bookshop() -> Collection:
    return load_collection(DATA / "bookshop-v2.0.postman_collection.json")


def test_v20_collection_structure(bookshop: Collection) -> None:
    assert bookshop.name == "Bookshop"
    assert bookshop.schema == V20
    assert bookshop.warnings == ()
    assert [(i.name, i.folders, i.pointer) for i in bookshop.items] == [
        ("Search books", ("Books",), "/item/0/item/0"),
        ("Add book", ("Books",), "/item/0/item/1"),
        ("Subscribe", (), "/item/1"),
    ]


def test_v20_string_url_and_header_string(bookshop: Collection) -> None:
    search = bookshop.items[0]
    assert search.request.url == UrlTemplate(
        raw="{{baseUrl}}/books?q=dune&page=2",
        host="{{baseUrl}}",
        path="/books",
        query=(("q", "dune"), ("page", "2")),
    )
    assert search.request.headers == (("Accept", "application/json"), ("X-Client", "tests"))
    (dune,) = search.examples
    assert (dune.id, dune.name, dune.code, dune.status) == (
        "9c8b7a60-0000-4000-8000-0000000000a1",
        "Dune results",
        200,
        "OK",
    )
    assert dune.headers == (("Content-Type", "application/json; charset=utf-8"),)
    assert dune.body == '{"results": [{"title": "Dune"}]}'
    assert dune.request.url.query == (("q", "dune"),)


def test_v20_form_bodies_and_host_array(bookshop: Collection) -> None:
    add = bookshop.items[1]
    assert add.request.body == Body(mode="formdata", fields=(("title", "Dune"),), files=("cover",))
    (added,) = add.examples
    assert (added.code, added.status, added.body) == (201, "Created", '{"id": 1}')
    assert added.request == add.request

    subscribe = bookshop.items[2]
    assert subscribe.request.url.host == "books.example.com"
    assert subscribe.request.url.path == "/subscribe"
    assert subscribe.request.body == Body(mode="urlencoded", fields=(("email", "ann@example.com"),))
    (subscribed,) = subscribe.examples
    assert (subscribed.code, subscribed.status, subscribed.body) == (204, "No Content", "")
    assert subscribed.request.headers == ()
    assert subscribed.request.body == Body(
        mode="urlencoded", fields=(("email", "ann@example.com"),)
    )


# --------------------------------------------------------------------------- v1 (stored file)


@pytest.fixture(scope="module")
def legacy() -> Collection:
    return load_collection(DATA / "v1.postman_collection.json")


def test_v1_converts_folders_with_nesting_in_order(legacy: Collection) -> None:
    assert legacy.name == "Legacy Shop"
    assert legacy.id == "5a1f0c9e-7d2b-4e61-a3f4-9b8c7d6e5f40"
    assert legacy.warnings == ()
    assert [(i.folders, i.name, i.id, i.request.method) for i in legacy.items] == [
        (("Orders", "Archive"), "Archived order", "r-archived", "GET"),
        (("Orders",), "List orders", "r-list-orders", "GET"),
        (("Orders",), "Create order", "r-create-order", "POST"),
        (("Users",), "Get user", "r-get-user", "GET"),
        (("Users",), "Log in", "r-login", "POST"),
        (("Users",), "Upload avatar", "r-upload", "PUT"),
        ((), "Health", "r-health", "GET"),
        ((), "Orphan", "r-orphan", "DELETE"),  # in no order list: kept, not lost
    ]


def test_v1_examples_codes_statuses_and_bodies(legacy: Collection) -> None:
    assert [(e.label, e.id, e.code, e.status, e.body) for e in legacy.examples()] == [
        ("Orders / Archive / Archived order / Gone", "resp-archived-gone", 410, "Gone", ""),
        (
            "Orders / List orders / Open orders",
            "resp-orders-open",
            200,
            "OK",
            '[{"id": "o-1", "status": "open"}]',
        ),
        ("Orders / Create order / Created", "resp-order-created", 201, "Created", '{"id": "o-2"}'),
        ("Users / Get user / User", "resp-user-found", 200, "OK", '{"id": 42, "name": "Ann"}'),
        (
            "Users / Get user / Missing",
            "resp-user-missing",
            404,
            "Not Found",
            '{"error": "no such user"}',
        ),
        ("Users / Log in / Logged in", "resp-login-ok", 200, "OK", '{"token": "t"}'),
        ("Health / Up", "resp-health-up", 200, "OK", "ok"),
        ("Orphan / Deleted", None, 204, "No Content", ""),
    ]
    open_orders = legacy.items[1].examples[0]
    assert open_orders.headers == (("Content-Type", "application/json"), ("X-Total-Count", "1"))
    assert open_orders.preview_language == "json"


def test_v1_header_string_query_params_and_path_variables(legacy: Collection) -> None:
    archived, list_orders = legacy.items[0].request, legacy.items[1].request
    # "Accept: application/json\n//X-Debug: 1\n": a `//` line is a disabled header
    assert list_orders.headers == (("Accept", "application/json"),)
    assert list_orders.url.host == "{{baseUrl}}"
    assert list_orders.url.path == "/orders"
    assert list_orders.url.query == (("status", "open"),)  # `page` is disabled in queryParams
    assert archived.url.path == "/orders/archive/:orderId"
    assert archived.url.path_variables == (Variable("orderId", "o-0"),)
    assert legacy.items[3].request.url.path_variables == (Variable("userId", "42"),)


def test_v1_body_modes(legacy: Collection) -> None:
    by_name = {item.name: item.request for item in legacy.items}
    assert by_name["Create order"].body == Body(mode="raw", raw='{"sku": "A-1", "qty": 2}')
    assert by_name["Log in"].body == Body(mode="urlencoded", fields=(("user", "ann"),))
    assert by_name["Upload avatar"].body == Body(
        mode="formdata", fields=(("caption", "me"),), files=("avatar",)
    )


def test_v1_response_request_by_id_and_as_object(legacy: Collection) -> None:
    get_user = legacy.items[3]
    assert [e.request for e in get_user.examples] == [get_user.request, get_user.request]

    (created,) = legacy.items[2].examples
    # the response's own request object (v1 shape, `headers` as a list)
    assert created.request == RequestSpec(
        method="POST",
        url=UrlTemplate(
            raw="{{baseUrl}}/orders?dryRun=false",
            host="{{baseUrl}}",
            path="/orders",
            query=(("dryRun", "false"),),
        ),
        headers=(("Content-Type", "application/json"),),  # X-Trace has enabled: false
        body=Body(mode="raw", raw='{"sku": "B-2", "qty": 1}'),
    )


def test_v1_binary_body_and_header_data(tmp_path: Path) -> None:
    doc = {
        "id": "c1",
        "name": "Binary",
        "order": ["r1"],
        "requests": [
            {
                "id": "r1",
                "name": "Upload",
                "url": "http://files.example.com/upload",
                "method": "post",
                "headerData": [
                    {"key": "Content-Type", "value": "image/png", "enabled": True},
                    {"key": "X-Off", "value": "1", "enabled": False},
                ],
                "dataMode": "binary",
                "rawModeData": "photo.png",
                "responses": [
                    {
                        "name": "Stored",
                        "responseCode": {"code": 202, "name": "Accepted"},
                        "text": "queued",
                        "request": "r1",
                    },
                ],
            }
        ],
    }
    collection = load(tmp_path, doc)
    (item,) = collection.items
    assert item.request.method == "POST"
    assert item.request.headers == (("Content-Type", "image/png"),)
    assert item.request.body == Body(mode="file", files=("photo.png",))
    assert [(e.name, e.code, e.status, e.body) for e in item.examples] == [
        ("Stored", 202, "Accepted", "queued")
    ]


# --------------------------------------------------------------------------- deep folders


def test_folders_nested_50_deep(tmp_path: Path) -> None:
    node: dict[str, Any] = entry(
        "http://x.test/deep",
        {"name": "Deep", "code": 200, "body": "bottom"},
        name="Leaf",
        variable=[{"key": "level", "value": "leaf"}],
    )
    for level in reversed(range(50)):
        node = {"name": f"L{level}", "variable": [{"key": "level", "value": level}], "item": [node]}
    collection = load(tmp_path, document(node))
    (item,) = collection.items
    assert item.folders == tuple(f"L{level}" for level in range(50))
    assert item.pointer == "/item/0" * 51
    (example,) = item.examples
    assert example.label == " / ".join([*(f"L{i}" for i in range(50)), "Leaf", "Deep"])
    assert example.pointer == "/item/0" * 51 + "/response/0"
    assert len(example.scope) == 51
    assert example.scope[0] == (Variable("level", "leaf"),)
    assert example.scope[1] == (Variable("level", "49"),)
    assert example.scope[-1] == (Variable("level", "0"),)


def deep_document(depth: int) -> str:
    leaf = json.dumps(entry("http://x.test/deep", {"name": "Deep", "code": 201}, name="Leaf"))
    after = json.dumps(entry("http://x.test/after", name="After"))
    return (
        '{"info": {"name": "Deep"}, "item": ['
        + "".join(f'{{"name": "L{level}", "item": [' for level in range(depth))
        + leaf
        + "]}" * depth
        + ", "
        + after
        + "]}"
    )


def test_folders_nested_300_deep_load_in_file_order(tmp_path: Path) -> None:
    depth = 300
    collection = load_collection(write(tmp_path, deep_document(depth)))
    deep, sibling = collection.items
    assert len(deep.folders) == depth
    assert (deep.folders[0], deep.folders[-1]) == ("L0", f"L{depth - 1}")
    assert deep.pointer == "/item/0" * (depth + 1)
    assert [(e.name, e.code) for e in deep.examples] == [("Deep", 201)]
    assert (sibling.name, sibling.folders, sibling.pointer) == ("After", (), "/item/1")


def test_folders_nested_beyond_the_json_reader_are_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, deep_document(5000))
    with pytest.raises(CollectionError) as caught:
        load_collection(path)
    assert str(caught.value) == f"{path}: {NESTED_TOO_DEEPLY}"


# --------------------------------------------------------------------------- request shapes


def test_request_as_a_plain_string_is_a_get(tmp_path: Path) -> None:
    item = only_item(tmp_path, entry("https://api.example.com/ping?verbose=1", name="Ping"))
    assert item.name == "Ping"
    assert item.request == RequestSpec(
        method="GET",
        url=UrlTemplate(
            raw="https://api.example.com/ping?verbose=1",
            host="api.example.com",
            path="/ping",
            query=(("verbose", "1"),),
        ),
    )


@pytest.mark.parametrize(
    ("url", "host", "path", "query"),
    [
        (
            "{{baseUrl}}/users/:id?active=true&tag",
            "{{baseUrl}}",
            "/users/:id",
            (("active", "true"), ("tag", None)),
        ),
        ("http://localhost:3000/a/b#section", "localhost:3000", "/a/b", ()),
        ("https://api.example.com", "api.example.com", "/", ()),
        ("/relative/only?x=", "", "/relative/only", (("x", ""),)),
    ],
    ids=["template-host", "port-and-fragment", "no-path", "no-host"],
)
def test_url_as_a_string(
    tmp_path: Path, url: str, host: str, path: str, query: tuple[tuple[str, Any], ...]
) -> None:
    item = only_item(tmp_path, entry(get(url)))
    assert item.request.url == UrlTemplate(raw=url, host=host, path=path, query=query)


def test_url_object_with_raw_only(tmp_path: Path) -> None:
    raw = "https://api.example.com/v2/items?page=3&sort=name"
    item = only_item(tmp_path, entry(get({"raw": raw})))
    assert item.request.url == UrlTemplate(
        raw=raw, host="api.example.com", path="/v2/items", query=(("page", "3"), ("sort", "name"))
    )


@pytest.mark.parametrize(
    "host", ["api.example.com", ["api", "example", "com"]], ids=["str", "list"]
)
def test_url_host_as_string_or_array(tmp_path: Path, host: Any) -> None:
    url = {"raw": "https://ignored.test/x", "host": host, "path": ["x"]}
    item = only_item(tmp_path, entry(get(url)))
    assert item.request.url.host == "api.example.com"
    assert item.request.url.path == "/x"


@pytest.mark.parametrize(
    "path",
    [
        "v1/users/:id",
        "/v1/users/:id",
        ["v1", "users", ":id"],
        [{"type": "string", "value": "v1"}, "users", {"type": "string", "value": ":id"}],
    ],
    ids=["str", "str-slash", "list", "list-of-objects"],
)
def test_url_path_as_string_or_array(tmp_path: Path, path: Any) -> None:
    url = {"raw": "{{baseUrl}}/other", "host": ["{{baseUrl}}"], "path": path}
    item = only_item(tmp_path, entry(get(url)))
    assert item.request.url.path == "/v1/users/:id"


def test_url_query_list_drops_disabled_and_keeps_null_values(tmp_path: Path) -> None:
    url = {
        "raw": "{{baseUrl}}/search?stale=1",
        "host": ["{{baseUrl}}"],
        "path": ["search"],
        "query": [
            {"key": "a", "value": "1"},
            {"key": "flag", "value": None},
            {"key": "off", "value": "3", "disabled": True},
            {"key": "empty", "value": "", "disabled": False},
            {"key": "a", "value": "2"},
            {"key": "n", "value": 5},
        ],
    }
    item = only_item(tmp_path, entry(get(url)))
    # the structured query wins over the raw one
    assert item.request.url.query == (
        ("a", "1"),
        ("flag", None),
        ("empty", ""),
        ("a", "2"),
        ("n", "5"),
    )


def test_url_path_variables_drop_disabled_and_accept_id(tmp_path: Path) -> None:
    url = {
        "raw": "{{baseUrl}}/pets/:petId/toys/:toyId",
        "host": ["{{baseUrl}}"],
        "path": ["pets", ":petId", "toys", ":toyId"],
        "variable": [
            {"key": "petId", "value": "7", "description": "the pet"},
            {"key": "gone", "value": "x", "disabled": True},
            {"id": "toyId", "value": 3, "type": "number"},
        ],
    }
    item = only_item(tmp_path, entry(get(url)))
    assert item.request.url.path_variables == (Variable("petId", "7"), Variable("toyId", "3"))


@pytest.mark.parametrize("port", ["8080", 8080], ids=["str", "int"])
def test_url_port_is_part_of_the_host(tmp_path: Path, port: Any) -> None:
    url = {
        "raw": "http://localhost:8080/health",
        "protocol": "http",
        "host": ["localhost"],
        "port": port,
        "path": ["health"],
    }
    item = only_item(tmp_path, entry(get(url)))
    assert item.request.url.host == "localhost:8080"
    assert item.request.url.path == "/health"


@pytest.mark.parametrize(
    ("response", "names"),
    [
        ({"name": "Only", "code": 200}, ["Only"]),
        ([{"name": "A", "code": 200}, {"name": "B", "code": 404}], ["A", "B"]),
        (None, []),
        ([], []),
    ],
    ids=["single-object", "list", "null", "empty-list"],
)
def test_response_shapes(tmp_path: Path, response: Any, names: list[str]) -> None:
    item = only_item(tmp_path, {"name": "R", "request": get("/x"), "response": response})
    assert [e.name for e in item.examples] == names


def test_response_missing(tmp_path: Path) -> None:
    item = only_item(tmp_path, {"name": "No examples", "request": get("/x")})
    assert item.examples == ()
    assert item.name == "No examples"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            [
                {"key": "Accept", "value": "text/html"},
                {"key": "X-Off", "value": "1", "disabled": True},
                {"key": "X-Num", "value": 5},
                {"key": "", "value": "no key"},
            ],
            (("Accept", "text/html"), ("X-Num", "5")),
        ),
        ("Accept: text/html\nX-Pair: a:b\n\n", (("Accept", "text/html"), ("X-Pair", "a:b"))),
        (None, ()),
        ({}, ()),
    ],
    ids=["list", "string", "null", "empty-object"],
)
def test_request_and_example_headers(tmp_path: Path, header: Any, expected: Any) -> None:
    request = {"method": "GET", "url": "/x", "header": header}
    item = only_item(tmp_path, entry(request, {"name": "E", "code": 200, "header": header}))
    assert item.request.headers == expected
    assert item.examples[0].headers == expected


GQL_QUERY = "query Pet($id: ID!) { pet(id: $id) { name } }"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"mode": "raw", "raw": '{"a": 1}', "options": {"raw": {"language": "json"}}},
            Body(mode="raw", raw='{"a": 1}', language="json"),
        ),
        (
            {"mode": "raw", "raw": "<a/>", "options": {"raw": {"language": "xml"}}},
            Body(mode="raw", raw="<a/>", language="xml"),
        ),
        (
            {
                "mode": "urlencoded",
                "urlencoded": [
                    {"key": "a", "value": "1"},
                    {"key": "b", "value": "2", "disabled": True},
                    {"key": "c", "value": ""},
                ],
            },
            Body(mode="urlencoded", fields=(("a", "1"), ("c", ""))),
        ),
        (
            {
                "mode": "formdata",
                "formdata": [
                    {"key": "name", "value": "Ann", "type": "text"},
                    {"key": "photo", "src": "/tmp/p.png", "type": "file"},
                    {"key": "off", "value": "x", "type": "text", "disabled": True},
                ],
            },
            Body(mode="formdata", fields=(("name", "Ann"),), files=("photo",)),
        ),
        (
            {"mode": "file", "file": {"src": "/tmp/data.bin"}},
            Body(mode="file", files=("/tmp/data.bin",)),
        ),
        (
            {"mode": "graphql", "graphql": {"query": GQL_QUERY, "variables": '{\n  "id": "7"\n}'}},
            Body(mode="graphql", graphql=GraphQLBody(GQL_QUERY, '{\n  "id": "7"\n}')),
        ),
        (
            {
                "mode": "graphql",
                "graphql": {
                    "query": "{ pets { id } }",
                    "variables": {"first": 10, "tags": ["a"]},
                    "operationName": "Pets",
                },
            },
            Body(
                mode="graphql",
                graphql=GraphQLBody("{ pets { id } }", '{"first":10,"tags":["a"]}', "Pets"),
            ),
        ),
        ({"mode": "raw", "raw": "never sent", "disabled": True}, None),
        ({}, None),
    ],
    ids=[
        "raw-json",
        "raw-xml",
        "urlencoded",
        "formdata",
        "file",
        "graphql-string-variables",
        "graphql-object-variables",
        "disabled",
        "empty-object",
    ],
)
def test_body_modes(tmp_path: Path, body: Any, expected: Body | None) -> None:
    request = {"method": "POST", "url": "/x", "body": body}
    example = {"name": "E", "code": 200, "originalRequest": request}
    item = only_item(tmp_path, entry(request, example))
    assert item.request.body == expected
    assert item.examples[0].request.body == expected


# --------------------------------------------------------------------------- examples


def test_example_without_original_request_falls_back_to_the_item_request(tmp_path: Path) -> None:
    request = {
        "method": "PATCH",
        "url": "{{baseUrl}}/pets/:id",
        "header": [{"key": "If-Match", "value": "v1"}],
        "body": {"mode": "raw", "raw": '{"name": "Rex"}'},
    }
    item = only_item(tmp_path, entry(request, {"name": "Patched", "code": 200, "body": "done"}))
    (example,) = item.examples
    assert example.request == item.request
    assert example.request.method == "PATCH"
    assert example.request.headers == (("If-Match", "v1"),)
    assert (example.name, example.code, example.body) == ("Patched", 200, "done")


@pytest.mark.parametrize(
    ("fields", "code", "status"),
    [
        ({"status": "Created"}, 201, "Created"),
        ({"status": "not found"}, 404, "not found"),
        ({"status": "Custom Reason"}, 200, "Custom Reason"),
        ({}, 200, "OK"),
        ({"code": None, "status": "Accepted"}, 202, "Accepted"),
        ({"code": "201"}, 201, "Created"),
        ({"code": " 404 ", "status": "Not Found"}, 404, "Not Found"),
        ({"code": 503.0}, 503, "Service Unavailable"),
    ],
    ids=[
        "from-phrase",
        "phrase-any-case",
        "unknown-phrase",
        "nothing",
        "null-code",
        "string-code",
        "padded-string-code",
        "float-code",
    ],
)
def test_example_code_and_status(
    tmp_path: Path, fields: dict[str, Any], code: int, status: str
) -> None:
    item = only_item(tmp_path, entry(get("/x"), {"name": "E", **fields}))
    (example,) = item.examples
    assert (example.code, example.status) == (code, status)
    assert type(example.code) is int


@pytest.mark.parametrize(
    ("bad", "pointer", "reason"),
    [
        (
            {"name": "Broken", "code": "abc"},
            "/item/0/response/1/code",
            "expected an integer status code, got 'abc'",
        ),
        (
            {"name": "Broken", "code": 42},
            "/item/0/response/1/code",
            "status code 42 is not a final response status (200-599)",
        ),
        (
            {"name": "Broken", "code": 100},
            "/item/0/response/1/code",
            "status code 100 is not a final response status (200-599)",
        ),
        (
            {"name": "Broken", "code": 1e999},
            "/item/0/response/1/code",
            "expected an integer status code, got inf",
        ),
        (
            {"name": "Broken", "code": 200.5},
            "/item/0/response/1/code",
            "expected an integer status code, got 200.5",
        ),
        (
            {"name": "Broken", "code": 200, "originalRequest": {"url": 7}},
            "/item/0/response/1/originalRequest/url",
            "expected the URL as a string or an object",
        ),
    ],
    ids=[
        "non-integer",
        "out-of-range",
        "interim-1xx",
        "infinite",
        "fractional",
        "bad-original-request",
    ],
)
def test_malformed_example_is_skipped_with_a_warning(
    tmp_path: Path, bad: dict[str, Any], pointer: str, reason: str
) -> None:
    doc = document(
        entry(
            get("/things"),
            {"name": "Fine", "code": 200},
            bad,
            {"name": "Also fine", "code": 404},
            name="Get thing",
        ),
        entry(get("/other"), {"name": "Other", "code": 201}, name="Other"),
    )
    collection = load(tmp_path, doc)
    assert collection.warnings == (
        f"skipped example 'Broken' of request 'Get thing' at {pointer}: {reason}",
    )
    assert [(e.name, e.code, e.order) for e in collection.examples()] == [
        ("Fine", 200, 0),
        ("Also fine", 404, 1),
        ("Other", 201, 2),
    ]
    assert collection.items[0].examples[1].pointer == "/item/0/response/2"


def test_malformed_nameless_example_is_named_by_its_index(tmp_path: Path) -> None:
    collection = load(tmp_path, document(entry(get("/x"), {"code": 200}, "junk", name="R")))
    assert collection.warnings == (
        "skipped example 1 of request 'R' at /item/0/response/1: expected an example object",
    )
    assert [e.name for e in collection.examples()] == ["R"]  # a nameless example takes the item's


# --------------------------------------------------------------------------- wrapper, variables


def test_postman_api_export_wrapper(tmp_path: Path) -> None:
    inner = document(entry(get("/wrapped"), {"name": "W", "code": 202}, name="Wrapped"))
    inner["info"]["_postman_id"] = "api-id"
    collection = load(tmp_path, {"collection": inner})
    assert (collection.name, collection.id) == ("Test", "api-id")
    assert [(e.label, e.code) for e in collection.examples()] == [("Wrapped / W", 202)]


def test_variables_at_collection_folder_and_item_level(tmp_path: Path) -> None:
    doc = document(
        {
            "name": "Folder",
            "variable": [
                {"key": "folderVar", "value": "f"},
                {"key": "folderOff", "value": "x", "disabled": True},
            ],
            "item": [
                entry(
                    get("/x"),
                    {"name": "E", "code": 200},
                    variable=[
                        {"id": "itemVar", "value": False},
                        {"key": "itemNull", "value": None},
                    ],
                )
            ],
        },
        variable=[
            {"key": "bool", "value": True, "type": "boolean"},
            {"key": "whole", "value": 1.0, "type": "number"},
            {"key": "fraction", "value": 2.5, "type": "number"},
            {"key": "zero", "value": 0},
            {"key": "object", "value": {"a": [1, "b"]}},
            {"id": "byId", "value": "i"},
            {"key": "off", "value": "x", "disabled": True},
            {"key": "notEnabled", "value": "x", "enabled": False},
            {"value": "no key at all"},
        ],
    )
    collection = load(tmp_path, doc)
    assert collection.variables == (
        Variable("bool", "true"),
        Variable("whole", "1"),
        Variable("fraction", "2.5"),
        Variable("zero", "0"),
        Variable("object", '{"a":[1,"b"]}'),
        Variable("byId", "i"),
    )
    (example,) = collection.examples()
    assert example.scope == (
        (Variable("itemVar", "false"), Variable("itemNull", "")),
        (Variable("folderVar", "f"),),
    )


# --------------------------------------------------------------------------- bad collections


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.postman_collection.json"
    error = collection_error(path)
    assert str(error) == f"{path}: file not found"
    assert (error.source, error.pointer, error.reason) == (str(path), None, "file not found")


def test_directory(tmp_path: Path) -> None:
    error = collection_error(tmp_path)
    assert str(error) == f"{tmp_path}: is a directory, expected a collection file"


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n  "info": {"name": "x"},\n  "item": [\n    {"name": "a",}\n  ]\n}\n')
    assert str(collection_error(path)) == (
        f"{path}: invalid JSON at line 4 column 18: "
        "Expecting property name enclosed in double quotes"
    )


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "info:\n  name: x\n item: []\n", "broken.yaml")
    message = str(collection_error(path))
    assert message.startswith(f"{path}: invalid YAML at line 3 column 2: ")
    assert "expected <block end>" in message


def test_yaml_with_two_documents(tmp_path: Path) -> None:
    path = write(tmp_path, "info: {name: a}\nitem: []\n---\ninfo: {name: b}\n", "two.yml")
    assert str(collection_error(path)) == (
        f"{path}: invalid YAML at line 3 column 1: "
        "expected a single document in the stream, but found another document"
    )


def test_json_array_at_the_top(tmp_path: Path) -> None:
    path = write(tmp_path, [document()])
    error = collection_error(path)
    assert str(error) == f"{path}: expected a JSON object at the top of the document"
    assert error.pointer is None


def test_object_that_is_not_a_collection(tmp_path: Path) -> None:
    path = write(tmp_path, {"name": "Something", "paths": {}})
    assert str(collection_error(path)) == (
        f"{path}: not a Postman collection: expected an object with 'info' and 'item' "
        "(v2.0/v2.1) or 'requests' (v1)"
    )


def test_environment_given_as_a_collection(tmp_path: Path) -> None:
    path = write(tmp_path, {"name": "Dev", "values": [{"key": "baseUrl", "value": "x"}]})
    assert str(collection_error(path)) == f"{path}: this is a Postman environment, not a collection"


def test_collection_without_info(tmp_path: Path) -> None:
    path = write(tmp_path, {"item": []})
    error = collection_error(path)
    assert str(error) == f"{path} at /info: expected an 'info' object with the collection's name"


def test_item_that_is_not_a_list(tmp_path: Path) -> None:
    path = write(tmp_path, {"info": {"name": "x"}, "item": {"name": "a", "request": "/x"}})
    error = collection_error(path)
    assert error.pointer == "/item"
    assert str(error) == f"{path} at /item: expected a list of requests and folders"


def test_folder_item_that_is_not_a_list(tmp_path: Path) -> None:
    path = write(tmp_path, document(entry(get("/ok")), {"name": "Folder", "item": "oops"}))
    error = collection_error(path)
    assert error.pointer == "/item/1/item"
    assert str(error) == f"{path} at /item/1/item: expected a list in this folder"


def test_request_url_that_is_a_number(tmp_path: Path) -> None:
    folder = {"name": "F", "item": [entry(get("/ok")), entry({"method": "GET", "url": 42})]}
    path = write(tmp_path, document(folder))
    error = collection_error(path)
    assert error.pointer == "/item/0/item/1/request/url"
    assert str(error) == (
        f"{path} at /item/0/item/1/request/url: expected the URL as a string or an object"
    )


def test_unknown_body_mode(tmp_path: Path) -> None:
    request = {"method": "POST", "url": "/x", "body": {"mode": "telepathy", "telepathy": "?"}}
    path = write(tmp_path, document(entry(request)))
    error = collection_error(path)
    assert error.pointer == "/item/0/request/body/mode"
    assert str(error) == f"{path} at /item/0/request/body/mode: unknown body mode 'telepathy'"


def test_non_utf8_bytes(tmp_path: Path) -> None:
    content = b'{"info": {"name": "caf\xe9"}, "item": []}'
    path = write(tmp_path, content)
    offset = content.index(b"\xe9")
    assert offset == 22
    assert str(collection_error(path)) == f"{path}: is not UTF-8 text (byte {offset})"


def test_yaml_billion_laughs_is_refused_before_it_expands(tmp_path: Path) -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    previous = "a"
    for name in "bcdefghij":
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 10)}]")
        previous = name
    path = write(tmp_path, "\n".join(lines) + "\n", "bomb.yaml")
    error = collection_error(path)  # refused while counting, before anything expands
    assert str(error).startswith(f"{path}: YAML aliases expand to more than ")
    assert "refusing to load it" in str(error)


@pytest.mark.parametrize("content", ["", "# nothing but a comment\n"], ids=["empty", "comment"])
def test_empty_yaml(tmp_path: Path, content: str) -> None:
    path = write(tmp_path, content, "empty.yaml")
    assert str(collection_error(path)) == f"{path}: the YAML document is empty"


# --------------------------------------------------------------------------- environments


def test_environment_with_a_utf8_bom(tmp_path: Path) -> None:
    doc = {
        "id": "043ddbc2-1fbb-242f-9c39-dc89e08d4a65",
        "name": "Variable names with slashes",
        "values": [
            {"key": "fo/o", "type": "text", "value": "alpha", "enabled": True},
            {"key": "b\\ar", "type": "text", "value": "beta", "enabled": True},
        ],
        "_postman_variable_scope": "environment",
    }
    content = b"\xef\xbb\xbf" + json.dumps(doc).encode("utf-8")
    path = write(tmp_path, content, "bom.postman_environment.json")
    environment = load_environment(path)
    assert environment.name == "Variable names with slashes"
    assert environment.values == (Variable("fo/o", "alpha"), Variable("b\\ar", "beta"))
    assert environment.source == path


def test_environment_disabled_values_and_duplicates(tmp_path: Path) -> None:
    doc = {
        "name": "disabled-and-duplicates",
        "values": [
            {"key": "justDisabled", "value": "1", "disabled": True},
            {"key": "oneDisabled", "value": "1"},
            {"key": "oneDisabled", "value": "2", "disabled": True},
            {"key": "duplicate", "value": "1", "type": "text"},
            {"key": "duplicate", "value": "2", "type": "text"},
            {"key": "notEnabled", "value": "x", "enabled": False},
        ],
        "_postman_variable_scope": "environment",
    }
    environment = load_environment(write(tmp_path, doc, "env.json"))
    assert environment.values == (Variable("oneDisabled", "1"), Variable("duplicate", "2"))


def test_environment_api_wrapper_and_non_string_values(tmp_path: Path) -> None:
    doc = {
        "environment": {
            "values": [
                {"key": "flag", "value": True},
                {"key": "count", "value": 3.0},
                {"key": "unset"},
            ]
        }
    }
    environment = load_environment(write(tmp_path, doc, "staging.json"))
    assert environment.name == "staging"  # no name: the file's stem
    assert environment.values == (
        Variable("flag", "true"),
        Variable("count", "3"),
        Variable("unset", ""),
    )


def test_environment_as_yaml(tmp_path: Path) -> None:
    text = (
        "name: Dev\n"
        "values:\n"
        "  - {key: baseUrl, value: 'http://localhost:1'}\n"
        "  - {key: n, value: 7}\n"
    )
    environment = load_environment(write(tmp_path, text, "dev.yaml"))
    assert environment.name == "Dev"
    assert environment.values == (Variable("baseUrl", "http://localhost:1"), Variable("n", "7"))


@pytest.mark.parametrize(
    "doc",
    [document(entry(get("/x"))), {"name": "Legacy", "requests": []}],
    ids=["v2", "v1"],
)
def test_collection_given_as_an_environment(tmp_path: Path, doc: dict[str, Any]) -> None:
    path = write(tmp_path, doc)
    assert str(environment_error(path)) == (
        f"{path}: not a Postman environment: expected an object with a 'values' list "
        "(this looks like a collection)"
    )


def test_environment_value_without_key(tmp_path: Path) -> None:
    path = write(tmp_path, {"name": "Dev", "values": [{"key": "a", "value": "1"}, {"value": "b"}]})
    error = environment_error(path)
    assert error.pointer == "/values/1"
    assert str(error) == f"{path} at /values/1: expected a {{key, value}} object"


def test_environment_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "dev.postman_environment.json"
    assert str(environment_error(path)) == f"{path}: file not found"


@pytest.mark.parametrize(
    "document_",
    [
        {"name": "v1", "order": 5, "requests": [{"id": "r", "url": "http://x/a"}]},
        {
            "name": "v1",
            "order": ["r"],
            "requests": [{"id": "r", "url": "http://x/a", "responses": 5}],
        },
    ],
    ids=["order-not-a-list", "responses-not-a-list"],
)
def test_a_malformed_v1_shape_is_one_clear_error(tmp_path: Path, document_: Any) -> None:
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(document_))
    with pytest.raises(CollectionError) as caught:
        load_collection(path)
    assert str(caught.value) == f"{path}: malformed collection: 'int' object is not iterable"


def test_a_raw_language_that_is_not_text_is_ignored(tmp_path: Path) -> None:
    body = {"mode": "raw", "raw": "{}", "options": {"raw": {"language": {"json": True}}}}
    path = tmp_path / "c.json"
    path.write_text(
        json.dumps(
            {
                "info": {"name": "c"},
                "item": [
                    {
                        "name": "r",
                        "request": {"method": "POST", "url": "http://x/a", "body": body},
                        "response": [],
                    }
                ],
            }
        )
    )
    (item,) = load_collection(path).items
    assert item.request.body is not None and item.request.body.language is None
