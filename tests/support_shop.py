"""The shop collection and the pytest run over it that the viewer and browser tests share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import builders

HOSTILE = '</script><script>alert(1)</script><!--<script><img src=x onerror="alert(2)">'
"""A request body that would run script if the page ever treated data as markup."""


def write_shop(folder: Path, *extra: dict[str, Any]) -> Path:
    """Two folders, a top-level request, eight examples; three of them rarely served."""
    url = "{{baseUrl}}"
    doc = builders.collection(
        builders.folder(
            "Catalog",
            builders.request(
                "List items",
                f"{url}/items",
                builders.json_example(
                    "All items", f"{url}/items", [{"sku": "A1", "name": "Kettle"}]
                ),
            ),
            builders.request(
                "Get item",
                f"{url}/items/:sku",
                builders.json_example("Item", f"{url}/items/:sku", {"sku": "{{sku}}"}),
                builders.json_example(
                    "Out of stock", f"{url}/items/:sku", {"error": "gone"}, code=410
                ),
            ),
        ),
        builders.folder(
            "Orders",
            builders.request(
                "Create order",
                f"{url}/orders",
                builders.json_example(
                    "Order placed", f"{url}/orders", {"id": 1001}, method="POST", code=201
                ),
                builders.json_example(
                    "Payment declined", f"{url}/orders", {"error": "no"}, method="POST", code=402
                ),
                method="POST",
            ),
            builders.request(
                "Get order",
                f"{url}/orders/:id",
                builders.json_example("Order", f"{url}/orders/:id", {"id": "{{id}}"}),
            ),
        ),
        builders.request(
            "Health", f"{url}/health", builders.example("Healthy", f"{url}/health", body="ok")
        ),
        *extra,
        name="Shop API",
        variables={"baseUrl": "https://shop.example.com"},
    )
    return builders.write(folder / "shop.postman_collection.json", doc)


SHOP_TESTS = f"""
import requests

def test_catalog(postman_mock):
    assert requests.get(postman_mock.url_for("/items")).status_code == 200
    assert requests.get(postman_mock.url_for("/items/A1")).json() == {{"sku": "A1"}}

def test_order(postman_mock):
    placed = requests.post(postman_mock.url_for("/orders"), json={{"sku": "A1", "quantity": 2}})
    assert placed.status_code == 201
    assert requests.get(postman_mock.url_for("/orders/1001")).json() == {{"id": "1001"}}

def test_hostile_body(postman_mock):
    assert requests.post(postman_mock.url_for("/orders"), data={HOSTILE!r}).status_code == 201

def test_refund(postman_mock):
    assert requests.post(postman_mock.url_for("/orders/1001/refund")).status_code == 404
"""
"""Six calls: five matched (one with HOSTILE as its body), one unmatched."""
