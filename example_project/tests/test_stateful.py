"""A stateful mock: an order placed through the API shows up in the order list.

The collection has no "list orders" example, so two handlers add the behaviour: the
POST handler answers with the example the collection chose (rendered for this call)
and remembers the order; the GET handler lists what was remembered. The state ends
with the test, so every test starts with no orders.
"""


def test_a_placed_order_is_in_the_list(client, postman_mock):
    state = postman_mock.state

    @postman_mock.handler("POST", "/v1/orders")
    def place(request):
        placed = request.example  # "Order placed", or "Out of stock" for a sold-out book
        if placed.status_code == 201:
            with state.lock:  # handlers run in the server's threads: lock compound updates
                state.setdefault("orders", []).append(placed.json_body())
        return placed

    @postman_mock.handler("GET", "/v1/orders")
    def list_orders(request):
        with state.lock:
            return {"json": {"orders": list(state.get("orders", []))}}

    assert client.list_orders() == []
    order = client.place_order("b1", quantity=2)

    assert client.list_orders() == [order]
    assert postman_mock.calls.filter("POST", "/v1/orders")[0].example == "Order placed"


def test_every_test_starts_with_no_orders(client, postman_mock):
    assert "orders" not in postman_mock.state

    postman_mock.handler("GET", "/v1/orders")(lambda request: {"json": {"orders": []}})
    assert client.list_orders() == []
