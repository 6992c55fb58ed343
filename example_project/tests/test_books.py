"""Books: listing, filtering, fetching and reviewing, against the collection's examples."""

import re
import uuid

import pytest
from bookshop import Book, BookNotFound


def test_lists_every_book(client, postman_mock):
    books = client.list_books()

    assert [b.title for b in books] == [
        "A Wizard of Earthsea",
        "The Left Hand of Darkness",
        "Kindred",
    ]
    assert postman_mock.calls.last.example == "All books"


def test_filters_by_author_with_a_query_parameter(client, postman_mock):
    books = client.list_books(author="Octavia E. Butler")

    assert books == [Book("b3", "Kindred", "Octavia E. Butler", 10.0)]
    assert postman_mock.calls.last.query == (("author", "Octavia E. Butler"),)


def test_fetches_a_book_by_id(client):
    # The example's body says "id": "{{bookId}}": the mock echoes the id from the path.
    assert client.get_book("b42").id == "b42"


def test_a_missing_book_raises(client, postman_mock):
    with pytest.raises(BookNotFound):
        client.get_book("unknown-book")
    assert postman_mock.calls.last.status == 404


def test_a_review_gets_a_fresh_id_and_echoes_the_rating(client, postman_mock):
    review = client.add_review("b1", rating=4, text="Still great.")

    assert uuid.UUID(review.id).version == 4
    assert review.rating == 4  # {{$body 'rating'}}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", review.created_at)
    assert postman_mock.calls.last.json() == {"rating": 4, "text": "Still great."}
