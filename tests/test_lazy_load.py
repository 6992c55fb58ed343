"""What start-up leaves for later, and what it shares, changes no answer and no refusal.

A load compiles only each example's path; query, headers and body are worked out
when first needed, the low tiers (79/75, 70) and the name index on first use,
equal parts of the document are read once and shared. These tests pin that the
answers and the errors are those of a load that did everything at once.
"""

from __future__ import annotations

import gc
import json
import threading
from pathlib import Path

import pytest
import requests

from pytest_postman_mock import MockServer
from pytest_postman_mock.collection import load_collection
from pytest_postman_mock.engine.collector import loading
from pytest_postman_mock.engine.core import Engine
from pytest_postman_mock.engine.request import Incoming
from pytest_postman_mock.errors import CollectionError

from . import builders


def incoming(path: str) -> Incoming:
    base, _, query = path.partition("?")
    pairs = tuple((k, v) for k, _, v in (p.partition("=") for p in query.split("&") if p))
    return Incoming("GET", base, pairs)


def shop(tmp_path: Path) -> Path:
    return builders.write(
        tmp_path / "shop.json",
        builders.collection(
            builders.request(
                "Item",
                "https://x.test/items/:id",
                builders.example("Found", "https://x.test/items/:id", body="found {{id}}"),
                builders.example("Seven", "https://x.test/items/7", body="seven"),
            ),
            builders.request(
                "Orders",
                "https://x.test/orders/a1b2c3d4e5",
                builders.example("Order", "https://x.test/orders/a1b2c3d4e5", body="order"),
                builders.example(
                    "Paged", "https://x.test/orders/a1b2c3d4e5?page={{page}}", body="paged"
                ),
            ),
        ),
    )


def test_a_hit_builds_nothing_only_weaker_tiers_need(tmp_path: Path) -> None:
    engine = Engine.from_files(shop(tmp_path))
    built = engine.index._built
    assert engine.respond(incoming("/items/7")).response.body == b"seven"
    assert engine.respond(incoming("/items/9")).response.body == b"found 9"
    assert not any(isinstance(key, tuple) and key[0] == "blanked" for key in built)
    # an ID the example does not have reaches tier 79: built then, same answer as a scan
    assert engine.respond(incoming("/orders/zz99yy88xx")).response.body == b"order"
    assert ("blanked", "GET") in built
    assert engine.respond(incoming("/orderz/a1b2c3d4e5")).response.body == b"order"  # tier 70


def test_query_and_headers_are_filled_when_first_looked_at(tmp_path: Path) -> None:
    engine = Engine.from_files(shop(tmp_path))
    paged = next(c for c in engine.index.examples if c.example.name == "Paged")
    assert paged._query is not None  # a `{{variable}}` in the query: filled (checked) at load
    order = next(c for c in engine.index.examples if c.example.name == "Order")
    assert order._query is None and order._body is None
    assert engine.respond(incoming("/orders/a1b2c3d4e5?page=2")).response.body == b"paged"
    assert paged.query_wildcards == frozenset({"page"})


@pytest.mark.parametrize("where", ["header", "query"])
def test_a_saved_text_that_expands_too_far_is_still_refused_at_load(
    tmp_path: Path, where: str
) -> None:
    url, headers = "https://x.test/r", None
    if where == "query":
        url += "?q={{big}}{{big}}"
    else:
        headers = {"X-Big": "{{big}}{{big}}"}
    doc = builders.collection(
        builders.request(
            "R", "https://x.test/r", builders.example("E", url, request_headers=headers)
        ),
        variables={"big": "x" * 3000},
    )
    path = builders.write(tmp_path / "big.json", doc)
    with pytest.raises(CollectionError, match=r"R / E: .*expands to more than 4,096 bytes"):
        MockServer(path, max_variable_size=4096)


def test_lazy_values_computed_by_many_threads_at_once_give_one_answer(tmp_path: Path) -> None:
    engine = Engine.from_files(shop(tmp_path))
    paths = ["/orders/a1b2c3d4e5?page=3", "/orders/zz99yy88xx", "/items/7", "/orderz/a1b2c3d4e5"]
    expected = [engine.respond(incoming(p)).response.body for p in paths]
    fresh = Engine.from_files(shop(tmp_path))
    start = threading.Barrier(8)
    seen: list[list[bytes]] = []

    def ask() -> None:
        start.wait(timeout=10)
        seen.append([fresh.respond(incoming(p)).response.body for p in paths])

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert seen == [expected] * 8


def test_an_example_written_as_its_request_shares_what_was_read(tmp_path: Path) -> None:
    doc = builders.collection(
        builders.request(
            "R",
            "https://x.test/r",
            builders.example("Same", "https://x.test/r"),
            builders.example("Other", "https://x.test/r", request_headers={"A": "1"}),
        )
    )
    doc["item"][0]["request"]["header"] = []
    [item] = load_collection(builders.write(tmp_path / "c.json", doc)).items
    same, other = item.examples
    assert same.request is item.request
    assert other.request is not item.request and other.request.url is item.request.url
    assert other.request.headers == (("A", "1"),)


def test_parts_equal_but_for_true_and_1_are_read_apart(tmp_path: Path) -> None:
    """`==` takes `true` for `1`; a header disabled with `true` is dropped, with `1` kept."""
    header = {"key": "X-Flag", "value": "on"}
    doc = builders.collection(builders.request("R", "https://x.test/r"))
    written = doc["item"][0]
    written["request"]["header"] = [{**header, "disabled": True}]
    written["response"] = [
        {
            "name": "E",
            "code": 200,
            "body": "",
            "originalRequest": {
                "method": "GET",
                "url": "https://x.test/r",
                "header": [{**header, "disabled": 1}],
            },
        }
    ]
    [item] = load_collection(builders.write(tmp_path / "c.json", doc)).items
    assert item.request.headers == ()
    assert item.examples[0].request.headers == (("X-Flag", "on"),)


def test_yaml_lists_shared_by_aliases_are_read_wherever_they_are(tmp_path: Path) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_text(
        "info: {name: Aliases}\n"
        "item:\n"
        "  - name: A\n"
        "    item: &both\n"
        "      - {name: R, request: {url: 'https://x.test/r'}, response: [{name: E, body: ok}]}\n"
        "  - name: B\n"
        "    item: *both\n"
    )
    collection = load_collection(path)
    assert [(i.folders, i.name) for i in collection.items] == [(("A",), "R"), (("B",), "R")]


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("ok \\ud83d\\ude00", "ok \U0001f600"),
        ("not an escape: \\\\ud800", "not an escape: \\ud800"),
    ],
    ids=["surrogate-pair", "escaped-backslash"],
)
def test_text_that_only_looks_like_a_lone_surrogate_loads(
    tmp_path: Path, written: str, name: str
) -> None:
    text = json.dumps(builders.collection(builders.request("R", "https://x.test/r")))
    path = tmp_path / "c.json"
    path.write_text(text.replace('"name": "R"', f'"name": "{written}"'))
    assert load_collection(path).items[0].name == name


def test_a_load_leaves_its_objects_in_the_oldest_generation_and_thaws_nothing_else(
    tmp_path: Path,
) -> None:
    gc.unfreeze()
    collection_path = shop(tmp_path)
    engine = Engine.from_files(collection_path)
    assert gc.get_freeze_count() == 0
    assert any(o is engine.index for o in gc.get_objects(generation=2))
    assert not any(o is engine.index for o in gc.get_objects(generation=0))
    with MockServer(collection_path) as server:
        assert requests.get(server.url_for("/items/7"), timeout=5).text == "seven"
    kept: list[list[int]] = [[n] for n in range(3)]  # lists: objects the collector tracks
    gc.freeze()
    try:
        assert not any(o is kept[0] for o in gc.get_objects())  # frozen: out of its sight
        with loading():
            Engine.from_files(collection_path)
        # someone else's frozen objects stay frozen (counting them would not do: frozen
        # objects that die meanwhile, such as a finished thread's, leave the count)
        assert not any(o is kept[0] for o in gc.get_objects())
    finally:
        gc.unfreeze()
    assert any(o is kept[0] for o in gc.get_objects())
