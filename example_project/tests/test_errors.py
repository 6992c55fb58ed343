"""Error paths the collection has no example for, made with overrides and outages."""

import pytest
from bookshop import BookNotFound, BookshopError


def test_a_server_error_surfaces_as_a_bookshop_error(client, postman_mock):
    postman_mock.override("GET", "/v1/books/:bookId", status=503, json={"error": "down"})

    with pytest.raises(BookshopError, match="server error 503"):
        client.get_book("b1")


def test_serve_another_saved_example_for_one_request(client, postman_mock):
    # Every id now answers with the collection's own "Book not found" example.
    postman_mock.override("Get book", example="Book not found")

    with pytest.raises(BookNotFound):
        client.get_book("b1")


def test_an_override_for_a_limited_number_of_calls(client, postman_mock):
    postman_mock.override("GET", "/v1/orders/:orderId", status=500, times=1)

    with pytest.raises(BookshopError):
        client.get_order("o-1")
    assert client.get_order("o-1").status == "shipped"  # back to the collection


@pytest.mark.postman_mock(outage=503)
def test_the_whole_api_down(client):
    with pytest.raises(BookshopError, match="server error 503"):
        client.list_books()
