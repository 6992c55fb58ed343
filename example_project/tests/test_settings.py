"""Postman mock settings per test, through the marker."""

import pytest
import requests


@pytest.mark.postman_mock(delay="3g")
def test_a_slow_network(client, postman_mock):
    client.list_books()

    assert postman_mock.calls.last.duration_ms >= 100


@pytest.mark.postman_mock(match_body=True)
def test_body_matching_picks_the_example_by_its_saved_body(client, postman_mock):
    from bookshop import OutOfStock

    with pytest.raises(OutOfStock):
        client.place_order("b3", quantity=1)  # exactly the "Out of stock" example's body
    postman_mock.assert_called_once("POST", "/v1/orders", json={"bookId": "b3", "quantity": 1})


@pytest.mark.postman_mock(api_key="bookshop-key")
def test_a_private_mock_wants_the_api_key(postman_mock):
    from bookshop import BookshopClient

    assert BookshopClient(postman_mock.url_for("/v1"), api_key="bookshop-key").list_books()
    anonymous = requests.get(postman_mock.url_for("/v1/books"), timeout=5)
    assert anonymous.status_code == 401
