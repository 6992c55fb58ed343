"""Orders: placing (and running out of stock) and fetching."""

import pytest
from bookshop import OutOfStock


def test_places_an_order(client, postman_mock):
    order = client.place_order("b1", quantity=2)

    assert (order.book_id, order.quantity, order.status) == ("b1", 2, "pending")
    assert postman_mock.calls.last.example == "Order placed"
    postman_mock.assert_called_once("POST", "/v1/orders", json={"bookId": "b1", "quantity": 2})
    postman_mock.assert_called("POST", "/v1/orders", jsonpath={"$.quantity": 2})
    postman_mock.assert_not_called("GET", "/v1/orders/:orderId")


def test_an_order_for_a_sold_out_book_is_refused(client, postman_mock):
    # Both examples share POST /orders; the request body equal to the "Out of stock"
    # example's saved body earns it Postman's +5 body bonus, so it wins.
    with pytest.raises(OutOfStock, match="Kindred is out of stock"):
        client.place_order("b3")
    assert postman_mock.calls.last.example == "Out of stock"


def test_fetches_an_order(client):
    order = client.get_order("o-2002")

    assert (order.id, order.status) == ("o-2002", "shipped")
